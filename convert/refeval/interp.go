// Package refeval is a float32 reference interpreter for the converter's IR
// (package graph). It defines what a float graph computes: the quantization
// passes calibrate activation ranges by running it, and measure the int8
// model's error against it.
//
// Kernels are straightforward row-major (NCHW) loops that follow the ONNX
// operator definitions; convolution is im2col followed by a blocked,
// column-parallel matrix multiply, so that calibrating a real CNN over a
// few hundred images takes seconds, not hours. Reductions and
// transcendental functions accumulate in float64.
//
// Results are the same bits on every GOARCH, so that a conversion gives
// the same model on amd64 and arm64: every product that is then added is
// written float32(a*b) or float64(a*b), an explicit conversion that rounds
// it (Go specification, "Arithmetic operators") and so keeps the compiler
// from fusing it into an FMA as it does on arm64, and exp, log and tanh
// come from package quant, whose functions use only correctly rounded
// operations (the standard library's are assembly or fused per GOARCH).
package refeval

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// Interpreter runs one graph repeatedly. New allocates a buffer for every
// tensor once; Run reuses them, so the values Run returns and Value reads
// are valid until the next Run. An Interpreter is not safe for concurrent
// use; create one per goroutine.
type Interpreter struct {
	g       *graph.Graph
	values  []*graph.Value
	in, out [][]*graph.Value // per node
	scratch scratch
}

// New checks g (structure, and that every output shape is what inference
// computes) and allocates its activations.
func New(g *graph.Graph) (*Interpreter, error) {
	if err := g.CheckShapes(); err != nil {
		return nil, fmt.Errorf("refeval: %w", err)
	}
	it := &Interpreter{g: g, values: make([]*graph.Value, len(g.Tensors))}
	for i, t := range g.Tensors {
		if t.Const != nil {
			it.values[i] = t.Const
		}
	}
	isInput := make([]bool, len(g.Tensors))
	for _, i := range g.Inputs {
		isInput[i] = true
	}
	it.in = make([][]*graph.Value, len(g.Nodes))
	it.out = make([][]*graph.Value, len(g.Nodes))
	for ni, n := range g.Nodes {
		it.out[ni] = make([]*graph.Value, len(n.Outputs))
		for k, o := range n.Outputs {
			if o < 0 {
				continue
			}
			t := g.Tensors[o]
			v := graph.NewValue(t.DType, t.Shape)
			it.values[o] = v
			it.out[ni][k] = v
		}
	}
	for ni, n := range g.Nodes {
		it.in[ni] = make([]*graph.Value, len(n.Inputs))
		for k, i := range n.Inputs {
			if i >= 0 && !isInput[i] {
				it.in[ni][k] = it.values[i]
			}
		}
	}
	return it, nil
}

// Graph returns the graph the interpreter runs.
func (it *Interpreter) Graph() *graph.Graph { return it.g }

// Run evaluates the graph on inputs, given in the order of g.Inputs with
// exactly their dtypes and shapes, and returns the graph outputs in order.
// Inputs are read, never written.
func (it *Interpreter) Run(inputs ...*graph.Value) ([]*graph.Value, error) {
	g := it.g
	if len(inputs) != len(g.Inputs) {
		return nil, fmt.Errorf("refeval: %d inputs, graph has %d", len(inputs), len(g.Inputs))
	}
	for k, v := range inputs {
		t := g.Tensors[g.Inputs[k]]
		if v == nil || v.DType != t.DType || !graph.ShapeEqual(v.Shape, t.Shape) {
			return nil, fmt.Errorf("refeval: input %d %q: want %v%v, have %s", k, t.Name, t.DType, t.Shape, describe(v))
		}
		if err := v.Check(); err != nil {
			return nil, fmt.Errorf("refeval: input %d %q: %w", k, t.Name, err)
		}
		it.values[g.Inputs[k]] = v
	}
	for ni, n := range g.Nodes {
		in := it.in[ni]
		for k, i := range n.Inputs {
			if i >= 0 {
				in[k] = it.values[i]
			}
		}
		if err := exec(n, in, it.out[ni], &it.scratch); err != nil {
			return nil, fmt.Errorf("refeval: node %d %s: %w", ni, n.Describe(), err)
		}
	}
	outs := make([]*graph.Value, len(g.Outputs))
	for k, o := range g.Outputs {
		outs[k] = it.values[o]
	}
	return outs, nil
}

// SetThreads sets how many goroutines a Run may use for one large matrix
// product (default, and n <= 0: GOMAXPROCS). Results do not depend on it;
// callers that run several interpreters side by side set it to 1.
func (it *Interpreter) SetThreads(n int) { it.scratch.threads = n }

// Value returns tensor i's value from the last Run (constants at any
// time), or nil before the first Run. Calibration reads every activation
// through it.
func (it *Interpreter) Value(i int) *graph.Value { return it.values[i] }

func describe(v *graph.Value) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%v%v", v.DType, v.Shape)
}

// EvalNode computes node n of g on the given input values (nil for absent
// optional inputs; they must match the input tensors' dtypes and shapes)
// and returns newly allocated outputs (nil for absent outputs). The
// importer uses it to fold nodes whose inputs are all constants.
func EvalNode(g *graph.Graph, n *graph.Node, inputs []*graph.Value) ([]*graph.Value, error) {
	if len(inputs) != len(n.Inputs) {
		return nil, fmt.Errorf("refeval: %s: %d input values for %d inputs", n.Describe(), len(inputs), len(n.Inputs))
	}
	for k, i := range n.Inputs {
		if i < 0 {
			if inputs[k] != nil {
				return nil, fmt.Errorf("refeval: %s: value for absent input %d", n.Describe(), k)
			}
			continue
		}
		t := g.Tensors[i]
		v := inputs[k]
		if v == nil || v.DType != t.DType || !graph.ShapeEqual(v.Shape, t.Shape) {
			return nil, fmt.Errorf("refeval: %s: input %d %q: want %v%v, have %s", n.Describe(), k, t.Name, t.DType, t.Shape, describe(v))
		}
		if err := v.Check(); err != nil {
			return nil, fmt.Errorf("refeval: %s: input %d %q: %w", n.Describe(), k, t.Name, err)
		}
	}
	outs := make([]*graph.Value, len(n.Outputs))
	for k, o := range n.Outputs {
		if o >= 0 {
			t := g.Tensors[o]
			outs[k] = graph.NewValue(t.DType, t.Shape)
		}
	}
	var s scratch
	if err := exec(n, inputs, outs, &s); err != nil {
		return nil, fmt.Errorf("refeval: %s: %w", n.Describe(), err)
	}
	return outs, nil
}

// scratch is reusable temporary memory for kernels (im2col columns,
// transposed operands), and how many goroutines they may use.
type scratch struct {
	a, b    []float32
	threads int // 0: GOMAXPROCS
}

func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}
