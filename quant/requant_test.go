package quant

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestConvRequantWorked(t *testing.T) {
	// M = 0.5*0.25/0.0625 = 2 and 0.5*0.125/0.0625 = 1.
	mult, shift := ConvRequant(0.5, []float32{0.25, 0.125}, 0.0625, 2)
	if !slices.Equal(mult, []int32{1 << 30, 1 << 30}) || !slices.Equal(shift, []int32{2, 1}) {
		t.Errorf("per-channel ConvRequant = %v %v, want [2^30 2^30] [2 1]", mult, shift)
	}
	// One weight scale is broadcast: M = 0.75 for every channel.
	mult, shift = ConvRequant(0.5, []float32{0.375}, 0.25, 3)
	if !slices.Equal(mult, []int32{3 << 29, 3 << 29, 3 << 29}) || !slices.Equal(shift, []int32{0, 0, 0}) {
		t.Errorf("per-tensor ConvRequant = %v %v, want [3*2^29 x3] [0 0 0]", mult, shift)
	}
}

func TestConvRequantRelativeError(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const channels = 32
	ws := make([]float32, channels)
	for range 2000 {
		in := float32(math.Exp2(-10 + 10*r.Float64()))
		out := float32(math.Exp2(-10 + 10*r.Float64()))
		for c := range ws {
			ws[c] = float32(math.Exp2(-12 + 10*r.Float64()))
		}
		mult, shift := ConvRequant(in, ws, out, channels)
		for c := range ws {
			// in*w is exact in float64; the quotient adds one rounding.
			m := float64(in) * float64(ws[c]) / float64(out)
			back := math.Ldexp(float64(mult[c]), int(shift[c])-31)
			if rel := math.Abs(back-m) / m; rel > 0x1p-31+0x1p-52 {
				t.Fatalf("ConvRequant channel %d: %d*2^(%d-31) = %g, want %g (rel %g)", c, mult[c], shift[c], back, m, rel)
			}
		}
	}
}

func TestConvRequantPanicsOnMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("ConvRequant with 2 scales for 3 channels did not panic")
		}
	}()
	ConvRequant(1, []float32{1, 1}, 1, 3)
}

func TestAddParamsWorked(t *testing.T) {
	// twiceMax = 1: a = 0.5 = 2^30*2^-31, b = 0.25, out = 2^-20.
	am, as, bm, bs, om, os, ls := AddParams(0.5, 0.25, 1)
	got := []int32{am, as, bm, bs, om, os, ls}
	want := []int32{1 << 30, 0, 1 << 30, -1, 1 << 30, -19, 20}
	if !slices.Equal(got, want) {
		t.Errorf("AddParams(0.5, 0.25, 1) = %v, want %v", got, want)
	}
}

// TestAddParamsEndToEnd runs TFLite's int8 ADD arithmetic with AddParams over
// every pair of inputs and checks it against the real sum: the result is
// within 3/4 of a step (the output's double rounding) plus a rounding
// residue of the scaled inputs of a few 2^-20 steps.
func TestAddParamsEndToEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for range 20 {
		sa := float32(math.Exp2(-8 + 6*r.Float64()))
		sb := float32(math.Exp2(-8 + 6*r.Float64()))
		so := float32((float64(sa) + float64(sb)) * (0.5 + r.Float64()))
		za, zb, zo := int32(r.IntN(256)-128), int32(r.IntN(256)-128), int32(r.IntN(256)-128)
		am, as, bm, bs, om, os, ls := AddParams(sa, sb, so)
		if as > 0 || bs > 0 || os > 0 {
			t.Fatalf("AddParams(%v, %v, %v) gave positive shifts %d %d %d", sa, sb, so, as, bs, os)
		}
		for qa := -128; qa <= 127; qa++ {
			for qb := -128; qb <= 127; qb++ {
				a := MultiplyByQuantizedMultiplierSmallerThanOneExp((int32(qa)-za)<<ls, am, int(as))
				b := MultiplyByQuantizedMultiplierSmallerThanOneExp((int32(qb)-zb)<<ls, bm, int(bs))
				got := MultiplyByQuantizedMultiplierSmallerThanOneExp(a+b, om, int(os)) + zo
				real := (float64(int32(qa)-za)*float64(sa)+float64(int32(qb)-zb)*float64(sb))/float64(so) + float64(zo)
				if math.Abs(float64(got)-real) > 0.75+0.01 {
					t.Fatalf("ADD(%d, %d) with scales %v %v -> %v, zps %d %d %d = %d, real %g",
						qa, qb, sa, sb, so, za, zb, zo, got, real)
				}
			}
		}
	}
}
