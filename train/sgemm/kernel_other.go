//go:build !amd64 || purego || !gc

package sgemm

// kernel is the portable micro-kernel on this platform.
func kernel(k int, a, b, c *float32, ldc int) { kernelGo(k, a, b, c, ldc) }

// Kernel names the micro-kernel in use, for benchmarks and reports.
func Kernel() string { return "go" }
