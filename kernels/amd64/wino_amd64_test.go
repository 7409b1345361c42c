//go:build gc && !purego

package amd64

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// winoGuardedInt16 returns n int16 between guard bands and their check.
func winoGuardedInt16(n int) ([]int16, func(t *testing.T, what string)) {
	const guard = 0x5a5a
	all := make([]int16, n+64)
	for i := range all {
		all[i] = guard
	}
	return all[32 : 32+n : 32+n], func(t *testing.T, what string) {
		t.Helper()
		for i := range 32 {
			if all[i] != guard || all[32+n+i] != guard {
				t.Fatalf("%s: guard band overwritten", what)
			}
		}
	}
}

func TestWinoInputMatchesTwin(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(43, 44))
	for _, tm := range []int{2, 4} {
		points, input, inputGo := WinoPoints, WinoInput, WinoInputGo
		if tm == 4 {
			points, input, inputGo = Wino4Points, Wino4Input, Wino4InputGo
		}
		for _, ch := range []int{16, 17, 24, 31, 32, 33, 48, 63, 64, 100, 256} {
			for trial := range 10 {
				tiles := 1 + rng.IntN(WinoTiles)
				row := rng.IntN(WinoTiles - tiles + 1)
				kp := (ch+1)&^1 + 2*rng.IntN(3)
				pixStride := ch + rng.IntN(5)
				rowStride := (tm*tiles+2)*pixStride + rng.IntN(7)
				src := make([]int8, (tm+1)*rowStride+(tm*tiles+2)*pixStride+1+rng.IntN(3))
				for i := range src {
					src[i] = int8(rng.IntN(256) - 128)
					if trial == 0 {
						src[i] = int8(-128 + 255*rng.IntN(2))
					}
				}
				src = src[1:] // misaligned
				zp := int32(rng.IntN(256) - 128)
				if trial == 1 {
					zp = 127 - 255*int32(rng.IntN(2))
				}
				want, checkW := winoGuardedInt16(points * WinoTiles * kp)
				got, checkG := winoGuardedInt16(points * WinoTiles * kp)
				inputGo(want, kp, row, src, rowStride, pixStride, ch, zp, tiles)
				input(got, kp, row, src, rowStride, pixStride, ch, zp, tiles)
				if !slices.Equal(got, want) {
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("F(%d,3) ch %d trial %d tiles %d row %d: v[%d] (point %d, row %d, channel %d) = %d, want %d",
								tm, ch, trial, tiles, row, i, i/kp/WinoTiles, i/kp%WinoTiles, i%kp, got[i], want[i])
						}
					}
				}
				checkW(t, "twin")
				checkG(t, "asm")
			}
		}
	}
}

func TestWinoGemmMatchesTwin(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(45, 46))
	for _, points := range []int{WinoPoints, Wino4Points} {
		for _, kp := range []int{2, 4, 6, 16, 18, 32, 34, 64, 66, 128, 258, 512} {
			for trial := range 3 {
				panels := 1 + trial
				vStride := points*WinoTiles*kp + 2*rng.IntN(40)
				v := make([]int16, (panels-1)*vStride+points*WinoTiles*kp)
				for i := range v {
					v[i] = int16(rng.IntN(2*25500+1) - 25500)
					if trial == 0 {
						v[i] = -25500
					}
				}
				blk := make([]byte, WinoBlockBytes(kp, points))
				for i := range blk {
					blk[i] = byte(rng.IntN(256))
				}
				size := panels * WinoMSize(points)
				m := make([]int32, size+32)
				want := make([]int32, size)
				WinoGemm6x16Go(v, vStride, kp, points, panels, blk, want)
				WinoGemm6x16(v, vStride, kp, points, panels, blk, m[:size])
				if !slices.Equal(m[:size], want) {
					t.Fatalf("points %d kp %d panels %d: asm M differs", points, kp, panels)
				}
				for _, x := range m[size:] {
					if x != 0 {
						t.Fatalf("points %d kp %d: wrote past M", points, kp)
					}
				}
			}
		}
	}
}

func TestWinoOutputMatchesTwin(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(47, 48))
	for _, tm := range []int{2, 4} {
		output, outputGo := WinoOutput, WinoOutputGo
		if tm == 4 {
			output, outputGo = Wino4Output, Wino4OutputGo
		}
		for trial := range 400 {
			tiles := 1 + rng.IntN(WinoTiles)
			t0 := rng.IntN(WinoTiles - tiles + 1)
			pair := trial%2 == 1
			c := randomWinoCase(rng, tm, 1, 16, pair)
			if !pair && trial%4 == 0 {
				c.q[3][0] = 1 // the saturating left shift
			}
			m := make([]int32, WinoMSize(c.points))
			for i := range m {
				switch trial % 3 {
				case 0: // any int32: Y wraps the same in both
					m[i] = int32(rng.Uint32())
				default: // a realistic range
					m[i] = int32(rng.IntN(1<<24)) - 1<<23
				}
			}
			pixStride := 16 + rng.IntN(3)*16 + rng.IntN(2)
			rowStride := tm*tiles*pixStride + rng.IntN(9)
			n := (tm-1)*rowStride + (tm*tiles-1)*pixStride + 16
			want, checkW := gemmGuarded(n)
			got, checkG := gemmGuarded(n)
			outputGo(m, t0, c.blk, c.q, want, rowStride, pixStride, tiles)
			output(m, t0, c.blk, c.q, got, rowStride, pixStride, tiles)
			if !slices.Equal(got, want) {
				t.Fatalf("F(%d,3) trial %d (tiles %d from %d, pair %v): asm\n%v\nwant\n%v", tm, trial, tiles, t0, pair, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}
