package passes

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// FuseHardSwish rewrites x · HardSigmoid(x) with PyTorch's hardsigmoid
// parameters (alpha 1/6, beta 1/2) as HardSwish(x): exporters below opset
// 14, which has no HardSwish, emit nn.Hardswish that way. One HARD_SWISH
// lookup table rounds once where HARD_SIGMOID then MUL round twice in
// int8. The float results differ only in alpha·x against x/6 (one
// rounding). It returns the number of rewrites.
func FuseHardSwish(g *graph.Graph) (int, error) {
	u := analyze(g)
	changed := 0
	for _, m := range g.Nodes {
		mul, ok := m.Op.(*graph.Mul)
		if !ok || mul.Act != nil {
			continue
		}
		for k := range 2 {
			h, x := m.Inputs[k], m.Inputs[1-k]
			hi := u.producer[h]
			if hi < 0 || !u.private(h) || g.Nodes[hi] == nil {
				continue
			}
			hs, ok := g.Nodes[hi].Op.(*graph.HardSigmoid)
			if !ok || g.Nodes[hi].Inputs[0] != x || math.Abs(float64(hs.Alpha)-1.0/6) > 1e-6 || hs.Beta != 0.5 {
				continue
			}
			m.Op = &graph.HardSwish{}
			m.Source = "HardSigmoid+Mul"
			m.Inputs = []int{x}
			g.Nodes[hi] = nil
			changed++
			break
		}
	}
	return finish(g, changed)
}
