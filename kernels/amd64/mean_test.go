package amd64

import (
	"math"
	"math/rand/v2"
	"testing"
)

// meanSumImpls are the column-sum implementations this build runs; the
// AVX2 one joins from mean_amd64_test.go.
var meanSumImpls = []struct {
	name string
	sum  func(acc []int32, in []int8, rows, rowStride int, start int32)
}{{"generic", MeanSumInt8Generic}}

// TestMeanSum compares every implementation with a direct int64 sum
// (wrapped to int32) over widths 1..300 (the 128- and 32-column blocks and
// their tails), row counts across the 256-row int16 chunks, padded row
// strides, all -128 and all 127 inputs (the int16 chunk extremes), start
// values near the int32 limits (the sums wrap) and an accumulator holding
// garbage beforehand.
func TestMeanSum(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 200 {
		width := 1 + r.IntN(300)
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
		start := []int32{math.MaxInt32 - 50, math.MinInt32 + 50, int32(r.Uint32())}[r.IntN(3)]
		want := make([]int32, width)
		for i := range want {
			s := int64(start)
			for row := range rows {
				s += int64(in[row*stride+i])
			}
			want[i] = int32(s)
		}
		for _, impl := range meanSumImpls {
			buf := make([]int32, width+16)
			got := buf[8 : 8+width]
			for i := range got {
				got[i] = int32(r.Uint32())
			}
			impl.sum(got, in, rows, stride, start)
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
