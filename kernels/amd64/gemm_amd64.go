//go:build gc && !purego

package amd64

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// HasAVX2, HasAVXVNNI and HasAVX512VNNI report which routines of this
// package the CPU runs; callers check them before calling a routine.
var (
	HasAVX2       = cpu.X86.HasAVX2
	HasAVXVNNI    = cpu.X86.HasAVX2 && cpu.X86.HasAVXVNNI
	HasAVX512VNNI = cpu.X86.HasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW &&
		cpu.X86.HasAVX512VL && cpu.X86.HasAVX512VNNI
)

//go:noescape
func gemm6x16Int16(a *int16, b *byte, kp int, c *int8, cStride int, q *Output)

//go:noescape
func widenInt16(dst *int16, src *int8, n int)

//go:noescape
func xor80(dst *byte, src *int8, n int)

// Gemm6x16Int16 (AVX2) computes one 6 x 16 tile, exactly like
// Gemm6x16Int16Go: a holds 6 rows of kp int16 (kp even), b is a packed
// block of 16 channels with int16 weight pairs, and row m's 16 outputs go
// to c[m*cStride:][:16].
func Gemm6x16Int16(a []int16, b []byte, kp int, c []int8, cStride int, q *Output) {
	a = a[:6*kp]
	b = b[:headerRows*16*4+16*kp*2]
	c = c[:5*cStride+16]
	gemm6x16Int16(unsafe.SliceData(a), &b[0], kp, &c[0], cStride, q)
}

// PackAInt16 (AVX2) is PackAInt16Go.
func PackAInt16(dst []int16, mrMax int, src []int8, srcStride, rows, k, kp int) {
	dst = dst[:mrMax*kp]
	bulk := k &^ 15
	for r := 0; r < rows; r++ {
		d, s := dst[r*kp:][:kp], src[r*srcStride:][:k]
		if bulk > 0 {
			widenInt16(&d[0], &s[0], bulk)
		}
		for i := bulk; i < k; i++ {
			d[i] = int16(s[i])
		}
		clear(d[k:])
	}
	clear(dst[rows*kp:])
}

// PackAUint8 (AVX2) is PackAUint8Go.
func PackAUint8(dst []byte, mrMax int, src []int8, srcStride, rows, k, kp int) {
	dst = dst[:mrMax*kp]
	bulk := k &^ 31
	for r := 0; r < rows; r++ {
		d, s := dst[r*kp:][:kp], src[r*srcStride:][:k]
		if bulk > 0 {
			xor80(&d[0], &s[0], bulk)
		}
		for i := bulk; i < k; i++ {
			d[i] = byte(s[i]) ^ 0x80
		}
		clear(d[k:])
	}
	clear(dst[rows*kp:])
}
