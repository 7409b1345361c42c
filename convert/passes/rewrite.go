package passes

import (
	"fmt"
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// uses is the graph's def-use information, recomputed by a pass whenever
// it has rewired tensors.
type uses struct {
	producer  []int   // tensor -> producing node, -1 for inputs and constants
	consumers [][]int // tensor -> consuming nodes
	output    []bool  // tensor is a graph output
}

func analyze(g *graph.Graph) *uses {
	u := &uses{producer: g.Producers(), consumers: g.Consumers(), output: make([]bool, len(g.Tensors))}
	for _, o := range g.Outputs {
		u.output[o] = true
	}
	return u
}

// private reports whether t is read by exactly one node and is not a graph
// output: the node producing it may then be rewritten freely.
func (u *uses) private(t int) bool {
	return t >= 0 && len(u.consumers[t]) == 1 && !u.output[t]
}

// constOf returns tensor t's constant payload, or nil.
func constOf(g *graph.Graph, t int) *graph.Value {
	if t < 0 || t >= len(g.Tensors) {
		return nil
	}
	return g.Tensors[t].Const
}

// input returns node n's input k, or -1 when it is absent.
func input(n *graph.Node, k int) int {
	if k < len(n.Inputs) {
		return n.Inputs[k]
	}
	return -1
}

// uniqueName returns base, or base with a numeric suffix, unused by any
// tensor of g.
func uniqueName(g *graph.Graph, base string) string {
	taken := make(map[string]bool, len(g.Tensors))
	for _, t := range g.Tensors {
		taken[t.Name] = true
	}
	name := base
	for i := 1; taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}

// addConst adds a float32 constant tensor named after base.
func addConst(g *graph.Graph, base string, shape []int, data []float32) int {
	v := graph.Floats(shape, data)
	return g.AddTensor(&graph.Tensor{Name: uniqueName(g, base), DType: graph.Float32, Shape: slices.Clone(shape), Const: v})
}

// addTensor adds a computed float32 tensor named after base.
func addTensor(g *graph.Graph, base string, shape []int) int {
	return g.AddTensor(&graph.Tensor{Name: uniqueName(g, base), DType: graph.Float32, Shape: slices.Clone(shape)})
}

// replaceUses makes every node input and graph output that reads old read
// new instead.
func replaceUses(g *graph.Graph, old, new int) {
	for _, n := range g.Nodes {
		if n == nil {
			continue
		}
		for k, in := range n.Inputs {
			if in == old {
				n.Inputs[k] = new
			}
		}
	}
	for k, o := range g.Outputs {
		if o == old {
			g.Outputs[k] = new
		}
	}
}

// bypass removes node ni, whose output y equals its input x, by rewiring
// y's readers to x. When y is a graph output, x's producer writes y
// instead, so that the graph output keeps its name; that is impossible
// when x is a graph input, a constant or itself a graph output, and bypass
// then keeps the node and reports false. The node is marked nil; the
// caller compacts g.Nodes.
func bypass(g *graph.Graph, u *uses, ni int) bool {
	n := g.Nodes[ni]
	x, y := n.Inputs[0], n.Outputs[0]
	if !u.output[y] {
		replaceUses(g, y, x)
		g.Nodes[ni] = nil
		return true
	}
	p := u.producer[x]
	if p < 0 || u.output[x] {
		return false
	}
	// x's producer writes y; x's other readers (all after the producer,
	// which precedes node ni) read y, which is now defined where x was.
	for k, o := range g.Nodes[p].Outputs {
		if o == x {
			g.Nodes[p].Outputs[k] = y
		}
	}
	g.Nodes[ni] = nil
	replaceUses(g, x, y)
	return true
}

// dropNil removes the nodes a pass marked nil.
func dropNil(g *graph.Graph) {
	g.Nodes = slices.DeleteFunc(g.Nodes, func(n *graph.Node) bool { return n == nil })
}

// finish ends a pass that changed the graph: drop removed nodes, forget
// tensors nothing refers to, and check the result.
func finish(g *graph.Graph, changed int) (int, error) {
	if changed == 0 {
		return 0, nil
	}
	dropNil(g)
	g.Compact()
	if err := g.CheckShapes(); err != nil {
		return changed, err
	}
	return changed, nil
}

// channelVector returns the per-channel values of constant c broadcast
// against an activation of shape out, channel dim ch: c must not enlarge
// out, and may vary only along ch. A scalar or all-equal constant gives
// the same value for every channel.
func channelVector(c *graph.Value, out []int, ch int) ([]float32, bool) {
	if c.DType != graph.Float32 || len(c.Shape) > len(out) {
		return nil, false
	}
	m := out[ch]
	off := len(out) - len(c.Shape)
	along := 1
	for i, d := range c.Shape {
		o := off + i
		switch {
		case d == 1:
		case o == ch && d == m:
			along = m
		default:
			return nil, false
		}
	}
	v := make([]float32, m)
	for i := range v {
		if along == 1 {
			v[i] = c.F[0]
		} else {
			v[i] = c.F[i]
		}
	}
	return v, true
}
