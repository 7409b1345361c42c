//go:build gc && !purego

package amd64

import "unsafe"

//go:noescape
func gemm1x16Int8W(a *int16, b *byte, kp int, c *int8, q *Output, blocks int)

// Gemm1x16Int8W (AVX2) is Gemm1x16Int16 over blocks with int8 weight
// pairs (Gemm1x16Int8WGo's layout), exactly like Gemm1x16Int8WGo: half
// the weight bytes of a fully connected layer on one input vector, which
// its time follows.
func Gemm1x16Int8W(a []int16, b []byte, kp, blocks int, c []int8, q *Output) {
	if blocks <= 0 {
		return
	}
	a = a[:kp]
	b = b[:blocks*(headerRows*16*4+16*kp)]
	c = c[:16*blocks]
	gemm1x16Int8W(unsafe.SliceData(a), &b[0], kp, &c[0], q, blocks)
}
