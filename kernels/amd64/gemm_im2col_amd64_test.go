//go:build gc && !purego

package amd64

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIm2colInt16 compares the assembly with its twin on random window
// geometries (segments shorter and longer than a 16-element block, odd
// sizes, padded and unpadded rows), with sentinels past the rows: the
// assembly may change only Im2colSlack elements past the last row and
// reads src up to its last needed byte plus Im2colReach.
func TestIm2colInt16(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	r := rand.New(rand.NewPCG(41, 42))
	const sentinel = 0x5a5a
	for trial := range 3000 {
		pixels, kh, seg := 1+r.IntN(7), 1+r.IntN(7), 1+r.IntN(70)
		if trial%4 == 0 {
			seg = 16 * (1 + r.IntN(4))
		}
		pixStep := 1 + r.IntN(3*seg)
		rowStride := seg + r.IntN(200)
		k := kh * seg
		kp := k + r.IntN(2)
		if trial%7 == 0 {
			kp = k + r.IntN(Im2colSlack+3) // beyond the slack: the Go path
		}
		srcLen := (pixels-1)*pixStep + (kh-1)*rowStride + seg + Im2colReach
		src := make([]int8, srcLen)
		for i := range src {
			src[i] = int8(r.IntN(256) - 128)
		}
		n := pixels*kp + Im2colSlack + 24
		want, got := make([]int16, n), make([]int16, n)
		for i := range want {
			want[i], got[i] = sentinel, sentinel
		}
		Im2colInt16Go(want, src, pixels, pixStep, kh, rowStride, seg, kp)
		Im2colInt16(got, src, pixels, pixStep, kh, rowStride, seg, kp)
		if !slices.Equal(got[:pixels*kp], want[:pixels*kp]) {
			t.Fatalf("pixels %d step %d kh %d rowStride %d seg %d kp %d: rows differ\ngot  %v\nwant %v",
				pixels, pixStep, kh, rowStride, seg, kp, got[:pixels*kp], want[:pixels*kp])
		}
		for i := pixels*kp + Im2colSlack; i < n; i++ {
			if got[i] != sentinel || want[i] != sentinel {
				t.Fatalf("pixels %d kh %d seg %d kp %d: element %d past the slack written", pixels, kh, seg, kp, i)
			}
		}
		for i := pixels * kp; i < n; i++ {
			if want[i] != sentinel {
				t.Fatalf("Im2colInt16Go wrote element %d past its rows", i)
			}
		}
	}
}
