package amd64

import (
	"math/rand/v2"
	"testing"
)

// meanSumImpls are the column-sum implementations this build runs; the
// AVX2 one joins from mean_amd64_test.go.
var meanSumImpls = []struct {
	name string
	sum  func(acc []int32, in []int8, rows, rowStride int)
}{{"generic", MeanSumInt8Generic}}

// TestMeanSum compares every implementation with a direct int64 sum over
// widths 1..100 (tails of the 32-column blocks), row counts across the
// 256-row int16 chunks, padded row strides, all -128 and all 127 inputs
// (the int16 chunk extremes) and a non-zero starting accumulator.
func TestMeanSum(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 120 {
		width := 1 + r.IntN(100)
		rows := []int{1, 2, 7, 255, 256, 257, 600}[r.IntN(7)]
		stride := width + r.IntN(5)
		in := make([]int8, (rows-1)*stride+width)
		fill := r.IntN(4)
		for i := range in {
			switch fill {
			case 0:
				in[i] = -128
			case 1:
				in[i] = 127
			default:
				in[i] = int8(r.IntN(256) - 128)
			}
		}
		start := make([]int32, width)
		for i := range start {
			start[i] = int32(r.IntN(1<<20) - 1<<19)
		}
		want := make([]int32, width)
		for i := range want {
			s := int64(start[i])
			for row := range rows {
				s += int64(in[row*stride+i])
			}
			want[i] = int32(s)
		}
		for _, impl := range meanSumImpls {
			buf := make([]int32, width+16)
			got := buf[8 : 8+width]
			copy(got, start)
			impl.sum(got, in, rows, stride)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s width %d rows %d stride %d: column %d = %d, want %d", impl.name, width, rows, stride, i, got[i], want[i])
				}
			}
			for i := range 8 {
				if buf[i] != 0 || buf[8+width+i] != 0 {
					t.Fatalf("%s: write outside acc", impl.name)
				}
			}
		}
	}
}
