package camera

import (
	"math"

	"github.com/edgeinfer/edgeinfer/camera/internal/yuvsimd"
	"github.com/edgeinfer/edgeinfer/format"
)

// A tap says which source pixels one destination row or column reads:
// bilinear between i0 and i1 with weight w1/tapOne on i1 (nearest: i0 ==
// i1, w1 == 0), or a letterbox bar when i0 < 0.
type tap struct {
	i0, i1 int32
	w1     int32
}

// tapBits is the precision of bilinear weights. With 16 bits a weight is
// within 2^-17 of the float64 one runtime.SetInputImage uses, so the
// interpolated value is within 0.004 of it before rounding; the 2-D
// interpolation, 8+16+16 bits, is computed in int64.
const (
	tapBits = yuvsimd.WeightBits
	tapOne  = 1 << tapBits
)

// axisTaps fills taps for dst destination pixels read from source pixels
// [s0, s0+n) of one axis, fitted as the runtime's SetInputImage fits them
// (the same half-pixel centers, clamping and letterbox rounding), so a frame
// preprocessed here and the same frame as an image.Image through
// SetInputImage sample the same neighbours. other is the other axis's
// (source, destination) size, which crop and letterbox fits use.
func axisTaps(taps []tap, fit format.ResizeFit, nearest bool, s0, n, dst, otherN, otherDst int) []tap {
	taps = taps[:0]
	d0, d1 := 0, dst
	srcLen, dstLen, start := float64(n), float64(dst), 0.0
	scale := float64(dst) / float64(n)
	otherScale := float64(otherDst) / float64(otherN)
	switch fit {
	case format.FitCenterCrop:
		s := max(scale, otherScale)
		srcLen = float64(dst) / s
		start = (float64(n) - srcLen) / 2
	case format.FitLetterbox:
		s := min(scale, otherScale)
		nd := max(1, int(math.Round(float64(n)*s)))
		d0 = (dst - nd) / 2
		d1 = d0 + nd
		dstLen = float64(nd)
	}
	for d := range dst {
		if d < d0 || d >= d1 {
			taps = append(taps, tap{i0: -1, i1: -1})
			continue
		}
		src := (float64(d-d0)+0.5)*srcLen/dstLen + start - 0.5
		if nearest {
			i := int32(min(max(math.Floor(src+0.5), 0), float64(n-1)))
			taps = append(taps, tap{i0: int32(s0) + i, i1: int32(s0) + i})
			continue
		}
		src = min(max(src, 0), float64(n-1))
		lo := math.Floor(src)
		i0 := int32(lo)
		i1 := min(i0+1, int32(n-1))
		w1 := int32(math.Round((src - lo) * tapOne))
		if w1 == tapOne { // the weight rounded up to the next pixel
			i0, w1 = i1, 0
		}
		taps = append(taps, tap{i0: int32(s0) + i0, i1: int32(s0) + i1, w1: w1})
	}
	return taps
}

// lerp2 interpolates four 8-bit samples (top-left, top-right, bottom-left,
// bottom-right) with weights wx, wy of the right and bottom ones, rounding
// half up to 8 bits: yuvsimd.Lerp2, which the YUV row kernels reproduce.
func lerp2(p00, p01, p10, p11 uint8, wx, wy int32) uint8 {
	return yuvsimd.Lerp2(p00, p01, p10, p11, wx, wy)
}
