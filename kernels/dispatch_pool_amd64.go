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

// prepareMeanAVX2 runs MeanInt8 on meanUnits (dispatch_pool.go) with
// amd64.MeanSumInt8AVX2 for the sums of each chunk of inner positions and
// amd64.RequantizeRowAVX2 for their requantization (every channel sharing
// the per-tensor multiplier).
func prepareMeanAVX2(v Variant, p *MeanInt8Params) (*PreparedInt8, bool) {
	mu, ok := newMeanUnits(p)
	if !ok {
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
	run := func(in, out []int8, _ []byte, lo, hi int) {
		var buf [reduceChunk]int32
		mu.each(in, out, lo, hi, func(slab, dst []int8, n int) {
			acc := buf[:n]
			amd64.MeanSumInt8AVX2(acc, slab, p.Reduce, p.Inner, mu.offset)
			amd64.RequantizeRowAVX2(dst, acc, t)
		})
	}
	return NewPreparedInt8(v, mu.units(), 0, run), true
}
