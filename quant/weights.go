package quant

import (
	"fmt"
	"math"
)

// QuantizeWeightsPerChannel quantizes w symmetrically per output channel,
// TFLite style: the channel is the OUTERMOST axis of w (OHWI convolution
// weights, [out][in] fully-connected weights), so channel c owns the
// contiguous block w[c*n : (c+1)*n] with n = len(w)/channels.
//
// scale[c] = maxabs(block)/127 (float32) and q = clamp(round(w/scale[c]),
// -127, 127) with the division in float32 and rounding half away from zero:
// -128 never occurs, which keeps the kernels' pairwise int16 sums exact.
// An all-zero channel (or one so small that maxabs/127 is not a normal
// float32) gets scale 1 and all-zero weights: any positive scale represents
// zero exactly, and 1 keeps the channel's bias at the input's resolution and
// its requantization multiplier ordinary, where a tiny scale would make the
// int32 bias saturate. Non-finite weights are the converter's to reject:
// NaN is ignored by maxabs and quantizes to 0; ±Inf makes the channel's
// scale Inf and all its weights 0.
//
// It panics if channels <= 0 or does not divide len(w); callers check the
// tensor shape first.
func QuantizeWeightsPerChannel(w []float32, channels int) (q []int8, scales []float32) {
	if channels <= 0 || len(w)%channels != 0 {
		panic(fmt.Sprintf("quant: %d weights do not split into %d channels", len(w), channels))
	}
	n := len(w) / channels
	q = make([]int8, len(w))
	scales = make([]float32, channels)
	for c := range channels {
		block := w[c*n : (c+1)*n]
		var maxAbs float32
		for _, v := range block {
			if a := float32(math.Abs(float64(v))); a > maxAbs {
				maxAbs = a
			}
		}
		scale := maxAbs / 127
		if scale < smallestNormalFloat32 {
			scale = 1
		}
		scales[c] = scale
		for i, v := range block {
			q[c*n+i] = int8(roundClamp(float64(float32(v/scale)), 0, -127, 127))
		}
	}
	return q, scales
}

// QuantizeWeightsPerTensor is QuantizeWeightsPerChannel with one channel:
// a single symmetric scale maxabs(w)/127 for the whole tensor.
func QuantizeWeightsPerTensor(w []float32) (q []int8, scale float32) {
	if len(w) == 0 {
		return []int8{}, 1
	}
	q, scales := QuantizeWeightsPerChannel(w, 1)
	return q, scales[0]
}

// QuantizeBias quantizes a bias to int32 at scale inScale*wScales[c]
// (zero point 0), as the TFLite specification requires:
// round(b[c] / (inScale*wScales[c])), half away from zero, computed in
// float64 (the product of two float32 scales is exact there) and saturated
// to [-MaxInt32, MaxInt32] like TFLite's bias quantizer. len(wScales) == 1
// means per-tensor weights; otherwise len(wScales) must equal len(b) (it
// panics if not; callers check shapes first). A zero or non-finite bias
// scale, and a NaN bias, give 0.
func QuantizeBias(b []float32, inScale float32, wScales []float32) []int32 {
	if len(wScales) != 1 && len(wScales) != len(b) {
		panic(fmt.Sprintf("quant: bias has %d channels but there are %d weight scales", len(b), len(wScales)))
	}
	out := make([]int32, len(b))
	for c, v := range b {
		ws := wScales[0]
		if len(wScales) > 1 {
			ws = wScales[c]
		}
		s := float64(inScale) * float64(ws)
		if s == 0 || math.IsInf(s, 0) || s != s {
			continue
		}
		out[c] = roundClamp(float64(v)/s, 0, -math.MaxInt32, math.MaxInt32)
	}
	return out
}
