package quant

// Lookup tables for int8 pointwise operators.
//
// An operator whose int8 output depends on one int8 input value is a
// 256-entry table built at plan time: entry q+128 holds
// clamp(round(f(x)/outScale) + outZP, -128, 127) with x = (q - inZP) * inScale,
// all in float64 with this package's deterministic Exp/Tanh, rounding half
// away from zero. Dequantization is exact in float64 (a float32 scale times
// an integer below 2^9), so the only roundings are f's own and the final
// division; a table therefore has the same bits on every GOARCH.

// LUTFunc returns the table of f for int8 input (inScale, inZP) and int8
// output (outScale, outZP); index = q + 128. NaN results map to outZP.
func LUTFunc(inScale float32, inZP int32, outScale float32, outZP int32, f func(float64) float64) [256]int8 {
	var t [256]int8
	for i := range t {
		x := float64(float64(int32(i)-128-inZP) * float64(inScale))
		t[i] = int8(roundClamp(f(x)/float64(outScale), outZP, -128, 127))
	}
	return t
}

// SigmoidLUT is LOGISTIC: 1 / (1 + e^-x). TFLite fixes its int8 output to
// (SigmoidOutputScale, SigmoidOutputZeroPoint).
func SigmoidLUT(inScale float32, inZP int32, outScale float32, outZP int32) [256]int8 {
	return LUTFunc(inScale, inZP, outScale, outZP, Sigmoid)
}

// TanhLUT is TANH. TFLite fixes its int8 output to (TanhOutputScale,
// TanhOutputZeroPoint).
func TanhLUT(inScale float32, inZP int32, outScale float32, outZP int32) [256]int8 {
	return LUTFunc(inScale, inZP, outScale, outZP, Tanh)
}

// HardSwishLUT is HARD_SWISH: x * relu6(x + 3) / 6, evaluated in that order.
func HardSwishLUT(inScale float32, inZP int32, outScale float32, outZP int32) [256]int8 {
	return LUTFunc(inScale, inZP, outScale, outZP, hardSwish)
}

func hardSwish(x float64) float64 {
	return float64(x*min(max(x+3, 0), 6)) / 6
}

// HardSigmoidLUT is ONNX HardSigmoid: max(0, min(1, alpha*x + beta)).
// (alpha 1/6, beta 0.5 is the MobileNetV3 h-sigmoid.)
func HardSigmoidLUT(inScale float32, inZP int32, outScale float32, outZP int32, alpha, beta float32) [256]int8 {
	a, b := float64(alpha), float64(beta)
	return LUTFunc(inScale, inZP, outScale, outZP, func(x float64) float64 {
		return max(0, min(1, float64(a*x)+b))
	})
}

// LeakyReluLUT is LEAKY_RELU: x for x >= 0, alpha*x otherwise.
func LeakyReluLUT(inScale float32, inZP int32, outScale float32, outZP int32, alpha float32) [256]int8 {
	a := float64(alpha)
	return LUTFunc(inScale, inZP, outScale, outZP, func(x float64) float64 {
		if x >= 0 {
			return x
		}
		return a * x
	})
}

// ClampLUT is a real clamp to [lo, hi] (RELU, RELU6, RELU_N1_TO_1, CLIP;
// ±Inf for a missing bound) together with the requantization from the input
// to the output parameters. Quantization is monotonic, so this equals
// requantizing and then clamping to the quantized bounds.
func ClampLUT(inScale float32, inZP int32, outScale float32, outZP int32, lo, hi float32) [256]int8 {
	l, h := float64(lo), float64(hi)
	return LUTFunc(inScale, inZP, outScale, outZP, func(x float64) float64 {
		return min(max(x, l), h)
	})
}

// RequantizeLUT is the int8 -> int8 QUANTIZE: the identity on real values,
// from the input to the output parameters.
func RequantizeLUT(inScale float32, inZP int32, outScale float32, outZP int32) [256]int8 {
	return LUTFunc(inScale, inZP, outScale, outZP, identity)
}

func identity(x float64) float64 { return x }

// Uint8ToInt8LUT is the uint8 -> int8 QUANTIZE (a uint8 model input or
// ONNX QuantizeLinear/DequantizeLinear pair): x = (q - inZP) * inScale with
// q in [0, 255] and index = q, requantized to (outScale, outZP) like LUTFunc.
func Uint8ToInt8LUT(inScale float32, inZP int32, outScale float32, outZP int32) [256]int8 {
	// A uint8 tensor (scale, zp) holds the same reals as an int8 tensor
	// (scale, zp-128) whose value is q-128, and index q = (q-128) + 128.
	return RequantizeLUT(inScale, inZP-128, outScale, outZP)
}

// SoftmaxExpTable returns the exponentials of int8 softmax:
// Exp[d] = Exp(float64(-beta*inScale) * float64(d)) for d = max - q in
// [0, 255] (the product -beta*inScale is rounded once, then multiplied by
// d). Entry 0 is 1 and entries decrease for beta*inScale > 0.
func SoftmaxExpTable(inScale, beta float64) [256]float64 {
	var t [256]float64
	step := -beta * inScale
	for d := range t {
		t[d] = Exp(step * float64(d))
	}
	return t
}
