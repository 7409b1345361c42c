//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// Every amd64 variant runs the AVX2 mean: it is bound by widening int8 to
// int16, which VNNI does not change.
func init() {
	for _, v := range []Variant{AVX2, AVXVNNI, AVX512VNNI} {
		meanPreparers[v] = func(p *MeanInt8Params) (*PreparedInt8, bool) { return prepareMeanAVX2(v, p) }
	}
}

// meanAVX2Min is the smallest Inner that the AVX2 mean takes: narrower
// reductions (over the last axis, or a handful of channels) keep the
// reference loop.
const meanAVX2Min = 16

// prepareMeanAVX2 sums the reduced rows of each outer slice in chunks of
// reduceChunk inner positions with amd64.MeanSumInt8AVX2 and requantizes
// each chunk with amd64.RequantizeRowAVX2 (every channel sharing the
// per-tensor multiplier).
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
	run := func(in, out []int8, _ []byte, lo, hi int) {
		var buf [reduceChunk]int32
		for o := lo; o < hi; o++ {
			slab := in[o*red*inner:][:red*inner]
			dst := out[o*inner:][:inner]
			for i0 := 0; i0 < inner; i0 += reduceChunk {
				acc := buf[:min(reduceChunk, inner-i0)]
				for i := range acc {
					acc[i] = offset
				}
				amd64.MeanSumInt8AVX2(acc, slab[i0:], red, inner)
				amd64.RequantizeRowAVX2(dst[i0:][:len(acc)], acc, t)
			}
		}
	}
	return NewPreparedInt8(v, p.Units(), 0, run), true
}
