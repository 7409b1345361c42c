package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refLUT is the table written out independently: the standard library's
// functions, math.Round, and an explicit clamp.
func refLUT(inScale float32, inZP int32, outScale float32, outZP int32, f func(float64) float64) [256]int8 {
	var t [256]int8
	for q := -128; q <= 127; q++ {
		x := float64(q-int(inZP)) * float64(inScale)
		y := f(x) / float64(outScale)
		v := outZP
		if !math.IsNaN(y) {
			v = int32(math.Max(-1000, math.Min(1000, math.Round(y)))) + outZP
		}
		t[q+128] = int8(min(max(v, -128), 127))
	}
	return t
}

// lutCase is a random but typical quantization: a scale from a calibrated
// range and any zero point.
func lutCase(r *rand.Rand) (scale float32, zp int32) {
	lo := -math.Exp2(-4+8*r.Float64()) * r.Float64()
	hi := math.Exp2(-4+8*r.Float64()) * r.Float64()
	return ChooseActivationParams(float32(lo), float32(hi))
}

func compareLUT(t *testing.T, name string, got, want [256]int8, inScale float32, inZP int32, outScale float32, outZP int32) {
	t.Helper()
	if got != want {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s(in %v/%d, out %v/%d)[q=%d] = %d, reference %d", name, inScale, inZP, outScale, outZP, i-128, got[i], want[i])
			}
		}
	}
}

func TestLUTsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	mathSigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	for range 3000 {
		inScale, inZP := lutCase(r)
		outScale, outZP := lutCase(r)
		alpha := float32(r.Float64())
		beta := float32(r.Float64())
		lo := float32(-r.Float64() * 2)
		hi := float32(r.Float64() * 6)

		compareLUT(t, "SigmoidLUT fixed", SigmoidLUT(inScale, inZP, SigmoidOutputScale, SigmoidOutputZeroPoint),
			refLUT(inScale, inZP, SigmoidOutputScale, SigmoidOutputZeroPoint, mathSigmoid), inScale, inZP, SigmoidOutputScale, SigmoidOutputZeroPoint)
		compareLUT(t, "SigmoidLUT", SigmoidLUT(inScale, inZP, outScale, outZP),
			refLUT(inScale, inZP, outScale, outZP, mathSigmoid), inScale, inZP, outScale, outZP)
		compareLUT(t, "TanhLUT fixed", TanhLUT(inScale, inZP, TanhOutputScale, TanhOutputZeroPoint),
			refLUT(inScale, inZP, TanhOutputScale, TanhOutputZeroPoint, math.Tanh), inScale, inZP, TanhOutputScale, TanhOutputZeroPoint)
		compareLUT(t, "TanhLUT", TanhLUT(inScale, inZP, outScale, outZP),
			refLUT(inScale, inZP, outScale, outZP, math.Tanh), inScale, inZP, outScale, outZP)
		compareLUT(t, "HardSwishLUT", HardSwishLUT(inScale, inZP, outScale, outZP),
			refLUT(inScale, inZP, outScale, outZP, func(x float64) float64 {
				return float64(x*math.Min(math.Max(x+3, 0), 6)) / 6
			}), inScale, inZP, outScale, outZP)
		compareLUT(t, "HardSigmoidLUT", HardSigmoidLUT(inScale, inZP, outScale, outZP, alpha, beta),
			refLUT(inScale, inZP, outScale, outZP, func(x float64) float64 {
				return math.Max(0, math.Min(1, float64(float64(alpha)*x)+float64(beta)))
			}), inScale, inZP, outScale, outZP)
		compareLUT(t, "LeakyReluLUT", LeakyReluLUT(inScale, inZP, outScale, outZP, alpha),
			refLUT(inScale, inZP, outScale, outZP, func(x float64) float64 {
				if x < 0 {
					return float64(alpha) * x
				}
				return x
			}), inScale, inZP, outScale, outZP)
		compareLUT(t, "ClampLUT", ClampLUT(inScale, inZP, outScale, outZP, lo, hi),
			refLUT(inScale, inZP, outScale, outZP, func(x float64) float64 {
				return math.Max(float64(lo), math.Min(float64(hi), x))
			}), inScale, inZP, outScale, outZP)
		compareLUT(t, "RequantizeLUT", RequantizeLUT(inScale, inZP, outScale, outZP),
			refLUT(inScale, inZP, outScale, outZP, func(x float64) float64 { return x }), inScale, inZP, outScale, outZP)

		// A clamp followed by quantization is quantization followed by the
		// quantized clamp of ActivationRange.
		relu6 := ClampLUT(inScale, inZP, outScale, outZP, 0, 6)
		requant := RequantizeLUT(inScale, inZP, outScale, outZP)
		actMin, actMax := ActivationRange(0, 6, outScale, outZP)
		for i := range relu6 {
			if want := int8(min(max(int32(requant[i]), actMin), actMax)); relu6[i] != want {
				t.Fatalf("RELU6 table[%d] = %d, requantize+clamp gives %d", i, relu6[i], want)
			}
		}
	}
}

func TestLUTWorked(t *testing.T) {
	// Input 1/16 with zero point 0 spans [-8, 7.9375].
	sig := SigmoidLUT(1.0/16, 0, SigmoidOutputScale, SigmoidOutputZeroPoint)
	// sigmoid(0) = 0.5 = 128/256 -> 0; sigmoid(7.9375)*256 = 255.91 -> 256
	// clamps to 127; sigmoid(-8)*256 = 0.086 -> 0 -> -128; sigmoid(1) =
	// 0.731059 -> 187.15 -> 187 -> 59 (q = 16).
	for _, c := range []struct{ q, want int }{{0, 0}, {127, 127}, {-128, -128}, {16, 59}} {
		if got := sig[c.q+128]; int(got) != c.want {
			t.Errorf("SigmoidLUT[q=%d] = %d, want %d", c.q, got, c.want)
		}
	}
	// tanh(1) = 0.761594 -> 97.48 -> 97; tanh(-0.5) = -0.462117 -> -59.15 -> -59.
	th := TanhLUT(1.0/16, 0, TanhOutputScale, TanhOutputZeroPoint)
	for _, c := range []struct{ q, want int }{{0, 0}, {16, 97}, {-8, -59}, {127, 127}, {-128, -128}} {
		if got := th[c.q+128]; int(got) != c.want {
			t.Errorf("TanhLUT[q=%d] = %d, want %d", c.q, got, c.want)
		}
	}
	// Same parameters: requantization is the identity.
	id := RequantizeLUT(0.037, -5, 0.037, -5)
	for q := -128; q <= 127; q++ {
		if int(id[q+128]) != q {
			t.Fatalf("RequantizeLUT identity[q=%d] = %d", q, id[q+128])
		}
	}
	// uint8 (s, zp) to int8 (s, zp-128) is q-128, indexed by q.
	u := Uint8ToInt8LUT(0.02, 131, 0.02, 3)
	for q := 0; q <= 255; q++ {
		if int(u[q]) != q-128 {
			t.Fatalf("Uint8ToInt8LUT[q=%d] = %d, want %d", q, u[q], q-128)
		}
	}
	// uint8 input 0..255 with scale 1/255 (an image) into int8 (1/128, 0):
	// q=255 -> 1.0 -> 128 clamps to 127; q=0 -> 0; q=51 -> 0.2 -> 25.6 -> 26.
	u = Uint8ToInt8LUT(1.0/255, 0, 1.0/128, 0)
	for _, c := range []struct{ q, want int }{{255, 127}, {0, 0}, {51, 26}} {
		if int(u[c.q]) != c.want {
			t.Errorf("Uint8ToInt8LUT[q=%d] = %d, want %d", c.q, u[c.q], c.want)
		}
	}
	// LeakyRelu 0.1 at scale 1: q=-15 -> -1.5 -> -2 (half away from zero).
	lr := LeakyReluLUT(1, 0, 1, 0, 0.1)
	if lr[-15+128] != -2 || lr[-14+128] != -1 || lr[100+128] != 100 {
		t.Errorf("LeakyReluLUT: q=-15 %d, q=-14 %d, q=100 %d; want -2 -1 100", lr[-15+128], lr[-14+128], lr[100+128])
	}
	// HardSwish at scale 0.125: x = -1.5 -> -1.5*1.5/6 = -0.375 -> -3;
	// x = 3 -> 3; x = -3 -> 0.
	hs := HardSwishLUT(0.125, 0, 0.125, 0)
	if hs[-12+128] != -3 || hs[24+128] != 24 || hs[-24+128] != 0 {
		t.Errorf("HardSwishLUT: %d %d %d, want -3 24 0", hs[-12+128], hs[24+128], hs[-24+128])
	}
	// NaN results map to the output zero point.
	nan := LUTFunc(1, 0, 1, 9, func(float64) float64 { return math.NaN() })
	if nan[0] != 9 || nan[255] != 9 {
		t.Errorf("LUTFunc of NaN = %d, %d, want the zero point 9", nan[0], nan[255])
	}
}

func TestSoftmaxExpTable(t *testing.T) {
	for _, c := range []struct{ inScale, beta float64 }{{1.0 / 16, 1}, {0.1, 1}, {0.05, 2.5}, {0.3, 0.5}} {
		e := SoftmaxExpTable(c.inScale, c.beta)
		if e[0] != 1 {
			t.Errorf("SoftmaxExpTable(%v, %v)[0] = %v, want 1", c.inScale, c.beta, e[0])
		}
		for d := 1; d < 256; d++ {
			want := math.Exp(-c.beta * c.inScale * float64(d))
			if ulps(e[d], want) > 2 || e[d] >= e[d-1] {
				t.Fatalf("SoftmaxExpTable(%v, %v)[%d] = %v, math.Exp gives %v (previous %v)", c.inScale, c.beta, d, e[d], want, e[d-1])
			}
		}
	}
	// beta*inScale = ln 2 / 8 rounded: every 8th entry halves, exact to rounding.
	e := SoftmaxExpTable(math.Ln2/8, 1)
	for d := 8; d < 256; d += 8 {
		if math.Abs(e[d]/e[d-8]-0.5) > 1e-14 {
			t.Fatalf("SoftmaxExpTable(ln2/8)[%d]/[%d] = %v, want 0.5", d, d-8, e[d]/e[d-8])
		}
	}
}
