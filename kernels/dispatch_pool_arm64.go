//go:build gc && !purego

package kernels

import (
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
	"github.com/edgeinfer/edgeinfer/kernels/arm64"
)

// The arm64 pools and mean. The pools: package amd64's pool drivers is portable Go (window
// clipping, the load-time tap lists, runs of full windows), and
// arm64.MaxPool is its kernel (SMAX over the taps, 16 channels per step).
// Before it a board ran pooling in the reference kernel: ResNet-18's
// 112x112x64 stem pool took 5.5-6.6 ms per inference in Go on the x86
// machine, against 0.05-0.09 ms with AVX2 (fastest and mean of 5 runs:
// EDGEINFER_KERNELS=purego|avx2 edgeinfer bench
// benchmarks/work/resnet18/int8.einf --runs 5 --profile).
func init() {
	for _, v := range []Variant{NEON, DotProd} {
		if archSupport(v) != nil {
			continue
		}
		maxPoolPreparers[v] = func(p *PoolInt8Params) (*PreparedInt8, bool) { return prepareMaxPoolNEON(v, p) }
		meanPreparers[v] = func(p *MeanInt8Params) (*PreparedInt8, bool) { return prepareMeanNEON(v, p) }
		avgPoolPreparers[v] = func(p *PoolInt8Params) (*PreparedInt8, bool) { return prepareAvgPoolNEON(v, p) }
	}
}

// maxPoolNEONKernel adapts arm64.MaxPool to amd64.MaxPoolKernel.
func maxPoolNEONKernel(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, c *amd64.PoolConsts) {
	arm64.MaxPool(arm64.NEON, out, in, count, inStep, outStep, channels, taps, ntaps, c.ActMin, c.ActMax)
}

func prepareMaxPoolNEON(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	mp, err := amd64.NewMaxPoolInt8(amd64PoolGeom(&p.PoolGeom), p.ZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	run := func(in, out []int8, _ []byte, lo, hi int) { mp.RunKernel(maxPoolNEONKernel, in, out, lo, hi) }
	return NewPreparedInt8(v, mp.Units(), 0, run), true
}

// prepareMeanNEON runs MeanInt8 on meanUnits with arm64.MeanSum for the
// column sums and the reference requantization of each sum (a global
// pool has far fewer outputs than summed inputs).
func prepareMeanNEON(v Variant, p *MeanInt8Params) (*PreparedInt8, bool) {
	mu, ok := newMeanUnits(p)
	if !ok {
		return nil, false
	}
	run := func(in, out []int8, _ []byte, lo, hi int) {
		var buf [reduceChunk]int32
		mu.each(in, out, lo, hi, func(slab, dst []int8, n int) {
			acc := buf[:n]
			arm64.MeanSum(arm64.NEON, acc, slab, p.Reduce, p.Inner, mu.offset)
			for i, a := range acc {
				dst[i] = requantizeAcc(a, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
			}
		})
	}
	return NewPreparedInt8(v, mu.units(), 0, run), true
}

// avgPool32NEONKernel adapts arm64.AvgPool32 to amd64.AvgPoolKernel.
func avgPool32NEONKernel(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *amd64.AvgPoolConsts) {
	arm64.AvgPool32(arm64.NEON, out, in, count, inStep, outStep, chunks, taps, ntaps, c.Half, c.PadSum, c.Magic, c.MagicShift, c.ActMin, c.ActMax)
}

func prepareAvgPoolNEON(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	ap, err := amd64.NewAvgPoolInt8(amd64PoolGeom(&p.PoolGeom), p.CountIncludePad, p.ZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	run := func(in, out []int8, _ []byte, lo, hi int) { ap.RunKernel(avgPool32NEONKernel, in, out, lo, hi) }
	return NewPreparedInt8(v, ap.Units(), 0, run), true
}
