//go:build gc && !purego

package amd64

import (
	"fmt"
	"testing"
	"time"
)

// bestRate returns ops divided by the shortest of reps timed calls of f:
// on a machine shared with other processes the shortest call is the one
// least disturbed, so rates measured this way compare across runs.
func bestRate(reps int, ops float64, f func()) float64 {
	best := time.Duration(1<<63 - 1)
	for range reps {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return ops / best.Seconds()
}

// dwPeaks returns the best-of-reps GMAC/s of the two peak loops.
func dwPeaks(reps int) (maddwd, pairs float64) {
	const iters = 1 << 10
	var x [64]int8
	var w [32]int32
	maddwd = bestRate(reps, iters*dwPeakMACsPerIter, func() { dwPeakMaddwd(iters) }) / 1e9
	pairs = bestRate(reps, iters*dwPeakMACsPerIter, func() { dwPeakPairs(iters, &x[0], &w[0]) }) / 1e9
	return maddwd, pairs
}

// BenchmarkDWPeak reports the peaks: VPMADDWD+VPADDD on registers (the
// arithmetic ceiling) and the kernel's whole tap-pair sequence from L1.
func BenchmarkDWPeak(b *testing.B) {
	requireAVX2(b)
	var x [64]int8
	var w [32]int32
	const iters = 1 << 14
	b.Run("maddwd", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			dwPeakMaddwd(iters)
		}
		b.ReportMetric(float64(b.N)*iters*dwPeakMACsPerIter/time.Since(start).Seconds()/1e9, "GMAC/s")
	})
	b.Run("pairs", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			dwPeakPairs(iters, &x[0], &w[0])
		}
		b.ReportMetric(float64(b.N)*iters*dwPeakMACsPerIter/time.Since(start).Seconds()/1e9, "GMAC/s")
	})
}

// BenchmarkDepthwisePeakRatio measures the AVX2 depthwise kernel on
// MobileNetV2/EfficientNet-B0 layers against the VPMADDWD+VPADDD peak and
// the tap-pair sequence's peak, alternating short timed calls of each and
// keeping each one's fastest, so that the ratio survives a loaded machine
// (use -benchtime=50x or more there). Metrics: the kernel's GMAC/s (KH*KW
// MACs per output), the VPMADDWD peak's, and the kernel's percentage of
// both peaks.
func BenchmarkDepthwisePeakRatio(b *testing.B) {
	requireAVX2(b)
	shapes := []struct{ hw, c, k, s int }{
		{112, 32, 3, 1}, {56, 144, 3, 1}, {28, 192, 3, 1}, {14, 576, 3, 1}, {7, 960, 3, 1}, {56, 144, 3, 2},
		{28, 240, 5, 1}, {7, 1152, 5, 1},
	}
	for _, sh := range shapes {
		pad := (sh.k - 1) / 2
		out := (sh.hw+2*pad-sh.k)/sh.s + 1
		g := DepthwiseGeom{N: 1, InH: sh.hw, InW: sh.hw, C: sh.c, OutH: out, OutW: out, KH: sh.k, KW: sh.k,
			StrideH: sh.s, StrideW: sh.s, DilationH: 1, DilationW: 1, PadTop: pad, PadLeft: pad}
		filter := make([]int8, sh.c*sh.k*sh.k)
		for i := range filter {
			filter[i] = int8(i*7%255 - 127)
		}
		mult, shift := make([]int32, sh.c), make([]int32, sh.c)
		for i := range mult {
			mult[i], shift[i] = 1<<30+int32(i)*1021, -9
		}
		d, err := PackDepthwiseInt8(g, filter, nil, -3, mult, shift, -128, -128, 127)
		if err != nil {
			b.Fatal(err)
		}
		in := make([]int8, sh.hw*sh.hw*sh.c)
		for i := range in {
			in[i] = int8(i * 13)
		}
		o := make([]int8, out*out*sh.c)
		scratch := make([]byte, d.ScratchBytes())
		macs := float64(out * out * sh.c * sh.k * sh.k)
		b.Run(fmt.Sprintf("%dx%dx%d_k%d_s%d", sh.hw, sh.hw, sh.c, sh.k, sh.s), func(b *testing.B) {
			b.ReportAllocs()
			var kern, peak, pairs float64
			for b.Loop() {
				kern = max(kern, bestRate(10, macs, func() { d.RunAVX2(in, o, scratch, 0, d.Units()) })/1e9)
				pm, pp := dwPeaks(10)
				peak, pairs = max(peak, pm), max(pairs, pp)
			}
			b.ReportMetric(kern, "GMAC/s")
			b.ReportMetric(peak, "peakGMAC/s")
			b.ReportMetric(100*kern/peak, "%peak")
			b.ReportMetric(100*kern/pairs, "%pairpeak")
		})
	}
}
