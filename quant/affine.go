package quant

import "math"

// Fixed output quantization that the TFLite int8 specification imposes on
// some operators: real = (q - ZeroPoint) * Scale.
const (
	SigmoidOutputScale        = 1.0 / 256
	SigmoidOutputZeroPoint    = -128
	SoftmaxOutputScale        = 1.0 / 256
	SoftmaxOutputZeroPoint    = -128
	TanhOutputScale           = 1.0 / 128
	TanhOutputZeroPoint       = 0
	LogSoftmaxOutputScale     = 16.0 / 256
	LogSoftmaxOutputZeroPoint = 127
)

// Quantize maps a real value to int8 as TFLite's AffineQuantize does:
// clamp(round(x/scale) + zeroPoint, -128, 127), with the division in float32
// and rounding half away from zero. NaN quantizes to the zero point (real 0),
// ±Inf to the ends of the range, so the result is defined for every input.
func Quantize(x, scale float32, zeroPoint int32) int8 {
	return int8(roundClamp(float64(float32(x/scale)), zeroPoint, -128, 127))
}

// Dequantize maps an int8 value back to a real value: (q - zeroPoint) * scale.
// The product is rounded once to float32, which is what TFLite's double
// computation rounds to as well (the exact product fits a float64). The
// explicit conversion keeps an inlined call from being fused into a caller's
// multiply-add.
func Dequantize(q int8, scale float32, zeroPoint int32) float32 {
	return float32(float32(int32(q)-zeroPoint) * scale)
}

// roundClamp returns clamp(round(v) + zeroPoint, lo, hi), rounding half away
// from zero. NaN gives clamp(zeroPoint). It is the shared tail of every
// float-to-int8 conversion in this package.
func roundClamp(v float64, zeroPoint, lo, hi int32) int32 {
	if v != v {
		v = 0
	}
	v = math.Round(v) + float64(zeroPoint)
	if v < float64(lo) {
		return lo
	}
	if v > float64(hi) {
		return hi
	}
	return int32(v)
}

// ChooseActivationParams picks asymmetric int8 parameters covering the real
// range [min, max], as TFLite's ChooseQuantizationParams<int8>: the range is
// first extended to include 0, scale = (max-min)/255 (computed in float64,
// stored as float32), and the zero point is solved from whichever end gives
// the smaller rounding error, then rounded (half away from zero) to an
// integer in [-128, 127]. Real 0 is therefore exactly representable.
//
// Choices where TFLite has none: NaN bounds count as 0, ±Inf bounds as
// ±MaxFloat32, and a range too small for a normal float32 scale (including
// min == max == 0, where TFLite returns scale 0) gives scale 1, zero point 0.
// The scale is never 0, NaN, Inf or subnormal.
func ChooseActivationParams(min, max float32) (scale float32, zeroPoint int32) {
	rmin := math.Min(finiteOrZero(min), 0)
	rmax := math.Max(finiteOrZero(max), 0)
	const qmin, qmax = -128.0, 127.0
	s := (rmax - rmin) / (qmax - qmin)
	if float32(s) < smallestNormalFloat32 {
		return 1, 0
	}
	fromMin := qmin - rmin/s
	fromMax := qmax - rmax/s
	zp := fromMax
	if math.Abs(qmin)+math.Abs(rmin/s) < math.Abs(qmax)+math.Abs(rmax/s) {
		zp = fromMin
	}
	switch {
	case zp < qmin:
		zeroPoint = qmin
	case zp > qmax:
		zeroPoint = qmax
	default:
		zeroPoint = int32(math.Round(zp))
	}
	return float32(s), zeroPoint
}

// smallestNormalFloat32 is 2^-126. Subnormal scales lose precision and their
// reciprocals overflow, so ChooseActivationParams never returns one.
const smallestNormalFloat32 = 0x1p-126

// finiteOrZero widens v to float64, mapping NaN to 0 and ±Inf to
// ±MaxFloat32.
func finiteOrZero(v float32) float64 {
	switch {
	case v != v:
		return 0
	case math.IsInf(float64(v), 1):
		return math.MaxFloat32
	case math.IsInf(float64(v), -1):
		return -math.MaxFloat32
	}
	return float64(v)
}

// ActivationRange converts a real clamp [lo, hi] (a fused RELU, RELU6,
// CLIP...) into quantized bounds for an int8 tensor with the given scale
// and zero point, intersected with [-128, 127]. Each bound is quantized as
// TFLite's CalculateActivationRangeQuantized does (zeroPoint +
// round(bound/scale), division in float32). lo = -Inf (or NaN) means no
// lower bound and hi = +Inf (or NaN) no upper bound. Because quantization is
// monotonic, lo <= hi gives actMin <= actMax.
func ActivationRange(lo, hi float32, scale float32, zeroPoint int32) (actMin, actMax int32) {
	actMin, actMax = -128, 127
	if lo == lo {
		actMin = roundClamp(float64(float32(lo/scale)), zeroPoint, -128, 127)
	}
	if hi == hi {
		actMax = roundClamp(float64(float32(hi/scale)), zeroPoint, -128, 127)
	}
	return actMin, actMax
}
