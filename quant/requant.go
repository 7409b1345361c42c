package quant

import "fmt"

// ConvRequant returns the per-output-channel requantization of a
// convolution or fully-connected layer, as TFLite's
// PopulateConvolutionQuantizationParams computes it: for channel c,
// M = float64(inScale) * float64(wScale[c]) / float64(outScale) and
// (mult[c], shift[c]) = QuantizeMultiplier(M). A single weight scale
// (per-tensor weights) is broadcast to all channels; otherwise
// len(wScales) must equal channels (it panics if not; callers check shapes
// first).
func ConvRequant(inScale float32, wScales []float32, outScale float32, channels int) (mult []int32, shift []int32) {
	if len(wScales) != 1 && len(wScales) != channels {
		panic(fmt.Sprintf("quant: %d weight scales for %d output channels", len(wScales), channels))
	}
	mult = make([]int32, channels)
	shift = make([]int32, channels)
	for c := range channels {
		ws := wScales[0]
		if len(wScales) > 1 {
			ws = wScales[c]
		}
		m, s := QuantizeMultiplier(float64(inScale) * float64(ws) / float64(outScale))
		mult[c], shift[c] = m, int32(s)
	}
	return mult, shift
}

// AddLeftShift is the headroom TFLite's int8 ADD gives its inputs before
// rescaling them to a common scale: 20 bits, so (q - zp) << 20 still fits in
// int32 (|q - zp| <= 255 < 2^11).
const AddLeftShift = 20

// AddParams computes the requantization of int8 ADD (and SUB, with the b
// multiplier negated) exactly as TFLite's add.cc Prepare does:
//
//	twiceMax := 2 * max(aScale, bScale)
//	aMult, aShift   = QuantizeMultiplier(aScale / twiceMax)
//	bMult, bShift   = QuantizeMultiplier(bScale / twiceMax)
//	outMult, outShift = QuantizeMultiplier(twiceMax / (2^20 * outScale))
//
// (TFLite's QuantizeMultiplierSmallerThanOneExp, in float64), and leftShift
// is AddLeftShift. The kernel then computes
//
//	a' = MBQM((q_a - zp_a) << leftShift, aMult, aShift)
//	b' = MBQM((q_b - zp_b) << leftShift, bMult, bShift)
//	out = MBQM(a' + b', outMult, outShift) + zp_out, clamped
//
// with MBQM = MultiplyByQuantizedMultiplier. aShift and bShift are always
// <= -1; outShift is <= 0 unless outScale < twiceMax/2^20, a model TFLite
// rejects, where MBQM's saturating positive shift still gives a defined
// result. Scales must be positive (callers validate them).
func AddParams(aScale, bScale, outScale float32) (aMult, aShift, bMult, bShift, outMult, outShift int32, leftShift int32) {
	twiceMax := 2 * float64(max(aScale, bScale))
	m, s := QuantizeMultiplier(float64(aScale) / twiceMax)
	aMult, aShift = m, int32(s)
	m, s = QuantizeMultiplier(float64(bScale) / twiceMax)
	bMult, bShift = m, int32(s)
	m, s = QuantizeMultiplier(twiceMax / (float64(int64(1)<<AddLeftShift) * float64(outScale)))
	outMult, outShift = m, int32(s)
	return aMult, aShift, bMult, bShift, outMult, outShift, AddLeftShift
}
