package format

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"testing"
)

// Test models, built directly as Model structs. Every shape below was
// worked out by hand from the op's shape rule; ValidateModel re-derives
// each one, so a wrong number here fails TestTestModelsValid.

// graph accumulates a Model.
type graph struct {
	m   *Model
	rng *rand.Rand
}

func newGraph(seed uint64) *graph {
	return &graph{m: &Model{Version: Version}, rng: rand.New(rand.NewPCG(seed, seed))}
}

func (g *graph) tensor(name string, dt DType, q *Quant, data []byte, shape ...int) int {
	g.m.Tensors = append(g.m.Tensors, Tensor{Name: name, Shape: shape, DType: dt, Quant: q, Data: data})
	return len(g.m.Tensors) - 1
}

func (g *graph) f32(name string, shape ...int) int {
	return g.tensor(name, Float32, nil, nil, shape...)
}

func (g *graph) i8(name string, q *Quant, shape ...int) int {
	return g.tensor(name, Int8, q, nil, shape...)
}

// op appends an operator; the last tensor is its output.
func (g *graph) op(code OpCode, name string, opts any, tensors ...int) int {
	g.m.Operators = append(g.m.Operators, Operator{
		Op: code, Name: name, Options: opts,
		Inputs: tensors[:len(tensors)-1], Outputs: tensors[len(tensors)-1:],
	})
	return len(g.m.Operators) - 1
}

func perTensor(scale float32, zp int32) *Quant {
	return &Quant{Scale: []float32{scale}, ZeroPoint: []int32{zp}, Axis: -1}
}

// perChannel is symmetric per-channel quantization along axis.
func (g *graph) perChannel(axis, n int) *Quant {
	q := &Quant{Scale: make([]float32, n), ZeroPoint: make([]int32, n), Axis: axis}
	for i := range q.Scale {
		q.Scale[i] = 0.001 + g.rng.Float32()*0.01
	}
	return q
}

// int8s returns n random weights in [-127, 127].
func (g *graph) int8s(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(int8(g.rng.IntN(255) - 127))
	}
	return b
}

func (g *graph) int32s(n int) []byte {
	b := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(int32(g.rng.IntN(20001)-10000)))
	}
	return b
}

func (g *graph) float32s(n int) []byte {
	b := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(g.rng.Float32()*2-1))
	}
	return b
}

func (g *graph) float16s(n int) []byte {
	b := make([]byte, 2*n)
	for i := range n {
		binary.LittleEndian.PutUint16(b[2*i:], 0x3c00+uint16(g.rng.IntN(0x400))) // [1, 2)
	}
	return b
}

// int8Model is a quantized classifier: uint8 image -> QUANTIZE -> conv
// (per-channel) -> depthwise conv -> max pool -> average pool -> ADD,
// MUL, SUB -> MEAN and REDUCE_MAX -> RESHAPEs -> CONCATENATION -> fully
// connected -> SOFTMAX -> DEQUANTIZE, plus an int8 -> float32 SOFTMAX
// output. It carries every metadata field.
func int8Model() *Model {
	g := newGraph(1)
	qAct := perTensor(0.05, -3)
	image := g.tensor("image", Uint8, perTensor(1.0/255, 0), nil, 1, 8, 8, 3)
	x := g.i8("x", perTensor(1.0/128, 0), 1, 8, 8, 3)
	g.op(OpQuantize, "quantize", nil, image, x)

	w1 := g.tensor("conv1.weight", Int8, g.perChannel(0, 8), g.int8s(8*3*3*3), 8, 3, 3, 3)
	b1 := g.tensor("conv1.bias", Int32, nil, g.int32s(8), 8)
	c1 := g.i8("conv1", perTensor(0.02, -128), 1, 8, 8, 8) // (8+1+1-3)/1+1 = 8
	g.op(OpConv2D, "conv1", &Conv2DOptions{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Groups: 1, Act: Activation{Kind: ActRelu6}}, x, w1, b1, c1)

	w2 := g.tensor("dw.weight", Int8, perTensor(0.01, 0), g.int8s(8*3*3*1), 8, 3, 3, 1)
	dw := g.i8("dw", qAct, 1, 4, 4, 8) // (8+0+1-3)/2+1 = 4
	g.op(OpConv2D, "dw", &Conv2DOptions{StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1,
		PadBottom: 1, PadRight: 1, Groups: 8, Act: Activation{Kind: ActClamp, Min: -1, Max: 3}}, c1, w2, -1, dw)

	mp := g.i8("maxpool", qAct, 1, 3, 3, 8) // (4-2)/1+1 = 3
	g.op(OpMaxPool2D, "maxpool", &Pool2DOptions{KernelH: 2, KernelW: 2, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}, dw, mp)
	ap := g.i8("avgpool", qAct, 1, 3, 3, 8) // (3+1+1-3)/1+1 = 3
	g.op(OpAveragePool2D, "avgpool", &Pool2DOptions{KernelH: 3, KernelW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, CountIncludePad: true, Act: Activation{Kind: ActRelu}}, mp, ap)

	k := g.tensor("addend", Int8, perTensor(0.02, 5), g.int8s(8), 8)
	add := g.i8("add", perTensor(0.06, 0), 1, 3, 3, 8)
	g.op(OpAdd, "add", &ElementwiseOptions{}, ap, k, add)
	mul := g.i8("mul", perTensor(0.1, 2), 1, 3, 3, 8)
	g.op(OpMul, "mul", &ElementwiseOptions{Act: Activation{Kind: ActRelu}}, add, ap, mul)
	sub := g.i8("sub", qAct, 1, 3, 3, 8)
	g.op(OpSub, "sub", &ElementwiseOptions{Act: Activation{Kind: ActReluN1To1}}, mul, add, sub)

	mean := g.i8("mean", qAct, 1, 1, 1, 8)
	g.op(OpMean, "mean", &ReduceOptions{Axes: []int{1, 2}, KeepDims: true}, sub, mean)
	rmax := g.i8("reducemax", qAct, 1, 3, 3)
	g.op(OpReduceMax, "reducemax", &ReduceOptions{Axes: []int{-1}}, sub, rmax)
	flatMax := g.i8("flatmax", qAct, 1, 9)
	g.op(OpReshape, "flatmax", nil, rmax, flatMax)
	flatMean := g.i8("flatmean", qAct, 1, 8)
	g.op(OpReshape, "flatmean", nil, mean, flatMean)
	cat := g.i8("concat", qAct, 1, 17)
	g.op(OpConcatenation, "concat", &ConcatOptions{Axis: 1}, flatMean, flatMax, cat)

	wf := g.tensor("fc.weight", Int8, g.perChannel(0, 5), g.int8s(5*17), 5, 17)
	bf := g.tensor("fc.bias", Int32, &Quant{Scale: []float32{1e-4}, ZeroPoint: []int32{0}, Axis: -1}, g.int32s(5), 5)
	fc := g.i8("fc", perTensor(0.1, 4), 1, 5)
	g.op(OpFullyConnected, "fc", &FullyConnectedOptions{}, cat, wf, bf, fc)
	prob := g.i8("prob", perTensor(1.0/256, -128), 1, 5)
	g.op(OpSoftmax, "softmax", &SoftmaxOptions{Beta: 1, Axis: -1}, fc, prob)
	out := g.f32("probabilities", 1, 5)
	g.op(OpDequantize, "dequantize", nil, prob, out)
	probF := g.f32("probabilities_direct", 1, 5)
	g.op(OpSoftmax, "softmax_f", &SoftmaxOptions{Beta: 0.5, Axis: 1}, fc, probF)

	g.m.Inputs, g.m.Outputs = []int{image}, []int{out, probF}
	g.m.Metadata = Metadata{
		Description: "int8 test classifier",
		Labels:      []string{"cat", "dog", "", "bird", "fish ünïcode"},
		Preprocessing: &Preprocessing{ColorOrder: BGR, Scale: 1.0 / 255, Offset: -0.5,
			Mean: []float32{0.485, 0.456, 0.406}, Std: []float32{0.229, 0.224, 0.225},
			Fit: FitLetterbox, Interpolation: ResizeNearest, Width: 8, Height: 8, Channels: 3},
		IOLayouts: map[int]Layout{image: NCHW, out: NHWC},
		Producer: &Producer{Name: "edgeinfer-test", Version: "0.0.1", SourceModel: "test.onnx",
			SourceModelSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			Calibration:       &Calibration{Method: "percentile", Samples: 64, Source: "calib/", Percentile: 99.99, Seed: -42}},
		QuantReport: &QuantReport{Tensors: []TensorReport{{"conv1", 31.5}, {"fc", 24.25}},
			OutputSQNRdB: 22.5, Top1Agreement: 0.96875, Samples: 32},
		Extra: map[string]string{"license": "MIT", "z": "", "": "empty key"},
	}
	return g.m
}

// floatModel is a float32 graph over the layout and activation ops: PAD,
// TRANSPOSE, SLICE with steps, RESIZE, the pointwise activations, PRELU,
// LRN, a float16 constant through DEQUANTIZE, broadcasting ADD,
// LOG_SOFTMAX, a dilated conv, a fully connected over rows, MEAN to a
// scalar, SOFTMAX, and QUANTIZE (float32 -> int8 -> int8).
func floatModel() *Model {
	g := newGraph(2)
	in := g.f32("in", 1, 4, 4, 2)
	pad := g.f32("pad", 1, 6, 6, 2)
	g.op(OpPad, "pad", &PadOptions{Paddings: []int{0, 0, 1, 1, 1, 1, 0, 0}, Value: 0.5}, in, pad)
	nchw := g.f32("nchw", 1, 2, 6, 6)
	g.op(OpTranspose, "to_nchw", &TransposeOptions{Perm: []int{0, 3, 1, 2}}, pad, nchw)
	sl := g.f32("slice", 1, 2, 2, 3) // rows 1, 3; columns 0, 2, 4
	g.op(OpSlice, "slice", &SliceOptions{Begin: []int{0, 0, 1, 0}, Size: []int{1, 2, 2, 3}, Step: []int{1, 1, 2, 2}}, nchw, sl)
	nhwc := g.f32("nhwc", 1, 2, 3, 2)
	g.op(OpTranspose, "to_nhwc", &TransposeOptions{Perm: []int{0, 2, 3, 1}}, sl, nhwc)
	rs := g.f32("resize", 1, 4, 6, 2)
	g.op(OpResize, "resize", &ResizeOptions{Mode: ResizeBilinear, Coordinate: CoordAlignCorners}, nhwc, rs)
	cl := g.f32("clamp", 1, 4, 6, 2)
	g.op(OpClamp, "relu", &ClampOptions{Min: 0, Max: float32(math.Inf(1))}, rs, cl)
	lr := g.f32("leaky", 1, 4, 6, 2)
	g.op(OpLeakyRelu, "leaky", &LeakyReluOptions{Alpha: 0.1}, cl, lr)
	slope := g.tensor("slope", Float32, nil, g.float32s(2), 2)
	pr := g.f32("prelu", 1, 4, 6, 2)
	g.op(OpPRelu, "prelu", nil, lr, slope, pr)
	hs := g.f32("hswish", 1, 4, 6, 2)
	g.op(OpHardSwish, "hswish", nil, pr, hs)
	hsig := g.f32("hsigmoid", 1, 4, 6, 2)
	g.op(OpHardSigmoid, "hsigmoid", &HardSigmoidOptions{Alpha: 0.2, Beta: 0.5}, hs, hsig)
	lg := g.f32("logistic", 1, 4, 6, 2)
	g.op(OpLogistic, "logistic", nil, hsig, lg)
	th := g.f32("tanh", 1, 4, 6, 2)
	g.op(OpTanh, "tanh", nil, lg, th)
	lrn := g.f32("lrn", 1, 4, 6, 2)
	g.op(OpLRN, "lrn", &LRNOptions{Size: 3, Alpha: 1e-4, Beta: 0.75, Bias: 1}, th, lrn)
	half := g.tensor("bias16", Float16, nil, g.float16s(2), 2)
	bias := g.f32("bias32", 2)
	g.op(OpDequantize, "bias_to_f32", nil, half, bias)
	add := g.f32("add", 1, 4, 6, 2)
	g.op(OpAdd, "add", &ElementwiseOptions{Act: Activation{Kind: ActClamp, Min: -2, Max: 2}}, lrn, bias, add)
	ls := g.f32("logsoftmax", 1, 4, 6, 2)
	g.op(OpLogSoftmax, "logsoftmax", &SoftmaxOptions{Beta: 1, Axis: 3}, add, ls)
	w := g.tensor("conv.weight", Float32, nil, g.float32s(3*2*2*2), 3, 2, 2, 2)
	b := g.tensor("conv.bias", Float32, nil, g.float32s(3), 3)
	conv := g.f32("conv", 1, 4, 6, 3) // span 3: (4+2-3)+1 = 4, (6+2-3)+1 = 6
	g.op(OpConv2D, "conv", &Conv2DOptions{StrideH: 1, StrideW: 1, DilationH: 2, DilationW: 2,
		PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Groups: 1, Act: Activation{Kind: ActRelu}}, ls, w, b, conv)
	wf := g.tensor("fc.weight", Float32, nil, g.float32s(4*3), 4, 3)
	fc := g.f32("fc", 24, 4) // 72 elements in rows of 3
	g.op(OpFullyConnected, "fc", &FullyConnectedOptions{Act: Activation{Kind: ActRelu6}}, conv, wf, -1, fc)
	mean := g.f32("mean")
	g.op(OpMean, "mean", &ReduceOptions{Axes: []int{0, 1}}, fc, mean)
	sm := g.f32("softmax", 24, 4)
	g.op(OpSoftmax, "softmax", &SoftmaxOptions{Beta: 0.5, Axis: 1}, fc, sm)
	q := g.i8("q", perTensor(1.0/255, -128), 24, 4)
	g.op(OpQuantize, "quantize", nil, sm, q)
	rq := g.i8("rq", perTensor(1.0/128, -128), 24, 4)
	g.op(OpQuantize, "requantize", nil, q, rq)
	g.m.Inputs, g.m.Outputs = []int{in}, []int{sm, mean, rq}
	return g.m
}

// tinyModel is one CLAMP over an int8 input, plus a constant the op does
// not use: the smallest file, for fuzzing.
func tinyModel() *Model {
	g := newGraph(3)
	x := g.i8("x", perTensor(0.5, 1), 1, 4)
	y := g.i8("y", perTensor(0.25, -2), 1, 4)
	g.op(OpClamp, "clamp", &ClampOptions{Min: -1, Max: 1}, x, y)
	g.tensor("unused", Int8, perTensor(1, 0), []byte{1, 2, 3}, 3)
	g.m.Inputs, g.m.Outputs = []int{x}, []int{y}
	return g.m
}

// sharedModel has constants with equal payloads (one buffer in the file)
// and a zero-padded one that differs, and a constant with no elements.
func sharedModel() *Model {
	g := newGraph(4)
	x := g.f32("x", 2, 3)
	a := g.tensor("a", Float32, nil, g.float32s(3), 3)
	b := g.tensor("b", Float32, nil, append([]byte(nil), g.m.Tensors[a].Data...), 1, 3)
	c := g.tensor("c", Float32, nil, make([]byte, 12), 3)
	g.tensor("empty", Float32, nil, []byte{}, 0, 3)
	y1, y2, y3 := g.f32("y1", 2, 3), g.f32("y2", 2, 3), g.f32("y3", 2, 3)
	g.op(OpAdd, "add_a", &ElementwiseOptions{}, x, a, y1)
	g.op(OpMul, "mul_b", &ElementwiseOptions{}, y1, b, y2)
	g.op(OpSub, "sub_c", &ElementwiseOptions{}, y2, c, y3)
	g.m.Inputs, g.m.Outputs = []int{x}, []int{y3}
	return g.m
}

// testModels are the valid models every round-trip, corruption and fuzz
// test starts from.
func testModels() map[string]func() *Model {
	return map[string]func() *Model{
		"int8":   int8Model,
		"float":  floatModel,
		"tiny":   tinyModel,
		"shared": sharedModel,
	}
}

func mustEncode(t testing.TB, m *Model) []byte {
	t.Helper()
	data, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// resum recomputes the trailer checksum of a (modified) file in place.
func resum(data []byte) {
	if len(data) < trailerSize {
		return
	}
	body := data[:len(data)-trailerSize]
	binary.LittleEndian.PutUint32(data[len(body)+8:], crc32.Checksum(body, castagnoli))
}
