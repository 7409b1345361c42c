package amd64

import "encoding/binary"

// ConvRows6x16Int16Go is the twin of ConvRows6x16Int16: a direct
// convolution of one output row from input rows already widened to int16
// (the window's padding taps holding the input zero point), for
// convolutions with few input channels (the first layer of an image
// model), where an im2col row per output pixel costs as much as its
// arithmetic.
//
// Window row ky of output pixel m of group g is the int16 run starting at
// a[(6g+m)*pixStep + ky*rowStride], read as pairs pairs; b holds blocks
// packed blocks of 16 channels in Gemm6x16Int16's layout with
// kp = 2*kh*pairs, k-pair ky*pairs+j weighting the pair at 2j of window
// row ky. So
//
//	acc[m][n] = bias[n] + sum_{ky, i < 2*pairs} a[(6g+m)*pixStep + ky*rowStride + i] * w[n][2*ky*pairs + i]
//
// requantized into c[(6g+m)*cStride + 16j + n] for block j. A window row
// of KW*InC taps with KW*InC odd ends in a pair whose second weight is
// zero: the element it reads (the next pixel's first tap) contributes
// nothing.
func ConvRows6x16Int16Go(a []int16, pixStep, rowStride, kh, pairs int, b []byte, blocks int, c []int8, cStride int, q *Output, groups int) {
	kp := 2 * kh * pairs
	size := headerRows*16*4 + 16*kp*2
	for g := 0; g < groups; g++ {
		for j := 0; j < blocks; j++ {
			blk := b[j*size:][:size]
			wts := blk[headerRows*16*4:]
			gemmTileGo(6, 16, 2, kp, func(m, k int) int32 {
				ky, i := k/(2*pairs), k%(2*pairs)
				return int32(a[(6*g+m)*pixStep+ky*rowStride+i])
			}, blk, func(pos int) int32 { return int32(int16(binary.LittleEndian.Uint16(wts[2*pos:]))) },
				c[6*g*cStride+16*j:], cStride, q)
		}
	}
}

// ConvRowsReach is how many int16 elements ConvRows6x16Int16 reads for
// groups groups: a must hold this many.
func ConvRowsReach(pixStep, rowStride, kh, pairs, groups int) int {
	return (6*groups-1)*pixStep + (kh-1)*rowStride + 2*pairs
}
