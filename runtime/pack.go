package runtime

import "github.com/edgeinfer/edgeinfer/kernels"

// preparedSpeedup is how many times faster than the reference kernels
// the prepared (assembly) kernels are, conservatively: measured 30-100x
// for the AVX2 GEMM on 1x1 and 3x3 convolutions (0.4-0.6 GMAC/s reference,
// 45-65 GMAC/s AVX2).
const preparedSpeedup = 16

// prepareInt8 packs an int8 op's constant weights (tensor wT) and bias
// (bT, absent allowed) for the model's kernel variant through prepare. It
// reports false — keep the reference kernel — when the weights or the bias
// are not constants, or when the variant has no fast path for the op.
func (p *planner) prepareInt8(wT, bT int, prepare func(w []int8, b []int32) (*kernels.PreparedInt8, bool)) (*kernels.PreparedInt8, bool) {
	if p.variant == kernels.PureGo {
		return nil, false
	}
	w := p.constant(wT)
	if w == nil || (bT >= 0 && p.constant(bT) == nil) {
		return nil, false
	}
	var b []int32
	if bT >= 0 {
		b = int32s(p.constant(bT))
	}
	return prepare(int8s(w), b)
}

// preparedPlan is the plan of an op prepared for an assembly variant: its
// units are the prepared op's (panels of output pixels, blocks of
// channels, ...), and each concurrently running chunk borrows one of the
// interpreter's scratch buffers when the op needs scratch.
//
// Its work estimate is macs/preparedSpeedup: minChunkWork is calibrated
// on the reference kernels, and the assembly GEMMs do a multiply-add in a
// small fraction of that time, so an op needs that many more of them
// before a second thread pays for its handoff.
func preparedPlan(kernel string, pr *kernels.PreparedInt8, inT, outT int, macs int64) opPlan {
	return opPlan{kernel: kernel, vector: true, units: pr.Units, work: macs / preparedSpeedup, macs: macs, wholeShares: pr.WholeShares, minGrain: pr.MinGrain,
		bind: func(mem *memory) func(lo, hi int) {
			in, out := mem.int8(inT), mem.int8(outT)
			if pr.ScratchBytes == 0 {
				return func(lo, hi int) { pr.Run(in, out, nil, lo, hi) }
			}
			mem.scratch.reserve(pr.ScratchBytes, mem.threads)
			s := &mem.scratch
			return func(lo, hi int) {
				i, buf := s.get()
				pr.Run(in, out, buf, lo, hi)
				s.put(i)
			}
		}}
}
