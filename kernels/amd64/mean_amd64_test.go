//go:build gc && !purego

package amd64

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 {
		meanSumImpls = append(meanSumImpls, struct {
			name string
			sum  func(acc []int32, in []int8, rows, rowStride int, start int32)
		}{"avx2", MeanSumInt8AVX2})
	}
}
