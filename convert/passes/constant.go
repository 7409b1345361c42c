package passes

import (
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// FoldConstants replaces every node whose inputs are all constants by
// constants holding its outputs, computed by the reference interpreter
// (the importer's folding, for constants that passes create). It returns
// the number of nodes folded.
func FoldConstants(g *graph.Graph) (int, error) {
	changed := 0
	for ni, n := range g.Nodes {
		ins := make([]*graph.Value, len(n.Inputs))
		foldable := len(n.Inputs) > 0
		for k, t := range n.Inputs {
			if t < 0 {
				continue
			}
			if ins[k] = constOf(g, t); ins[k] == nil {
				foldable = false
				break
			}
		}
		if !foldable {
			continue
		}
		outs, err := refeval.EvalNode(g, n, ins)
		if err != nil {
			return changed, err
		}
		for k, o := range n.Outputs {
			if o >= 0 {
				g.Tensors[o].Const = outs[k]
			}
		}
		g.Nodes[ni] = nil
		changed++
	}
	return finish(g, changed)
}

// DivToMul rewrites x / c, c a float32 constant without zeros, as
// x * (1/c): the model format has no division, and multiplication by a
// constant folds into a preceding convolution. The reciprocal is rounded
// once, so results may differ from the division in the last bit.
func DivToMul(g *graph.Graph) (int, error) {
	changed := 0
	for _, n := range g.Nodes {
		if _, ok := n.Op.(*graph.Div); !ok {
			continue
		}
		c := constOf(g, n.Inputs[1])
		if c == nil || c.DType != graph.Float32 || constOf(g, n.Inputs[0]) != nil {
			continue
		}
		r := make([]float32, len(c.F))
		ok := true
		for i, v := range c.F {
			if v == 0 {
				ok = false
				break
			}
			r[i] = 1 / v
		}
		if !ok {
			continue
		}
		n.Inputs[1] = addConst(g, g.Tensors[n.Inputs[1]].Name+"_reciprocal", c.Shape, r)
		n.Op = &graph.Mul{}
		changed++
	}
	return finish(g, changed)
}
