package train

import (
	"fmt"
	"slices"
)

// Op is one layer: it computes its output from its inputs and, in the
// backward pass, adds the gradients of its inputs.
type Op interface {
	// Kind names the operator ("conv", "relu", ...).
	Kind() string
	// OutShape is the output shape for the given input shapes (batch
	// first), or an error naming what does not fit.
	OutShape(in [][]int) ([]int, error)
	// Forward computes out (already shaped and zeroed) from in. In
	// training mode ops keep what Backward needs.
	Forward(in []*Tensor, out *Tensor, training bool)
	// Backward adds the gradient of the loss with respect to each input
	// to dIn[i] (nil: not needed) and with respect to its parameters to
	// their Grad, given the output's gradient dOut. It runs after a
	// training-mode Forward with the same tensors.
	Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor)
	// Params are the trainable parameters (nil for none).
	Params() []*Param
}

// Node applies Op to values of the model: value 0 is the model input, the
// output of node i is value i+1.
type Node struct {
	Name   string
	Op     Op
	Inputs []int
}

// Model is a dataflow graph of layers in topological order; the last
// node's output is the model's output (logits).
type Model struct {
	// Input is the shape of one sample (C, H, W).
	Input []int
	Nodes []*Node

	values []*Tensor // forward activations, reused between batches
	grads  []*Tensor
}

// Add appends a node computing op over the given values and returns the
// value it produces.
func (m *Model) Add(name string, op Op, inputs ...int) int {
	m.Nodes = append(m.Nodes, &Node{Name: name, Op: op, Inputs: inputs})
	return len(m.Nodes)
}

// Output is the value the model returns (the last node's).
func (m *Model) Output() int { return len(m.Nodes) }

// Params lists every trainable parameter in node order.
func (m *Model) Params() []*Param {
	var ps []*Param
	for _, n := range m.Nodes {
		ps = append(ps, n.Op.Params()...)
	}
	return ps
}

// Shapes returns every value's shape for a batch of n samples, checking
// that each node accepts its inputs.
func (m *Model) Shapes(n int) ([][]int, error) {
	shapes := [][]int{append([]int{n}, m.Input...)}
	for i, node := range m.Nodes {
		var in [][]int
		for _, v := range node.Inputs {
			if v < 0 || v > i {
				return nil, fmt.Errorf("train: node %d %q: input value %d is not computed before it", i, node.Name, v)
			}
			in = append(in, shapes[v])
		}
		s, err := node.Op.OutShape(in)
		if err != nil {
			return nil, fmt.Errorf("train: node %d %q (%s): %w", i, node.Name, node.Op.Kind(), err)
		}
		shapes = append(shapes, s)
	}
	return shapes, nil
}

// Validate checks the graph for one sample.
func (m *Model) Validate() error {
	_, err := m.Shapes(1)
	return err
}

// Forward runs the model on the batch x and returns the output value
// (owned by the model until the next Forward). In training mode the
// activations are kept for Backward.
func (m *Model) Forward(x *Tensor, training bool) (*Tensor, error) {
	if !slices.Equal(x.Shape[1:], m.Input) {
		return nil, fmt.Errorf("train: input %v, the model takes [N %v]", x.Shape, m.Input)
	}
	shapes, err := m.Shapes(x.Shape[0])
	if err != nil {
		return nil, err
	}
	if len(m.values) != len(shapes) {
		m.values = make([]*Tensor, len(shapes))
		for i := range m.values {
			m.values[i] = &Tensor{}
		}
	}
	m.values[0] = x
	ins := make([]*Tensor, 0, 4)
	for i, node := range m.Nodes {
		ins = ins[:0]
		for _, v := range node.Inputs {
			ins = append(ins, m.values[v])
		}
		out := m.values[i+1]
		out.resize(shapes[i+1])
		node.Op.Forward(ins, out, training)
	}
	return m.values[len(m.values)-1], nil
}

// Value is value v of the last Forward.
func (m *Model) Value(v int) *Tensor { return m.values[v] }

// Backward propagates dOut, the loss gradient of the last training-mode
// Forward's output, adding to every parameter's Grad.
func (m *Model) Backward(dOut *Tensor) {
	if len(m.grads) != len(m.values) {
		m.grads = make([]*Tensor, len(m.values))
		for i := range m.grads {
			m.grads[i] = &Tensor{}
		}
	}
	needs := make([]bool, len(m.values))
	for _, node := range m.Nodes {
		for _, v := range node.Inputs {
			if v > 0 {
				needs[v] = true
			}
		}
	}
	for v := 1; v < len(m.values)-1; v++ {
		if needs[v] {
			m.grads[v].resize(m.values[v].Shape)
		}
	}
	last := len(m.values) - 1
	m.grads[last].Shape = dOut.Shape
	m.grads[last].Data = dOut.Data
	ins := make([]*Tensor, 0, 4)
	dIns := make([]*Tensor, 0, 4)
	for i := len(m.Nodes) - 1; i >= 0; i-- {
		node := m.Nodes[i]
		ins, dIns = ins[:0], dIns[:0]
		for _, v := range node.Inputs {
			ins = append(ins, m.values[v])
			if v == 0 {
				dIns = append(dIns, nil)
			} else {
				dIns = append(dIns, m.grads[v])
			}
		}
		node.Op.Backward(ins, m.values[i+1], m.grads[i+1], dIns)
	}
}

// ZeroGrad clears every parameter's gradient.
func (m *Model) ZeroGrad() {
	for _, p := range m.Params() {
		clear(p.Grad)
	}
}

// MACs is the multiply-accumulate count of one sample's forward pass
// through the convolutions and fully connected layers.
func (m *Model) MACs() (int64, error) {
	shapes, err := m.Shapes(1)
	if err != nil {
		return 0, err
	}
	var total int64
	for i, node := range m.Nodes {
		if c, ok := node.Op.(interface{ macsPerOutput() int }); ok {
			total += int64(numel(shapes[i+1])) * int64(c.macsPerOutput())
		}
	}
	return total, nil
}
