package lower_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/convert/passes"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// gb builds IR test graphs with inferred shapes and seeded constants.
type gb struct {
	t testing.TB
	g *graph.Graph
	r *rand.Rand
}

func newGB(t testing.TB, seed uint64) *gb {
	return &gb{t: t, g: &graph.Graph{Name: "test"}, r: rand.New(rand.NewPCG(seed, 7))}
}

func (b *gb) input(name string, shape ...int) int {
	i := b.g.AddTensor(&graph.Tensor{Name: name, DType: graph.Float32, Shape: shape})
	b.g.Inputs = append(b.g.Inputs, i)
	return i
}

func (b *gb) weight(name string, std float64, shape ...int) int {
	v := graph.NewValue(graph.Float32, shape)
	for i := range v.F {
		v.F[i] = float32(b.r.NormFloat64() * std)
	}
	return b.g.AddTensor(&graph.Tensor{Name: name, DType: graph.Float32, Shape: shape, Const: v})
}

func (b *gb) node(name string, op graph.Op, ins ...int) int {
	return b.nodeN(name, 1, op, ins...)[0]
}

func (b *gb) nodeN(name string, outs int, op graph.Op, ins ...int) []int {
	b.t.Helper()
	n := &graph.Node{Name: name, Op: op, Inputs: ins}
	for k := range outs {
		oname := name
		if k > 0 {
			oname = fmt.Sprintf("%s_%d", name, k)
		}
		n.Outputs = append(n.Outputs, b.g.AddTensor(&graph.Tensor{Name: oname}))
	}
	b.g.Nodes = append(b.g.Nodes, n)
	if err := graph.InferNode(b.g, n); err != nil {
		b.t.Fatalf("node %s: %v", name, err)
	}
	return n.Outputs
}

func (b *gb) output(ts ...int) *graph.Graph {
	b.t.Helper()
	b.g.Outputs = append(b.g.Outputs, ts...)
	if err := b.g.CheckShapes(); err != nil {
		b.t.Fatal(err)
	}
	return b.g
}

func conv(stride, pad, group int) *graph.Conv {
	return &graph.Conv{Strides: []int{stride, stride}, Dilations: []int{1, 1}, PadsBegin: []int{pad, pad}, PadsEnd: []int{pad, pad}, Group: group}
}

func pool(k, stride, pad int) graph.Pool {
	return graph.Pool{Kernel: []int{k, k}, Strides: []int{stride, stride}, Dilations: []int{1, 1}, PadsBegin: []int{pad, pad}, PadsEnd: []int{pad, pad}}
}

// samples draws n inputs for g from a standard normal distribution.
func samples(g *graph.Graph, n int, seed uint64) [][]*graph.Value {
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([][]*graph.Value, n)
	for s := range out {
		for _, i := range g.Inputs {
			v := graph.NewValue(graph.Float32, g.Tensors[i].Shape)
			for k := range v.F {
				v.F[k] = float32(r.NormFloat64())
			}
			out[s] = append(out[s], v)
		}
	}
	return out
}

// reference runs g on every sample and returns the graph outputs and
// every tensor's value.
func reference(t testing.TB, g *graph.Graph, xs [][]*graph.Value) (outs [][]*graph.Value, all [][]*graph.Value) {
	t.Helper()
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		o, err := it.Run(x...)
		if err != nil {
			t.Fatal(err)
		}
		var os []*graph.Value
		for _, v := range o {
			os = append(os, v.Clone())
		}
		outs = append(outs, os)
		var vs []*graph.Value
		for i := range g.Tensors {
			if v := it.Value(i); v != nil {
				vs = append(vs, v.Clone())
			} else {
				vs = append(vs, nil)
			}
		}
		all = append(all, vs)
	}
	return outs, all
}

// execute runs model m on every sample (NCHW inputs, NCHW outputs).
func execute(t testing.TB, m *format.Model, xs [][]*graph.Value) [][][]float32 {
	t.Helper()
	rm, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	it, err := rm.NewInterpreter(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var res [][][]float32
	for _, x := range xs {
		for k, v := range x {
			if err := it.SetInputFloat32(k, v.F, layoutOf(m, m.Inputs[k])); err != nil {
				t.Fatal(err)
			}
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		var outs [][]float32
		for k := range m.Outputs {
			o, err := it.OutputFloat32(k, nil, layoutOf(m, m.Outputs[k]))
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, o)
		}
		res = append(res, outs)
	}
	return res
}

func layoutOf(m *format.Model, t int) format.Layout {
	if l, ok := m.Metadata.IOLayouts[t]; ok {
		return l
	}
	return format.NHWC
}

// calibrate sets every lowered tensor's range to the min and max over the
// samples' reference values.
func calibrate(res *lower.Result, all [][]*graph.Value) {
	for t, bt := range res.Tensors {
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for _, vs := range all {
			for _, x := range vs[t].F {
				lo, hi = min(lo, x), max(hi, x)
			}
		}
		res.Builder.SetRange(bt, lo, hi)
	}
}

// sqnr is 10 log10(Σ ref² / Σ (got-ref)²) in dB (+Inf when exact).
func sqnr(ref, got []float32) float64 {
	var s, n float64
	for i := range ref {
		d := float64(got[i]) - float64(ref[i])
		s += float64(ref[i]) * float64(ref[i])
		n += d * d
	}
	return 10 * math.Log10(s/n)
}

// lowered optimizes and lowers a graph built by build.
func lowered(t testing.TB, build func(testing.TB) *graph.Graph, opts lower.Options) (*graph.Graph, *lower.Result) {
	t.Helper()
	g := build(t)
	if err := passes.Optimize(g); err != nil {
		t.Fatal(err)
	}
	res, err := lower.Lower(g, opts)
	if err != nil {
		t.Fatal(err)
	}
	return g, res
}

// checkModels lowers the graph, checks that the float32 model matches the
// reference to float32 rounding and that the int8 model reaches minDB of
// SQNR on every output (thresholds are 3 dB under the values measured
// when the tests were written), and returns both models.
func checkModels(t *testing.T, build func(testing.TB) *graph.Graph, opts lower.Options, minDB float64) (f32, i8 *format.Model) {
	t.Helper()
	g, res := lowered(t, build, opts)
	xs := samples(g, 8, 1)
	want, all := reference(t, g, xs)
	fm, err := res.Builder.Float32Model()
	if err != nil {
		t.Fatal(err)
	}
	got := execute(t, fm, xs)
	for s := range xs {
		for k := range want[s] {
			if db := sqnr(want[s][k].F, got[s][k]); db < 100 {
				t.Errorf("float32 model: sample %d output %d: SQNR %.1f dB, want float32 rounding (>= 100 dB)", s, k, db)
			}
		}
	}
	calibrate(res, all)
	qm, err := res.Builder.Int8Model(builder.Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	got = execute(t, qm, xs)
	for k := range want[0] {
		var ref, q []float32
		for s := range xs {
			ref = append(ref, want[s][k].F...)
			q = append(q, got[s][k]...)
		}
		db := sqnr(ref, q)
		t.Logf("int8 model: output %d: SQNR %.1f dB", k, db)
		if db < minDB {
			t.Errorf("int8 model: output %d: SQNR %.1f dB, want >= %.0f", k, db, minDB)
		}
	}
	return fm, qm
}

func opList(m *format.Model) string {
	s := ""
	for i, op := range m.Operators {
		if i > 0 {
			s += " "
		}
		s += op.Op.String()
	}
	return s
}
