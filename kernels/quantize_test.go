package kernels

import (
	"math"
	"slices"
	"testing"
)

func TestQuantizeFloat32ToInt8HandWorked(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	in := []float32{1.25, -1.25, 1000, -1000, nan, inf, -inf, 0.2499, 0, 0.75, -0.75}
	out := make([]int8, len(in))
	QuantizeFloat32ToInt8(&QuantizeParams{Elements: len(in), Scale: 0.5, ZeroPoint: 3}, in, out, 0, len(in))
	// 1.25/0.5 = 2.5 -> 3 (half away from zero) + 3; -2.5 -> -3; clamps;
	// NaN -> the zero point; 0.4998 -> 0; 1.5 -> 2; -1.5 -> -2.
	if want := []int8{6, 0, 127, -128, 3, 127, -128, 3, 3, 5, 1}; !slices.Equal(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
}

func TestQuantizeFloat32ToInt8(t *testing.T) {
	r := newRand(40)
	for _, q := range []quantCase{{0.5, 3}, {0.0173, -128}, {0.1, 127}, {1.0 / 3, 0}, {2e-3, 17}} {
		in := append(unaryInputs(41, 3000), randSpreadFloat32s(r, 1000, 0.2)...)
		for i := range 256 { // the exact halfway points between steps
			in = append(in, float32((float64(i-128)+0.5)*float64(q.scale)))
		}
		p := &QuantizeParams{Elements: len(in), Scale: q.scale, ZeroPoint: q.zp}
		got := checkUnitsInt8(t, r, len(in), p.Units(), perElement, func(out []int8, lo, hi int) { QuantizeFloat32ToInt8(p, in, out, lo, hi) })
		for i, x := range in {
			// The float32 division is the float64 division rounded once.
			v := float64(float32(float64(x) / float64(q.scale)))
			if v != v {
				v = 0
			}
			want := int8(math.Min(math.Max(roundHalfAway(v)+float64(q.zp), -128), 127))
			if got[i] != want {
				t.Fatalf("quantize(%v, %v, %d) = %d, want %d", x, q.scale, q.zp, got[i], want)
			}
		}
	}
}

func TestDequantize(t *testing.T) {
	r := newRand(42)
	in8 := lutInputs(t, 300)
	inU := make([]uint8, len(in8))
	for i, q := range in8 {
		inU[i] = uint8(q)
	}
	for _, q := range []quantCase{{0.5, 3}, {0.0173, -128}, {0.1, 127}, {1.0 / 3, 0}, {3e-38, 5}, {1e30, -1}} {
		p := &QuantizeParams{Elements: len(in8), Scale: q.scale, ZeroPoint: q.zp}
		got := checkUnitsFloat32(t, r, len(in8), p.Units(), perElement, func(out []float32, lo, hi int) { DequantizeInt8ToFloat32(p, in8, out, lo, hi) })
		for i, v := range in8 {
			if want := float32(float64(int32(v)-q.zp) * float64(q.scale)); !sameFloat32(got[i], want) {
				t.Fatalf("dequantize int8 %d (%v, %d) = %v, want %v", v, q.scale, q.zp, got[i], want)
			}
		}
		uzp := q.zp + 128 // uint8 zero points are in [0, 255]
		p.ZeroPoint = uzp
		got = checkUnitsFloat32(t, r, len(inU), p.Units(), perElement, func(out []float32, lo, hi int) { DequantizeUint8ToFloat32(p, inU, out, lo, hi) })
		for i, v := range inU {
			if want := float32(float64(int32(v)-uzp) * float64(q.scale)); !sameFloat32(got[i], want) {
				t.Fatalf("dequantize uint8 %d (%v, %d) = %v, want %v", v, q.scale, uzp, got[i], want)
			}
		}
	}
}

// TestDequantizeFloat16ToFloat32 checks all 65536 half-precision values
// against a decoder written from the IEEE 754 binary16 definition.
func TestDequantizeFloat16ToFloat32(t *testing.T) {
	in := make([]uint16, 1<<16)
	for i := range in {
		in[i] = uint16(i)
	}
	p := &QuantizeParams{Elements: len(in)}
	got := checkUnitsFloat32(t, newRand(43), len(in), p.Units(), perElement, func(out []float32, lo, hi int) { DequantizeFloat16ToFloat32(p, in, out, lo, hi) })
	for _, h := range in {
		sign, exp, mant := h>>15, int(h>>10&0x1f), int(h&0x3ff)
		var want float32
		switch exp {
		case 0: // zero or subnormal: mant * 2^-24
			want = float32(math.Ldexp(float64(mant), -24))
		case 0x1f:
			want = float32(math.Inf(1))
			if mant != 0 { // a quiet NaN with the payload moved up
				want = math.Float32frombits(0x7fc00000 | uint32(mant)<<13)
			}
		default:
			want = float32(math.Ldexp(float64(1024+mant), exp-25))
		}
		if sign == 1 {
			want = math.Float32frombits(math.Float32bits(want) | 1<<31)
		}
		if !sameFloat32(got[h], want) {
			t.Fatalf("float16 %#04x = %v (%#08x), want %v (%#08x)", h, got[h], math.Float32bits(got[h]), want, math.Float32bits(want))
		}
	}
	// Hand-worked: 1, -2, 65504 (the largest), 2^-24 (the smallest).
	out := make([]float32, 4)
	DequantizeFloat16ToFloat32(p, []uint16{0x3c00, 0xc000, 0x7bff, 0x0001}, out, 0, 4)
	if want := []float32{1, -2, 65504, 0x1p-24}; !slices.Equal(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
}

func TestQuantizeAllocs(t *testing.T) {
	f, q, u, h := make([]float32, 1000), make([]int8, 1000), make([]uint8, 1000), make([]uint16, 1000)
	p := &QuantizeParams{Elements: 1000, Scale: 0.1, ZeroPoint: 3}
	checkNoAllocs(t, "QuantizeFloat32ToInt8", func() { QuantizeFloat32ToInt8(p, f, q, 0, 1000) })
	checkNoAllocs(t, "DequantizeInt8ToFloat32", func() { DequantizeInt8ToFloat32(p, q, f, 1, 1000) })
	checkNoAllocs(t, "DequantizeUint8ToFloat32", func() { DequantizeUint8ToFloat32(p, u, f, 0, 999) })
	checkNoAllocs(t, "DequantizeFloat16ToFloat32", func() { DequantizeFloat16ToFloat32(p, h, f, 0, 1000) })
}
