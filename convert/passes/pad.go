package passes

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// FoldPad folds a constant Pad that pads only spatial dims (not N or C)
// by non-negative amounts into the window op reading it alone: with a zero
// fill into a Conv (its padding is zeros) or an AveragePool that counts
// padding (or has none yet, and then counts it), and with a -Inf fill
// into a MaxPool (padding never wins). It returns the number of Pads
// folded.
func FoldPad(g *graph.Graph) (int, error) {
	u := analyze(g)
	changed := 0
	for pi, p := range g.Nodes {
		pad, ok := p.Op.(*graph.Pad)
		if !ok || pad.Mode != graph.PadConstant || !u.private(p.Outputs[0]) || !spatialPads(pad) {
			continue
		}
		ci := u.consumers[p.Outputs[0]][0]
		c := g.Nodes[ci]
		if c.Inputs[0] != p.Outputs[0] {
			continue // the padded tensor is the weights or bias
		}
		switch op := c.Op.(type) {
		case *graph.Conv:
			if pad.Value != 0 {
				continue
			}
			addPads(op.PadsBegin, op.PadsEnd, pad)
		case *graph.AveragePool:
			if pad.Value != 0 || !op.CountIncludePad && !allZero(op.PadsBegin, op.PadsEnd) {
				continue
			}
			addPads(op.PadsBegin, op.PadsEnd, pad)
			op.CountIncludePad = true
		case *graph.MaxPool:
			if !math.IsInf(pad.Value, -1) || len(c.Outputs) > 1 && c.Outputs[1] >= 0 {
				// Indices would count positions in the padded tensor.
				continue
			}
			addPads(op.PadsBegin, op.PadsEnd, pad)
		default:
			continue
		}
		c.Inputs[0] = p.Inputs[0]
		g.Nodes[pi] = nil
		changed++
	}
	return finish(g, changed)
}

// spatialPads reports whether pad leaves dims 0 and 1 alone and pads the
// others by non-negative amounts.
func spatialPads(pad *graph.Pad) bool {
	if len(pad.PadsBegin) < 3 {
		return false
	}
	for d := range pad.PadsBegin {
		b, e := pad.PadsBegin[d], pad.PadsEnd[d]
		if b < 0 || e < 0 || d < 2 && (b != 0 || e != 0) {
			return false
		}
	}
	return true
}

func addPads(begin, end []int, pad *graph.Pad) {
	for i := range begin {
		begin[i] += pad.PadsBegin[2+i]
		end[i] += pad.PadsEnd[2+i]
	}
}

func allZero(vs ...[]int) bool {
	for _, v := range vs {
		for _, x := range v {
			if x != 0 {
				return false
			}
		}
	}
	return true
}
