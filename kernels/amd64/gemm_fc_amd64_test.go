//go:build gc && !purego

package amd64

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGemm1x16Int8W compares the int8-weight one-row tile with its twin
// over k-pair counts around the four-pair unrolling, and the twin with
// the int16-weight twin on the same weights widened.
func TestGemm1x16Int8W(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const hdr = headerRows * 16 * 4
	for _, kp := range []int{0, 2, 4, 6, 8, 10, 14, 16, 18, 30, 32, 34, 62, 64, 66, 130, 576, 1154, 1280} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%4
			b := gemmRandomBlocks(rng, blocks, 16, kp, 1)
			q := gemmRandomOutput(rng)
			a := gemmRandomInt16s(rng, kp, trial == 0)
			want, checkW := gemmGuarded(16 * blocks)
			got, checkG := gemmGuarded(16 * blocks)
			Gemm1x16Int8WGo(a, b, kp, blocks, want, q)
			Gemm1x16Int8W(a, b, kp, blocks, got, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
			// The same weights as int16 pairs through the int16 twin.
			var b16 []byte
			for j := 0; j < blocks; j++ {
				blk := b[j*(hdr+16*kp):][:hdr+16*kp]
				b16 = append(b16, blk[:hdr]...)
				for _, w := range blk[hdr:] {
					v := uint16(int16(int8(w)))
					b16 = append(b16, byte(v), byte(v>>8))
				}
			}
			wide := make([]int8, 16*blocks)
			Gemm1x16Int16Go(a, b16, kp, blocks, wide, q)
			if !slices.Equal(wide, want) {
				t.Fatalf("kp %d trial %d: int8-weight twin differs from the int16-weight twin", kp, trial)
			}
		}
	}
}
