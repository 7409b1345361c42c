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
// When a (or b) is a SLICE of channels [off, off+h) of a tensor x that
// only the concatenation reads (ShuffleNet's channel split: x1, x2 =
// x.chunk(2)), the interleave reads x's channels in place and the SLICE
// runs nothing either.
//
// The concatenation (and such a SLICE) becomes a view that nothing reads.
// The fused op reads its sources later than the graph says, so its plan
// lists them in reads, which the arena planner honours.
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
		sa, sliceA := channelSource(g, ops, readers, producer, a, pixels, h)
		sb, sliceB := channelSource(g, ops, readers, producer, b, pixels, h)
		interleave := kernels.InterleaveFor(variant)
		ops[t] = opPlan{kernel: "Interleave", detail: "concat+shuffle", vector: kernels.HasInterleave(variant), units: pixels, work: int64(2 * pixels * h),
			reads: []int{sa.tensor, sb.tensor},
			bind: func(mem *memory) func(lo, hi int) {
				x, y, dst := mem.raw(sa.tensor), mem.raw(sb.tensor), mem.raw(out)
				return func(lo, hi int) {
					for p := lo; p < hi; p++ {
						interleave(dst[2*p*h:][:2*h], x[p*sa.stride+sa.off:][:h], y[p*sb.stride+sb.off:][:h])
					}
				}
			}}
		ops[c] = absorbedPlan()
		for _, i := range []int{sliceA, sliceB} {
			if i >= 0 {
				ops[i] = absorbedPlan()
			}
		}
	}
}

// channelSource says where the interleave reads pixel p's h channels of
// tensor a: a itself (a[p*h:]), or, when a is a SLICE that only the
// concatenation reads and that takes channels [off, off+h) of every pixel
// of a byte tensor x, x[p*stride+off:] with stride x's channels; slice is
// then the SLICE's op index (else -1).
func channelSource(g *format.Model, ops []opPlan, readers, producer []int, a, pixels, h int) (src channelRun, slice int) {
	src = channelRun{tensor: a, stride: h}
	i := producer[a]
	if i < 0 || g.Operators[i].Op != format.OpSlice || readers[a] != 1 || ops[i].absorbed {
		return src, -1
	}
	o, ok := g.Operators[i].Options.(*format.SliceOptions)
	x := g.Operators[i].Inputs[0]
	tx, ta := &g.Tensors[x], &g.Tensors[a]
	r := len(tx.Shape)
	if !ok || tx.Data != nil || tx.DType != ta.DType || r != len(ta.Shape) || len(o.Begin) != r || r < 1 {
		return src, -1
	}
	lead := 1
	for d := range r - 1 {
		if tx.Shape[d] != ta.Shape[d] || o.Begin[d] != 0 {
			return src, -1
		}
		lead *= tx.Shape[d]
	}
	for _, k := range o.Step {
		if k != 1 {
			return src, -1
		}
	}
	off, w := o.Begin[r-1], tx.Shape[r-1]
	if lead != pixels || ta.Shape[r-1] != h || off < 0 || off+h > w {
		return src, -1
	}
	return channelRun{tensor: x, stride: w, off: off}, i
}

// channelRun is where an interleave reads its h channels of pixel p:
// tensor's bytes from p*stride+off.
type channelRun struct {
	tensor, stride, off int
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
