//go:build gc && !purego

package amd64

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 {
		binaryImpls = append(binaryImpls, struct {
			name     string
			mul, add func(out, a, b []int8, mk *MulInt8Consts, ak *AddInt8Consts)
		}{"avx2",
			func(out, a, b []int8, mk *MulInt8Consts, _ *AddInt8Consts) { MulInt8AVX2(out, a, b, mk) },
			func(out, a, b []int8, _ *MulInt8Consts, ak *AddInt8Consts) { AddInt8AVX2(out, a, b, ak) }})
	}
}
