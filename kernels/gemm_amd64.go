//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

func init() {
	if amd64.HasAVX2 {
		gemmKernels[AVX2] = &gemmKernel{
			mr: 6, nr: 16, kr: 2, aElem: 2, aOffset: 0, bElem: 2,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAInt16(int16s(dst), 6, src, srcStride, mr, k, kp)
			},
			tile: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
				amd64.Gemm6x16Int16(int16s(a), b, kp, blocks, c, cStride, q)
			},
		}
	}
}
