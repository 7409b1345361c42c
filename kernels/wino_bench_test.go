package kernels

import (
	"fmt"
	"testing"
)

// winoShapeCases are the 3x3 stride-1 convolutions of ResNet-18 that
// Winograd takes (one per stage; not the last stage's 7x7x512, which has
// too few tiles: see winoMinTiles) and VGG-16's first 64-channel one.
var winoShapeCases = []convCase{
	{name: "resnet56x64", n: 1, inH: 56, inW: 56, inC: 64, outC: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "resnet28x128", n: 1, inH: 28, inW: 28, inC: 128, outC: 128, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "resnet14x256", n: 1, inH: 14, inW: 14, inC: 256, outC: 256, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "vgg224x64", n: 1, inH: 224, inW: 224, inC: 64, outC: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
}

// BenchmarkWinogradVsGEMM runs each shape through Winograd and through
// the GEMM path (im2col panels), call by call, so their ratio comes from
// the same stretch of a noisy machine.
//
//	go test -run - -bench WinogradVsGEMM -count 3 ./kernels/
func BenchmarkWinogradVsGEMM(b *testing.B) { benchmarkWinograd(b, false) }

// BenchmarkWinograd4x4Vs2x2 runs each shape through the Winograd the
// prepared convolution chose (F(4x4, 3x3) where wino4Fits holds) and
// through F(2x2, 3x3), call by call ("gemm" in the metrics is F(2x2)).
//
//	go test -run - -bench Winograd4x4Vs2x2 -count 3 ./kernels/
func BenchmarkWinograd4x4Vs2x2(b *testing.B) { benchmarkWinograd(b, true) }

func benchmarkWinograd(b *testing.B, compare2x2 bool) {
	for _, v := range Variants() {
		if winoKernels[v] == nil || gemmKernels[v] == nil {
			continue
		}
		for _, c := range winoShapeCases {
			p, filter, in, out := benchConvOperands(c)
			g := &p.ConvGeom
			wino, ok := PrepareConv2DInt8(v, p, filter, nil)
			if compare2x2 {
				wino4Enabled = false
			} else {
				winoEnabled = false
			}
			gemm, _ := PrepareConv2DInt8(v, p, filter, nil)
			winoEnabled, wino4Enabled = true, true
			if compare2x2 && wino.out.tileH != 4 {
				continue // F(2x2, 3x3) either way
			}
			if !ok || wino.Units == gemm.Units {
				b.Fatalf("%s: Winograd did not take it", c.name)
			}
			macs := float64(len(out) * g.KH * g.KW * g.InC)
			winoScratch, gemmScratch := make([]byte, wino.ScratchBytes), make([]byte, gemm.ScratchBytes)
			b.Run(fmt.Sprintf("%s/%s", v, c.name), func(b *testing.B) {
				benchAlternate(b, "wino", "gemm", macs,
					func() { wino.Run(in, out, winoScratch, 0, wino.Units) },
					func() { gemm.Run(in, out, gemmScratch, 0, gemm.Units) })
			})
		}
	}
}
