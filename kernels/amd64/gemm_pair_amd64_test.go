//go:build gc && !purego

package amd64

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGemmPairTiles checks every AVX2 tile's pair-form output stage
// against the twins (which TestGemmPairTwinMatchesReference checks against
// the reference): the 6 x 16 tile, its multi-panel form, the 6 x 8 half
// tile and the one-row tile, with guard bands, over k-pair tails around
// the unrolling, large K, and pair constants of random bytes (every lane's
// 64-bit arithmetic, including wrap-around, must match the twin too).
func TestGemmPairTiles(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(23, 24))
	for _, kp := range []int{0, 2, 4, 6, 8, 10, 14, 16, 18, 24, 32, 34, 40, 48, 80, 96, 112, 144, 192, 576, 578, 1154} {
		for trial := 0; trial < 6; trial++ {
			blocks := 1 + trial%3
			p := newGemmPairProblem(rng, kp, blocks)
			if trial == 5 {
				for b := range blocks {
					hdr := p.packed[b*(headerRows*16*4+16*kp*2):][gemmPairOff : headerRows*16*4]
					for i := range hdr {
						hdr[i] = byte(rng.IntN(256))
					}
				}
			}
			panels := 1 + rng.IntN(3)
			a := gemmRandomInt16s(rng, panels*6*kp, trial == 0)
			cStride := 16*blocks + rng.IntN(5)
			n := (6*panels-1)*cStride + 16*blocks
			want, checkW := gemmGuarded(n)
			got, checkG := gemmGuarded(n)
			Gemm6x16Int16PanelsGo(a, p.packed, kp, blocks, want, cStride, p.q, panels)
			Gemm6x16Int16Panels(a, p.packed, kp, blocks, got, cStride, p.q, panels)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d panels %d: 6x16 asm\n%v\nwant\n%v", kp, trial, panels, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
			one, checkO := gemmGuarded(n)
			Gemm6x16Int16(a, p.packed, kp, blocks, one, cStride, p.q)
			if !slices.Equal(one[:5*cStride+16*blocks], want[:5*cStride+16*blocks]) {
				t.Fatalf("kp %d trial %d: one-panel 6x16 asm differs", kp, trial)
			}
			checkO(t, "one panel")

			half, checkH := gemmGuarded(5*cStride + 8)
			halfWant, _ := gemmGuarded(5*cStride + 8)
			for i := range half {
				half[i], halfWant[i] = 99, 99 // the bytes between rows stay
			}
			Gemm6x8Int16Go(a, p.packed, kp, halfWant, cStride, p.q)
			Gemm6x8Int16(a, p.packed, kp, half, cStride, p.q)
			if !slices.Equal(half, halfWant) {
				t.Fatalf("kp %d trial %d: 6x8 asm\n%v\nwant\n%v", kp, trial, half, halfWant)
			}
			checkH(t, "6x8 asm")

			row, checkR := gemmGuarded(16 * blocks)
			rowWant := make([]int8, 16*blocks)
			Gemm1x16Int16Go(a[:kp], p.packed, kp, blocks, rowWant, p.q)
			Gemm1x16Int16(a[:kp], p.packed, kp, blocks, row, p.q)
			if !slices.Equal(row, rowWant) || !slices.Equal(rowWant, want[:16*blocks]) {
				t.Fatalf("kp %d trial %d: 1x16 asm %v, twin %v, row 0 of the 6x16 tile %v", kp, trial, row, rowWant, want[:16*blocks])
			}
			checkR(t, "1x16 asm")
		}
	}
}
