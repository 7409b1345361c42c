package passes_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// gb builds test graphs node by node with inferred shapes and seeded
// random constants.
type gb struct {
	t testing.TB
	g *graph.Graph
	r *rand.Rand
}

func newGB(t testing.TB, seed uint64) *gb {
	return &gb{t: t, g: &graph.Graph{Name: "test"}, r: rand.New(rand.NewPCG(seed, 1))}
}

func (b *gb) input(name string, shape ...int) int {
	i := b.g.AddTensor(&graph.Tensor{Name: name, DType: graph.Float32, Shape: shape})
	b.g.Inputs = append(b.g.Inputs, i)
	return i
}

// weight is a constant of normally distributed values scaled by std.
func (b *gb) weight(name string, std float64, shape ...int) int {
	v := graph.NewValue(graph.Float32, shape)
	for i := range v.F {
		v.F[i] = float32(b.r.NormFloat64() * std)
	}
	return b.constant(name, v)
}

// positive is a constant of values in [lo, lo+1).
func (b *gb) positive(name string, lo float64, shape ...int) int {
	v := graph.NewValue(graph.Float32, shape)
	for i := range v.F {
		v.F[i] = float32(lo + b.r.Float64())
	}
	return b.constant(name, v)
}

func (b *gb) constant(name string, v *graph.Value) int {
	return b.g.AddTensor(&graph.Tensor{Name: name, DType: v.DType, Shape: v.Shape, Const: v})
}

// node adds op reading ins and returns its (first) output.
func (b *gb) node(name string, op graph.Op, ins ...int) int {
	b.t.Helper()
	y := b.g.AddTensor(&graph.Tensor{Name: name})
	n := &graph.Node{Name: name, Op: op, Inputs: ins, Outputs: []int{y}}
	b.g.Nodes = append(b.g.Nodes, n)
	if err := graph.InferNode(b.g, n); err != nil {
		b.t.Fatalf("node %s: %v", name, err)
	}
	return y
}

func (b *gb) output(ts ...int) *graph.Graph {
	b.g.Outputs = append(b.g.Outputs, ts...)
	if err := b.g.CheckShapes(); err != nil {
		b.t.Fatal(err)
	}
	return b.g
}

func conv2D(stride, pad, group int) *graph.Conv {
	return &graph.Conv{Strides: []int{stride, stride}, Dilations: []int{1, 1}, PadsBegin: []int{pad, pad}, PadsEnd: []int{pad, pad}, Group: group}
}

func bn(b *gb, name string, x, c int) int {
	return b.node(name, &graph.BatchNorm{Epsilon: 1e-5}, x,
		b.positive(name+"_scale", 0.5, c), b.weight(name+"_bias", 1, c),
		b.weight(name+"_mean", 0.5, c), b.positive(name+"_var", 0.2, c))
}

// run evaluates g on inputs drawn from seed (standard normal).
func run(t testing.TB, g *graph.Graph, seed uint64) []*graph.Value {
	t.Helper()
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 2))
	var ins []*graph.Value
	for _, i := range g.Inputs {
		v := graph.NewValue(graph.Float32, g.Tensors[i].Shape)
		for k := range v.F {
			v.F[k] = float32(r.NormFloat64())
		}
		ins = append(ins, v)
	}
	outs, err := it.Run(ins...)
	if err != nil {
		t.Fatal(err)
	}
	res := make([]*graph.Value, len(outs))
	for k, o := range outs {
		res[k] = o.Clone()
	}
	return res
}

// checkPass builds the graph twice, applies pass to one copy and checks
// that both compute the same outputs (to float32 rounding: a relative
// error of 1e-5 of the output's largest magnitude) on three random
// inputs, and that the outputs keep their names. It returns the rewritten
// graph.
func checkPass(t *testing.T, build func(t testing.TB) *graph.Graph, pass func(*graph.Graph) (int, error), wantChanges int) *graph.Graph {
	t.Helper()
	ref := build(t)
	g := build(t)
	n, err := pass(g)
	if err != nil {
		t.Fatalf("pass: %v", err)
	}
	if n != wantChanges {
		t.Errorf("pass made %d changes, want %d\n%s", n, wantChanges, g)
	}
	if err := g.CheckShapes(); err != nil {
		t.Fatalf("rewritten graph: %v", err)
	}
	for k, o := range g.Outputs {
		if got, want := g.Tensors[o].Name, ref.Tensors[ref.Outputs[k]].Name; got != want {
			t.Errorf("output %d is %q, was %q", k, got, want)
		}
	}
	for seed := range uint64(3) {
		want, got := run(t, ref, seed), run(t, g, seed)
		for k := range want {
			if err := close(got[k], want[k], 1e-5); err != nil {
				t.Fatalf("seed %d output %d: %v\n%s", seed, k, err, g)
			}
		}
	}
	return g
}

func close(got, want *graph.Value, rel float64) error {
	if !graph.ShapeEqual(got.Shape, want.Shape) {
		return fmt.Errorf("shape %v, want %v", got.Shape, want.Shape)
	}
	peak := 0.0
	for _, v := range want.F {
		peak = max(peak, math.Abs(float64(v)))
	}
	for i := range want.F {
		if d := math.Abs(float64(got.F[i] - want.F[i])); d > rel*peak {
			return fmt.Errorf("element %d is %v, want %v (peak %v)", i, got.F[i], want.F[i], peak)
		}
	}
	return nil
}

// ops lists the graph's op types in order.
func ops(g *graph.Graph) string {
	s := ""
	for i, n := range g.Nodes {
		if i > 0 {
			s += " "
		}
		s += n.Op.Type().String()
	}
	return s
}
