//go:build !(amd64 || arm64) || purego || !gc

package sgemm

// kernel is the portable micro-kernel on this platform.
func kernel(k int, a, b *float32, ldb int, c *float32, ldc int) { kernelGo(k, a, b, ldb, c, ldc) }

// Kernel names the micro-kernel in use, for benchmarks and reports.
func Kernel() string { return "go" }
