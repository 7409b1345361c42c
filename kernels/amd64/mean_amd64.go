//go:build gc && !purego

package amd64

// meanSumAVX2 is MeanSumInt8Generic for cols >= 16 columns and rows >= 1
// (mean_amd64.s).
//
//go:noescape
func meanSumAVX2(acc *int32, in *int8, rows, rowStride, cols int, start int32)

// MeanSumInt8AVX2 is MeanSumInt8Generic with AVX2. The CPU must have AVX2.
// Fewer than 16 columns take MeanSumInt8Generic.
func MeanSumInt8AVX2(acc []int32, in []int8, rows, rowStride int, start int32) {
	n := len(acc)
	if rows <= 0 || n < 16 {
		MeanSumInt8Generic(acc, in, rows, rowStride, start)
		return
	}
	_ = in[(rows-1)*rowStride+n-1] // every row's n columns are in in
	meanSumAVX2(&acc[0], &in[0], rows, rowStride, n, start)
}
