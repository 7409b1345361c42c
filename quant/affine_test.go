package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQuantizeWorked(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	for _, c := range []struct {
		x, scale float32
		zp       int32
		want     int8
	}{
		{0.375, 0.25, 0, 2},       // 1.5 rounds away from zero
		{-0.375, 0.25, 0, -2},     // -1.5 likewise
		{0.375, 0.25, -128, -126}, // zero point -128
		{0, 0.25, -128, -128},
		{31.75, 0.25, 0, 127},
		{32, 0.25, 0, 127}, // 128 clamps
		{-32, 0.25, 0, -128},
		{-32.25, 0.25, 0, -128}, // -129 clamps
		{100, 0.25, 10, 127},
		{-100, 0.25, 10, -128},
		// 0.25f/0.1f is exactly 2.5 in float32 (2.49999996 in float64):
		// TFLite divides in float, so this is 3, not 2.
		{0.25, 0.1, 0, 3},
		{nan, 0.25, 7, 7},
		{inf, 0.25, 7, 127},
		{-inf, 0.25, 7, -128},
		{1, 0, 0, 127}, // 1/0 = +Inf
		{0, 0, 5, 5},   // 0/0 = NaN -> zero point
	} {
		if got := Quantize(c.x, c.scale, c.zp); got != c.want {
			t.Errorf("Quantize(%v, %v, %d) = %d, want %d", c.x, c.scale, c.zp, got, c.want)
		}
	}
}

func TestQuantizeDequantizeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 2000 {
		scale := float32(math.Exp2(-12 + 16*r.Float64()))
		zp := int32(r.IntN(256) - 128)
		for q := -128; q <= 127; q++ {
			x := Dequantize(int8(q), scale, zp)
			if want := float32(float64(q-int(zp)) * float64(scale)); x != want {
				t.Fatalf("Dequantize(%d, %v, %d) = %v, want %v", q, scale, zp, x, want)
			}
			if back := Quantize(x, scale, zp); int(back) != q {
				t.Fatalf("Quantize(Dequantize(%d)) = %d with scale %v zp %d", q, back, scale, zp)
			}
		}
		// Any real value inside the representable range comes back within
		// half a step; outside it clamps to the nearest end.
		lo, hi := Dequantize(-128, scale, zp), Dequantize(127, scale, zp)
		for range 100 {
			x := float32(float64(lo) - 4*float64(scale) + r.Float64()*(float64(hi-lo)+8*float64(scale)))
			q := Quantize(x, scale, zp)
			switch {
			case x <= lo:
				if q != -128 {
					t.Fatalf("Quantize(%v) = %d below the range [%v, %v]", x, q, lo, hi)
				}
			case x >= hi:
				if q != 127 {
					t.Fatalf("Quantize(%v) = %d above the range [%v, %v]", x, q, lo, hi)
				}
			default:
				if d := math.Abs(float64(Dequantize(q, scale, zp)) - float64(x)); d > 0.5*float64(scale)*(1+1e-6) {
					t.Fatalf("Quantize(%v, %v, %d) = %d: %g away", x, scale, zp, q, d)
				}
			}
		}
	}
}

func TestChooseActivationParamsWorked(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, c := range []struct {
		min, max float32
		scale    float32
		zp       int32
	}{
		// [-1, 1]: both ends give zp -0.5, which rounds half away from zero.
		{-1, 1, float32(2.0 / 255), -1},
		{0, 6, float32(6.0 / 255), -128},
		{-6, 0, float32(6.0 / 255), 127},
		{2, 6, float32(6.0 / 255), -128}, // extended to include 0
		{-6, -2, float32(6.0 / 255), 127},
		// [-3, 5]: from min -128 + 3*255/8 = -32.375 (error 223.6 < 286.4).
		{-3, 5, float32(8.0 / 255), -32},
		{0, 0, 1, 0},     // degenerate
		{0, 1e-40, 1, 0}, // scale would be subnormal
		{-inf, 0, float32(math.MaxFloat32 / 255.0), 127},
		{float32(math.NaN()), 1, float32(1.0 / 255), -128},
	} {
		scale, zp := ChooseActivationParams(c.min, c.max)
		if scale != c.scale || zp != c.zp {
			t.Errorf("ChooseActivationParams(%v, %v) = (%v, %d), want (%v, %d)", c.min, c.max, scale, zp, c.scale, c.zp)
		}
	}
}

func TestChooseActivationParamsProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 200_000 {
		mag := math.Exp2(-20 + 40*r.Float64())
		lo := float32(-mag * r.Float64())
		hi := float32(mag * r.Float64())
		switch i % 5 {
		case 0:
			lo = 0
		case 1:
			hi = 0
		case 2:
			lo, hi = float32(mag*r.Float64()), float32(mag*(1+r.Float64())) // both positive
		}
		scale, zp := ChooseActivationParams(lo, hi)
		rmin, rmax := math.Min(float64(lo), 0), math.Max(float64(hi), 0)
		if rmin == rmax {
			continue
		}
		if want := float32((rmax - rmin) / 255); scale != want {
			t.Fatalf("ChooseActivationParams(%v, %v) scale = %v, want %v", lo, hi, scale, want)
		}
		if zp < -128 || zp > 127 {
			t.Fatalf("ChooseActivationParams(%v, %v) zero point %d out of range", lo, hi, zp)
		}
		// Real 0 is exactly representable, and quantizes to the zero point.
		if Dequantize(int8(zp), scale, zp) != 0 || Quantize(0, scale, zp) != int8(zp) {
			t.Fatalf("ChooseActivationParams(%v, %v) = (%v, %d) does not represent 0", lo, hi, scale, zp)
		}
		// Nudging the zero point moves the covered range by at most half a step.
		step := float64(scale)
		if d := math.Abs(float64(Dequantize(-128, scale, zp)) - rmin); d > 0.5*step*(1+1e-5) {
			t.Fatalf("ChooseActivationParams(%v, %v) = (%v, %d): low end off by %g steps", lo, hi, scale, zp, d/step)
		}
		if d := math.Abs(float64(Dequantize(127, scale, zp)) - rmax); d > 0.5*step*(1+1e-5) {
			t.Fatalf("ChooseActivationParams(%v, %v) = (%v, %d): high end off by %g steps", lo, hi, scale, zp, d/step)
		}
	}
}

func TestActivationRange(t *testing.T) {
	inf := float32(math.Inf(1))
	relu6Scale := float32(6.0 / 255)
	for _, c := range []struct {
		name           string
		lo, hi, scale  float32
		zp             int32
		wantLo, wantHi int32
	}{
		{"none", -inf, inf, 0.1, 3, -128, 127},
		{"relu", 0, inf, 0.1, 5, 5, 127},
		{"relu6 on its own range", 0, 6, relu6Scale, -128, -128, 127},
		{"relu6", 0, 6, 0.05, -10, -10, 110}, // 6/0.05 = 120
		{"relu6 wide output", 0, 6, 0.25, -100, -100, -76},
		{"relu_n1_to_1", -1, 1, 1.0 / 128, 0, -128, 127}, // 128 clamps to 127
		{"clip 0.375", -0.375, 0.375, 0.25, 0, -2, 2},    // ties away from zero
		{"above the range", 100, inf, 0.1, 0, 127, 127},
		{"NaN bounds", float32(math.NaN()), float32(math.NaN()), 0.1, 0, -128, 127},
	} {
		lo, hi := ActivationRange(c.lo, c.hi, c.scale, c.zp)
		if lo != c.wantLo || hi != c.wantHi {
			t.Errorf("%s: ActivationRange(%v, %v, %v, %d) = (%d, %d), want (%d, %d)",
				c.name, c.lo, c.hi, c.scale, c.zp, lo, hi, c.wantLo, c.wantHi)
		}
	}
}

// TestActivationRangeIsQuantize checks ActivationRange against Quantize,
// which rounds and clamps the same way: a clamp in the real domain followed
// by quantization is a clamp in the quantized domain.
func TestActivationRangeIsQuantize(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for range 100_000 {
		scale := float32(math.Exp2(-10 + 12*r.Float64()))
		zp := int32(r.IntN(256) - 128)
		lo := float32(r.NormFloat64() * 4)
		hi := lo + float32(r.Float64()*8)
		qlo, qhi := ActivationRange(lo, hi, scale, zp)
		if qlo != int32(Quantize(lo, scale, zp)) || qhi != int32(Quantize(hi, scale, zp)) || qlo > qhi {
			t.Fatalf("ActivationRange(%v, %v, %v, %d) = (%d, %d), Quantize gives (%d, %d)",
				lo, hi, scale, zp, qlo, qhi, Quantize(lo, scale, zp), Quantize(hi, scale, zp))
		}
	}
}
