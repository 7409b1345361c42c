//go:build gc && !purego

package amd64

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// HasAVX2, HasAVXVNNI and HasAVX512VNNI report which routines of this
// package the CPU runs; callers check them before calling a routine.
//
// VNNIEmulated reports that this package was assembled with
// -D=EDGEINFER_EMULATE_VNNI (scripts/test-vnni-emulated.sh): the AVX-VNNI
// tile then computes VPDPBUSD by an exact AVX2 sequence, so HasAVXVNNI
// holds on any AVX2 CPU and the avxvnni variant can be tested here.
//
// AVX512VNNITwin reports a -tags edgeinfer_avx512twin test build, where
// Gemm8x32VNNI512 runs its Go twin and HasAVX512VNNI holds on any AVX2 CPU.
var (
	VNNIEmulated   = vnniEmulated()
	AVX512VNNITwin = avx512Twin && cpu.X86.HasAVX2 && !hasAVX512VNNI
	HasAVX2        = cpu.X86.HasAVX2
	HasAVXVNNI     = cpu.X86.HasAVX2 && (cpu.X86.HasAVXVNNI || VNNIEmulated)
	HasAVX512VNNI  = hasAVX512VNNI || AVX512VNNITwin
)

var hasAVX512VNNI = cpu.X86.HasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW &&
	cpu.X86.HasAVX512VL && cpu.X86.HasAVX512VNNI

//go:noescape
func gemm6x16Int16(a *int16, b *byte, kp int, c *int8, cStride int, q *Output, blocks, panels int)

//go:noescape
func gemm1x16Int16(a *int16, b *byte, kp int, c *int8, q *Output, blocks int)

//go:noescape
func gemm6x8Int16(a *int16, b *byte, kp int, c *int8, cStride int, q *Output)

//go:noescape
func gemm6x16VNNI(a *byte, b *byte, kp int, c *int8, cStride int, q *Output, blocks int)

//go:noescape
func gemm8x32VNNI512(a *byte, b *byte, kp int, c *int8, cStride int, q *Output, blocks int)

//go:noescape
func widenRowsInt16(dst *int16, src *int8, srcStride, rows, n, kp int)

func vnniEmulated() bool

//go:noescape
func xor80(dst *byte, src *int8, n int)

// Gemm6x16Int16 (AVX2) computes blocks consecutive 6 x 16 tiles, exactly
// like Gemm6x16Int16Go: a holds 6 rows of kp int16 (kp even), b holds
// blocks packed blocks of 16 channels with int16 weight pairs, and tile j
// writes row m's 16 outputs to c[m*cStride+16*j:][:16].
func Gemm6x16Int16(a []int16, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	if blocks <= 0 {
		return
	}
	a = a[:6*kp]
	b = b[:blocks*(headerRows*16*4+16*kp*2)]
	c = c[:5*cStride+16*blocks]
	gemm6x16Int16(unsafe.SliceData(a), &b[0], kp, &c[0], cStride, q, blocks, 1)
}

// Gemm6x16Int16Panels (AVX2) is Gemm6x16Int16 on panels consecutive A
// panels, exactly like Gemm6x16Int16PanelsGo: panel p is a[p*6*kp:][:6*kp]
// and writes rows 6p..6p+5 of c.
func Gemm6x16Int16Panels(a []int16, b []byte, kp, blocks int, c []int8, cStride int, q *Output, panels int) {
	if blocks <= 0 || panels <= 0 {
		return
	}
	a = a[:panels*6*kp]
	b = b[:blocks*(headerRows*16*4+16*kp*2)]
	c = c[:(6*panels-1)*cStride+16*blocks]
	gemm6x16Int16(unsafe.SliceData(a), &b[0], kp, &c[0], cStride, q, blocks, panels)
}

// Gemm6x8Int16 (AVX2) computes the 6 x 8 tile of channels 0-7 of one
// packed block of Gemm6x16Int16, exactly like Gemm6x8Int16Go: row m's 8
// outputs go to c[m*cStride:][:8].
func Gemm6x8Int16(a []int16, b []byte, kp int, c []int8, cStride int, q *Output) {
	a = a[:6*kp]
	b = b[:headerRows*16*4+16*kp*2]
	c = c[:5*cStride+8]
	gemm6x8Int16(unsafe.SliceData(a), &b[0], kp, &c[0], cStride, q)
}

// Gemm1x16Int16 (AVX2) computes blocks consecutive 1 x 16 tiles over the
// blocks of Gemm6x16Int16, exactly like Gemm1x16Int16Go: a holds one row of
// kp int16 (kp even), tile j writes c[16*j:][:16].
func Gemm1x16Int16(a []int16, b []byte, kp, blocks int, c []int8, q *Output) {
	if blocks <= 0 {
		return
	}
	a = a[:kp]
	b = b[:blocks*(headerRows*16*4+16*kp*2)]
	c = c[:16*blocks]
	gemm1x16Int16(unsafe.SliceData(a), &b[0], kp, &c[0], q, blocks)
}

// Gemm6x16VNNI (AVX-VNNI; check HasAVXVNNI) computes blocks consecutive
// 6 x 16 tiles, exactly like Gemm6x16VNNIGo: a holds 6 rows of kp uint8
// activations x+128 (kp a multiple of 4), b holds blocks packed blocks of
// 16 channels with int8 weight quads.
func Gemm6x16VNNI(a []byte, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	if blocks <= 0 {
		return
	}
	a = a[:6*kp]
	b = b[:blocks*(headerRows*16*4+16*kp)]
	c = c[:5*cStride+16*blocks]
	gemm6x16VNNI(unsafe.SliceData(a), &b[0], kp, &c[0], cStride, q, blocks)
}

// Gemm8x32VNNI512 (AVX-512 VNNI; check HasAVX512VNNI) computes blocks
// consecutive 8 x 32 tiles, exactly like Gemm8x32VNNI512Go: a holds 8 rows
// of kp uint8 activations x+128 (kp a multiple of 4), b holds blocks
// packed blocks of 32 channels with int8 weight quads.
func Gemm8x32VNNI512(a []byte, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	if blocks <= 0 {
		return
	}
	a = a[:8*kp]
	b = b[:blocks*(headerRows*32*4+32*kp)]
	c = c[:7*cStride+32*blocks]
	if avx512Twin && AVX512VNNITwin { // the constant drops the branch from release builds
		Gemm8x32VNNI512Go(a, b, kp, blocks, c, cStride, q)
		return
	}
	gemm8x32VNNI512(unsafe.SliceData(a), &b[0], kp, &c[0], cStride, q, blocks)
}

// PackAInt16 (AVX2) is PackAInt16Go.
func PackAInt16(dst []int16, mrMax int, src []int8, srcStride, rows, k, kp int) {
	dst = dst[:mrMax*kp]
	if rows <= 0 {
		clear(dst)
		return
	}
	src = src[:(rows-1)*srcStride+k]
	bulk := k &^ 7
	if bulk > 0 {
		_ = dst[(rows-1)*kp+bulk-1]
		widenRowsInt16(&dst[0], &src[0], srcStride, rows, bulk, kp)
	}
	for r := 0; r < rows; r++ {
		d, s := dst[r*kp:][:kp], src[r*srcStride:][:k]
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

// WidenInt16 (AVX2) is WidenInt16Go.
func WidenInt16(dst []int16, src []int8) {
	n := len(src)
	dst = dst[:n]
	bulk := n &^ 7
	if bulk < 16 {
		bulk = 0
	} else {
		widenRowsInt16(&dst[0], &src[0], 0, 1, bulk, 0)
	}
	for i := bulk; i < n; i++ {
		dst[i] = int16(src[i])
	}
}

// Xor80 (AVX2) is Xor80Go.
func Xor80(dst []byte, src []int8) {
	n := len(src)
	dst = dst[:n]
	bulk := n &^ 31
	if bulk > 0 {
		xor80(&dst[0], &src[0], bulk)
	}
	for i := bulk; i < n; i++ {
		dst[i] = byte(src[i]) ^ 0x80
	}
}
