package testmodels

import (
	"math"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
)

// opZoo chains the operators and options the CNN families leave out, with
// float32 graph inputs and outputs in its int8 form (QUANTIZE and
// DEQUANTIZE at the boundary), a float island in the middle and two outputs.
var opZoo = &definition{
	name: "op_zoo",
	description: "Op zoo on 4x12x12: asymmetric PAD with a non-zero value, dilated conv, leaky ReLU, nearest and " +
		"bilinear RESIZE, average pool counting padding, PReLU, tanh, SUB and MUL with constants, CLAMP, ReLU, " +
		"ReLU6, TRANSPOSE, strided SLICE, hard sigmoid, a float island (DEQUANTIZE, softmax over channels, " +
		"QUANTIZE), REDUCE_MAX, MEAN without kept dims, CONCAT of differently quantized inputs, fully connected " +
		"without bias, log-softmax; outputs log-probabilities and the tanh feature map",
	seed: 11,
	int8: builder.Int8Options{FloatIO: true},
	build: func(n *net) {
		x := n.image([]int{1, 12, 12, 4})
		y := n.Pad("pad", x, []int{0, 0, 1, 1, 2, 0, 0, 0}, 0.25) // 14x14
		y = n.Conv2D("conv_dilated", y, n.he([]int{8, 3, 3, 4}, 36), n.bias(8),
			builder.Conv{Dilation: [2]int{2, 2}}) // span 5: 10x10x8
		y = n.LeakyRelu("leaky_relu", y, 0.1)
		y = n.Resize("resize_nearest", y, 20, 20, format.ResizeOptions{
			Mode: format.ResizeNearest, Coordinate: format.CoordAsymmetric, Nearest: format.NearestFloor,
		})
		y = n.AvgPool("avgpool_pad", y, builder.Pool{
			Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 1, 1}, CountIncludePad: true,
		}) // 10x10
		y = n.PRelu("prelu", y, n.uniform(8, 0.5))
		y = n.Resize("resize_bilinear", y, 7, 7, format.ResizeOptions{
			Mode: format.ResizeBilinear, Coordinate: format.CoordHalfPixel,
		})
		th := n.Tanh("tanh", y)
		n.SetSourceLayout(th, format.NCHW)
		y = n.Sub("sub", th, n.Constant("offset", []int{8}, n.uniform(8, 0.5)), builder.ActNone)
		y = n.Mul("mul", y, n.Constant("gain", []int{1, 1, 1, 8}, n.uniform(8, 2)), builder.ActNone)
		y = n.Clamp("clamp", y, -0.5, 0.75)
		y = n.Transpose("to_nchw", y, []int{0, 3, 1, 2})                                     // 1x8x7x7
		y = n.Slice("slice", y, []int{0, 0, 1, 0}, []int{-1, -1, -1, -1}, []int{1, 1, 2, 2}) // 1x8x3x4
		y = n.Transpose("to_nhwc", y, []int{0, 2, 3, 1})                                     // 1x3x4x8
		y = n.HardSigmoid("hard_sigmoid", y, 0.2, 0.5)
		// A float island: the softmax over channels runs in float32 in the int8 model.
		f := n.Dequantize("dequantize", y)
		f = n.Softmax("softmax_channels", f, -1)
		y = n.Quantize("quantize", f)
		mx := n.ReduceMax("reduce_max", y, []int{1, 2}, false) // 1x8
		mn := n.Mean("mean", n.Relu6("relu6", y), []int{1, 2}, false)
		mn = n.Relu("relu", n.Sub("center", mn, n.Constant("half", []int{1}, []float32{0.0625}), builder.ActNone))
		y = n.Concat("concat", -1, mx, mn) // 1x16, inputs quantized differently
		w := n.he([]int{10, 16}, 16)
		y = n.FullyConnected("fc_nobias", y, w, nil, builder.ActNone)
		y = n.Mul("temperature", y, n.Constant("inv_temperature", []int{1}, []float32{float32(math.Sqrt(10))}), builder.ActNone)
		n.Output(n.LogSoftmax("log_prob", y, -1))
		n.Output(th)
	},
}
