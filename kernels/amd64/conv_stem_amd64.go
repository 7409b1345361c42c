//go:build gc && !purego

package amd64

import "unsafe"

//go:noescape
func convRows6x16Int16(a *int16, pixStep, rowStride, kh, pairs int, b *byte, blocks int, c *int8, cStride int, q *Output, groups int)

// ConvRows6x16Int16 (AVX2) computes exactly what ConvRows6x16Int16Go
// does: pixStep and rowStride are in int16 elements, a must hold
// ConvRowsReach elements and c the groups' 6*groups rows of 16*blocks
// outputs at stride cStride.
func ConvRows6x16Int16(a []int16, pixStep, rowStride, kh, pairs int, b []byte, blocks int, c []int8, cStride int, q *Output, groups int) {
	if blocks <= 0 || groups <= 0 || kh <= 0 || pairs <= 0 {
		return
	}
	a = a[:ConvRowsReach(pixStep, rowStride, kh, pairs, groups)]
	b = b[:blocks*ConvRowsBlockBytes(2*kh*pairs)]
	c = c[:(6*groups-1)*cStride+16*blocks]
	convRows6x16Int16(unsafe.SliceData(a), 2*pixStep, 2*rowStride, kh, pairs, &b[0], blocks, &c[0], cStride, q, groups)
}
