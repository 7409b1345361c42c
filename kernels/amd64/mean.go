package amd64

// MeanSumInt8Generic sets acc to start plus the column sums of an int8
// matrix: acc[i] = start + sum over r < rows of in[r*rowStride+i], for
// i < len(acc), in int32 arithmetic that wraps like the reference
// MeanInt8's. It is the pure-Go twin of MeanSumInt8AVX2 and the sum of
// kernels.MeanInt8 over the reduced axis (rows) for a run of inner
// positions, start being its zero-point offset.
func MeanSumInt8Generic(acc []int32, in []int8, rows, rowStride int, start int32) {
	for i := range acc {
		acc[i] = start
	}
	for r := range rows {
		row := in[r*rowStride:][:len(acc)]
		for i, v := range row {
			acc[i] += int32(v)
		}
	}
}
