//go:build gc && !purego

package amd64

//go:noescape
func im2colInt16(dst *int16, src *int8, pixels, pixStep, kh, rowStride, seg, kp int)

// Im2colInt16 (AVX2) is Im2colInt16Go for rows that tolerate its
// overreach: it may also overwrite dst[pixels*kp : pixels*kp+Im2colSlack]
// (the caller's panel has that slack, and any row past the last pixel's is
// written afterwards) and read up to Im2colReach bytes past the last
// window row segment, so dst and src must be that much longer. Rows whose
// padding (kp - kh*seg) exceeds Im2colSlack go to Im2colInt16Go.
func Im2colInt16(dst []int16, src []int8, pixels, pixStep, kh, rowStride, seg, kp int) {
	if pixels <= 0 || kh <= 0 || seg <= 0 || kp < kh*seg || kp-kh*seg > Im2colSlack {
		Im2colInt16Go(dst, src, pixels, pixStep, kh, rowStride, seg, kp)
		return
	}
	_ = dst[pixels*kp+Im2colSlack-1]
	_ = src[(pixels-1)*pixStep+(kh-1)*rowStride+seg-1+Im2colReach]
	im2colInt16(&dst[0], &src[0], pixels, pixStep, kh, rowStride, seg, kp)
}
