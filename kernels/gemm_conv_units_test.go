package kernels

import (
	"math/rand/v2"
	"testing"
)

// convUnitOf maps an output index of a prepared convolution to its unit:
// Winograd's tile row (two or four output rows of one image); else panel
// i/OutC/MR, or, when the units are (block, panel) pairs
// (PreparedInt8.Units is panels x blocks), block*panels + panel.
func convUnitOf(pr *PreparedInt8, g ConvGeom, gk *gemmKernel) func(int) int {
	if pr.out.tileRows > 0 { // Winograd: tileH output rows
		tr, th := pr.out.tileRows, pr.out.tileH
		return func(i int) int {
			row := i / (g.OutW * g.OutC)
			return row/g.OutH*tr + row%g.OutH/th
		}
	}
	panels := (g.N*g.OutH*g.OutW + gk.mr - 1) / gk.mr
	if pr.Units == panels {
		return func(i int) int { return i / g.OutC / gk.mr }
	}
	return func(i int) int { return i%g.OutC/gk.nr*panels + i/g.OutC/gk.mr }
}

// checkRanges runs pr over random unit ranges of every length (a range of
// (block, panel) units may start and end inside a block and span whole
// blocks between) and checks that the outputs the ranges write, together,
// are want.
func checkRanges(t *testing.T, pr *PreparedInt8, in, want []int8, r *rand.Rand) {
	t.Helper()
	scratch := make([]byte, pr.ScratchBytes+64)
	got := make([]int8, len(want))
	for round := 0; round < 3; round++ {
		clear(got)
		for lo := 0; lo < pr.Units; {
			hi := min(pr.Units, lo+1+r.IntN(pr.Units))
			pr.Run(in, got, scratch, lo, hi)
			lo = hi
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("round %d: output %d = %d, the call over all units gave %d", round, i, got[i], want[i])
			}
		}
	}
}

// TestPrepareConv2DInt8BlockUnits checks which convolutions number their
// units block-first: one group and fewer than gemmFewPanels panels of
// more than one block (MobileNetV2's 7x7 layers, one-pixel layers).
func TestPrepareConv2DInt8BlockUnits(t *testing.T) {
	for _, c := range []struct {
		h, w, inC, outC, groups int
		units                   int
	}{
		{7, 7, 320, 1280, 1, 9 * 80}, // 9 panels of 6 pixels, 80 blocks of 16
		{1, 1, 960, 40, 1, 3},        // one pixel, 3 blocks
		{14, 14, 96, 576, 1, 33},     // 33 panels: split by panels
		{7, 7, 32, 16, 1, 9},         // one block: split by panels
		{7, 7, 64, 64, 2, 9},         // two groups: split by panels
	} {
		g := ConvGeom{N: 1, InH: c.h, InW: c.w, InC: c.inC, OutH: c.h, OutW: c.w, OutC: c.outC,
			KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: c.groups}
		p := &Conv2DInt8Params{ConvGeom: g, Requant: randRequant(newRand(1), c.outC, 1000, 1)}
		pr, ok := PrepareConv2DInt8(twinAVX2, p, make([]int8, c.outC*c.inC/c.groups), nil)
		if !ok {
			t.Fatalf("%+v: no fast path", c)
		}
		if pr.Units != c.units {
			t.Errorf("%dx%dx%d -> %d (groups %d): %d units, want %d", c.h, c.w, c.inC, c.outC, c.groups, pr.Units, c.units)
		}
	}
}
