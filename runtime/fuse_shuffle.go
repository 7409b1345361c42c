package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// fuseChannelShuffle rewrites ShuffleNet's concatenate-then-shuffle,
//
//	u = CONCATENATION(a, b) on the last axis, a and b both [..., h]
//	s = RESHAPE(u) to [..., 2, h]
//	o = TRANSPOSE(s) swapping the last two axes, [..., h, 2]
//
// into one pass that interleaves a and b straight into o, pixel by pixel
// (o[p, 2k], o[p, 2k+1] = a[p, k], b[p, k]): the concatenation's copy of
// both halves is gone, and the bytes are the unfused ops' (all three only
// move bytes). Only 1-byte elements (the concatenation is a raw copy: the
// converter gives its inputs the output's quantization), and only when u
// and s have no other reader.
//
// The concatenation becomes a view of a that nothing reads. The fused op
// reads a and b later than the graph says, so its plan lists them in
// reads, which the arena planner honours.
func fuseChannelShuffle(g *format.Model, ops []opPlan, variant kernels.Variant) {
	readers, producer := tensorUse(g, ops)
	for t := range g.Operators {
		top := &g.Operators[t]
		o, ok := top.Options.(*format.TransposeOptions)
		if !ok || ops[t].absorbed || len(top.Inputs) != 1 {
			continue
		}
		s, out := top.Inputs[0], top.Outputs[0]
		r := producer[s]
		if r < 0 || g.Operators[r].Op != format.OpReshape || readers[s] != 1 {
			continue
		}
		u := g.Operators[r].Inputs[0]
		c := producer[u]
		if c < 0 || g.Operators[c].Op != format.OpConcatenation || len(g.Operators[c].Inputs) != 2 ||
			readers[u] != 1 || ops[c].absorbed {
			continue
		}
		a, b := g.Operators[c].Inputs[0], g.Operators[c].Inputs[1]
		pixels, h, ok := channelShuffleShape(g, g.Operators[c].Options.(*format.ConcatOptions).Axis, a, b, u, s, o.Perm)
		if !ok {
			continue
		}
		interleave := kernels.InterleaveFor(variant)
		ops[t] = opPlan{kernel: "Interleave", detail: "concat+shuffle", units: pixels, work: int64(2 * pixels * h),
			reads: []int{a, b},
			bind: func(mem *memory) func(lo, hi int) {
				x, y, dst := mem.raw(a), mem.raw(b), mem.raw(out)
				return func(lo, hi int) {
					for p := lo; p < hi; p++ {
						interleave(dst[2*p*h:][:2*h], x[p*h:][:h], y[p*h:][:h])
					}
				}
			}}
		ops[c] = absorbedPlan()
	}
}

// channelShuffleShape checks the shapes of fuseChannelShuffle's pattern
// and returns the number of pixels (the product of the leading axes) and
// h, each input's channels: a and b are [..., h] of 1-byte activations,
// the concatenation u of them on its last axis (axis) is [..., 2h], s is
// [..., 2, h] with the same leading size, and perm swaps s's last two axes
// and keeps the others.
func channelShuffleShape(g *format.Model, axis, a, b, u, s int, perm []int) (pixels, h int, ok bool) {
	ta, tb, tu, ts := &g.Tensors[a], &g.Tensors[b], &g.Tensors[u], &g.Tensors[s]
	if ta.Data != nil || tb.Data != nil || ta.DType.Size() != 1 || tb.DType != ta.DType || tu.DType != ta.DType ||
		ts.DType != ta.DType {
		return 0, 0, false
	}
	ru, rs := len(tu.Shape), len(ts.Shape)
	if ru < 1 || (axis != ru-1 && axis != -1) || len(ta.Shape) != ru || len(tb.Shape) != ru || rs < 2 || len(perm) != rs {
		return 0, 0, false
	}
	h = ta.Shape[ru-1]
	if tb.Shape[ru-1] != h || tu.Shape[ru-1] != 2*h || ts.Shape[rs-2] != 2 || ts.Shape[rs-1] != h || h < 1 {
		return 0, 0, false
	}
	pixels = 1
	for d := range ru - 1 {
		if ta.Shape[d] != tu.Shape[d] || tb.Shape[d] != tu.Shape[d] {
			return 0, 0, false
		}
		pixels *= tu.Shape[d]
	}
	lead := 1
	for d := range rs - 2 {
		lead *= ts.Shape[d]
		if perm[d] != d {
			return 0, 0, false
		}
	}
	if lead != pixels || perm[rs-2] != rs-1 || perm[rs-1] != rs-2 {
		return 0, 0, false
	}
	return pixels, h, true
}
