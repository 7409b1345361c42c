package kernels

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/benchmarks/peak"
)

// BenchmarkGEMM measures the prepared fully connected layer as a plain
// GEMM (M = Batch rows) for every assembly variant, one thread. Metrics:
// GMAC/s (mean over b.N calls), best-GMAC/s (the fastest single call: on a
// shared machine, the call that was not descheduled), cpu-GMAC/s (per
// second of the thread's CPU time) and %peak (best-GMAC/s over the
// measured peak of the variant's instruction sequence, benchmarks/peak):
//
//	go test -run - -bench 'GEMM|PreparedConv' -benchtime 50x ./kernels/
func BenchmarkGEMM(b *testing.B) {
	for _, v := range Variants() {
		if gemmKernels[v] == nil {
			continue
		}
		for _, s := range [][3]int{{96, 256, 256}, {96, 512, 512}, {3136, 64, 64}, {1, 1280, 1000}} {
			m, k, n := s[0], s[1], s[2]
			b.Run(fmt.Sprintf("%s/M%d_K%d_N%d", v, m, k, n), func(b *testing.B) {
				r := newRand(5)
				p := &FullyConnectedInt8Params{FullyConnectedGeom: FullyConnectedGeom{Batch: m, K: k, N: n},
					InZeroPoint: 3, Requant: randRequant(r, n, 300*float64(k), 1)}
				in, w := randInt8s(r, m*k, -128, 127), randInt8s(r, n*k, -127, 127)
				out := make([]int8, m*n)
				pr, ok := PrepareFullyConnectedInt8(v, p, w, nil)
				if !ok {
					b.Fatal("no fast path")
				}
				scratch := make([]byte, pr.ScratchBytes)
				run := func() { pr.Run(in, out, scratch, 0, pr.Units) }
				reportMACs(b, float64(m*k*n), run)
				best := bestRate(float64(m*k*n), 50*time.Millisecond, run)
				cpu := cpuRate(float64(m*k*n), 20, run)
				b.ReportMetric(best, "best-GMAC/s")
				b.ReportMetric(cpu, "cpu-GMAC/s")
				if pk := variantPeak(v); pk > 0 {
					b.ReportMetric(100*best/pk, "%peak")
				}
			})
		}
	}
}

// BenchmarkPreparedConv2DInt8 runs the reference benchmark shapes through
// every assembly variant's prepared convolution.
func BenchmarkPreparedConv2DInt8(b *testing.B) {
	benchmarkPreparedConvs(b, convBenchCases)
}

// benchmarkPreparedConvs runs the non-depthwise cases through every
// assembly variant's prepared convolution: best-GMAC/s (and best-µs) is the
// fastest call, %peak its share of the variant's measured peak.
func benchmarkPreparedConvs(b *testing.B, cases []convCase) {
	for _, v := range Variants() {
		if gemmKernels[v] == nil {
			continue
		}
		for _, c := range cases {
			g, _ := c.geom()
			if g.Groups == g.InC { // depthwise: not a GEMM
				continue
			}
			b.Run(fmt.Sprintf("%s/%s", v, c.name), func(b *testing.B) {
				r := newRand(9)
				p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: -5, Requant: randRequant(r, g.OutC, 1e4, 1)}
				in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
				f := randInt8s(r, g.OutC*g.KH*g.KW*g.InC/g.Groups, -127, 127)
				out := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
				pr, ok := PrepareConv2DInt8(v, p, f, make([]int32, g.OutC))
				if !ok {
					b.Fatal("no fast path")
				}
				scratch := make([]byte, pr.ScratchBytes)
				macs := float64(g.N*g.OutH*g.OutW*g.OutC) * float64(g.KH*g.KW*g.InC/g.Groups)
				run := func() { pr.Run(in, out, scratch, 0, pr.Units) }
				reportMACs(b, macs, run)
				best := bestRate(macs, 50*time.Millisecond, run)
				b.ReportMetric(best, "best-GMAC/s")
				b.ReportMetric(macs/best/1e3, "best-µs")
				b.ReportMetric(cpuRate(macs, 20, run), "cpu-GMAC/s")
				if pk := variantPeak(v); pk > 0 {
					b.ReportMetric(100*best/pk, "%peak")
				}
			})
		}
	}
}

// bestRate runs f (macs multiply-adds per call) for about d and returns
// the best single-call rate in GMAC/s: on a shared machine the best call is
// the one that was not descheduled, which is what the kernel can do.
func bestRate(macs float64, d time.Duration, f func()) float64 {
	best := 0.0
	for deadline := time.Now().Add(d); time.Now().Before(deadline); {
		t := time.Now()
		f()
		best = max(best, macs/float64(time.Since(t).Nanoseconds()))
	}
	return best
}

// variantSequence is the instruction sequence each variant's GEMM is
// built on, whose measured peak its benchmarks compare against.
var variantSequence = map[Variant]peak.Sequence{
	AVX2:       peak.VPMADDWD,
	AVXVNNI:    peak.VPDPBUSDYmm,
	AVX512VNNI: peak.VPDPBUSDZmm,
}

var (
	peakOnce  sync.Once
	peakGMACs map[Variant]float64
)

// variantPeak returns the measured peak (GMAC/s, best of 200 ms of
// rounds) of v's sequence, 0 when unknown.
func variantPeak(v Variant) float64 {
	peakOnce.Do(func() {
		peakGMACs = map[Variant]float64{}
		for v, s := range variantSequence {
			peakGMACs[v] = peak.Measure(s, 200*time.Millisecond)
		}
	})
	return peakGMACs[v]
}
