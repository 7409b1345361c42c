// Package interleavetest checks a byte-interleave routine,
// dst[2k], dst[2k+1] = x[k], y[k] for k < len(x), against that definition:
// the channel shuffle's kernels in kernels/amd64 and kernels/arm64 (their
// assembly and their Go twins) run the same checks.
package interleavetest

import (
	"math/rand/v2"
	"testing"
)

// Check runs interleave on every length from 0 to 200 and on longer runs,
// with x, y and dst at random misalignments below 32 bytes, and fails on
// any wrong byte or any write into the 64-byte guard bands around dst.
func Check(t *testing.T, name string, interleave func(dst, x, y []byte)) {
	t.Helper()
	rng := rand.New(rand.NewPCG(21, 22))
	lengths := []int{464, 1000, 4096 + 7}
	for n := range 201 {
		lengths = append(lengths, n)
	}
	const guard = 64
	for _, n := range lengths {
		off := rng.IntN(32)
		src := make([]byte, 2*(n+off)+1)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		x, y := src[off:][:n], src[n+off+rng.IntN(2):][:n]
		dstOff := rng.IntN(32)
		buf := make([]byte, 2*guard+dstOff+2*n)
		for i := range buf {
			buf[i] = byte(0x5A ^ i)
		}
		dst := buf[guard+dstOff:][:2*n]
		interleave(dst, x, y)
		for k := range n {
			if dst[2*k] != x[k] || dst[2*k+1] != y[k] {
				t.Fatalf("%s, n %d (x offset %d, dst offset %d): pair %d is %d, %d; want %d, %d",
					name, n, off, dstOff, k, dst[2*k], dst[2*k+1], x[k], y[k])
			}
		}
		for i := range buf {
			if (i < guard+dstOff || i >= guard+dstOff+2*n) && buf[i] != byte(0x5A^i) {
				t.Fatalf("%s, n %d: byte %d outside dst overwritten", name, n, i-guard-dstOff)
			}
		}
	}
}
