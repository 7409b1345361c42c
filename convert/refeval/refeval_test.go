package refeval_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// single builds a graph of one node: non-constant input values become
// graph inputs (in order), constants stay constants.
func single(t testing.TB, op graph.Op, ins []*graph.Value, consts []bool, nOut int) (*graph.Graph, []*graph.Value) {
	t.Helper()
	g := &graph.Graph{Name: "t"}
	var feed []*graph.Value
	ids := make([]int, len(ins))
	for k, v := range ins {
		if v == nil {
			ids[k] = -1
			continue
		}
		tn := &graph.Tensor{Name: "in" + string(rune('0'+k)), DType: v.DType, Shape: v.Shape}
		if consts != nil && consts[k] {
			tn.Const = v
		}
		ids[k] = g.AddTensor(tn)
		if tn.Const == nil {
			g.Inputs = append(g.Inputs, ids[k])
			feed = append(feed, v)
		}
	}
	outs := make([]int, nOut)
	for k := range outs {
		outs[k] = g.AddTensor(&graph.Tensor{Name: "out" + string(rune('0'+k))})
	}
	n := &graph.Node{Name: "n", Op: op, Inputs: ids, Outputs: outs}
	if err := graph.InferNode(g, n); err != nil {
		t.Fatalf("InferNode: %v", err)
	}
	g.Nodes = []*graph.Node{n}
	g.Outputs = outs
	return g, feed
}

func runSingle(t testing.TB, op graph.Op, ins []*graph.Value, nOut int) []*graph.Value {
	t.Helper()
	g, feed := single(t, op, ins, nil, nOut)
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	out, err := it.Run(feed...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func randValue(r *rand.Rand, shape ...int) *graph.Value {
	v := graph.NewValue(graph.Float32, shape)
	for i := range v.F {
		v.F[i] = float32(r.NormFloat64())
	}
	return v
}

// forEachIndex calls fn with every multi-index of shape in row-major order.
func forEachIndex(shape []int, fn func(idx []int)) {
	idx := make([]int, len(shape))
	for {
		fn(idx)
		d := len(shape) - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

func offset(shape, idx []int) int {
	o := 0
	for d := range shape {
		o = o*shape[d] + idx[d]
	}
	return o
}

// naiveConv is the convolution definition in float64, one output element
// at a time, written independently of the im2col kernel.
func naiveConv(op *graph.Conv, x, w, b *graph.Value, outShape []int) []float64 {
	out := make([]float64, numElements(outShape))
	cg := x.Shape[1] / op.Group
	mg := w.Shape[0] / op.Group
	sp := len(x.Shape) - 2
	forEachIndex(outShape, func(o []int) {
		m := o[1]
		g := m / mg
		var acc float64
		if b != nil {
			acc = float64(b.F[m])
		}
		for c := range cg {
			forEachIndex(w.Shape[2:], func(k []int) {
				xi := []int{o[0], g*cg + c}
				for d := range sp {
					p := o[2+d]*op.Strides[d] - op.PadsBegin[d] + k[d]*op.Dilations[d]
					if p < 0 || p >= x.Shape[2+d] {
						return
					}
					xi = append(xi, p)
				}
				wi := append([]int{m, c}, k...)
				acc += float64(x.F[offset(x.Shape, xi)]) * float64(w.F[offset(w.Shape, wi)])
			})
		}
		out[offset(outShape, o)] = acc
	})
	return out
}

func TestConvMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		x, w []int
		bias bool
		op   graph.Conv
	}{
		{"2d 3x3 pad1", []int{1, 3, 7, 6}, []int{4, 3, 3, 3}, true, graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 1}},
		{"2d strided asymmetric pads", []int{2, 4, 9, 8}, []int{6, 4, 3, 2}, true, graph.Conv{Strides: []int{2, 3}, Dilations: []int{1, 1}, PadsBegin: []int{0, 2}, PadsEnd: []int{1, 0}, Group: 1}},
		{"2d dilated groups", []int{1, 6, 10, 10}, []int{9, 2, 3, 3}, false, graph.Conv{Strides: []int{1, 2}, Dilations: []int{2, 3}, PadsBegin: []int{2, 1}, PadsEnd: []int{2, 3}, Group: 3}},
		{"depthwise x2", []int{1, 5, 6, 7}, []int{10, 1, 3, 3}, true, graph.Conv{Strides: []int{2, 2}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 5}},
		{"pointwise", []int{2, 8, 5, 5}, []int{3, 8, 1, 1}, true, graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}, Group: 1}},
		{"pointwise strided", []int{1, 4, 5, 5}, []int{3, 4, 1, 1}, false, graph.Conv{Strides: []int{2, 2}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}, Group: 1}},
		{"1d", []int{2, 3, 11}, []int{2, 3, 4}, true, graph.Conv{Strides: []int{2}, Dilations: []int{2}, PadsBegin: []int{3}, PadsEnd: []int{0}, Group: 1}},
		{"3d", []int{1, 2, 4, 5, 6}, []int{4, 1, 2, 3, 2}, true, graph.Conv{Strides: []int{1, 2, 1}, Dilations: []int{1, 1, 2}, PadsBegin: []int{1, 0, 1}, PadsEnd: []int{0, 1, 1}, Group: 2}},
		{"wide output (parallel gemm)", []int{1, 16, 40, 40}, []int{32, 16, 3, 3}, true, graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, w := randValue(r, c.x...), randValue(r, c.w...)
			var b *graph.Value
			if c.bias {
				b = randValue(r, c.w[0])
			}
			op := c.op
			y := runSingle(t, &op, []*graph.Value{x, w, b}, 1)[0]
			want := naiveConv(&op, x, w, b, y.Shape)
			k := float64(c.w[1] * numElements(c.w[2:]))
			for i, v := range want {
				if d := math.Abs(float64(y.F[i]) - v); d > 1e-5*math.Sqrt(k)*(1+math.Abs(v)) {
					t.Fatalf("element %d: %v, want %v", i, y.F[i], v)
				}
			}
		})
	}
}

func TestGemmAndMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	naive := func(a, b *graph.Value, ta, tb bool, m, n, k int) []float64 {
		at := func(i, p int) float64 {
			if ta {
				return float64(a.F[p*m+i])
			}
			return float64(a.F[i*k+p])
		}
		bt := func(p, j int) float64 {
			if tb {
				return float64(b.F[j*k+p])
			}
			return float64(b.F[p*n+j])
		}
		out := make([]float64, m*n)
		for i := range m {
			for j := range n {
				for p := range k {
					out[i*n+j] += at(i, p) * bt(p, j)
				}
			}
		}
		return out
	}
	for _, c := range []struct{ m, n, k int }{{1, 1, 1}, {5, 7, 3}, {4, 300, 130}, {17, 600, 300}, {3, 513, 129}} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			as := []int{c.m, c.k}
			if tr[0] {
				as = []int{c.k, c.m}
			}
			bs := []int{c.k, c.n}
			if tr[1] {
				bs = []int{c.n, c.k}
			}
			a, b, bias := randValue(r, as...), randValue(r, bs...), randValue(r, c.n)
			op := &graph.Gemm{TransA: tr[0], TransB: tr[1], Alpha: 0.5, Beta: 2}
			y := runSingle(t, op, []*graph.Value{a, b, bias}, 1)[0]
			want := naive(a, b, tr[0], tr[1], c.m, c.n, c.k)
			for i, v := range want {
				v = 0.5*v + 2*float64(bias.F[i%c.n])
				if d := math.Abs(float64(y.F[i]) - v); d > 1e-5*math.Sqrt(float64(c.k))*(1+math.Abs(v)) {
					t.Fatalf("gemm %v trans %v: element %d = %v, want %v", c, tr, i, y.F[i], v)
				}
			}
		}
	}
	// Batched MatMul with broadcasting and a 1-D right operand.
	a, b := randValue(r, 2, 1, 3, 4), randValue(r, 3, 4, 5)
	y := runSingle(t, &graph.MatMul{}, []*graph.Value{a, b}, 1)[0]
	if !slices.Equal(y.Shape, []int{2, 3, 3, 5}) {
		t.Fatalf("matmul shape %v", y.Shape)
	}
	for i0 := range 2 {
		for i1 := range 3 {
			got := y.F[(i0*3+i1)*15 : (i0*3+i1+1)*15]
			want := naive(&graph.Value{F: a.F[i0*12 : (i0+1)*12]}, &graph.Value{F: b.F[i1*20 : (i1+1)*20]}, false, false, 3, 5, 4)
			for i := range want {
				if math.Abs(float64(got[i])-want[i]) > 1e-5 {
					t.Fatalf("batch (%d,%d) element %d = %v, want %v", i0, i1, i, got[i], want[i])
				}
			}
		}
	}
	v := randValue(r, 4)
	y = runSingle(t, &graph.MatMul{}, []*graph.Value{a, v}, 1)[0]
	if !slices.Equal(y.Shape, []int{2, 1, 3}) {
		t.Fatalf("matmul with 1-D operand: shape %v", y.Shape)
	}
}

// TestMaxPoolIndices works the Indices output out by hand: a 2x3 plane
// [[1 6 8] [4 5 7]] with 2x2 windows has maxima 6 at (0,1) and 8 at (0,2);
// row-major flat indices 1 and 2, column-major (h + w*H) 2 and 4, plus 6
// per plane for the second channel.
func TestMaxPoolIndices(t *testing.T) {
	plane := []float32{1, 6, 8, 4, 5, 7}
	x := graph.Floats([]int{1, 2, 2, 3}, append(append([]float32{}, plane...), plane...))
	pool := graph.Pool{Kernel: []int{2, 2}, Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}}
	for order, want := range [][]int64{{1, 2, 7, 8}, {2, 4, 8, 10}} {
		out := runSingle(t, &graph.MaxPool{Pool: pool, StorageOrder: order}, []*graph.Value{x}, 2)
		if !slices.Equal(out[0].F, []float32{6, 8, 6, 8}) || !slices.Equal(out[1].I, want) {
			t.Errorf("storage order %d: values %v indices %v, want indices %v", order, out[0].F, out[1].I, want)
		}
	}
}

// TestAveragePoolDivisor: 1..4 along W, kernel 2, stride 2, one pad at the
// start, ceil mode: windows {pad,1}, {2,3}, {4, past the end}. The last
// window's overhang never counts; the explicit pad counts only with
// count_include_pad.
func TestAveragePoolDivisor(t *testing.T) {
	x := graph.Floats([]int{1, 1, 1, 4}, []float32{1, 2, 3, 4})
	pool := graph.Pool{Kernel: []int{1, 2}, Strides: []int{1, 2}, Dilations: []int{1, 1}, PadsBegin: []int{0, 1}, PadsEnd: []int{0, 0}, CeilMode: true}
	for cip, want := range [][]float32{{1, 2.5, 4}, {0.5, 2.5, 4}} {
		y := runSingle(t, &graph.AveragePool{Pool: pool, CountIncludePad: cip == 1}, []*graph.Value{x}, 1)[0]
		if !slices.Equal(y.Shape, []int{1, 1, 1, 3}) || !slices.Equal(y.F, want) {
			t.Errorf("count_include_pad %d: %v %v, want %v", cip, y.Shape, y.F, want)
		}
	}
}

// TestRunReusesBuffers runs one interpreter twice: the second result must
// not depend on the first (every kernel overwrites its output).
func TestRunReusesBuffers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x1, x2, w := randValue(r, 1, 2, 5, 5), randValue(r, 1, 2, 5, 5), randValue(r, 3, 2, 3, 3)
	op := &graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 1}
	g, _ := single(t, op, []*graph.Value{x1, w}, []bool{false, true}, 1)
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := it.Run(x1); err != nil {
		t.Fatal(err)
	}
	y2, err := it.Run(x2)
	if err != nil {
		t.Fatal(err)
	}
	fresh := runSingle(t, op, []*graph.Value{x2, w}, 1)[0]
	if !slices.Equal(y2[0].F, fresh.F) {
		t.Error("second Run differs from a fresh interpreter's")
	}
	if _, err := it.Run(graph.Floats([]int{1, 2, 5, 4}, make([]float32, 40))); err == nil || !strings.Contains(err.Error(), "want float32[1 2 5 5]") {
		t.Errorf("wrong input shape: %v", err)
	}
}

func TestDataErrors(t *testing.T) {
	data := graph.Floats([]int{3}, []float32{1, 2, 3})
	g, feed := single(t, &graph.Gather{Axis: 0}, []*graph.Value{data, graph.Ints(graph.Int64, []int{2}, []int64{-3, 3})}, nil, 1)
	it, _ := refeval.New(g)
	if _, err := it.Run(feed...); err == nil || !strings.Contains(err.Error(), "index 3 (position 1) out of range") {
		t.Errorf("gather out of range: %v", err)
	}
	a := graph.Ints(graph.Int32, []int{2}, []int64{7, 1})
	g, feed = single(t, &graph.Div{}, []*graph.Value{a, graph.Ints(graph.Int32, []int{2}, []int64{2, 0})}, nil, 1)
	it, _ = refeval.New(g)
	if _, err := it.Run(feed...); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("integer division by zero: %v", err)
	}
	// Integer arithmetic wraps to the type: 200 + 100 in uint8 is 44.
	u := runSingle(t, &graph.Add{}, []*graph.Value{graph.Ints(graph.Uint8, []int{1}, []int64{200}), graph.Ints(graph.Uint8, []int{1}, []int64{100})}, 1)[0]
	if u.I[0] != 44 {
		t.Errorf("uint8 200+100 = %d, want 44", u.I[0])
	}
}

func TestEvalNode(t *testing.T) {
	x := graph.Floats([]int{2, 2}, []float32{1, -2, 3, -4})
	g, _ := single(t, &graph.Relu{}, []*graph.Value{x}, nil, 1)
	out, err := refeval.EvalNode(g, g.Nodes[0], []*graph.Value{x})
	if err != nil || !slices.Equal(out[0].F, []float32{1, 0, 3, 0}) {
		t.Fatalf("EvalNode: %v %v", out, err)
	}
	if _, err := refeval.EvalNode(g, g.Nodes[0], []*graph.Value{graph.Floats([]int{4}, x.F)}); err == nil {
		t.Error("EvalNode accepted a value of the wrong shape")
	}
}

func BenchmarkConv3x3(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	x, w, bias := randValue(r, 1, 64, 56, 56), randValue(r, 64, 64, 3, 3), randValue(r, 64)
	op := &graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 1}
	g, feed := single(b, op, []*graph.Value{x, w, bias}, []bool{false, true, true}, 1)
	it, err := refeval.New(g)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := it.Run(feed...); err != nil {
			b.Fatal(err)
		}
	}
	flops := 2.0 * 64 * 56 * 56 * 64 * 9
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func numElements(shape []int) int {
	n, _ := graph.NumElements(shape)
	return n
}
