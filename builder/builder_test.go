package builder

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// ramp returns n values spread over [-scale, scale] in a fixed irregular
// order, so every channel of a weight tensor has a different max.
func ramp(n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = scale * float32(((i*37)%101)-50) / 50
	}
	return x
}

func tensorByName(t *testing.T, m *format.Model, name string) (int, *format.Tensor) {
	t.Helper()
	for i := range m.Tensors {
		if m.Tensors[i].Name == name {
			return i, &m.Tensors[i]
		}
	}
	t.Fatalf("no tensor %q", name)
	return -1, nil
}

func opByName(t *testing.T, m *format.Model, name string) *format.Operator {
	t.Helper()
	for i := range m.Operators {
		if m.Operators[i].Name == name {
			return &m.Operators[i]
		}
	}
	t.Fatalf("no operator %q", name)
	return nil
}

// smallConvNet is conv -> maxpool -> fully connected -> softmax with
// explicit ranges on the values whose quantization is free.
func smallConvNet(t *testing.T) (*Builder, Tensor, Tensor) {
	b := New()
	x := b.Input("image", []int{1, 8, 8, 2}, format.NCHW)
	c := b.Conv2D("conv", x, Weights{Shape: []int{4, 3, 3, 2}, Data: ramp(4*3*3*2, 0.5)}, ramp(4, 0.2),
		Conv{Pad: PadSame(3), Act: ActRelu})
	p := b.MaxPool("pool", c, Pool{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}})
	f := b.FullyConnected("fc", b.Flatten("flatten", p), Weights{Shape: []int{3, 64}, Data: ramp(3*64, 0.1)}, nil, ActNone)
	y := b.Softmax("prob", f, -1)
	b.Output(y)
	b.SetRange(x, -1, 1)
	b.SetRange(c, 0, 3)
	b.SetRange(f, -4, 4)
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	return b, c, y
}

func TestShapesAndFloat32Model(t *testing.T) {
	b, c, y := smallConvNet(t)
	if got := b.Shape(c); !slices.Equal(got, []int{1, 8, 8, 4}) {
		t.Errorf("conv shape %v, want [1 8 8 4] (same padding)", got)
	}
	if got := b.Shape(y); !slices.Equal(got, []int{1, 3}) {
		t.Errorf("prob shape %v, want [1 3]", got)
	}
	m, err := b.Float32Model()
	if err != nil {
		t.Fatal(err)
	}
	var ops []format.OpCode
	for _, op := range m.Operators {
		ops = append(ops, op.Op)
	}
	want := []format.OpCode{format.OpConv2D, format.OpMaxPool2D, format.OpReshape, format.OpFullyConnected, format.OpSoftmax}
	if !slices.Equal(ops, want) {
		t.Errorf("ops %v, want %v", ops, want)
	}
	for _, tn := range m.Tensors {
		if tn.DType != format.Float32 || tn.Quant != nil {
			t.Errorf("tensor %q: %v with quant %v in the float32 model", tn.Name, tn.DType, tn.Quant)
		}
	}
	conv := opByName(t, m, "conv")
	if len(conv.Inputs) != 3 || conv.Inputs[2] < 0 {
		t.Errorf("conv inputs %v, want input, weights, bias", conv.Inputs)
	}
	if fc := opByName(t, m, "fc"); len(fc.Inputs) != 3 || fc.Inputs[2] != -1 {
		t.Errorf("fc inputs %v, want an absent bias (-1)", fc.Inputs)
	}
	if l, ok := m.Metadata.IOLayouts[m.Inputs[0]]; !ok || l != format.NCHW {
		t.Errorf("input layout %v, %v; want NCHW recorded", l, ok)
	}
	_, w := tensorByName(t, m, "conv/weights")
	if got := math.Float32frombits(binary.LittleEndian.Uint32(w.Data[4:])); got != ramp(2, 0.5)[1] {
		t.Errorf("conv weight 1 = %v, want %v", got, ramp(2, 0.5)[1])
	}
}

func TestInt8Rules(t *testing.T) {
	b, _, _ := smallConvNet(t)
	m, err := b.Int8Model(Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, x := tensorByName(t, m, "image")
	_, conv := tensorByName(t, m, "conv")
	_, pool := tensorByName(t, m, "pool")
	_, flat := tensorByName(t, m, "flatten")
	_, prob := tensorByName(t, m, "prob")
	for _, tn := range []*format.Tensor{x, conv, pool, flat, prob} {
		if tn.DType != format.Int8 || tn.Quant == nil || tn.Quant.Axis != -1 || len(tn.Quant.Scale) != 1 {
			t.Fatalf("%q: %v %+v, want per-tensor int8", tn.Name, tn.DType, tn.Quant)
		}
	}
	// Input over [-1, 1]: scale 2/255, zero point -128 - (-1)/(2/255) = -0.5,
	// rounded half away from zero to -1.
	if s, zp := x.Quant.Scale[0], x.Quant.ZeroPoint[0]; s != float32(2.0/255) || zp != -1 {
		t.Errorf("input quant (%v, %d), want (%v, -1)", s, zp, float32(2.0/255))
	}
	// Conv over [0, 3]: scale 3/255, zero point -128.
	if s, zp := conv.Quant.Scale[0], conv.Quant.ZeroPoint[0]; s != float32(3.0/255) || zp != -128 {
		t.Errorf("conv quant (%v, %d), want (%v, -128)", s, zp, float32(3.0/255))
	}
	for _, tn := range []*format.Tensor{pool, flat} {
		if tn.Quant.Scale[0] != conv.Quant.Scale[0] || tn.Quant.ZeroPoint[0] != conv.Quant.ZeroPoint[0] {
			t.Errorf("%q quant %+v does not share its input's %+v", tn.Name, tn.Quant, conv.Quant)
		}
	}
	if s, zp := prob.Quant.Scale[0], prob.Quant.ZeroPoint[0]; s != 1.0/256 || zp != -128 {
		t.Errorf("softmax quant (%v, %d), want (1/256, -128)", s, zp)
	}

	// Weights: symmetric per output channel, scale maxabs/127, |q| <= 127,
	// and every weight within half a step of its float value.
	wf := ramp(4*3*3*2, 0.5)
	_, w := tensorByName(t, m, "conv/weights")
	if w.DType != format.Int8 || w.Quant.Axis != 0 || len(w.Quant.Scale) != 4 {
		t.Fatalf("conv weights %v %+v, want int8 per-channel on axis 0", w.DType, w.Quant)
	}
	per := len(wf) / 4
	for c := range 4 {
		var maxAbs float64
		for _, v := range wf[c*per : (c+1)*per] {
			maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
		}
		s := w.Quant.Scale[c]
		if math.Abs(float64(s)-maxAbs/127) > 1e-7 {
			t.Errorf("channel %d scale %v, want maxabs/127 = %v", c, s, maxAbs/127)
		}
		for i := c * per; i < (c+1)*per; i++ {
			q := int8(w.Data[i])
			if q < -127 || math.Abs(float64(q)*float64(s)-float64(wf[i])) > float64(s)/2+1e-7 {
				t.Errorf("weight %d: q %d (scale %v) for %v", i, q, s, wf[i])
			}
		}
	}
	// Bias: int32 at inScale*wScale[c], round(b / that).
	_, bias := tensorByName(t, m, "conv/bias")
	bf := ramp(4, 0.2)
	for c := range 4 {
		want := math.Round(float64(bf[c]) / (float64(x.Quant.Scale[0]) * float64(w.Quant.Scale[c])))
		got := int32(binary.LittleEndian.Uint32(bias.Data[4*c:]))
		if bias.DType != format.Int32 || float64(got) != want {
			t.Errorf("bias %d = %d (%v), want %v", c, got, bias.DType, want)
		}
	}
	// Integer I/O: no QUANTIZE/DEQUANTIZE ops.
	for _, op := range m.Operators {
		if op.Op == format.OpQuantize || op.Op == format.OpDequantize {
			t.Errorf("unexpected %s %q without FloatIO", op.Op, op.Name)
		}
	}
}

func TestInt8FixedOutputs(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 10}, format.NHWC)
	s := b.Sigmoid("sigmoid", x)
	th := b.Tanh("tanh", x)
	ls := b.LogSoftmax("logsoftmax", x, -1)
	b.Output(s)
	b.Output(th)
	b.Output(ls)
	b.SetRange(x, -8, 8)
	m, err := b.Int8Model(Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		scale float32
		zp    int32
	}{{"sigmoid", 1.0 / 256, -128}, {"tanh", 1.0 / 128, 0}, {"logsoftmax", 16.0 / 256, 127}} {
		_, tn := tensorByName(t, m, tc.name)
		if tn.Quant.Scale[0] != tc.scale || tn.Quant.ZeroPoint[0] != tc.zp {
			t.Errorf("%s quant (%v, %d), want (%v, %d)", tc.name, tn.Quant.Scale[0], tn.Quant.ZeroPoint[0], tc.scale, tc.zp)
		}
	}
}

func TestConcatRequantize(t *testing.T) {
	build := func(hiB float32) *format.Model {
		b := New()
		x := b.Input("x", []int{1, 4, 4, 2}, format.NHWC)
		a := b.Relu("a", x)
		c := b.Relu6("c", x)
		y := b.Concat("cat", -1, a, c, x)
		b.Output(y)
		b.SetRange(x, -2, 2)
		b.SetRange(a, -2, 2)
		b.SetRange(c, -2, hiB)
		m, err := b.Int8Model(Int8Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Equal ranges: the inputs already agree, nothing is inserted.
	m := build(2)
	if n := len(m.Operators); n != 3 {
		t.Errorf("agreeing inputs: %d ops, want 3 (relu, relu6, concat)", n)
	}
	// c covers [-2, 6]: the output covers the union [-2, 6], and a and x
	// (covering [-2, 2]) are requantized to it.
	m = build(6)
	_, out := tensorByName(t, m, "cat")
	_, c := tensorByName(t, m, "c")
	// c is the widest input and represents the union of the ranges: the
	// output takes its exact parameters.
	if out.Quant.Scale[0] != c.Quant.Scale[0] || out.Quant.ZeroPoint[0] != c.Quant.ZeroPoint[0] {
		t.Errorf("concat quant %+v, want c's %+v", out.Quant, c.Quant)
	}
	cat := opByName(t, m, "cat")
	var requant []string
	for k, in := range cat.Inputs {
		tn := &m.Tensors[in]
		if tn.Quant.Scale[0] != out.Quant.Scale[0] || tn.Quant.ZeroPoint[0] != out.Quant.ZeroPoint[0] {
			t.Errorf("concat input %d %q quant %+v differs from the output's %+v", k, tn.Name, tn.Quant, out.Quant)
		}
		if strings.Contains(tn.Name, "requantize") {
			requant = append(requant, tn.Name)
		}
	}
	if !slices.Equal(requant, []string{"cat/requantize0", "cat/requantize2"}) {
		t.Errorf("requantized inputs %v, want cat/requantize0 and cat/requantize2", requant)
	}
	if op := opByName(t, m, "cat/requantize0"); op.Op != format.OpQuantize {
		t.Errorf("cat/requantize0 is %s, want QUANTIZE", op.Op)
	}
}

func TestFloatIOAndIslands(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 4, 4, 3}, format.NHWC)
	d := b.Dequantize("to_float", x)
	l := b.LRN("lrn", d, format.LRNOptions{Size: 3, Alpha: 1e-4, Beta: 0.75, Bias: 1})
	q := b.Quantize("to_int8", l)
	y := b.Add("add", q, b.Constant("k", []int{3}, []float32{0.5, -0.25, 1}), ActNone)
	b.Output(y)
	b.SetRange(x, -1, 1)
	b.SetRange(l, -1, 1)
	b.SetRange(y, -2, 2)

	fm, err := b.Float32Model()
	if err != nil {
		t.Fatal(err)
	}
	if got := opCodes(fm); !slices.Equal(got, []format.OpCode{format.OpLRN, format.OpAdd}) {
		t.Errorf("float32 ops %v: Quantize and Dequantize must vanish", got)
	}
	qm, err := b.Int8Model(Int8Options{FloatIO: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []format.OpCode{format.OpQuantize, format.OpDequantize, format.OpLRN, format.OpQuantize, format.OpAdd, format.OpDequantize}
	if got := opCodes(qm); !slices.Equal(got, want) {
		t.Errorf("int8 ops %v, want %v", got, want)
	}
	dtypes := map[string]format.DType{
		"x": format.Float32, "x/int8": format.Int8, "to_float": format.Float32, "lrn": format.Float32,
		"to_int8": format.Int8, "k": format.Int8, "add/int8": format.Int8, "add": format.Float32,
	}
	for name, dt := range dtypes {
		if _, tn := tensorByName(t, qm, name); tn.DType != dt {
			t.Errorf("%q is %v, want %v", name, tn.DType, dt)
		}
	}
	if qm.Tensors[qm.Inputs[0]].Name != "x" || qm.Tensors[qm.Outputs[0]].Name != "add" {
		t.Errorf("graph I/O %q -> %q, want the float32 x -> add", qm.Tensors[qm.Inputs[0]].Name, qm.Tensors[qm.Outputs[0]].Name)
	}
}

func opCodes(m *format.Model) []format.OpCode {
	var ops []format.OpCode
	for _, op := range m.Operators {
		ops = append(ops, op.Op)
	}
	return ops
}

func TestCalibrationModel(t *testing.T) {
	b2 := New()
	x := b2.Input("image", []int{1, 8, 8, 2}, format.NCHW)
	c2 := b2.Conv2D("conv", x, Weights{Shape: []int{4, 3, 3, 2}, Data: ramp(72, 0.5)}, nil, Conv{Pad: PadSame(3), Act: ActRelu})
	s := b2.Sigmoid("sig", c2)
	b2.Output(b2.Add("add", c2, s, ActNone))
	if _, err := b2.Int8Model(Int8Options{}); err == nil || !strings.Contains(err.Error(), `"image" has no range`) {
		t.Errorf("int8 without ranges: %v, want the input named as missing a range", err)
	}
	cm, observed, err := b2.CalibrationModel()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range cm.Outputs {
		names = append(names, cm.Tensors[o].Name)
	}
	if !slices.Equal(names, []string{"conv", "sig", "add"}) || len(observed) != 3 {
		t.Errorf("calibration outputs %v (%d observed), want conv, sig, add", names, len(observed))
	}
	b2.Observe(x, []float32{-1, 0.5})
	b2.Observe(observed[0], []float32{0, 2})
	b2.Observe(observed[0], []float32{float32(math.NaN()), 3, 1}) // widens to 3, NaN ignored
	if _, err := b2.Int8Model(Int8Options{}); err == nil || !strings.Contains(err.Error(), `operator 2 "add" (ADD): output "add" has no range`) {
		t.Errorf("int8 with the add unobserved: %v, want it named", err)
	}
	b2.Observe(observed[2], []float32{-1, 4})
	if lo, hi, ok := b2.Range(observed[0]); !ok || lo != 0 || hi != 3 {
		t.Errorf("observed conv range [%v, %v] %v, want [0, 3]", lo, hi, ok)
	}
	if _, err := b2.Int8Model(Int8Options{}); err != nil {
		t.Errorf("int8 after calibration: %v", err)
	}
}

func TestErrorsNameTheOp(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder, x Tensor)
		want  string
	}{
		{"weights channels", func(b *Builder, x Tensor) {
			b.Conv2D("conv1", x, Weights{Shape: []int{4, 3, 3, 5}, Data: make([]float32, 180)}, nil, Conv{})
		}, `operator 0 "conv1" (CONV_2D): weights shape [4 3 3 5]: 5 input channels per group, want 3`},
		{"weights length", func(b *Builder, x Tensor) {
			b.Conv2D("conv1", x, Weights{Shape: []int{4, 3, 3, 3}, Data: make([]float32, 10)}, nil, Conv{})
		}, `operator 0 "conv1" (CONV_2D): weights: 10 values for shape [4 3 3 3] (108 elements)`},
		{"window too large", func(b *Builder, x Tensor) {
			b.MaxPool("pool", x, Pool{Kernel: [2]int{9, 9}})
		}, `operator 0 "pool" (MAX_POOL_2D): height: window span 9 is larger than the padded input 8`},
		{"duplicate name", func(b *Builder, x Tensor) {
			r := b.Relu("r", x)
			b.Relu("r", r)
		}, `operator 1 "r" (CLAMP): name already used`},
		{"broadcast", func(b *Builder, x Tensor) {
			b.Add("add", x, b.Constant("k", []int{2}, []float32{1, 2}), ActNone)
		}, `operator 0 "add" (ADD): shapes [1 8 8 3] and [2] do not broadcast`},
		{"constant operand", func(b *Builder, x Tensor) {
			b.Concat("cat", 3, x, b.Constant("k", []int{1, 8, 8, 1}, make([]float32, 64)))
		}, `operator 0 "cat" (CONCATENATION): input 1 "k" is a constant`},
		{"foreign handle", func(b *Builder, x Tensor) {
			b.Tanh("tanh", Tensor(99))
		}, `operator 0 "tanh" (TANH): input 0: 99 is not a tensor of this builder`},
		{"first error sticks", func(b *Builder, x Tensor) {
			y := b.Reshape("reshape", x, []int{5, -1})
			b.Relu("relu", y)
		}, `operator 0 "reshape" (RESHAPE): shape [5 -1] cannot hold 192 elements`},
		{"slice", func(b *Builder, x Tensor) {
			b.Slice("slice", x, []int{0, 0, 0, 2}, []int{1, 8, 8, 2}, nil)
		}, `operator 0 "slice" (SLICE): dimension 3 (3): begin 2, size 2, step 1 reads past the end`},
	}
	for _, tc := range tests {
		b := New()
		x := b.Input("x", []int{1, 8, 8, 3}, format.NHWC)
		tc.build(b, x)
		err := b.Err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
		if _, merr := b.Float32Model(); merr != err {
			t.Errorf("%s: Float32Model error %v, want the recorded %v", tc.name, merr, err)
		}
	}
}

func TestLayoutShapes(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 6, 6, 8}, format.NHWC)
	parts := b.Split("split", x, -1, 2)
	r := b.Reshape("r", parts[1], []int{1, 6, 6, 2, 2})
	tr := b.Transpose("t", r, []int{0, 1, 2, 4, 3})
	sh := b.Reshape("shuffle", tr, []int{1, 6, 6, 4})
	p := b.Pad("pad", sh, []int{0, 0, 1, 2, 0, 1, 0, 0}, 0)
	s := b.Slice("stride", p, []int{0, 0, 0, 0}, []int{-1, -1, -1, -1}, []int{1, 2, 3, 1})
	rz := b.Resize("resize", s, 12, 10, format.ResizeOptions{Mode: format.ResizeBilinear})
	rm := b.ReduceMax("rmax", rz, []int{-1}, false)
	want := map[Tensor][]int{
		parts[0]: {1, 6, 6, 4}, r: {1, 6, 6, 2, 2}, tr: {1, 6, 6, 2, 2}, p: {1, 9, 7, 4},
		s:  {1, 5, 3, 4}, // ceil(9/2), ceil(7/3)
		rz: {1, 12, 10, 4}, rm: {1, 12, 10},
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	for tn, w := range want {
		if got := b.Shape(tn); !slices.Equal(got, w) {
			t.Errorf("%s shape %v, want %v", b.Name(tn), got, w)
		}
	}
}

func TestConcatUnionWiderThanEveryInput(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 4}, format.NHWC)
	lo := b.Clamp("lo", x, -4, 1)
	hi := b.Clamp("hi", x, -1, 6)
	b.Output(b.Concat("cat", 1, lo, hi))
	b.SetRange(x, -4, 6)
	b.SetRange(lo, -4, 1)
	b.SetRange(hi, -1, 6)
	m, err := b.Int8Model(Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, out := tensorByName(t, m, "cat")
	_, l := tensorByName(t, m, "lo")
	_, h := tensorByName(t, m, "hi")
	// The union of what lo and hi represent, [(-128-zp)*s, (127-zp)*s] of
	// each, quantized afresh: it starts at lo's bottom and ends at hi's top.
	lLo := float64(-128-l.Quant.ZeroPoint[0]) * float64(l.Quant.Scale[0])
	hHi := float64(127-h.Quant.ZeroPoint[0]) * float64(h.Quant.Scale[0])
	wantScale := float32((hHi - lLo) / 255)
	if s := out.Quant.Scale[0]; math.Abs(float64(s-wantScale)) > 1e-6 {
		t.Errorf("concat scale %v, want (%v - %v)/255 = %v", s, hHi, lLo, wantScale)
	}
	cat := opByName(t, m, "cat")
	for k, in := range cat.Inputs {
		if name := m.Tensors[in].Name; name != fmt.Sprintf("cat/requantize%d", k) {
			t.Errorf("concat input %d is %q, want a requantized copy", k, name)
		}
	}
}

func TestSetQuantization(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 4}, format.NHWC)
	y := b.Relu("relu", x)
	b.Output(y)
	b.SetRange(x, -1, 1)
	b.SetRange(y, 0, 1)
	b.SetQuantization(y, 0.05, -100) // wins over the range
	m, err := b.Int8Model(Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, tn := tensorByName(t, m, "relu")
	if tn.Quant.Scale[0] != 0.05 || tn.Quant.ZeroPoint[0] != -100 {
		t.Errorf("relu quant (%v, %d), want the pinned (0.05, -100)", tn.Quant.Scale[0], tn.Quant.ZeroPoint[0])
	}
	b.SetQuantization(y, 0.05, 128)
	if err := b.Err(); err == nil || !strings.Contains(err.Error(), `set quantization of "relu"`) {
		t.Errorf("zero point 128: %v, want an error naming the tensor", err)
	}
}

// TestDerivedNamesNeverClash: names the builder derives for weights,
// requantized copies and FloatIO tensors step aside for values that took
// them, so every emitted tensor name stays unique and values keep theirs.
func TestDerivedNamesNeverClash(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 4, 4, 2}, format.NHWC)
	c := b.Conv2D("conv", x, Weights{Shape: []int{2, 1, 1, 2}, Data: ramp(4, 1)}, ramp(2, 0.1), Conv{})
	w := b.Relu("conv/weights", c)  // the name conv's weights would take
	q := b.Relu6("x/int8", w)       // the name x's FloatIO int8 tensor would take
	y := b.Concat("y", -1, q, c)    // requantizes q or c
	r := b.Relu("y/requantize0", y) // the name of concat's first requantized input
	b.Output(b.Tanh("out", r))
	for v := range b.values {
		b.SetRange(Tensor(v), -float32(v+1), float32(v+1)) // all different
	}
	b.SetRange(c, -8, 1) // the union [-8, 8] is wider than both: both requantized
	b.SetRange(q, -1, 8)
	m, err := b.Int8Model(Int8Options{FloatIO: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	for _, tn := range m.Tensors {
		if seen[tn.Name] {
			t.Errorf("tensor name %q emitted twice", tn.Name)
		}
		seen[tn.Name] = true
	}
	for _, name := range []string{"conv/weights", "x/int8", "y/requantize0", "conv/weights_1", "x/int8_1", "y/requantize0_1", "y/requantize1", "out", "out/int8"} {
		if !seen[name] {
			t.Errorf("no tensor %q", name)
		}
	}
	if _, tn := tensorByName(t, m, "conv/weights"); tn.Data != nil {
		t.Errorf("the value conv/weights lost its name to the weights")
	}
}
