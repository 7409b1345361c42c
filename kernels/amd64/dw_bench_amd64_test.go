//go:build gc && !purego

package amd64_test

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/sys/cpu"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// dwNewShapes are the depthwise layers of EfficientNet-B0 and MobileNetV2
// that the rows kernel (5x5 at stride 1 and 2) and the 3x3 stride-2
// kernel took over from the tap kernels (input H=W, channels, kernel,
// stride).
var dwNewShapes = []struct{ hw, c, k, s int }{
	{28, 240, 5, 1}, {14, 480, 5, 1}, {14, 672, 5, 1}, {7, 1152, 5, 1},
	{56, 144, 5, 2}, {28, 240, 5, 2}, {14, 672, 5, 2},
	{112, 96, 3, 2}, {56, 144, 3, 2}, {28, 192, 3, 2}, {28, 240, 3, 2}, {14, 576, 3, 2},
}

// BenchmarkDepthwiseVsTaps reports, per layer, the GMAC/s of RunAVX2 and
// of the tap kernels (RunAVX2TapKernels) on the same data, and their
// ratio. Each figure is the best of short timed calls, the two runners
// alternating in five rounds, so that load from other processes slows a
// round of both rather than one runner:
//
//	go test -run '^$' -bench DepthwiseVsTaps -benchtime 3x ./kernels/amd64/
func BenchmarkDepthwiseVsTaps(b *testing.B) {
	if !cpu.X86.HasAVX2 {
		b.Skip("CPU lacks AVX2")
	}
	for _, sh := range dwNewShapes {
		c := benchDepthwiseCase(sh.hw, sh.c, sh.k, sh.s)
		g := &c.p.ConvGeom
		macs := float64(g.OutH * g.OutW * g.OutC * g.KH * g.KW)
		out := make([]int8, g.OutH*g.OutW*g.OutC)
		d := c.pack(b)
		scratch := make([]byte, d.ScratchBytes())
		best := func(run func(d *amd64.DepthwiseInt8, in, out []int8, scratch []byte, lo, hi int)) time.Duration {
			t := time.Duration(1<<63 - 1)
			for range 5 {
				start := time.Now()
				run(d, c.in, out, scratch, 0, d.Units())
				t = min(t, time.Since(start))
			}
			return t
		}
		b.Run(fmt.Sprintf("%dx%dx%d_k%d_s%d", sh.hw, sh.hw, sh.c, sh.k, sh.s), func(b *testing.B) {
			tNew, tOld := time.Duration(1<<63-1), time.Duration(1<<63-1)
			for b.Loop() {
				for range 5 {
					tNew = min(tNew, best((*amd64.DepthwiseInt8).RunAVX2))
					tOld = min(tOld, best(amd64.RunAVX2TapKernels))
				}
			}
			b.ReportMetric(macs/float64(tNew.Nanoseconds()), "GMAC/s")
			b.ReportMetric(macs/float64(tOld.Nanoseconds()), "tapsGMAC/s")
			b.ReportMetric(float64(tOld)/float64(tNew), "speedup")
		})
	}
}
