package quantize

import (
	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// concatGroups returns, for every IR tensor whose range a Concat should
// share, the representative of its group: the tensors a Concat joins, its
// output, and transitively the tensors joined by other Concats reading any
// of them. A Concat's int8 kernel copies bytes, so inputs whose
// quantization differs from the output's each need a requantizing
// QUANTIZE op (the builder inserts them); giving the whole group one range
// removes them, as TFLite's converter does by propagating the concatenation
// scale to its inputs. DenseNet, whose blocks concatenate every earlier
// feature map again, would otherwise get a QUANTIZE per feature per layer.
//
// Members are traced back through ops whose output takes its input's
// quantization (pooling, reshapes, transposes, slices, padding, resizing,
// reduce-max), to the tensor whose range decides it. Tensors with a fixed
// quantization (logistic, softmax, tanh outputs) and float tensors are
// left out: those inputs keep their requantization.
func concatGroups(g *graph.Graph, float map[int]bool) map[int]int {
	producer := g.Producers()
	source := func(t int) (int, bool) {
		for {
			p := producer[t]
			if p < 0 {
				return t, true // a graph input: free
			}
			switch g.Nodes[p].Op.(type) {
			case *graph.MaxPool, *graph.AveragePool, *graph.Reshape, *graph.Transpose, *graph.Slice,
				*graph.Split, *graph.Pad, *graph.Resize, *graph.ReduceMax, *graph.Identity:
				t = g.Nodes[p].Inputs[0]
			case *graph.Sigmoid, *graph.Softmax, *graph.LogSoftmax, *graph.Tanh:
				return t, false
			default:
				return t, true
			}
		}
	}
	parent := make(map[int]int)
	var find func(int) int
	find = func(t int) int {
		p, ok := parent[t]
		if !ok || p == t {
			parent[t] = t
			return t
		}
		r := find(p)
		parent[t] = r
		return r
	}
	for _, n := range g.Nodes {
		if _, ok := n.Op.(*graph.Concat); !ok {
			continue
		}
		var members []int
		for _, t := range append([]int{n.Outputs[0]}, n.Inputs...) {
			if s, free := source(t); free && !float[s] && !float[t] {
				members = append(members, s)
			}
		}
		for _, m := range members[min(1, len(members)):] {
			parent[find(m)] = find(members[0])
		}
	}
	groups := make(map[int]int, len(parent))
	for t := range parent {
		groups[t] = find(t)
	}
	return groups
}
