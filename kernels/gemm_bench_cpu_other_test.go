//go:build !linux

package kernels

// cpuRate is unavailable without a per-thread CPU clock.
func cpuRate(macs float64, n int, f func()) float64 { return 0 }
