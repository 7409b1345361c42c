package kernels

import (
	"testing"
	"time"
)

// benchAlternate times runA and runB call by call, so their ratio comes
// from the same stretch of a noisy machine, and reports each one's fastest
// call (nameA-min-µs, nameB-min-µs), the ratio of their summed times
// (nameA/nameB) and runA's rate over macs multiply-adds per call
// (nameA-GMAC/s: the layer's multiply-adds, not the ones runA performs).
func benchAlternate(b *testing.B, nameA, nameB string, macs float64, runA, runB func()) {
	var sumA, sumB time.Duration
	minA, minB := time.Duration(1<<62), time.Duration(1<<62)
	for b.Loop() {
		t0 := time.Now()
		runA()
		t1 := time.Now()
		runB()
		t2 := time.Now()
		sumA, sumB = sumA+t1.Sub(t0), sumB+t2.Sub(t1)
		minA, minB = min(minA, t1.Sub(t0)), min(minB, t2.Sub(t1))
	}
	b.ReportMetric(float64(minA.Microseconds()), nameA+"-min-µs")
	b.ReportMetric(float64(minB.Microseconds()), nameB+"-min-µs")
	b.ReportMetric(float64(sumA)/float64(sumB), nameA+"/"+nameB)
	b.ReportMetric(macs*float64(b.N)/sumA.Seconds()/1e9, nameA+"-GMAC/s")
}

// benchConvOperands draws the operands the alternating benchmarks give
// both of their paths for shape c: input zero point -3, requantization
// for accumulators around 3000, weights and input over the int8 range.
func benchConvOperands(c convCase) (p *Conv2DInt8Params, filter, in, out []int8) {
	g, _ := c.geom()
	r := newRand(5)
	p = &Conv2DInt8Params{ConvGeom: g, InZeroPoint: -3, Requant: randRequant(r, g.OutC, 3000, 1)}
	filter = randInt8s(r, g.OutC*g.KH*g.KW*g.InC, -127, 127)
	in = randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
	out = make([]int8, g.N*g.OutH*g.OutW*g.OutC)
	return p, filter, in, out
}
