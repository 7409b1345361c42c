//go:build gc && !purego

package amd64

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestGemm6x16Int16(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kp := range []int{0, 2, 4, 6, 8, 14, 16, 18, 30, 32, 34, 62, 64, 66, 128, 130, 576, 1154} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%3
			b := gemmRandomBlocks(rng, blocks, 16, kp, 2)
			q := gemmRandomOutput(rng)
			a := gemmRandomInt16s(rng, 6*kp, trial == 0)
			cStride := 16*blocks + rng.IntN(5)
			want, checkW := gemmGuarded(5*cStride + 16*blocks)
			got, checkG := gemmGuarded(5*cStride + 16*blocks)
			Gemm6x16Int16Go(a, b, kp, blocks, want, cStride, q)
			Gemm6x16Int16(a, b, kp, blocks, got, cStride, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}

func TestGemm6x16VNNI(t *testing.T) {
	if !HasAVXVNNI {
		t.Skip("no AVX-VNNI on this CPU")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, kp := range []int{0, 4, 8, 12, 16, 20, 60, 64, 68, 128, 132, 576, 1156} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%3
			b := gemmRandomBlocks(rng, blocks, 16, kp, 1)
			q := gemmRandomOutput(rng)
			a := make([]byte, 6*kp)
			for i := range a {
				a[i] = byte(rng.IntN(256))
				if trial == 0 {
					a[i] = 255 // largest products, all one sign
				}
			}
			cStride := 16*blocks + rng.IntN(5)
			want, checkW := gemmGuarded(5*cStride + 16*blocks)
			got, checkG := gemmGuarded(5*cStride + 16*blocks)
			Gemm6x16VNNIGo(a, b, kp, blocks, want, cStride, q)
			Gemm6x16VNNI(a, b, kp, blocks, got, cStride, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}

func TestPackA(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, k := range []int{1, 3, 15, 16, 17, 31, 32, 33, 64, 100} {
		for _, mrMax := range []int{6, 8} {
			for rows := 1; rows <= mrMax; rows++ {
				stride := k + rng.IntN(9)
				src := make([]int8, (rows-1)*stride+k)
				for i := range src {
					src[i] = int8(rng.IntN(256) - 128)
				}
				kp := (k + 3) &^ 3
				w16, g16 := make([]int16, mrMax*kp), make([]int16, mrMax*kp)
				for i := range g16 {
					g16[i] = 0x5a5a // stale panel contents must be overwritten
				}
				PackAInt16Go(w16, mrMax, src, stride, rows, k, kp)
				PackAInt16(g16, mrMax, src, stride, rows, k, kp)
				if !slices.Equal(g16, w16) {
					t.Fatalf("PackAInt16 k %d rows %d/%d differs", k, rows, mrMax)
				}
				w8, g8 := make([]byte, mrMax*kp), make([]byte, mrMax*kp)
				for i := range g8 {
					g8[i] = 0x5a
				}
				PackAUint8Go(w8, mrMax, src, stride, rows, k, kp)
				PackAUint8(g8, mrMax, src, stride, rows, k, kp)
				if !slices.Equal(g8, w8) {
					t.Fatalf("PackAUint8 k %d rows %d/%d differs", k, rows, mrMax)
				}
			}
		}
	}
}

func TestGemm8x32VNNI512(t *testing.T) {
	if !HasAVX512VNNI || AVX512VNNITwin {
		t.Skip("no AVX-512 VNNI on this CPU (gemm_avx512_bochs_amd64_test.go runs the tile in an emulator)")
	}
	for _, c := range gemm8x32VNNI512Cases() {
		n := 7*c.cStride + 32*c.blocks
		want, checkW := gemmGuarded(n)
		got, checkG := gemmGuarded(n)
		Gemm8x32VNNI512Go(c.a, c.b, c.kp, c.blocks, want, c.cStride, c.q)
		Gemm8x32VNNI512(c.a, c.b, c.kp, c.blocks, got, c.cStride, c.q)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: asm\n%v\nwant\n%v", c, got, want)
		}
		checkW(t, "twin")
		checkG(t, "asm")
	}
}

// gemmTileCase is one call of an 8 x 32 tile routine.
type gemmTileCase struct {
	kp, trial, blocks, cStride int
	a, b                       []byte
	q                          *Output
}

func (c gemmTileCase) String() string {
	return fmt.Sprintf("kp %d trial %d (blocks %d, cStride %d)", c.kp, c.trial, c.blocks, c.cStride)
}

// gemm8x32VNNI512Cases are the AVX-512 VNNI tile's test calls: K tails,
// 1-3 blocks, padded output rows, random requantization headers, and in
// trial 0 of each kp activations of 255 (the largest products, all one
// sign). TestGemm8x32VNNI512 and TestGemm8x32VNNI512Bochs share them.
func gemm8x32VNNI512Cases() []gemmTileCase {
	rng := rand.New(rand.NewPCG(9, 10))
	var cases []gemmTileCase
	for _, kp := range []int{0, 4, 8, 12, 16, 60, 64, 68, 128, 132, 576, 1156} {
		for trial := 0; trial < 8; trial++ {
			c := gemmTileCase{kp: kp, trial: trial, blocks: 1 + trial%3}
			c.b = gemmRandomBlocks(rng, c.blocks, 32, kp, 1)
			c.q = gemmRandomOutput(rng)
			c.a = make([]byte, 8*kp)
			for i := range c.a {
				c.a[i] = byte(rng.IntN(256))
				if trial == 0 {
					c.a[i] = 255
				}
			}
			c.cStride = 32*c.blocks + rng.IntN(5)
			cases = append(cases, c)
		}
	}
	return cases
}

func TestConvertA(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for n := 0; n <= 100; n++ {
		src := make([]int8, n)
		for i := range src {
			src[i] = int8(rng.IntN(256) - 128)
		}
		w16, g16 := make([]int16, n+8), make([]int16, n+8)
		for i := range g16 {
			w16[i], g16[i] = 0x5a5a, 0x5a5a
		}
		WidenInt16Go(w16, src)
		WidenInt16(g16, src)
		if !slices.Equal(g16, w16) {
			t.Fatalf("WidenInt16 n %d differs", n)
		}
		w8, g8 := make([]byte, n+8), make([]byte, n+8)
		for i := range g8 {
			w8[i], g8[i] = 0x5a, 0x5a
		}
		Xor80Go(w8, src)
		Xor80(g8, src)
		if !slices.Equal(g8, w8) {
			t.Fatalf("Xor80 n %d differs", n)
		}
	}
}

func TestGemm1x16Int16(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	// k-pair counts around the four-pair unrolling: tails of 0-3 pairs.
	for _, kp := range []int{0, 2, 4, 6, 8, 10, 14, 16, 18, 30, 32, 34, 62, 64, 66, 130, 576, 1154, 1280} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%4
			b := gemmRandomBlocks(rng, blocks, 16, kp, 2)
			q := gemmRandomOutput(rng)
			a := gemmRandomInt16s(rng, kp, trial == 0)
			want, checkW := gemmGuarded(16 * blocks)
			got, checkG := gemmGuarded(16 * blocks)
			Gemm1x16Int16Go(a, b, kp, blocks, want, q)
			Gemm1x16Int16(a, b, kp, blocks, got, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
			// Row 0 of the 6-row tile on the same blocks is the same.
			a6 := make([]int16, 6*kp)
			copy(a6, a)
			six := make([]int8, 6*16*blocks)
			Gemm6x16Int16Go(a6, b, kp, blocks, six, 16*blocks, q)
			if !slices.Equal(six[:16*blocks], want) {
				t.Fatalf("kp %d trial %d: one-row twin differs from row 0 of the 6-row tile", kp, trial)
			}
		}
	}
}

func TestGemm6x16Int16Panels(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, kp := range []int{2, 16, 24, 34, 144} {
		for panels := 1; panels <= 5; panels++ {
			blocks := 1 + rng.IntN(3)
			b := gemmRandomBlocks(rng, blocks, 16, kp, 2)
			q := gemmRandomOutput(rng)
			a := gemmRandomInt16s(rng, panels*6*kp, false)
			cStride := 16*blocks + rng.IntN(5)
			n := (6*panels-1)*cStride + 16*blocks
			want, checkW := gemmGuarded(n)
			got, checkG := gemmGuarded(n)
			Gemm6x16Int16PanelsGo(a, b, kp, blocks, want, cStride, q, panels)
			Gemm6x16Int16Panels(a, b, kp, blocks, got, cStride, q, panels)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d panels %d blocks %d: asm differs", kp, panels, blocks)
			}
			checkW(t, "twin")
			checkG(t, "asm")
			// Panel by panel through the one-panel kernel: the same bytes.
			one, _ := gemmGuarded(n)
			for p := range panels {
				Gemm6x16Int16(a[p*6*kp:], b, kp, blocks, one[p*6*cStride:], cStride, q)
			}
			if !slices.Equal(one, want) {
				t.Fatalf("kp %d panels %d: differs from one call per panel", kp, panels)
			}
		}
	}
}

func TestGemm6x8Int16(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kp := range []int{0, 2, 4, 16, 24, 34, 96, 144, 578} {
		for trial := 0; trial < 8; trial++ {
			b := gemmRandomBlock(rng, 16, kp, 2)
			q := gemmRandomOutput(rng)
			a := gemmRandomInt16s(rng, 6*kp, trial == 0)
			cStride := 8 + rng.IntN(30)
			n := 5*cStride + 8
			want, checkW := gemmGuarded(n)
			got, checkG := gemmGuarded(n)
			for i := range want {
				want[i], got[i] = 99, 99 // the bytes between rows stay
			}
			Gemm6x8Int16Go(a, b, kp, want, cStride, q)
			Gemm6x8Int16(a, b, kp, got, cStride, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d cStride %d: asm\n%v\nwant\n%v", kp, trial, cStride, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}

// gemmRandomBlocks is blocks gemmRandomBlock results back to back.
func gemmRandomBlocks(rng *rand.Rand, blocks, nr, kp, bElem int) []byte {
	var b []byte
	for range blocks {
		b = append(b, gemmRandomBlock(rng, nr, kp, bElem)...)
	}
	return b
}
