package builder

import (
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// everyOp builds a graph that uses every Builder op, with a range on every
// value, so both emitted models exercise every operator and option type.
func everyOp(t *testing.T) *Builder {
	b := New()
	x := b.Input("x", []int{1, 8, 8, 4}, format.NCHW)
	c := b.Conv2D("conv", x, Weights{Shape: []int{8, 3, 3, 4}, Data: ramp(8*9*4, 0.3)}, ramp(8, 0.1),
		Conv{Pad: PadSame(3), Act: ActRelu6})
	d := b.DepthwiseConv2D("dw", c, Weights{Shape: []int{8, 3, 3, 1}, Data: ramp(72, 0.5)}, nil,
		Conv{Stride: [2]int{2, 2}, Dilation: [2]int{1, 1}, Pad: [4]int{1, 1, 1, 1}, Act: ActClamp(-1, 4)}) // 4x4
	g := b.Conv2D("grouped", d, Weights{Shape: []int{8, 1, 1, 4}, Data: ramp(32, 0.4)}, nil, Conv{Groups: 2})
	mp := b.MaxPool("maxpool", g, Pool{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Pad: [4]int{0, 0, 1, 1}})
	ap := b.AvgPool("avgpool", mp, Pool{Kernel: [2]int{3, 3}, Pad: [4]int{1, 1, 1, 1}, Act: ActRelu})
	se := b.GlobalAvgPool("gap", ap)
	hs := b.HardSigmoid("hsig", se, 1.0/6, 0.5)
	m := b.Mul("mul", ap, hs, ActNone)
	a := b.Add("add", m, b.Constant("k", []int{8}, ramp(8, 1)), ActReluN1To1)
	s := b.Sub("sub", a, g, ActNone)
	hw := b.HardSwish("hswish", s)
	lr := b.LeakyRelu("leaky", hw, 0.2)
	pr := b.PRelu("prelu", lr, ramp(8, 0.3))
	pd := b.Pad("pad", pr, []int{0, 0, 1, 0, 0, 1, 0, 0}, -0.5) // 5x5
	rz := b.Resize("resize", pd, 10, 10, format.ResizeOptions{Mode: format.ResizeBilinear, Coordinate: format.CoordAlignCorners})
	rn := b.Resize("nearest", rz, 5, 5, format.ResizeOptions{Nearest: format.NearestRoundPreferCeil})
	l := b.LRN("lrn", rn, format.LRNOptions{Size: 3, Alpha: 1e-3, Beta: 0.75, Bias: 2})
	sg := b.Sigmoid("sigmoid", l)
	th := b.Tanh("tanh", l)
	cat := b.Concat("concat", 3, sg, th) // 16 channels
	tr := b.Transpose("transpose", cat, []int{0, 3, 1, 2})
	sl := b.Slice("slice", tr, []int{0, 1, 0, 0}, []int{1, 8, -1, 5}, []int{1, 2, 2, 1})
	parts := b.Split("split", sl, 1, 2)
	rm := b.ReduceMax("reducemax", parts[0], []int{2}, false)
	mn := b.Mean("mean", parts[1], []int{-2}, false)
	cl := b.Clamp("clamp", b.Add("add2", rm, mn, ActNone), -0.25, 1.5)
	r6 := b.Relu6("relu6", b.Relu("relu", cl))
	fl := b.Flatten("flatten", r6)
	dq := b.Dequantize("dequantize", fl)
	fc := b.FullyConnected("fc", dq, Weights{Shape: []int{6, 20}, Data: ramp(120, 0.3)}, ramp(6, 0.1), ActNone)
	q := b.Quantize("quantize", fc)
	rs := b.Reshape("reshape", q, []int{2, 3})
	b.Output(b.Softmax("softmax", rs, 0))
	b.Output(b.LogSoftmax("logsoftmax", rs, -1))
	for v := range b.values {
		b.SetRange(Tensor(v), -2, 2)
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEveryOpValidates checks that the builder's models pass the format's
// validator and survive Encode and Decode, for every op and both precisions.
func TestEveryOpValidates(t *testing.T) {
	b := everyOp(t)
	seen := make(map[format.OpCode]bool)
	for _, emit := range []struct {
		name string
		fn   func() (*format.Model, error)
	}{
		{"float32", b.Float32Model},
		{"int8", func() (*format.Model, error) { return b.Int8Model(Int8Options{}) }},
		{"int8 float I/O", func() (*format.Model, error) { return b.Int8Model(Int8Options{FloatIO: true}) }},
		{"calibration", func() (*format.Model, error) { m, _, err := b.CalibrationModel(); return m, err }},
	} {
		m, err := emit.fn()
		if err != nil {
			t.Fatalf("%s: %v", emit.name, err)
		}
		if err := format.ValidateModel(m); err != nil {
			t.Errorf("%s: %v", emit.name, err)
			continue
		}
		data, err := format.Encode(m)
		if err != nil {
			t.Errorf("%s: Encode: %v", emit.name, err)
			continue
		}
		d, err := format.Decode(data)
		if err != nil {
			t.Errorf("%s: Decode: %v", emit.name, err)
			continue
		}
		if len(d.Operators) != len(m.Operators) || len(d.Tensors) != len(m.Tensors) {
			t.Errorf("%s: decoded %d ops %d tensors, built %d and %d", emit.name, len(d.Operators), len(d.Tensors), len(m.Operators), len(m.Tensors))
		}
		for _, op := range m.Operators {
			seen[op.Op] = true
		}
	}
	for op := format.OpCode(0); op.Valid(); op++ {
		if !seen[op] {
			t.Errorf("no emitted model uses %s", op)
		}
	}
}

// TestValidatorHasTheLastWord: what the builder does not check itself (a
// pooling window that lies entirely in the padding) is caught by the
// format's validator before a model is returned.
func TestValidatorHasTheLastWord(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 8, 8, 2}, format.NHWC)
	b.Output(b.MaxPool("pool", x, Pool{Kernel: [2]int{2, 2}, Pad: [4]int{3, 3, 3, 3}}))
	if err := b.Err(); err != nil {
		t.Fatalf("building: %v", err)
	}
	m, err := b.Float32Model()
	if err == nil || !strings.Contains(err.Error(), `builder: float32 model: format: operator 0 "pool" (MAX_POOL_2D)`) {
		t.Errorf("Float32Model = %v, %v; want the validator's error naming the pool", m != nil, err)
	}
}
