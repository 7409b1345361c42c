//go:build gc && !purego

package amd64

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestConvRows6x16Int16 compares the assembly with its twin over window
// shapes (kh x pairs), pixel and row steps, block and group counts, output
// strides and extreme activations, with guard bands around the output.
func TestConvRows6x16Int16(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, shape := range [][2]int{{1, 1}, {3, 5}, {3, 2}, {3, 6}, {7, 11}, {5, 8}, {2, 3}} {
		kh, pairs := shape[0], shape[1]
		for trial := 0; trial < 12; trial++ {
			blocks := 1 + trial%3
			groups := 1 + rng.IntN(4)
			pixStep := 1 + rng.IntN(12)
			rowStride := 6*groups*pixStep + 2*pairs + rng.IntN(9)
			kp := 2 * kh * pairs
			q := gemmRandomOutput(rng)
			b := convRowsRandomBlocks(t, rng, 16*blocks-rng.IntN(16), kp, q[0][0])
			a := gemmRandomInt16s(rng, ConvRowsReach(pixStep, rowStride, kh, pairs, groups), trial == 0)
			cStride := 16*blocks + rng.IntN(5)
			n := (6*groups-1)*cStride + 16*blocks
			want, checkW := gemmGuarded(n)
			got, checkG := gemmGuarded(n)
			ConvRows6x16Int16Go(a, pixStep, rowStride, kh, pairs, b, blocks, want, cStride, q, groups)
			ConvRows6x16Int16(a, pixStep, rowStride, kh, pairs, b, blocks, got, cStride, q, groups)
			if !slices.Equal(got, want) {
				t.Fatalf("kh %d pairs %d trial %d: asm\n%v\nwant\n%v", kh, pairs, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}

// convRowsRandomBlocks packs n random channels (padded to whole blocks)
// of kp weights with random biases, multipliers and right shifts 0-24.
func convRowsRandomBlocks(t *testing.T, rng *rand.Rand, n, kp int, zp int32) []byte {
	t.Helper()
	w := make([]int8, n*kp)
	for i := range w {
		w[i] = int8(rng.IntN(255) - 127)
	}
	bias, mult, shift := make([]int32, n), make([]int32, n), make([]int32, n)
	for c := range n {
		bias[c] = int32(rng.IntN(1<<20) - 1<<19)
		mult[c] = int32(1<<30 + rng.IntN(1<<30))
		shift[c] = -int32(rng.IntN(25))
	}
	b, err := PackConvRowsInt16(w, n, kp, bias, mult, shift, zp)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
