//go:build gc && !purego

package amd64

// meanSumAVX2 is MeanSumInt8Generic for blocks*32 columns (mean_amd64.s).
//
//go:noescape
func meanSumAVX2(acc *int32, in *int8, rows, rowStride, blocks int)

// MeanSumInt8AVX2 is MeanSumInt8Generic with AVX2. The CPU must have AVX2.
func MeanSumInt8AVX2(acc []int32, in []int8, rows, rowStride int) {
	n := len(acc)
	if rows <= 0 || n == 0 {
		return
	}
	_ = in[(rows-1)*rowStride+n-1] // every row's n columns are in in
	if b := n / 32; b > 0 {
		meanSumAVX2(&acc[0], &in[0], rows, rowStride, b)
	}
	if t := n / 32 * 32; t < n {
		MeanSumInt8Generic(acc[t:], in[t:], rows, rowStride)
	}
}
