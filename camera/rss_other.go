//go:build !linux

package camera

func residentBytes() int64 { return 0 }
