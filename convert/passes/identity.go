package passes

import (
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// RemoveIdentities removes nodes that copy their input: Identity, Reshape
// to the input's own shape, Transpose by the identity permutation and
// Cast to the input's type. It merges a Reshape (or Transpose) that reads
// the private output of another into one. It returns the number of nodes
// removed or merged.
func RemoveIdentities(g *graph.Graph) (int, error) {
	changed := 0
	for {
		n := removeIdentitiesOnce(g)
		if n == 0 {
			break
		}
		changed += n
		dropNil(g)
	}
	return finish(g, changed)
}

func removeIdentitiesOnce(g *graph.Graph) int {
	u := analyze(g)
	for ni, n := range g.Nodes {
		if n == nil || len(n.Inputs) == 0 || n.Inputs[0] < 0 {
			continue
		}
		x := g.Tensors[n.Inputs[0]]
		switch op := n.Op.(type) {
		case *graph.Identity, *graph.Reshape, *graph.Transpose, *graph.Cast:
			if isCopy(n.Op, x, g.Tensors[n.Outputs[0]]) && bypass(g, u, ni) {
				return 1 // uses changed: re-analyze
			}
			if t, ok := op.(*graph.Transpose); ok && movesOnlyUnitDims(t.Perm, x.Shape) {
				// The data order is unchanged: a Reshape, which can merge
				// with its neighbours and costs nothing at run time.
				n.Op = &graph.Reshape{Shape: slices.Clone(g.Tensors[n.Outputs[0]].Shape)}
				return 1
			}
			if merge(g, u, ni) {
				return 1
			}
		}
	}
	return 0
}

// isCopy reports whether op maps x to y unchanged.
func isCopy(op graph.Op, x, y *graph.Tensor) bool {
	switch op := op.(type) {
	case *graph.Identity:
		return true
	case *graph.Reshape:
		return graph.ShapeEqual(x.Shape, y.Shape)
	case *graph.Transpose:
		return graph.ShapeEqual(x.Shape, y.Shape) && movesOnlyUnitDims(op.Perm, x.Shape)
	case *graph.Cast:
		return op.To == x.DType
	}
	return false
}

// merge folds node ni into the Reshape or Transpose producing its input
// when that node's output is read by ni alone: Reshape of Reshape is one
// Reshape, Transpose of Transpose one Transpose.
func merge(g *graph.Graph, u *uses, ni int) bool {
	n := g.Nodes[ni]
	x := n.Inputs[0]
	p := u.producer[x]
	if p < 0 || !u.private(x) {
		return false
	}
	prev := g.Nodes[p]
	switch op := n.Op.(type) {
	case *graph.Reshape:
		if _, ok := prev.Op.(*graph.Reshape); !ok {
			return false
		}
		n.Inputs[0] = prev.Inputs[0]
	case *graph.Transpose:
		pt, ok := prev.Op.(*graph.Transpose)
		if !ok {
			return false
		}
		// out[i] = mid[op.Perm[i]] = in[pt.Perm[op.Perm[i]]].
		perm := make([]int, len(op.Perm))
		for i, q := range op.Perm {
			perm[i] = pt.Perm[q]
		}
		n.Op = &graph.Transpose{Perm: perm}
		n.Inputs[0] = prev.Inputs[0]
	default:
		return false
	}
	g.Nodes[p] = nil
	return true
}

// movesOnlyUnitDims reports whether transposing shape by perm keeps the
// dims larger than 1 in their order, so that the row-major data does not
// move.
func movesOnlyUnitDims(perm, shape []int) bool {
	last := -1
	for _, p := range perm {
		if shape[p] == 1 {
			continue
		}
		if p < last {
			return false
		}
		last = p
	}
	return true
}

// RemoveDeadNodes drops nodes no graph output depends on, and the tensors
// left unused.
func RemoveDeadNodes(g *graph.Graph) (int, error) {
	before := len(g.Nodes)
	g.Compact()
	return before - len(g.Nodes), g.Validate()
}
