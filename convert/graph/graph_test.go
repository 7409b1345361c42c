package graph

import (
	"slices"
	"strings"
	"testing"
)

func TestBroadcastShapes(t *testing.T) {
	for _, c := range []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{2, 3}, []int{3}, []int{2, 3}, true},
		{[]int{2, 1, 4}, []int{3, 1}, []int{2, 3, 4}, true},
		{[]int{}, []int{5}, []int{5}, true},
		{[]int{1}, []int{0}, []int{0}, true},
		{[]int{2, 3}, []int{2}, nil, false},
	} {
		got, err := BroadcastShapes(c.a, c.b)
		if (err == nil) != c.ok || !slices.Equal(got, c.want) {
			t.Errorf("BroadcastShapes(%v, %v) = %v, %v", c.a, c.b, got, err)
		}
	}
	if !BroadcastsTo([]int{3, 1}, []int{2, 3, 4}) || BroadcastsTo([]int{2, 3, 4}, []int{3, 4}) || BroadcastsTo([]int{2}, []int{3}) {
		t.Error("BroadcastsTo")
	}
	if s := BroadcastStrides([]int{3, 1}, []int{2, 3, 4}); !slices.Equal(s, []int{0, 1, 0}) {
		t.Errorf("BroadcastStrides = %v", s)
	}
}

// TestPoolOutput covers the output-size rule, including ceil mode's
// exception: a last window that would start in the end padding is
// dropped (in 4, kernel 2, stride 2, pad end 1: ceil((4+1-2)/2)+1 = 3, but
// window 2 starts at 4 = in + pad begin, so 2).
func TestPoolOutput(t *testing.T) {
	for _, c := range []struct {
		in, k, s, d, pb, pe int
		ceil                bool
		want                int
	}{
		{5, 3, 1, 1, 0, 0, false, 3},
		{5, 3, 2, 1, 1, 1, false, 3},
		{6, 3, 2, 1, 0, 0, false, 2},
		{6, 3, 2, 1, 0, 0, true, 3},
		{4, 2, 2, 1, 0, 1, true, 2},
		{4, 2, 2, 1, 1, 0, true, 3},
		{7, 2, 1, 3, 0, 0, false, 4},
	} {
		p := &Pool{Kernel: []int{c.k}, Strides: []int{c.s}, Dilations: []int{c.d}, PadsBegin: []int{c.pb}, PadsEnd: []int{c.pe}, CeilMode: c.ceil}
		got, err := PoolOutput(p, []int{c.in})
		if err != nil || got[0] != c.want {
			t.Errorf("%+v: %v, %v; want %d", c, got, err, c.want)
		}
	}
	if _, err := PoolOutput(&Pool{Kernel: []int{3}, Strides: []int{1}, Dilations: []int{1}, PadsBegin: []int{3}, PadsEnd: []int{0}}, []int{5}); err == nil {
		t.Error("a pad as large as the window was accepted")
	}
}

func TestDTypeWrap(t *testing.T) {
	for _, c := range []struct {
		dt   DType
		v    int64
		want int64
	}{
		{Int8, 300, 44}, {Int8, -129, 127}, {Uint8, -1, 255}, {Uint8, 256, 0},
		{Int16, 1 << 15, -1 << 15}, {Uint16, -1, 65535}, {Int32, 1 << 31, -1 << 31},
		{Int64, 1 << 40, 1 << 40}, {Bool, -5, 1}, {Bool, 0, 0},
	} {
		if got := c.dt.Wrap(c.v); got != c.want {
			t.Errorf("%v.Wrap(%d) = %d, want %d", c.dt, c.v, got, c.want)
		}
	}
}

// chain builds x -> Relu -> a -> Sigmoid -> y plus a dead branch
// x -> Tanh -> dead and an unused constant.
func chain() *Graph {
	g := &Graph{}
	x := g.AddTensor(&Tensor{Name: "x", DType: Float32, Shape: []int{2}})
	unused := g.AddTensor(&Tensor{Name: "unused", DType: Float32, Shape: []int{1}, Const: Floats([]int{1}, []float32{0})})
	a := g.AddTensor(&Tensor{Name: "a", DType: Float32, Shape: []int{2}})
	dead := g.AddTensor(&Tensor{Name: "dead", DType: Float32, Shape: []int{2}})
	y := g.AddTensor(&Tensor{Name: "y", DType: Float32, Shape: []int{2}})
	_ = unused
	g.Inputs = []int{x}
	g.Nodes = []*Node{
		{Name: "relu", Op: &Relu{}, Inputs: []int{x}, Outputs: []int{a}},
		{Name: "tanh", Op: &Tanh{}, Inputs: []int{x}, Outputs: []int{dead}},
		{Name: "sig", Op: &Sigmoid{}, Inputs: []int{a}, Outputs: []int{y}},
	}
	g.Outputs = []int{y}
	return g
}

func TestCompact(t *testing.T) {
	g := chain()
	if err := g.CheckShapes(); err != nil {
		t.Fatal(err)
	}
	g.Compact()
	var names []string
	for _, tn := range g.Tensors {
		names = append(names, tn.Name)
	}
	if !slices.Equal(names, []string{"x", "a", "y"}) || len(g.Nodes) != 2 || g.Nodes[1].Name != "sig" {
		t.Fatalf("after Compact: tensors %v, %d nodes", names, len(g.Nodes))
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.Nodes[1].Inputs[0] != 1 || g.Outputs[0] != 2 {
		t.Errorf("indices not renumbered: %v %v", g.Nodes[1].Inputs, g.Outputs)
	}
}

func TestValidateAndCheckShapes(t *testing.T) {
	g := chain()
	g.Nodes[0], g.Nodes[2] = g.Nodes[2], g.Nodes[0]
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), `input 0 "a" is read before it is defined`) {
		t.Errorf("unsorted graph: %v", err)
	}
	g = chain()
	g.Nodes[1].Outputs[0] = g.Nodes[0].Outputs[0]
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Errorf("tensor defined twice: %v", err)
	}
	g = chain()
	g.Tensors[4].Shape = []int{3}
	if err := g.CheckShapes(); err == nil || !strings.Contains(err.Error(), `"y" is float32[3], inference gives float32[2]`) {
		t.Errorf("stale shape: %v", err)
	}
	if g.Tensors[4].Shape[0] != 3 {
		t.Error("CheckShapes modified the graph")
	}
}

func TestString(t *testing.T) {
	g := chain()
	g.Compact()
	want := `graph "": 1 inputs, 1 outputs, 2 nodes, 0 constants
input x float32[2]
node 0 Relu "relu": x -> a float32[2]
node 1 Sigmoid "sig": a -> y float32[2]
output y float32[2]
`
	if s := g.String(); s != want {
		t.Errorf("String:\n%s\nwant\n%s", s, want)
	}
	g.Nodes[0].Op = &Clip{Min: 0, Max: 6}
	if s := g.String(); !strings.Contains(s, `node 0 Clip "relu": x -> a float32[2] {Min:0 Max:6}`) {
		t.Errorf("String with params:\n%s", s)
	}
}
