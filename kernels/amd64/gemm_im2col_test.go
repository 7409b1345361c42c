package amd64

import (
	"slices"
	"testing"
)

// TestIm2colInt16Go checks the twin on a hand-worked case: two pixels 2
// apart, windows of 2 rows of 3 (row stride 5), kp 8.
func TestIm2colInt16Go(t *testing.T) {
	src := []int8{1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -128, 127}
	dst := make([]int16, 2*8+1)
	dst[16] = 99
	Im2colInt16Go(dst, src, 2, 2, 2, 5, 3, 8)
	want := []int16{
		1, -2, 3, -6, 7, -8, 0, 0, // pixel 0: src[0:3], src[5:8]
		3, -4, 5, -8, 9, -10, 0, 0, // pixel 1: src[2:5], src[7:10]
		99,
	}
	if !slices.Equal(dst, want) {
		t.Errorf("got %v, want %v", dst, want)
	}
}
