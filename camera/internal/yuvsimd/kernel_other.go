//go:build !(amd64 || arm64) || !gc || purego

package yuvsimd

var bestKernel = Go

func sampleRowAsm(Kernel, []byte, *Columns, *Rows, *Coeffs, bool, *LUT) int { return 0 }
