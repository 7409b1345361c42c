// Package quant holds the int8 numerics shared by the converter and the runtime.
//
// Everything here follows the TFLite quantization specification and the
// gemmlowp fixed-point reference bit for bit: real = (q - zeroPoint) * scale,
// weights are symmetric per-channel int8 in [-127, 127], activations are
// asymmetric per-tensor int8, and biases are int32 at scale inScale*wScale.
// Requantization uses a Q31 multiplier and a power-of-two shift
// (QuantizeMultiplier + MultiplyByQuantizedMultiplier, "double rounding").
//
// The floating-point parts (lookup tables, softmax exponentials) use the
// package's own Exp, Log, Tanh and Sigmoid, which give the same bits on
// every GOARCH, so a model converted or planned on one machine behaves
// identically on another. This package imports only the standard library.
package quant

import "math"

// SaturatingRoundingDoublingHighMul returns the high 32 bits of 2*a*b,
// rounded to nearest with ties toward +Inf, saturating the single overflow
// case a == b == math.MinInt32. It is gemmlowp's function of the same name
// and ARMv7 NEON's VQRDMULH, i.e. floor((2*a*b + 2^31) / 2^32):
//
//	if a == b && a == math.MinInt32 { return math.MaxInt32 }
//	ab := int64(a) * int64(b)
//	nudge := int64(1 << 30); if ab < 0 { nudge = 1 - 1<<30 }
//	return int32((ab + nudge) / (1 << 31)) // division truncates toward zero
//
// (gemmlowp's sign-dependent nudge plus truncating division is the same
// thing as adding 2^31 to 2ab and flooring: a negative tie such as
// 2ab = -2^31 rounds to 0, not to -1.)
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == b && a == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	return int32((ab + nudge) / (1 << 31))
}

// RoundingDivideByPOT returns x / 2^exponent rounded to nearest, ties away
// from zero (gemmlowp's RoundingDivideByPOT). exponent must be in [0, 31].
func RoundingDivideByPOT(x int32, exponent int) int32 {
	mask := int32((int64(1) << uint(exponent)) - 1)
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	result := x >> uint(exponent)
	if remainder > threshold {
		result++
	}
	return result
}

// MultiplyByQuantizedMultiplier returns x * multiplier * 2^(shift-31) with
// TFLite's default (double-rounding) semantics: a saturating left shift for
// positive shifts, SaturatingRoundingDoublingHighMul, then a rounding right
// shift for negative shifts. shift must be in [-31, 30], which
// QuantizeMultiplier guarantees.
func MultiplyByQuantizedMultiplier(x, multiplier int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(saturatingShiftLeft(x, left), multiplier), right)
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp is TFLite's name for the
// requantization used by int8 ADD/SUB (see AddParams):
// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -shift)
// for shift <= 0. For those shifts it is exactly MultiplyByQuantizedMultiplier,
// which it calls, so a shift > 0 (which TFLite would reject at prepare time)
// still has a defined, saturating result.
func MultiplyByQuantizedMultiplierSmallerThanOneExp(x, multiplier int32, shift int) int32 {
	return MultiplyByQuantizedMultiplier(x, multiplier, shift)
}

// saturatingShiftLeft is x * 2^n. TFLite's reference multiplies in int32 and
// relies on the caller's ranges; we saturate (like NEON's SQSHL) so that
// hostile models (a multiplier >= 1 with a large accumulator) give a defined
// result on every architecture instead of wrapping differently per compiler.
func saturatingShiftLeft(x int32, n int) int32 {
	switch {
	case n == 0 || x == 0:
		return x
	case n >= 32:
		if x > 0 {
			return math.MaxInt32
		}
		return math.MinInt32
	}
	v := int64(x) << uint(n)
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	if v < math.MinInt32 {
		return math.MinInt32
	}
	return int32(v)
}

// QuantizeMultiplier splits a real multiplier m into a Q31 fixed-point
// significand and a power-of-two exponent so that
// m ≈ multiplier * 2^(shift-31), exactly as TFLite's QuantizeMultiplier:
// q, shift = frexp(m); multiplier = round(q * 2^31) (halved, shift+1, when
// it rounds up to 2^31). For m > 0 the multiplier is in [2^30, 2^31).
//
// Departures from TFLite, all outside the range a valid model produces:
// tiny multipliers (shift < -31) flush to (0, 0) as in TFLite; shifts above
// 30 saturate to (MaxInt32, 30) (TFLite does this only in its
// single-rounding build) so MultiplyByQuantizedMultiplier's precondition
// always holds; a negative m gives the negated multiplier of -m; NaN gives
// (0, 0). Callers validate scales before relying on the result.
func QuantizeMultiplier(m float64) (multiplier int32, shift int) {
	if m < 0 {
		multiplier, shift = QuantizeMultiplier(-m)
		return -multiplier, shift
	}
	if m == 0 || math.IsNaN(m) {
		return 0, 0
	}
	if math.IsInf(m, 1) {
		return math.MaxInt32, 30
	}
	q, exp := math.Frexp(m) // m = q * 2^exp, q in [0.5, 1)
	qFixed := int64(math.Round(q * (1 << 31)))
	if qFixed == 1<<31 {
		qFixed /= 2
		exp++
	}
	if exp < -31 {
		return 0, 0
	}
	if exp > 30 {
		return math.MaxInt32, 30
	}
	return int32(qFixed), exp
}
