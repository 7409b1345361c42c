package testmodels

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
)

// net adds layers with seeded random weights to a builder. Weights are
// He-uniform (U(-a, a), a = sqrt(6/fanIn)), which keeps activations of
// ReLU networks near unit scale, so the random networks exercise the whole
// int8 range instead of saturating or dying; biases are U(-0.1, 0.1).
type net struct {
	*builder.Builder
	rng *rand.Rand
}

func newNet(seed uint64) *net {
	return &net{Builder: builder.New(), rng: rand.New(rand.NewPCG(seed, 0x7e57))}
}

func (n *net) uniform(count int, a float64) []float32 {
	x := make([]float32, count)
	for i := range x {
		x[i] = float32((2*n.rng.Float64() - 1) * a)
	}
	return x
}

func (n *net) he(shape []int, fanIn int) builder.Weights {
	count := 1
	for _, d := range shape {
		count *= d
	}
	return builder.Weights{Shape: shape, Data: n.uniform(count, math.Sqrt(6/float64(fanIn)))}
}

func (n *net) bias(c int) []float32 { return n.uniform(c, 0.1) }

func (n *net) channels(x builder.Tensor) int {
	s := n.Shape(x)
	return s[len(s)-1]
}

// conv is a k×k convolution with "same" padding for stride 1 ((k-1)/2 on
// every side) and a bias.
func (n *net) conv(name string, x builder.Tensor, outC, k, stride int, act format.Activation) builder.Tensor {
	return n.convGroups(name, x, outC, k, stride, 1, act)
}

func (n *net) convGroups(name string, x builder.Tensor, outC, k, stride, groups int, act format.Activation) builder.Tensor {
	inC := n.channels(x) / groups
	w := n.he([]int{outC, k, k, inC}, k*k*inC)
	return n.Conv2D(name, x, w, n.bias(outC), builder.Conv{
		Stride: [2]int{stride, stride}, Pad: builder.PadSame(k), Groups: groups, Act: act,
	})
}

// dwconv is a depthwise k×k convolution (channel multiplier 1) with "same"
// padding and a bias.
func (n *net) dwconv(name string, x builder.Tensor, k, stride int, act format.Activation) builder.Tensor {
	c := n.channels(x)
	w := n.he([]int{c, k, k, 1}, k*k)
	return n.DepthwiseConv2D(name, x, w, n.bias(c), builder.Conv{
		Stride: [2]int{stride, stride}, Pad: builder.PadSame(k), Act: act,
	})
}

// fc is a fully connected layer over the flattened input.
func (n *net) fc(name string, x builder.Tensor, out int, act format.Activation) builder.Tensor {
	s := n.Shape(x)
	k := s[len(s)-1]
	return n.FullyConnected(name, x, n.he([]int{out, k}, k), n.bias(out), act)
}

// classifier is global average pooling, a fully connected layer to
// classes and a softmax: the head most of the CNN families share.
func (n *net) classifier(x builder.Tensor, classes int) builder.Tensor {
	g := n.GlobalAvgPool("gap", x)
	f := n.Reshape("gap/flatten", g, []int{1, -1})
	logits := n.fc("logits", f, classes, builder.ActNone)
	return n.Softmax("prob", logits, -1)
}

// pool2 is 2×2 pooling with stride 2.
var pool2 = builder.Pool{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}

// pool3s2 is the overlapping 3×3 stride-2 max pooling of AlexNet and
// SqueezeNet.
var pool3s2 = builder.Pool{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}}

// image adds the graph input of an image model, NCHW in the source. For 1
// (gray) and 3 (RGB) channels it records the preprocessing that maps 8-bit
// pixels to [-1, 1], the range the samples are drawn from:
// (pixel/255 - 0.5)/0.5.
func (n *net) image(shape []int) builder.Tensor {
	x := n.Input("image", shape, format.NCHW)
	c := shape[3]
	if c != 1 && c != 3 {
		return x
	}
	p := format.Preprocessing{
		ColorOrder: format.RGB, Scale: 1.0 / 255,
		Mean: slices.Repeat([]float32{0.5}, c), Std: slices.Repeat([]float32{0.5}, c),
		Fit: format.FitCenterCrop, Interpolation: format.ResizeBilinear,
		Height: shape[1], Width: shape[2], Channels: c,
	}
	if c == 1 {
		p.ColorOrder = format.Gray
	}
	n.SetPreprocessing(p)
	return x
}
