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
	// Too few tiles (9, fewer than winoMinTiles): the GEMM path.
	g := ConvGeom{N: 1, InH: 5, InW: 6, InC: 512, OutH: 5, OutW: 6, OutC: 512, KH: 3, KW: 3,
		StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1, Groups: 1}
	if winoFits(twinAVX2, &Conv2DInt8Params{ConvGeom: g, Requant: randRequant(newRand(2), g.OutC, 1000, 1)}) {
		t.Error("Winograd takes 5x6x512 (9 tiles)")
	}
	// F(4x4, 3x3) refuses a layer whose sums could reach 2^25 (128 input
	// channels of weights 127: 255 * 1152 * 127 > 2^25).
	g = ConvGeom{N: 1, InH: 28, InW: 28, InC: 128, OutH: 28, OutW: 28, OutC: 16, KH: 3, KW: 3,
		StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1, Groups: 1}
	p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: 127, Requant: randRequant(newRand(3), g.OutC, 1000, 1)}
	filter := make([]int8, g.OutC*9*g.InC)
	for i := range filter {
		filter[i] = 127
	}
	if wino4Fits(winoKernels[twinAVX2], p, filter) {
		t.Error("F(4x4, 3x3) takes a layer whose sums reach 255*1152*127")
	}
	filter[0] = 0
	for i := range filter[:9*g.InC] { // one channel within the bound is not enough
		filter[i] = 1
	}
	if wino4Fits(winoKernels[twinAVX2], p, filter) {
		t.Error("F(4x4, 3x3) takes a layer with one channel past the bound")
	}
	clear(filter)
	if !wino4Fits(winoKernels[twinAVX2], p, filter) {
		t.Error("F(4x4, 3x3) refuses a layer of zero weights")
	}
}
