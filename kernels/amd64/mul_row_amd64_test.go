//go:build gc && !purego

package amd64

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 {
		mulRowImpls = append(mulRowImpls, struct {
			name string
			run  func(out, x []int8, l *MulRowLanes, k *MulRowInt8)
		}{"avx2", MulRowInt8AVX2})
	}
}
