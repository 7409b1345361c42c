package lower_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/format"
)

// mobileBlock is a MobileNet-style network: conv+BN+ReLU6, depthwise
// stride 2, pointwise, a residual add, global average pool, flatten,
// fully connected, softmax.
func mobileBlock(t testing.TB) *graph.Graph {
	b := newGB(t, 1)
	x := b.input("x", 1, 3, 16, 16)
	y := b.node("conv1", conv(1, 1, 1), x, b.weight("w1", 0.3, 8, 3, 3, 3))
	y = b.node("bn1", &graph.BatchNorm{Epsilon: 1e-5}, y, b.weight("g", 0.2, 8), b.weight("be", 0.5, 8), b.weight("mu", 0.5, 8), b.weight("va", 0, 8))
	y = b.node("relu6", &graph.Clip{Min: 0, Max: 6}, y)
	d := b.node("dw", conv(2, 1, 8), y, b.weight("wd", 0.4, 8, 1, 3, 3), b.weight("bd", 0.1, 8))
	d = b.node("dw_relu", &graph.Relu{}, d)
	p := b.node("pw", conv(1, 0, 1), d, b.weight("wp", 0.4, 8, 8, 1, 1), b.weight("bp", 0.1, 8))
	s := b.node("res", &graph.Add{}, p, d)
	g := b.node("gap", &graph.ReduceMean{Axes: []int{2, 3}, KeepDims: true}, s)
	f := b.node("flat", &graph.Reshape{Shape: []int{1, 8}}, g)
	f = b.node("fc", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, f, b.weight("wf", 0.5, 10, 8), b.weight("bf", 0.1, 10))
	return b.output(b.node("prob", &graph.Softmax{Axis: 1}, f))
}

func TestMobileBlock(t *testing.T) {
	fm, _ := checkModels(t, func(t testing.TB) *graph.Graph {
		g := mobileBlock(t)
		// BN variance must be positive.
		for _, n := range g.Nodes {
			if _, ok := n.Op.(*graph.BatchNorm); ok {
				v := g.Tensors[n.Inputs[4]].Const
				for i := range v.F {
					v.F[i] = 0.5 + float32(i)/8
				}
			}
		}
		return g
	}, lower.Options{}, 35) // measured 38.8 dB
	if got, want := opList(fm), "CONV_2D CONV_2D CONV_2D ADD MEAN RESHAPE FULLY_CONNECTED SOFTMAX"; got != want {
		t.Errorf("ops %s, want %s", got, want)
	}
	in := fm.Inputs[0]
	if s := fm.Tensors[in].Shape; s[3] != 3 || fm.Metadata.IOLayouts[in] != format.NCHW {
		t.Errorf("input %v with layout %v, want NHWC stored, NCHW source", s, fm.Metadata.IOLayouts[in])
	}
}

// lenet flattens a 5x5x16 activation into a fully connected layer: the
// weights' columns are permuted, no TRANSPOSE appears.
func lenet(t testing.TB) *graph.Graph {
	b := newGB(t, 2)
	x := b.input("x", 1, 1, 28, 28)
	y := b.node("c1", conv(1, 2, 1), x, b.weight("w1", 0.3, 6, 1, 5, 5), b.weight("b1", 0.1, 6))
	y = b.node("r1", &graph.Relu{}, y)
	y = b.node("p1", &graph.MaxPool{Pool: pool(2, 2, 0)}, y)
	y = b.node("c2", conv(1, 0, 1), y, b.weight("w2", 0.15, 16, 6, 5, 5), b.weight("b2", 0.1, 16))
	y = b.node("r2", &graph.Relu{}, y)
	y = b.node("p2", &graph.AveragePool{Pool: pool(2, 2, 0)}, y)
	y = b.node("flat", &graph.Reshape{Shape: []int{1, 400}}, y)
	y = b.node("f1", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, y, b.weight("wf1", 0.1, 120, 400), b.weight("bf1", 0.1, 120))
	y = b.node("fr1", &graph.Relu{}, y)
	y = b.node("f2", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, y, b.weight("wf2", 0.1, 10, 120))
	return b.output(y)
}

func TestFlattenPermutesFCWeights(t *testing.T) {
	fm, qm := checkModels(t, lenet, lower.Options{}, 32) // measured 35.5 dB
	want := "CONV_2D MAX_POOL_2D CONV_2D AVERAGE_POOL_2D RESHAPE FULLY_CONNECTED FULLY_CONNECTED"
	for _, m := range []*format.Model{fm, qm} {
		if got := opList(m); got != want {
			t.Errorf("ops %s, want %s", got, want)
		}
	}
}

// layoutOps exercises every layout-sensitive op on NHWC activations: a
// channel shuffle (5-D reshape and transpose), concat and split along
// channels, softmax over channels, slice, pad, resize, LRN, PRelu, and a
// reduction over channels.
func layoutOps(t testing.TB) *graph.Graph {
	b := newGB(t, 3)
	x := b.input("x", 1, 4, 6, 6)
	y := b.node("c", conv(1, 1, 1), x, b.weight("w", 0.3, 8, 4, 3, 3), b.weight("bias", 0.1, 8))
	s := b.node("g5", &graph.Reshape{Shape: []int{1, 2, 4, 6, 6}}, y)
	s = b.node("shuffle", &graph.Transpose{Perm: []int{0, 2, 1, 3, 4}}, s)
	s = b.node("g4", &graph.Reshape{Shape: []int{1, 8, 6, 6}}, s)
	cat := b.node("cat", &graph.Concat{Axis: 1}, s, y)
	parts := b.nodeN("split", 2, &graph.Split{Axis: 1, Sizes: []int{6, 10}}, cat)
	sm := b.node("sm", &graph.Softmax{Axis: 1}, parts[0])
	sl := b.node("slice", &graph.Slice{Starts: []int{0, 2, 1, 0}, Steps: []int{1, 1, 2, 1}, Sizes: []int{1, 7, 3, 6}}, parts[1])
	pd := b.node("pad", &graph.Pad{PadsBegin: []int{0, 1, 1, 0}, PadsEnd: []int{0, 0, 0, 2}, Mode: graph.PadConstant, Value: 0.5}, sl)
	rs := b.node("up", &graph.Resize{Mode: graph.ResizeNearest, Coord: graph.CoordAsymmetric, Nearest: graph.NearestFloor, Scales: []float64{1, 1, 2, 2}, Sizes: []int{1, 8, 8, 16}}, pd)
	lr := b.node("lrn", &graph.LRN{Size: 3, Alpha: 1e-2, Beta: 0.75, Bias: 1}, rs)
	slope := b.weight("slope", 0.2, 8, 1, 1)
	pr := b.node("prelu", &graph.PRelu{}, lr, slope)
	mx := b.node("cmax", &graph.ReduceMax{Axes: []int{1}, KeepDims: false}, pr)
	tr := b.node("hw", &graph.Transpose{Perm: []int{0, 2, 1}}, mx) // [1, 16, 8]
	return b.output(sm, tr)
}

func TestLayoutOps(t *testing.T) {
	fm, _ := checkModels(t, layoutOps, lower.Options{}, 27) // measured 38.4 and 30.7 dB
	// The shuffle's data movement is one 5-D TRANSPOSE; the NHWC
	// activations need no other.
	n := strings.Count(opList(fm), "TRANSPOSE")
	if n != 2 {
		t.Errorf("%d TRANSPOSE ops, want the shuffle's and the output's:\n%s", n, opList(fm))
	}
}

// Swish stays LOGISTIC and MUL.
func TestSwish(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 4)
		x := b.input("x", 1, 3, 8, 8)
		y := b.node("c", conv(1, 1, 1), x, b.weight("w", 0.4, 8, 3, 3, 3), b.weight("bias", 0.2, 8))
		s := b.node("sig", &graph.Sigmoid{}, y)
		return b.output(b.node("swish", &graph.Mul{}, y, s))
	}
	fm, _ := checkModels(t, build, lower.Options{}, 32) // measured 35.5 dB
	if got, want := opList(fm), "CONV_2D LOGISTIC MUL"; got != want {
		t.Errorf("ops %s, want %s", got, want)
	}
}

// A layer kept float runs between DEQUANTIZE and QUANTIZE in the int8
// model, and the float32 model ignores the request.
func TestKeepFloat(t *testing.T) {
	fm, qm := checkModels(t, lenet, lower.Options{KeepFloat: map[string]bool{"r2": true, "fr1": true}}, 34) // measured 37.5 dB
	if got, want := opList(fm), "CONV_2D MAX_POOL_2D CONV_2D AVERAGE_POOL_2D RESHAPE FULLY_CONNECTED FULLY_CONNECTED"; got != want {
		t.Errorf("float32 ops %s, want %s", got, want)
	}
	// Layers are named after their outputs: c2 and f1 carry their fused
	// ReLUs and so the names r2 and fr1.
	want := "CONV_2D MAX_POOL_2D DEQUANTIZE CONV_2D QUANTIZE AVERAGE_POOL_2D RESHAPE DEQUANTIZE FULLY_CONNECTED QUANTIZE FULLY_CONNECTED"
	if got := opList(qm); got != want {
		t.Errorf("int8 ops %s, want %s", got, want)
	}
	for _, op := range qm.Operators {
		if op.Name == "r2" || op.Name == "fr1" {
			if dt := qm.Tensors[op.Outputs[0]].DType; dt != format.Float32 {
				t.Errorf("kept-float layer %q computes %v", op.Name, dt)
			}
		}
	}
}

// Every node the format cannot express is reported at once.
func TestUnsupported(t *testing.T) {
	b := newGB(t, 5)
	x := b.input("x", 2, 4)
	y := b.input("y", 4, 3)
	m := b.node("mm", &graph.MatMul{}, x, y)
	d := b.node("div", &graph.Div{}, m, m)
	r := b.node("relu", &graph.Relu{}, d) // unreachable past the bad nodes: not reported
	c := b.node("cube", &graph.Resize{Mode: graph.ResizeCubic, Coord: graph.CoordHalfPixel, Scales: []float64{1, 1, 2, 2}, Sizes: []int{1, 1, 4, 6}},
		b.node("r4", &graph.Reshape{Shape: []int{1, 1, 2, 3}}, b.node("sl", &graph.Slice{Starts: []int{0, 0}, Steps: []int{1, 1}, Sizes: []int{2, 3}}, r)))
	_ = c
	g := b.output(b.node("ok", &graph.Sigmoid{}, x), c)
	_, err := lower.Lower(g, lower.Options{})
	var ue *lower.UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *UnsupportedError", err)
	}
	if len(ue.Issues) != 1 || ue.Issues[0].Node != `MatMul "mm"` {
		t.Errorf("issues: %v", err)
	}
	// Without the MatMul, the Div and the cubic Resize both show.
	b = newGB(t, 5)
	x = b.input("x", 1, 1, 2, 3)
	d = b.node("div", &graph.Div{}, x, x)
	c = b.node("cube", &graph.Resize{Mode: graph.ResizeCubic, Coord: graph.CoordHalfPixel, Scales: []float64{1, 1, 2, 2}, Sizes: []int{1, 1, 4, 6}}, x)
	g = b.output(d, c)
	_, err = lower.Lower(g, lower.Options{})
	if !errors.As(err, &ue) || len(ue.Issues) != 2 {
		t.Fatalf("err = %v, want 2 issues", err)
	}
	for _, want := range []string{`node 0 Div "div": division by a computed tensor`, `node 1 Resize "cube": cubic interpolation`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
