package onnxtest

import "math/rand/v2"

// SmallCNN returns a Fashion-MNIST-shaped classifier as an ONNX model
// (opset 13) with weights drawn from seed: input "image" [batch, 1, 28,
// 28] (batch dynamic), Conv 8x3x3 (bias) - BatchNormalization - Relu -
// MaxPool 2 - Conv 16x3x3 - Clip [0, 6] - MaxPool 2 - Flatten - Gemm to 10
// (transB) - Softmax, output "prob" [batch, 10]. It exercises batch-norm
// folding, activation fusion and the flatten of an NHWC activation into a
// fully connected layer.
func SmallCNN(seed uint64) *Model {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	randn := func(name string, std float64, dims ...int64) Tensor {
		n := int64(1)
		for _, d := range dims {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * std)
		}
		return RawFloats(name, dims, v...)
	}
	uniform := func(name string, lo, hi float64, dims ...int64) Tensor {
		v := make([]float32, dims[0])
		for i := range v {
			v[i] = float32(lo + float64((hi-lo)*r.Float64())) // no FMA: the same model on every GOARCH
		}
		return RawFloats(name, dims, v...)
	}
	kernel3 := []Attr{AttrInts("kernel_shape", 3, 3), AttrInts("pads", 1, 1, 1, 1)}
	pool2 := []Attr{AttrInts("kernel_shape", 2, 2), AttrInts("strides", 2, 2)}
	return &Model{
		IRVersion: 8,
		Opsets:    []Opset{{Version: 13}},
		Producer:  "onnxtest",
		Graph: Graph{
			Name: "small_cnn",
			Nodes: []Node{
				{Op: "Conv", Name: "conv1", In: []string{"image", "w1", "b1"}, Out: []string{"c1"}, Attrs: kernel3},
				{Op: "BatchNormalization", Name: "bn1", In: []string{"c1", "gamma", "beta", "mean", "var"}, Out: []string{"n1"}},
				{Op: "Relu", Name: "relu1", In: []string{"n1"}, Out: []string{"r1"}},
				{Op: "MaxPool", Name: "pool1", In: []string{"r1"}, Out: []string{"p1"}, Attrs: pool2},
				{Op: "Conv", Name: "conv2", In: []string{"p1", "w2"}, Out: []string{"c2"}, Attrs: kernel3},
				{Op: "Clip", Name: "relu6", In: []string{"c2", "zero", "six"}, Out: []string{"r2"}},
				{Op: "MaxPool", Name: "pool2", In: []string{"r2"}, Out: []string{"p2"}, Attrs: pool2},
				{Op: "Flatten", Name: "flatten", In: []string{"p2"}, Out: []string{"f"}},
				{Op: "Gemm", Name: "fc", In: []string{"f", "wfc", "bfc"}, Out: []string{"logits"}, Attrs: []Attr{AttrInt("transB", 1)}},
				{Op: "Softmax", Name: "softmax", In: []string{"logits"}, Out: []string{"prob"}, Attrs: []Attr{AttrInt("axis", 1)}},
			},
			Inits: []Tensor{
				randn("w1", 0.4, 8, 1, 3, 3), randn("b1", 0.1, 8),
				uniform("gamma", 0.5, 1.5, 8), randn("beta", 0.2, 8), randn("mean", 0.2, 8), uniform("var", 0.5, 2, 8),
				randn("w2", 0.15, 16, 8, 3, 3),
				FloatTensor("zero", nil, 0), FloatTensor("six", nil, 6),
				randn("wfc", 0.05, 10, 16*7*7), randn("bfc", 0.1, 10),
			},
			Inputs:  []ValueInfo{VI("image", "batch", 1, 28, 28)},
			Outputs: []ValueInfo{VI("prob", "batch", 10)},
		},
	}
}
