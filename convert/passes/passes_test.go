package passes_test

import (
	"math"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/passes"
)

var inf = float32(math.Inf(1))

func TestFoldAffineConv(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 1)
		x := b.input("x", 1, 3, 8, 8)
		y := b.node("conv", conv2D(1, 1, 1), x, b.weight("w", 0.3, 4, 3, 3, 3), b.weight("b", 0.1, 4))
		y = bn(b, "bn", y, 4)
		y = b.node("relu", &graph.Relu{}, y)
		// Grouped conv without bias, then Mul and Add by per-channel
		// constants of different ranks, then Sub of a scalar.
		z := b.node("dw", conv2D(2, 1, 4), y, b.weight("dw_w", 0.3, 4, 1, 3, 3))
		z = b.node("mul", &graph.Mul{}, b.weight("s", 1, 4, 1, 1), z)
		z = b.node("add", &graph.Add{}, z, b.weight("t", 1, 1, 4, 1, 1))
		z = b.node("sub", &graph.Sub{}, z, b.weight("u", 1, 1))
		return b.output(z)
	}
	g := checkPass(t, build, passes.FoldAffine, 4)
	if got := ops(g); got != "Conv Relu Conv" {
		t.Errorf("ops after folding: %s", got)
	}
}

func TestFoldAffineGemm(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 2)
		x := b.input("x", 2, 6)
		y := b.node("fc", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, x, b.weight("w", 0.5, 5, 6), b.weight("b", 0.5, 5))
		y = bn(b, "bn", y, 5)
		y = b.node("add", &graph.Add{}, b.weight("c", 1, 1, 5), y)
		return b.output(y)
	}
	g := checkPass(t, build, passes.FoldAffine, 2)
	if got := ops(g); got != "Gemm" {
		t.Errorf("ops after folding: %s", got)
	}
}

// Folds that would change the result must not happen: an affine map after
// a fused activation, a constant varying along a spatial dim, c - conv, an
// output read twice, and a Gemm not in fully connected form.
func TestFoldAffineRefuses(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 3)
		x := b.input("x", 1, 2, 4, 4)
		c1 := b.node("c1", &graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}, Group: 1, Act: &graph.Clip{Min: 0, Max: inf}},
			x, b.weight("w1", 1, 2, 2, 1, 1))
		m1 := b.node("m1", &graph.Mul{}, c1, b.weight("s1", 1, 2, 1, 1))
		c2 := b.node("c2", conv2D(1, 0, 1), m1, b.weight("w2", 1, 2, 2, 1, 1))
		m2 := b.node("m2", &graph.Mul{}, c2, b.weight("s2", 1, 1, 4, 1)) // varies along H
		c3 := b.node("c3", conv2D(1, 0, 1), m2, b.weight("w3", 1, 2, 2, 1, 1))
		m3 := b.node("m3", &graph.Sub{}, b.weight("s3", 1, 2, 1, 1), c3) // c - conv
		c4 := b.node("c4", conv2D(1, 0, 1), m3, b.weight("w4", 1, 2, 2, 1, 1))
		m4 := b.node("m4", &graph.Add{}, c4, b.weight("s4", 1, 2, 1, 1))
		f := b.input("f", 3, 4)
		g1 := b.node("g1", &graph.Gemm{Alpha: 1, Beta: 1}, f, b.weight("gw", 1, 4, 2))
		g2 := b.node("g2", &graph.Mul{}, g1, b.weight("gs", 1, 2))
		return b.output(m4, c4, g2)
	}
	checkPass(t, build, passes.FoldAffine, 0)
}

func TestLowerBatchNorm(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 4)
		x4 := b.input("x4", 1, 3, 5, 5)
		x2 := b.input("x2", 2, 3)
		x3 := b.input("x3", 2, 3, 4)
		return b.output(bn(b, "bn4", x4, 3), bn(b, "bn2", x2, 3), bn(b, "bn3", x3, 3))
	}
	g := checkPass(t, build, passes.LowerBatchNorm, 3)
	if got := ops(g); got != "Conv Mul Add Mul Add" {
		t.Errorf("ops: %s", got)
	}
	if c := g.Nodes[0].Op.(*graph.Conv); c.Group != 3 {
		t.Errorf("batch norm on 4-D became %+v, want a depthwise conv", c)
	}
}

func TestFoldPad(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 5)
		x := b.input("x", 1, 2, 6, 6)
		pad := func(name string, v float64, x int, pads ...int) int {
			return b.node(name, &graph.Pad{PadsBegin: []int{0, 0, pads[0], pads[1]}, PadsEnd: []int{0, 0, pads[2], pads[3]}, Mode: graph.PadConstant, Value: v}, x)
		}
		y := b.node("conv", conv2D(1, 1, 1), pad("p1", 0, x, 1, 0, 2, 1), b.weight("w", 1, 3, 2, 3, 3))
		avg := &graph.AveragePool{Pool: graph.Pool{Kernel: []int{3, 3}, Strides: []int{2, 2}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}}}
		y = b.node("avg", avg, pad("p2", 0, y, 1, 1, 1, 1))
		mp := &graph.MaxPool{Pool: graph.Pool{Kernel: []int{2, 2}, Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}}}
		y = b.node("max", mp, pad("p3", math.Inf(-1), y, 0, 1, 1, 0))
		// Not foldable: a non-zero fill before a conv, a zero fill before
		// a max pool, a zero fill before an average pool that excludes
		// its own padding.
		z := b.node("conv2", conv2D(1, 0, 1), pad("p4", 0.5, x, 1, 1, 1, 1), b.weight("w2", 1, 2, 2, 3, 3))
		z = b.node("max2", &graph.MaxPool{Pool: graph.Pool{Kernel: []int{2, 2}, Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}}}, pad("p5", 0, z, 1, 1, 1, 1))
		avg2 := &graph.AveragePool{Pool: graph.Pool{Kernel: []int{3, 3}, Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}}}
		z = b.node("avg2", avg2, pad("p6", 0, z, 1, 1, 1, 1))
		return b.output(y, z)
	}
	g := checkPass(t, build, passes.FoldPad, 3)
	if got := ops(g); got != "Conv AveragePool MaxPool Pad Conv Pad MaxPool Pad AveragePool" {
		t.Errorf("ops: %s", got)
	}
}

func TestFuseActivations(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 6)
		x := b.input("x", 1, 3, 6, 6)
		y := b.node("conv", conv2D(1, 1, 1), x, b.weight("w", 1, 3, 3, 3, 3), b.weight("b", 1, 3))
		y = b.node("relu", &graph.Relu{}, y)
		y = b.node("add", &graph.Add{}, y, x)
		y = b.node("relu6", &graph.Clip{Min: 0, Max: 6}, y)
		y = b.node("clip", &graph.Clip{Min: -1, Max: 4}, y) // intersects to [0, 4]
		// Swish stays Sigmoid and Mul; the Mul's output feeds two readers.
		s := b.node("sig", &graph.Sigmoid{}, y)
		m := b.node("swish", &graph.Mul{}, y, s)
		r := b.node("relu_m", &graph.Relu{}, m)
		f := b.input("f", 2, 4)
		fc := b.node("fc", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, f, b.weight("fw", 1, 3, 4))
		fc = b.node("fc_relu", &graph.Relu{}, fc)
		return b.output(r, m, fc)
	}
	// relu, relu6 and clip (into conv, add, add) and fc_relu; relu_m
	// stays because swish is read twice.
	g := checkPass(t, build, passes.FuseActivations, 4)
	if got := ops(g); got != "Conv Add Sigmoid Mul Relu Gemm" {
		t.Errorf("ops: %s", got)
	}
	add := g.Nodes[1].Op.(*graph.Add)
	if add.Act == nil || add.Act.Min != 0 || add.Act.Max != 4 {
		t.Errorf("Add's fused clamp is %v, want [0, 4]", add.Act)
	}
}

func TestRemoveIdentities(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 7)
		x := b.input("x", 2, 3, 4)
		y := b.node("relu", &graph.Relu{}, x)
		y = b.node("id", &graph.Identity{}, y)
		y = b.node("r1", &graph.Reshape{Shape: []int{6, 4}}, y)
		y = b.node("r2", &graph.Reshape{Shape: []int{24}}, y)
		y = b.node("r3", &graph.Reshape{Shape: []int{2, 12}}, y)
		y = b.node("same", &graph.Reshape{Shape: []int{2, 12}}, y)
		y = b.node("t1", &graph.Transpose{Perm: []int{1, 0}}, y)
		y = b.node("t2", &graph.Transpose{Perm: []int{1, 0}}, y) // cancels t1
		y = b.node("unit", &graph.Reshape{Shape: []int{2, 1, 12}}, y)
		y = b.node("t3", &graph.Transpose{Perm: []int{1, 0, 2}}, y) // moves only the unit dim
		y = b.node("sig", &graph.Sigmoid{}, y)
		y = b.node("cast", &graph.Cast{To: graph.Float32}, y)
		y = b.node("out", &graph.Identity{}, y) // a graph output keeps its name
		return b.output(y)
	}
	// 13 nodes become 3: 10 removed, plus t3 turned into a Reshape.
	g := checkPass(t, build, passes.RemoveIdentities, 11)
	if got := ops(g); got != "Relu Reshape Sigmoid" {
		t.Errorf("ops: %s\n%s", got, g)
	}
}

func TestGemmToFC(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 8)
		a := b.input("a", 3, 5)
		y1 := b.node("g1", &graph.Gemm{Alpha: 0.5, Beta: 2}, a, b.weight("w1", 1, 5, 4), b.weight("c1", 1, 1, 4))
		y2 := b.node("g2", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, a, b.weight("w2", 1, 4, 5), b.weight("c2", 1, 1)) // scalar C
		a3 := b.input("a3", 2, 3, 5)
		y3 := b.node("mm", &graph.MatMul{}, a3, b.weight("w3", 1, 5, 6))
		a1 := b.input("a1", 5)
		y4 := b.node("mm1", &graph.MatMul{}, a1, b.weight("w4", 1, 5, 2))
		return b.output(y1, y2, y3, y4)
	}
	g := checkPass(t, build, passes.GemmToFC, 4)
	if got := ops(g); got != "Gemm Gemm Reshape Gemm Reshape Reshape Gemm Reshape" {
		t.Errorf("ops: %s", got)
	}
	for _, n := range g.Nodes {
		if op, ok := n.Op.(*graph.Gemm); ok {
			b, c := g.Tensors[n.Inputs[1]], -1
			if len(n.Inputs) > 2 {
				c = n.Inputs[2]
			}
			if !op.TransB || op.Alpha != 1 || op.Beta != 1 || b.Const == nil || (c >= 0 && len(g.Tensors[c].Shape) != 1) {
				t.Errorf("node %s: %+v with B %v is not fully connected", n.Name, op, b.Shape)
			}
		}
	}
}

func TestDivToMulAndFoldConstants(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 9)
		x := b.input("x", 2, 3)
		k := b.node("k", &graph.Mul{}, b.positive("k1", 1, 3), b.positive("k2", 1, 3)) // constant
		y := b.node("div", &graph.Div{}, x, k)
		zero := b.constant("zero", graph.Floats([]int{1}, []float32{0}))
		z := b.node("div0", &graph.Div{}, x, zero) // stays: x/0 is ±Inf or NaN
		return b.output(y, z)
	}
	// FoldConstants first makes k a constant, DivToMul then rewrites div.
	pass := func(g *graph.Graph) (int, error) {
		n1, err := passes.FoldConstants(g)
		if err != nil {
			return 0, err
		}
		n2, err := passes.DivToMul(g)
		return n1 + n2, err
	}
	ref := build(t)
	g := build(t)
	if _, err := pass(g); err != nil {
		t.Fatal(err)
	}
	if got := ops(g); got != "Mul Div" {
		t.Errorf("ops: %s", got)
	}
	want, got := run(t, ref, 0), run(t, g, 0)
	if err := close(got[0], want[0], 1e-6); err != nil {
		t.Error(err)
	}
}

func TestRemoveDeadNodes(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 10)
		x := b.input("x", 4)
		y := b.node("used", &graph.Relu{}, x)
		b.node("dead", &graph.Sigmoid{}, x)
		return b.output(y)
	}
	checkPass(t, build, passes.RemoveDeadNodes, 1)
}

// The whole pipeline on a small CNN with every pattern: the result keeps
// only the ops the lowering maps one to one.
func TestOptimize(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 11)
		x := b.input("x", 1, 3, 10, 10)
		y := b.node("pad", &graph.Pad{PadsBegin: []int{0, 0, 1, 1}, PadsEnd: []int{0, 0, 1, 1}, Mode: graph.PadConstant}, x)
		y = b.node("conv", conv2D(2, 0, 1), y, b.weight("w", 0.3, 8, 3, 3, 3))
		y = bn(b, "bn", y, 8)
		y = b.node("relu", &graph.Relu{}, y)
		y = b.node("drop", &graph.Identity{}, y)
		s := b.node("sig", &graph.Sigmoid{}, y)
		y = b.node("swish", &graph.Mul{}, y, s)
		y = b.node("gap", &graph.ReduceMean{Axes: []int{2, 3}, KeepDims: true}, y)
		y = b.node("flat", &graph.Reshape{Shape: []int{1, 8}}, y)
		y = b.node("mm", &graph.MatMul{}, y, b.weight("fw", 0.3, 8, 4))
		y = b.node("bias", &graph.Add{}, y, b.weight("fb", 1, 4))
		y = b.node("scale", &graph.Div{}, y, b.positive("d", 1, 1))
		y = b.node("relu6", &graph.Clip{Min: 0, Max: 6}, y)
		y = b.node("prob", &graph.Softmax{Axis: 1}, y)
		return b.output(y)
	}
	g := checkPass(t, build, func(g *graph.Graph) (int, error) { return 1, passes.Optimize(g) }, 1)
	if got := ops(g); got != "Conv Sigmoid Mul ReduceMean Reshape Gemm Softmax" {
		t.Errorf("ops: %s\n%s", got, g)
	}
	if s := g.String(); !strings.Contains(s, "Act:{Min:0 Max:6}") || !strings.Contains(s, "Act:{Min:0 Max:+Inf}") {
		t.Errorf("fused activations missing:\n%s", s)
	}
}

func TestFuseHardSwish(t *testing.T) {
	build := func(t testing.TB) *graph.Graph {
		b := newGB(t, 12)
		x := b.input("x", 1, 4, 5, 5)
		y := b.node("c", conv2D(1, 1, 1), x, b.weight("w", 1, 4, 4, 3, 3))
		h := b.node("hsig", &graph.HardSigmoid{Alpha: 1.0 / 6, Beta: 0.5}, y)
		s := b.node("hswish", &graph.Mul{}, h, y) // either operand order
		// Not fused: ONNX's default HardSigmoid parameters, and a
		// HardSigmoid read twice.
		h2 := b.node("hsig_onnx", &graph.HardSigmoid{Alpha: 0.2, Beta: 0.5}, s)
		s2 := b.node("gate", &graph.Mul{}, s, h2)
		h3 := b.node("hsig3", &graph.HardSigmoid{Alpha: 1.0 / 6, Beta: 0.5}, s2)
		s3 := b.node("m3", &graph.Mul{}, s2, h3)
		return b.output(s3, h3)
	}
	g := checkPass(t, build, passes.FuseHardSwish, 1)
	if got := ops(g); got != "Conv HardSwish HardSigmoid Mul HardSigmoid Mul" {
		t.Errorf("ops: %s", got)
	}
}
