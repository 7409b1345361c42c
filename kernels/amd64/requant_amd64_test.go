//go:build gc && !purego

package amd64

import (
	"testing"

	"golang.org/x/sys/cpu"
)

func requireAVX2(t testing.TB) {
	t.Helper()
	if !cpu.X86.HasAVX2 {
		t.Skip("CPU lacks AVX2")
	}
}

// guarded returns a slice of n bytes inside a larger buffer whose guard
// bands hold a known pattern, and a function that fails if they changed.
func guarded(t *testing.T, n int) ([]int8, func()) {
	const guard = 64
	buf := make([]int8, n+2*guard)
	for i := range buf {
		buf[i] = int8(0x5A ^ i)
	}
	return buf[guard : guard+n : guard+n], func() {
		t.Helper()
		for i := range guard {
			if buf[i] != int8(0x5A^i) || buf[guard+n+i] != int8(0x5A^(guard+n+i)) {
				t.Fatalf("guard band overwritten (buffer of %d)", n)
			}
		}
	}
}

func TestRequantizeRowAVX2MatchesGeneric(t *testing.T) {
	requireAVX2(t)
	forEachRequantCase(t, func(c *requantCase, tab *RequantTable) {
		want := make([]int8, len(c.acc))
		RequantizeRowGeneric(want, c.acc, tab)
		got, check := guarded(t, len(c.acc))
		RequantizeRowAVX2(got, c.acc, tab)
		check()
		checkBytes(t, "RequantizeRowAVX2", got, want, func(i int) any {
			return []int32{c.acc[i], c.mult[i], c.shift[i], c.zp, c.actMin, c.actMax}
		})
		checkBytes(t, "RequantizeRowAVX2 vs reference", got, c.want(), func(i int) any { return i })
	})
}
