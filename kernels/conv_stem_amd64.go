//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// The AVX2 rows kernel for convolutions with few input channels
// (conv_stem.go), checked against its Go twin at start-up like the GEMM
// tiles.
func init() {
	if !amd64.HasAVX2 {
		return
	}
	rk := &rowsConvKernel{tiles: amd64.ConvRows6x16Int16, widen: amd64.WidenInt16}
	twin := &rowsConvKernel{tiles: amd64.ConvRows6x16Int16Go, widen: amd64.WidenInt16Go}
	if rowsConvSelfTest(rk, twin) {
		rowsConvKernels[AVX2] = rk
	}
}
