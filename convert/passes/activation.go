package passes

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// FuseActivations moves a Relu or Clip into the Conv, Gemm, Add, Sub or
// Mul producing its input, when that output is read by the activation
// alone: the model format applies such clamps inside the producing kernel
// (an int8 kernel then clamps in the integer domain for free, and the
// output quantization covers only the clamped range). A clamp onto an
// already clamped output intersects the two when they overlap. It returns
// the number of activations fused.
func FuseActivations(g *graph.Graph) (int, error) {
	changed := 0
	for {
		n := fuseActivationsOnce(g)
		if n == 0 {
			break
		}
		changed += n
		dropNil(g)
	}
	return finish(g, changed)
}

func fuseActivationsOnce(g *graph.Graph) int {
	u := analyze(g)
	changed := 0
	for ni, n := range g.Nodes {
		var act graph.Clip
		switch op := n.Op.(type) {
		case *graph.Relu:
			act = graph.Clip{Min: 0, Max: float32(math.Inf(1))}
		case *graph.Clip:
			if !(op.Min <= op.Max) {
				continue // ONNX: every element becomes Max; not a clamp
			}
			act = *op
		default:
			continue
		}
		x := n.Inputs[0]
		pi := u.producer[x]
		if pi < 0 || !u.private(x) || g.Nodes[pi] == nil {
			continue
		}
		p := g.Nodes[pi]
		if len(p.Outputs) != 1 || g.Tensors[x].DType != graph.Float32 {
			continue
		}
		if prev := graph.FusedActivation(p.Op); prev != nil {
			lo, hi := max(prev.Min, act.Min), min(prev.Max, act.Max)
			if lo > hi {
				continue
			}
			act = graph.Clip{Min: lo, Max: hi}
		}
		if !graph.SetFusedActivation(p.Op, &act) {
			continue
		}
		p.Outputs[0] = n.Outputs[0]
		g.Nodes[ni] = nil
		changed++
	}
	return changed
}
