package runtime

import "testing"

// TestPlacementHandWorked checks the placement orders on buffers whose best
// layout is known: A (100 B, ops 0-1), B (50 B, ops 1-2), C (100 B, ops
// 2-3). A and C never meet, so the optimum is 150 B with C reusing A's
// bytes; the peak (ops 1 and 2) is 150 B too.
func TestPlacementHandWorked(t *testing.T) {
	bufs := []buffer{{100, 0, 1}, {50, 1, 2}, {100, 2, 3}}
	if got := liveBound(bufs, 3); got != 150 {
		t.Errorf("liveBound = %d, want 150", got)
	}
	for _, s := range placementStrategies {
		off, total := s.place(bufs, 3)
		if total != 150 {
			t.Errorf("%s: total %d (offsets %v), want 150", s.name, total, off)
		}
		if off[0] < off[1]+50 && off[1] < off[0]+100 {
			t.Errorf("%s: A at %d and B at %d overlap", s.name, off[0], off[1])
		}
	}
}

// TestPlacementBestFit: with A (64 B) and C (192 B) placed around a 128-byte
// hole and a 64-byte hole left by dead buffers, a 64-byte buffer goes into
// the tightest hole under best fit and the lowest under first fit.
func TestPlacementBestFit(t *testing.T) {
	// Offsets by construction: X0 [0,128) ops 0-0, A [128,192) ops 0-2,
	// X1 [192,256) ops 0-0, C [256,448) ops 0-2; then D (64 B, ops 1-2).
	bufs := []buffer{{128, 0, 0}, {64, 0, 2}, {64, 0, 0}, {192, 0, 2}, {64, 1, 2}}
	order := []int{0, 1, 2, 3, 4}
	off, _ := placeInOrder(bufs, order, true)
	if want := []int{0, 128, 192, 256, 192}; !slicesEqual(off, want) {
		t.Errorf("best fit offsets %v, want %v", off, want)
	}
	off, _ = placeInOrder(bufs, order, false)
	if want := []int{0, 128, 192, 256, 0}; !slicesEqual(off, want) {
		t.Errorf("first fit offsets %v, want %v", off, want)
	}
}
