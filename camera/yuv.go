package camera

import "github.com/edgeinfer/edgeinfer/camera/internal/yuvsimd"

// YUV converts to RGB with the BT.601 matrix in 21-bit fixed point
// (yuvsimd.Coeffs states it as Go code): full range (JFIF) for FullRange
// frames, and for LimitedRange ones Y-16 stretched by 255/219 and U-128,
// V-128 by 255/224 first. Every path that converts YUV (the preprocessor's
// row kernels, Frame.Image, gray models fed YUV frames) uses these, so a
// pixel converts to the same bytes everywhere.
func coeffsFor(r YUVRange) *yuvsimd.Coeffs {
	if r == LimitedRange {
		return yuvsimd.LimitedRange
	}
	return yuvsimd.FullRange
}
