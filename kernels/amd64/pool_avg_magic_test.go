package amd64

import "testing"

// TestAvgPoolMagicExhaustive checks avgPoolMagic's division against Go's
// for every divisor an average pool can have (windows of up to 64 taps)
// and every dividend the int16 kernel can form (|sum| + count/2 < 2^15).
func TestAvgPoolMagicExhaustive(t *testing.T) {
	if m, _ := avgPoolMagic(1); m != 0 {
		t.Fatalf("d = 1: magic %d, want 0 (the float path)", m)
	}
	for d := int32(2); d <= 64; d++ {
		m, s := avgPoolMagic(d)
		if m <= 0 || m > 0xffff {
			t.Fatalf("d = %d: magic %d does not fit 16 bits", d, m)
		}
		for n := range int32(1 << 15) {
			if q := int32(uint16(uint32(n)*uint32(m)>>16) >> s); q != n/d {
				t.Fatalf("d = %d, n = %d: %d, want %d", d, n, q, n/d)
			}
		}
	}
}
