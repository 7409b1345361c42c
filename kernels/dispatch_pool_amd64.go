//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// Every amd64 variant runs the AVX2 mean and pools: they are bound by
// widening int8 and by loads, which VNNI does not change.
func init() {
	for _, v := range []Variant{AVX2, AVXVNNI, AVX512VNNI} {
		meanPreparers[v] = func(p *MeanInt8Params) (*PreparedInt8, bool) { return prepareMeanAVX2(v, p) }
		maxPoolPreparers[v] = func(p *PoolInt8Params) (*PreparedInt8, bool) { return prepareMaxPoolAVX2(v, p) }
		avgPoolPreparers[v] = func(p *PoolInt8Params) (*PreparedInt8, bool) { return prepareAvgPoolAVX2(v, p) }
	}
}

// prepareAvgPoolAVX2 runs AvgPoolInt8 with amd64.AvgPoolInt8 (int32 window
// sums, exact float32 division by the tap count; windows of at most 64
// taps).
func prepareAvgPoolAVX2(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	ap, err := amd64.NewAvgPoolInt8(amd64PoolGeom(&p.PoolGeom), p.CountIncludePad, p.ZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	run := func(in, out []int8, _ []byte, lo, hi int) { ap.RunAVX2(in, out, lo, hi) }
	return NewPreparedInt8(v, ap.Units(), 0, run), true
}

// prepareMaxPoolAVX2 runs MaxPoolInt8 with amd64.MaxPoolInt8 (VPMAXSB over
// the in-bounds taps in steps of 32, 16, 8 or 4 channels, any channel
// count; windows of at most 64 taps).
func prepareMaxPoolAVX2(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	mp, err := amd64.NewMaxPoolInt8(amd64PoolGeom(&p.PoolGeom), p.ZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	run := func(in, out []int8, _ []byte, lo, hi int) { mp.RunAVX2(in, out, lo, hi) }
	return NewPreparedInt8(v, mp.Units(), 0, run), true
}

// meanAVX2Min is the smallest Inner that the AVX2 mean takes: narrower
// reductions (over the last axis, or a handful of channels) keep the
// reference loop.
const meanAVX2Min = 16

// meanUnitColumns is the width of the AVX2 mean's units when a slice has
// at least meanSplitMin inner positions: a global average pool has one
// outer slice, and threads split its channels. 32 columns are a whole
// block of amd64.MeanSumInt8AVX2 (it walks the rows once per 128, 64 or
// 32 columns, then in 16-column steps); the last unit of a slice also
// takes the tail. Narrower slices stay one unit: the runs of two threads
// then share most 64-byte lines of every input row, and each would read
// all of them (EfficientNet-B0 at 2 threads, measured with the earlier
// 32-column walks: the mean over 56x56x144 went from 61 to 82 us split in
// runs of 32; over 7x7x480..1280, 25-30% faster).
const (
	meanUnitColumns = 32
	meanSplitMin    = 384
)

// prepareMeanAVX2 sums the reduced rows of each outer slice in chunks of
// reduceChunk inner positions with amd64.MeanSumInt8AVX2 and requantizes
// each chunk with amd64.RequantizeRowAVX2 (every channel sharing the
// per-tensor multiplier). Its units are the outer slices or, for slices
// of at least meanSplitMin inner positions, runs of meanUnitColumns of
// them numbered slice-major: a global average pool (Outer 1) then splits
// across threads. Each output is the same wrapping int32 sum requantized
// alike, whatever the split.
func prepareMeanAVX2(v Variant, p *MeanInt8Params) (*PreparedInt8, bool) {
	if p.Inner < meanAVX2Min || p.Reduce < 1 {
		return nil, false
	}
	mult, shift := make([]int32, reduceChunk), make([]int32, reduceChunk)
	for i := range mult {
		mult[i], shift[i] = p.Multiplier, p.Shift
	}
	t, err := amd64.NewRequantTable(mult, shift, p.OutZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	red, inner := p.Reduce, p.Inner
	// sum(q - zp) = sum(q) - Reduce*zp, modulo 2^32 like the reference.
	offset := -int32(red) * p.InZeroPoint
	chunks := 1 // units per outer slice
	if inner >= meanSplitMin {
		chunks = inner / meanUnitColumns
	}
	column := func(c int) int { // first inner position of unit c of a slice
		if c == chunks {
			return inner
		}
		return c * meanUnitColumns
	}
	run := func(in, out []int8, _ []byte, lo, hi int) {
		var buf [reduceChunk]int32
		for u := lo; u < hi; {
			o, c0 := u/chunks, u%chunks
			c1 := min(chunks, c0+hi-u)
			u += c1 - c0
			slab := in[o*red*inner:][:red*inner]
			dst := out[o*inner:][:inner]
			for i0, end := column(c0), column(c1); i0 < end; i0 += reduceChunk {
				acc := buf[:min(reduceChunk, end-i0)]
				amd64.MeanSumInt8AVX2(acc, slab[i0:], red, inner, offset)
				amd64.RequantizeRowAVX2(dst[i0:][:len(acc)], acc, t)
			}
		}
	}
	return NewPreparedInt8(v, p.Outer*chunks, 0, run), true
}
