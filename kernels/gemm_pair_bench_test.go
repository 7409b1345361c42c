package kernels

import (
	"fmt"
	"testing"
	"time"
)

// gemmPairBenchCases are 1x1 convolutions of EfficientNet-B0 and
// MobileNetV2 with small K or N, where the output stage is a large part
// of the work.
var gemmPairBenchCases = []convCase{
	{name: "1x1_112x112x16to96", n: 1, inH: 112, inW: 112, inC: 16, outC: 96, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_56x56x24to144", n: 1, inH: 56, inW: 56, inC: 24, outC: 144, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_56x56x144to24", n: 1, inH: 56, inW: 56, inC: 144, outC: 24, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_28x28x40to240", n: 1, inH: 28, inW: 28, inC: 40, outC: 240, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_28x28x240to40", n: 1, inH: 28, inW: 28, inC: 240, outC: 40, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_14x14x80to480", n: 1, inH: 14, inW: 14, inC: 80, outC: 480, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_14x14x96to576", n: 1, inH: 14, inW: 14, inC: 96, outC: 576, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_14x14x112to672", n: 1, inH: 14, inW: 14, inC: 112, outC: 672, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_7x7x576to160", n: 1, inH: 7, inW: 7, inC: 576, outC: 160, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_7x7x1152to320", n: 1, inH: 7, inW: 7, inC: 1152, outC: 320, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_14x14x576to96", n: 1, inH: 14, inW: 14, inC: 576, outC: 96, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_7x7x160to960", n: 1, inH: 7, inW: 7, inC: 160, outC: 960, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_7x7x320to1280", n: 1, inH: 7, inW: 7, inC: 320, outC: 1280, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "3x3_56x56x64to64", n: 1, inH: 56, inW: 56, inC: 64, outC: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
}

// BenchmarkGEMMPairForm measures each case's prepared convolution in the
// pair-form output stage and in the TFLite form, interleaved in rounds so
// that both see the same machine state: best-µs of each (the fastest
// call) and pair/tflite, their ratio.
//
//	go test -run - -bench GEMMPairForm -benchtime 1x ./kernels/
func BenchmarkGEMMPairForm(b *testing.B) {
	for _, v := range Variants() {
		gk := gemmKernels[v]
		if gk == nil || gk.putPair == nil {
			continue
		}
		for _, c := range gemmPairBenchCases {
			g, _ := c.geom()
			b.Run(fmt.Sprintf("%s/%s", v, c.name), func(b *testing.B) {
				r := newRand(9)
				p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: -5, Requant: randRequant(r, g.OutC, 1e4, 1)}
				in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
				f := randInt8s(r, g.OutC*g.KH*g.KW*g.InC, -127, 127)
				bias := make([]int32, g.OutC)
				out := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
				var prs [2]*PreparedInt8 // TFLite form, pair form
				defer func(on bool) { gemmPairForm = on }(gemmPairForm)
				for i := range prs {
					gemmPairForm = i == 1
					pr, ok := PrepareConv2DInt8(v, p, f, bias)
					if !ok {
						b.Fatal("no fast path")
					}
					prs[i] = pr
				}
				if !gemmPairFits(gk, f, g.InC, g.OutC, g.InC, bias, &p.Requant, 0, p.InZeroPoint) {
					b.Fatal("the requantization does not fit the pair form")
				}
				scratch := make([]byte, max(prs[0].ScratchBytes, prs[1].ScratchBytes))
				var best [2]time.Duration
				for range b.N {
					for round := 0; round < 10; round++ {
						for i, pr := range prs {
							for deadline := time.Now().Add(10 * time.Millisecond); time.Now().Before(deadline); {
								t := time.Now()
								pr.Run(in, out, scratch, 0, pr.Units)
								if d := time.Since(t); best[i] == 0 || d < best[i] {
									best[i] = d
								}
							}
						}
					}
				}
				b.ReportMetric(float64(best[0].Nanoseconds())/1e3, "tflite-µs")
				b.ReportMetric(float64(best[1].Nanoseconds())/1e3, "pair-µs")
				b.ReportMetric(float64(best[1])/float64(best[0]), "pair/tflite")
			})
		}
	}
}
