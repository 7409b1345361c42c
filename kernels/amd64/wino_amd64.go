//go:build gc && !purego

package amd64

import "unsafe"

//go:noescape
func winoInput(v *int16, kp int, src *int8, rowStride, pixStride, ch int, zp int, tiles int)

//go:noescape
func winoGemm6x16(v *int16, vStride, kp int, b *byte, m *int32, points, panels int)

//go:noescape
func winoOutput(m *int32, b *byte, q *Output, dst *int8, rowStride, pixStride, tiles int)

// WinoInput (AVX2) is WinoInputGo for 16 <= ch <= kp (kp even); the
// patch rows and pixels must not overlap in a way that needs ordering
// (they are only read).
func WinoInput(v []int16, kp, row int, src []int8, rowStride, pixStride, ch int, zp int32, tiles int) {
	if tiles <= 0 {
		return
	}
	if ch < 16 || ch > kp || kp%2 != 0 || row < 0 || row+tiles > WinoTiles {
		panic("amd64: WinoInput: bad shape")
	}
	v = v[:WinoPoints*WinoTiles*kp]
	src = src[:(tiles-1)*2*pixStride+3*rowStride+3*pixStride+ch]
	winoInput(&v[row*kp], kp, &src[0], rowStride, pixStride, ch, int(zp), tiles)
}

// WinoGemm6x16 (AVX2) is WinoGemm6x16Go.
func WinoGemm6x16(v []int16, vStride, kp, points, panels int, blk []byte, m []int32) {
	if kp <= 0 || kp%2 != 0 || points <= 0 || panels <= 0 || vStride < points*WinoTiles*kp {
		panic("amd64: WinoGemm6x16: bad shape")
	}
	v = v[:(panels-1)*vStride+points*WinoTiles*kp]
	blk = blk[:WinoBlockBytes(kp, points)]
	m = m[:panels*WinoMSize(points)]
	winoGemm6x16(unsafe.SliceData(v), vStride, kp, &blk[0], &m[0], points, panels)
}

// WinoOutput (AVX2) is WinoOutputGo.
func WinoOutput(m []int32, t0 int, blk []byte, q *Output, dst []int8, rowStride, pixStride, tiles int) {
	if tiles <= 0 {
		return
	}
	if t0 < 0 || t0+tiles > WinoTiles {
		panic("amd64: WinoOutput: bad tiles")
	}
	m = m[:WinoMSize(WinoPoints)]
	blk = blk[:headerRows*16*4]
	dst = dst[:(tiles-1)*2*pixStride+rowStride+pixStride+16]
	winoOutput(&m[t0*16], &blk[0], q, &dst[0], rowStride, pixStride, tiles)
}
