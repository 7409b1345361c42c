//go:build arm64 && gc && !purego

package sgemm

//go:noescape
func kernelNEON(k int, a, b *float32, ldb int, c *float32, ldc int)

// kernel is the NEON micro-kernel: every arm64 CPU has Advanced SIMD.
func kernel(k int, a, b *float32, ldb int, c *float32, ldc int) { kernelNEON(k, a, b, ldb, c, ldc) }

// Kernel names the micro-kernel in use, for benchmarks and reports.
func Kernel() string { return "neon" }
