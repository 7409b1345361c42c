//go:build amd64 && gc && !purego

package sgemm

import "golang.org/x/sys/cpu"

// hasFMA reports whether the AVX2/FMA micro-kernel can run.
var hasFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func kernelFMA(k int, a, b *float32, ldb int, c *float32, ldc int)

func kernel(k int, a, b *float32, ldb int, c *float32, ldc int) {
	if hasFMA {
		kernelFMA(k, a, b, ldb, c, ldc)
		return
	}
	kernelGo(k, a, b, ldb, c, ldc)
}

// Kernel names the micro-kernel in use, for benchmarks and reports.
func Kernel() string {
	if hasFMA {
		return "avx2-fma"
	}
	return "go"
}
