package arm64

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestInterleaveBytes compares InterleaveBytes (the NEON routine where the
// assembly is built) with its twin for every length from 0 to 200 (the
// 16-pair steps, the overlapping last step, the scalar path below 16) and
// longer runs, at random source and destination misalignments, with guard
// bands around dst.
func TestInterleaveBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	lengths := []int{464, 1000, 4096 + 7}
	for n := range 201 {
		lengths = append(lengths, n)
	}
	const guard = 64
	for _, n := range lengths {
		off := rng.IntN(16)
		src := make([]byte, 2*(n+off)+1)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		x, y := src[off:][:n], src[n+off+rng.IntN(2):][:n]
		want := make([]byte, 2*n)
		InterleaveBytesGo(want, x, y)
		for k := range n {
			if want[2*k] != x[k] || want[2*k+1] != y[k] {
				t.Fatalf("n %d: twin wrong at pair %d", n, k)
			}
		}
		dstOff := rng.IntN(16)
		buf := make([]byte, 2*guard+dstOff+2*n)
		for i := range buf {
			buf[i] = byte(0x5A ^ i)
		}
		got := buf[guard+dstOff:][:2*n]
		InterleaveBytes(got, x, y)
		if !slices.Equal(got, want) {
			t.Fatalf("n %d (x offset %d, dst offset %d): InterleaveBytes differs from the twin (assembly %v)", n, off, dstOff, haveAsm)
		}
		for i := range buf {
			if (i < guard+dstOff || i >= guard+dstOff+2*n) && buf[i] != byte(0x5A^i) {
				t.Fatalf("n %d: byte %d outside dst overwritten", n, i-guard-dstOff)
			}
		}
	}
}
