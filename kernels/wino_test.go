package kernels

import (
	"strings"
	"testing"
)

// TestWinogradTakesItsShapes checks that the 3x3 stride-1 test shapes meant
// for Winograd reach it (so that the conversion tests run it, not the GEMM
// path), and that the shapes outside winoFits do not.
func TestWinogradTakesItsShapes(t *testing.T) {
	vs := []Variant{twinAVX2}
	if winoKernels[AVX2] != nil {
		vs = append(vs, AVX2)
	}
	for _, v := range vs {
		for _, c := range gemmConvCases() {
			g, ok := c.geom()
			if !ok {
				continue
			}
			p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: 1, Requant: randRequant(newRand(1), g.OutC, 1000, 1)}
			pr, ok := PrepareConv2DInt8(v, p, make([]int8, g.OutC*g.KH*g.KW*g.InC/g.Groups), nil)
			took := ok && pr.out.tileRows > 0
			if want := strings.HasPrefix(c.name, "3x3wino"); took != want {
				t.Errorf("%s %s: Winograd took it: %v, want %v", v, c.name, took, want)
			}
			if want := strings.HasPrefix(c.name, "3x3wino4"); took && (pr.out.tileH == 4) != want {
				t.Errorf("%s %s: F(%dx%d, 3x3), want F(4x4, 3x3): %v", v, c.name, pr.out.tileH, pr.out.tileH, want)
			}
		}
	}
	// Too few tiles (ResNet-18's 7x7x512): the GEMM path.
	g := ConvGeom{N: 1, InH: 7, InW: 7, InC: 512, OutH: 7, OutW: 7, OutC: 512, KH: 3, KW: 3,
		StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1, Groups: 1}
	if winoFits(twinAVX2, &Conv2DInt8Params{ConvGeom: g, Requant: randRequant(newRand(2), g.OutC, 1000, 1)}) {
		t.Error("Winograd takes 7x7x512 (16 tiles)")
	}
}
