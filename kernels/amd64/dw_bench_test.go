package amd64_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// dwBenchShapes are depthwise layers of MobileNetV2 (3x3) and
// EfficientNet-B0 (5x5) at 224x224: input H=W, channels, kernel, stride.
var dwBenchShapes = []struct{ hw, c, k, s int }{
	{112, 32, 3, 1}, {112, 96, 3, 2}, {56, 144, 3, 1}, {28, 192, 3, 1}, {14, 576, 3, 1}, {7, 960, 3, 1},
	{28, 240, 5, 1}, {14, 480, 5, 1}, {14, 672, 5, 2}, {7, 1152, 5, 1},
}

// dwShuffleShapes are ShuffleNetV2 x1.0's depthwise layers (3x3), whose
// channel counts (24, 58, 116, 232) are not multiples of 16.
var dwShuffleShapes = []struct{ hw, c, k, s int }{
	{56, 24, 3, 2}, {56, 58, 3, 2}, {28, 58, 3, 1}, {28, 116, 3, 2}, {14, 116, 3, 1}, {14, 232, 3, 2}, {7, 232, 3, 1},
}

// dwPointwiseShapes are 1x1 depthwise layers (a per-channel scale, shift
// and clamp): DenseNet-121's batch normalizations after concatenations,
// which cannot fold into a convolution.
var dwPointwiseShapes = []struct{ hw, c, k, s int }{
	{56, 128, 1, 1}, {56, 256, 1, 1}, {28, 480, 1, 1}, {14, 1000, 1, 1}, {7, 1024, 1, 1}, {28, 24, 1, 1},
}

func benchDepthwiseCase(hw, c, k, s int) dwCase {
	r := rand.New(rand.NewPCG(uint64(hw*c), uint64(k*s)))
	pad := (k - 1) / 2
	g := kernels.ConvGeom{N: 1, InH: hw, InW: hw, InC: c, OutC: c, KH: k, KW: k, StrideH: s, StrideW: s,
		DilationH: 1, DilationW: 1, PadTop: pad, PadLeft: pad, Groups: c}
	g.OutH = (hw+2*pad-k)/s + 1
	g.OutW = g.OutH
	dc := dwCase{p: kernels.Conv2DInt8Params{ConvGeom: g, InZeroPoint: -17}}
	dc.in = make([]int8, hw*hw*c)
	for i := range dc.in {
		dc.in[i] = int8(r.IntN(256) - 128)
	}
	dc.filter = make([]int8, c*k*k)
	for i := range dc.filter {
		dc.filter[i] = int8(r.IntN(255) - 127)
	}
	dc.bias = make([]int32, c)
	rq := &dc.p.Requant
	rq.Multiplier, rq.Shift = make([]int32, c), make([]int32, c)
	for i := range rq.Multiplier {
		m, sh := quant.QuantizeMultiplier(0.0005 + 0.001*r.Float64())
		rq.Multiplier[i], rq.Shift[i] = m, int32(sh)
	}
	rq.OutZeroPoint, rq.ActMin, rq.ActMax = -128, -128, 127
	return dc
}

// BenchmarkDepthwise reports GMAC/s (KH*KW MACs per output) of the
// reference kernel and of each DepthwiseInt8 runner on the same layer.
func BenchmarkDepthwise(b *testing.B) { benchmarkDepthwiseShapes(b, dwBenchShapes) }

// BenchmarkDepthwiseShuffleNet is BenchmarkDepthwise on dwShuffleShapes.
func BenchmarkDepthwiseShuffleNet(b *testing.B) { benchmarkDepthwiseShapes(b, dwShuffleShapes) }

// BenchmarkDepthwisePointwise is BenchmarkDepthwise on dwPointwiseShapes.
func BenchmarkDepthwisePointwise(b *testing.B) { benchmarkDepthwiseShapes(b, dwPointwiseShapes) }

func benchmarkDepthwiseShapes(b *testing.B, shapes []struct{ hw, c, k, s int }) {
	for _, sh := range shapes {
		c := benchDepthwiseCase(sh.hw, sh.c, sh.k, sh.s)
		g := &c.p.ConvGeom
		macs := float64(g.OutH * g.OutW * g.OutC * g.KH * g.KW)
		out := make([]int8, g.OutH*g.OutW*g.OutC)
		name := fmt.Sprintf("%dx%dx%d_k%d_s%d", sh.hw, sh.hw, sh.c, sh.k, sh.s)
		b.Run(name+"/reference", func(b *testing.B) {
			benchMACs(b, macs, func() { kernels.Conv2DInt8(&c.p, c.in, c.filter, c.bias, out, 0, g.Units()) })
		})
		d := c.pack(b)
		scratch := make([]byte, d.ScratchBytes())
		for _, run := range dwRunners {
			b.Run(name+"/"+run.name, func(b *testing.B) {
				benchMACs(b, macs, func() { run.run(d, c.in, out, scratch, 0, d.Units()) })
			})
		}
	}
}

// benchMACs runs f b.N times and reports GMAC/s.
func benchMACs(b *testing.B, macs float64, f func()) {
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		f()
	}
	b.ReportMetric(macs*float64(b.N)/time.Since(start).Seconds()/1e9, "GMAC/s")
}
