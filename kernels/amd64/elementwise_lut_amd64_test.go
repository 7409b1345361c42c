//go:build gc && !purego

package amd64

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 {
		lutImpls = append(lutImpls, struct {
			name string
			run  func(out, in []int8, t *LUTTable)
		}{"avx2", LUTInt8AVX2})
	}
}
