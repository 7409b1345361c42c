//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// The AVX2 GEMM takes int16 weight pairs; a fully connected layer on one
// input vector keeps int8 pairs and widens them in the tile.
func init() {
	fcInt8RowTiles[AVX2] = func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput) {
		amd64.Gemm1x16Int8W(int16s(a), b, kp, blocks, c, q)
	}
}
