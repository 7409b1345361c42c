package kernels

import (
	"fmt"
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

// TestWinogradRandomShapes runs Winograd (F(2x2) and F(4x4), on AVX2 where
// the CPU has it and on the Go twins) over random 3x3 stride-1
// geometries: batch, sizes, padding on each side from 0 to 2, channel
// counts around the 16-channel blocks, zero points and requantizations,
// against the reference convolution, with random unit ranges.
func TestWinogradRandomShapes(t *testing.T) {
	vs := []Variant{twinAVX2}
	if winoKernels[AVX2] != nil {
		vs = append(vs, AVX2)
	}
	r := newRand(77)
	took := map[int]int{} // tile size -> layers
	for trial := range 60 {
		g := ConvGeom{N: 1 + r.IntN(2), InH: 3 + r.IntN(30), InW: 3 + r.IntN(30), InC: 16 + r.IntN(40), OutC: 1 + r.IntN(40),
			KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
			PadTop: r.IntN(3), PadLeft: r.IntN(3), Groups: 1}
		padB, padR := r.IntN(3), r.IntN(3)
		g.OutH, g.OutW = g.InH+g.PadTop+padB-2, g.InW+g.PadLeft+padR-2
		if g.OutH <= 0 || g.OutW <= 0 {
			continue
		}
		p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(256) - 128),
			Requant: randRequant(r, g.OutC, 300*float64(9*g.InC), 1)}
		if trial%3 == 0 {
			p.ActMin, p.ActMax = p.OutZeroPoint, 127
		}
		in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
		filter := randInt8s(r, g.OutC*9*g.InC, -127, 127)
		bias := make([]int32, g.OutC)
		for i := range bias {
			bias[i] = int32(r.IntN(1<<16) - 1<<15)
		}
		want := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
		Conv2DInt8(p, in, filter, bias, want, 0, g.Units())
		for _, v := range vs {
			pr, ok := PrepareConv2DInt8(v, p, filter, bias)
			if !ok {
				t.Fatalf("trial %d %+v: no fast path", trial, g)
			}
			if winoTileCount(&g, 2) >= winoMinTiles && pr.out.tileRows == 0 {
				t.Fatalf("trial %d %+v: Winograd did not take it", trial, g)
			}
			took[pr.out.tileH]++
			got := make([]int8, len(want))
			scratch := make([]byte, pr.ScratchBytes)
			for lo := 0; lo < pr.Units; {
				hi := min(pr.Units, lo+1+r.IntN(pr.Units))
				pr.Run(in, got, scratch, lo, hi)
				lo = hi
			}
			compareInt8(t, got, want, convWhere(g))
			if v == AVX2 { // the twins are slow, and run the same driver
				checkNoAllocs(t, fmt.Sprintf("%s %+v", v, g), func() { pr.Run(in, got, scratch, 0, pr.Units) })
			}
		}
	}
	if took[2] == 0 || took[4] == 0 {
		t.Fatalf("the random shapes reached F(2x2) %d and F(4x4) %d times: both must run", took[2], took[4])
	}
	t.Logf("F(2x2, 3x3) %d, F(4x4, 3x3) %d, GEMM %d layers", took[2], took[4], took[0])
}
