// Package graph is the converter's float intermediate representation: a
// static-shape dataflow graph of tensors (row-major, NCHW for images) and
// nodes whose parameters are resolved, typed Go values.
//
// The IR is deliberately smaller than ONNX. Import normalizes every
// operator-set variant of an op to one form: parameters that ONNX passes as
// inputs in some opsets (Clip bounds, Pad pads, Slice starts, Reshape shape,
// Resize scales, Squeeze axes, ...) become fields of the op; auto_pad becomes
// explicit pads; Flatten, Squeeze and Unsqueeze become Reshape; Dropout
// becomes Identity; Upsample becomes Resize; GlobalAveragePool and
// GlobalMaxPool become ReduceMean and ReduceMax; Softmax before opset 13
// becomes Reshape-Softmax-Reshape. Shape, Constant and ConstantOfShape
// produce constants at import and never reach the IR.
//
// Every tensor has a static shape and a dtype; constants carry their Value.
// Nodes are kept in topological order.
package graph

import (
	"errors"
	"fmt"
)

// Tensor is a graph value: a graph input, a constant, or a node output.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	// Const is the payload of a constant (initializer or folded value) and
	// nil for everything computed at run time.
	Const *Value
}

// IsConst reports whether t is a constant.
func (t *Tensor) IsConst() bool { return t.Const != nil }

// Op is a node's operator with its resolved parameters: one of the types
// in ops.go (*Conv, *Gemm, *Add, ...).
type Op interface {
	Type() OpType
}

// Node applies Op to input tensors and produces output tensors. Inputs and
// Outputs are indices into Graph.Tensors; -1 marks an omitted optional
// input or output.
type Node struct {
	Name string
	// Source is the ONNX op type the node came from when it differs from
	// Op's type (Flatten for a Reshape, Dropout for an Identity), so that
	// messages can name what the user wrote.
	Source  string
	Op      Op
	Inputs  []int
	Outputs []int
}

// Describe names the node for error messages: `Conv "conv1"` or
// `Reshape (from Flatten) "flat"`.
func (n *Node) Describe() string {
	s := n.Op.Type().String()
	if n.Source != "" && n.Source != s {
		s += " (from " + n.Source + ")"
	}
	return fmt.Sprintf("%s %q", s, n.Name)
}

// Graph is a static-shape dataflow graph.
type Graph struct {
	Name    string
	Tensors []*Tensor
	Nodes   []*Node // topological order
	Inputs  []int   // tensor indices of the graph inputs, in order
	Outputs []int   // tensor indices of the graph outputs, in order
}

// AddTensor appends t and returns its index.
func (g *Graph) AddTensor(t *Tensor) int {
	g.Tensors = append(g.Tensors, t)
	return len(g.Tensors) - 1
}

// TensorByName returns the index of the tensor called name, or -1.
func (g *Graph) TensorByName(name string) int {
	for i, t := range g.Tensors {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// Producers returns, for each tensor, the index of the node producing it,
// or -1 for graph inputs and constants.
func (g *Graph) Producers() []int {
	p := make([]int, len(g.Tensors))
	for i := range p {
		p[i] = -1
	}
	for ni, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o >= 0 && o < len(p) {
				p[o] = ni
			}
		}
	}
	return p
}

// Consumers returns, for each tensor, the indices of the nodes reading it.
func (g *Graph) Consumers() [][]int {
	c := make([][]int, len(g.Tensors))
	for ni, n := range g.Nodes {
		for _, in := range n.Inputs {
			if in >= 0 && in < len(c) {
				c[in] = append(c[in], ni)
			}
		}
	}
	return c
}

// Validate checks the graph's structure: indices in range, every tensor
// defined exactly once (as input, constant or node output) before it is
// read, required inputs present, shapes valid and constant payloads
// matching their tensors. Passes that rewrite the graph call it afterwards;
// it does not re-run shape inference (see InferShapes).
func (g *Graph) Validate() error {
	defined := make([]bool, len(g.Tensors))
	for i, t := range g.Tensors {
		if t == nil {
			return fmt.Errorf("tensor %d is nil", i)
		}
		if !t.DType.Valid() {
			return fmt.Errorf("tensor %d %q: invalid dtype", i, t.Name)
		}
		if _, err := NumElements(t.Shape); err != nil {
			return fmt.Errorf("tensor %d %q: %w", i, t.Name, err)
		}
		if t.Const != nil {
			if err := t.Const.Check(); err != nil {
				return fmt.Errorf("tensor %d %q: %w", i, t.Name, err)
			}
			if t.Const.DType != t.DType || !ShapeEqual(t.Const.Shape, t.Shape) {
				return fmt.Errorf("tensor %d %q: constant is %v%v, tensor is %v%v", i, t.Name, t.Const.DType, t.Const.Shape, t.DType, t.Shape)
			}
			defined[i] = true
		}
	}
	for _, in := range g.Inputs {
		if in < 0 || in >= len(g.Tensors) {
			return fmt.Errorf("graph input index %d out of range", in)
		}
		if defined[in] {
			return fmt.Errorf("graph input %q is defined twice", g.Tensors[in].Name)
		}
		defined[in] = true
	}
	for ni, n := range g.Nodes {
		if n.Op == nil {
			return fmt.Errorf("node %d %q: no op", ni, n.Name)
		}
		for k, in := range n.Inputs {
			if in == -1 {
				continue
			}
			if in < 0 || in >= len(g.Tensors) {
				return fmt.Errorf("node %d %s: input %d: tensor index %d out of range", ni, n.Describe(), k, in)
			}
			if !defined[in] {
				return fmt.Errorf("node %d %s: input %d %q is read before it is defined", ni, n.Describe(), k, g.Tensors[in].Name)
			}
		}
		for k, o := range n.Outputs {
			if o == -1 {
				continue
			}
			if o < 0 || o >= len(g.Tensors) {
				return fmt.Errorf("node %d %s: output %d: tensor index %d out of range", ni, n.Describe(), k, o)
			}
			if defined[o] {
				return fmt.Errorf("node %d %s: output %d %q is defined twice", ni, n.Describe(), k, g.Tensors[o].Name)
			}
			defined[o] = true
		}
	}
	for _, o := range g.Outputs {
		if o < 0 || o >= len(g.Tensors) {
			return fmt.Errorf("graph output index %d out of range", o)
		}
		if !defined[o] {
			return fmt.Errorf("graph output %q is never defined", g.Tensors[o].Name)
		}
	}
	if len(g.Outputs) == 0 {
		return errors.New("graph has no outputs")
	}
	return nil
}

// Compact removes the nodes whose outputs no graph output depends on, and
// the tensors no remaining node or graph input/output refers to, renumbering
// tensor indices.
func (g *Graph) Compact() {
	producer := g.Producers()
	live := make([]bool, len(g.Tensors))
	liveNode := make([]bool, len(g.Nodes))
	stack := append([]int(nil), g.Outputs...)
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if live[t] {
			continue
		}
		live[t] = true
		if p := producer[t]; p >= 0 && !liveNode[p] {
			liveNode[p] = true
			for _, in := range g.Nodes[p].Inputs {
				if in >= 0 {
					stack = append(stack, in)
				}
			}
		}
	}
	for _, in := range g.Inputs {
		live[in] = true
	}
	nodes := g.Nodes[:0]
	for i, n := range g.Nodes {
		if liveNode[i] {
			nodes = append(nodes, n)
			for _, o := range n.Outputs {
				if o >= 0 {
					live[o] = true // unused secondary outputs keep their slot
				}
			}
		}
	}
	g.Nodes = nodes
	remap := make([]int, len(g.Tensors))
	tensors := make([]*Tensor, 0, len(g.Tensors))
	for i, t := range g.Tensors {
		remap[i] = -1
		if live[i] {
			remap[i] = len(tensors)
			tensors = append(tensors, t)
		}
	}
	g.Tensors = tensors
	mapAll := func(idx []int) {
		for i, t := range idx {
			if t >= 0 {
				idx[i] = remap[t]
			}
		}
	}
	mapAll(g.Inputs)
	mapAll(g.Outputs)
	for _, n := range g.Nodes {
		mapAll(n.Inputs)
		mapAll(n.Outputs)
	}
}
