//go:build gc && !purego

package amd64

//go:noescape
func winoInput4(v *int16, kp int, src *int8, rowStride, pixStride, ch int, zp int, tiles int, tmp *int16)

//go:noescape
func winoOutput4(m *int32, b *byte, q *Output, dst *int8, rowStride, pixStride, tiles int, tmp *int32)

// Wino4Input (AVX2) is Wino4InputGo for 16 <= ch <= kp (kp even).
func Wino4Input(v []int16, kp, row int, src []int8, rowStride, pixStride, ch int, zp int32, tiles int) {
	if tiles <= 0 {
		return
	}
	if ch < 16 || ch > kp || kp%2 != 0 || row < 0 || row+tiles > WinoTiles {
		panic("amd64: Wino4Input: bad shape")
	}
	v = v[:Wino4Points*WinoTiles*kp]
	src = src[:(tiles-1)*4*pixStride+5*rowStride+5*pixStride+ch]
	var tmp [Wino4Points * 16]int16
	winoInput4(&v[row*kp], kp, &src[0], rowStride, pixStride, ch, int(zp), tiles, &tmp[0])
}

// Wino4Output (AVX2) is Wino4OutputGo.
func Wino4Output(m []int32, t0 int, blk []byte, q *Output, dst []int8, rowStride, pixStride, tiles int) {
	if tiles <= 0 {
		return
	}
	if t0 < 0 || t0+tiles > WinoTiles {
		panic("amd64: Wino4Output: bad tiles")
	}
	m = m[:WinoMSize(Wino4Points)]
	blk = blk[:headerRows*16*4]
	dst = dst[:(tiles-1)*4*pixStride+3*rowStride+3*pixStride+16]
	var tmp [2 * 24 * 8]int32
	winoOutput4(&m[t0*16], &blk[0], q, &dst[0], rowStride, pixStride, tiles, &tmp[0])
}
