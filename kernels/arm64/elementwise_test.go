package arm64

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// mulDefinition is kernels.MulInt8's formula for one pair.
func mulDefinition(x, y int8, c *MulConsts) int8 {
	p := (int32(x) + c.AOffset) * (int32(y) + c.BOffset)
	v := int64(quant.MultiplyByQuantizedMultiplier(p, c.Mult, int(c.Left-c.Right))) + int64(c.ZeroPoint)
	return int8(max(min(v, int64(c.Max)), int64(c.Min)))
}

// guardedAt is guarded with the n bytes starting off bytes into the
// guarded slice (misaligned for off % 16 != 0); the check also covers those
// off bytes.
func guardedAt(t *testing.T, n, off int) ([]int8, func()) {
	t.Helper()
	s, check := guarded(off + n)
	for i := range s[:off] {
		s[i] = guardByte
	}
	return s[off:], func() {
		t.Helper()
		check(t, "output")
		for _, v := range s[:off] {
			if v != guardByte {
				t.Fatal("output: guard bytes before it overwritten")
			}
		}
	}
}

// TestMulInt8 runs every pair (a, b) of int8 values through MulInt8 for
// random quantizations (offsets at the int16 limit, left shifts, large
// right shifts, clamps) on every variant, at misaligned addresses, with
// guard bands, against the definition; and lengths 0-80 (the vector
// steps and the twin's tail), in place.
func TestMulInt8(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(3, uint64(v)))
		for iter := range 12 {
			aOff, bOff := int32(r.IntN(257)-128), int32(r.IntN(257)-128)
			if iter == 0 {
				aOff, bOff = 128, -128
			}
			mult, shift := quant.QuantizeMultiplier(r.Float64() * r.Float64() * 0.02)
			if iter%4 == 1 {
				mult, shift = quant.QuantizeMultiplier(1 + r.Float64()*6) // a left shift
			}
			if iter%4 == 2 {
				mult, shift = 1<<30, -int(r.IntN(20)) // exact rounding ties
			}
			zp := int32(r.IntN(256) - 128)
			lo, hi := int32(-128), int32(127)
			if iter%3 == 0 {
				lo, hi = zp, min(zp+int32(r.IntN(128)), 127)
			}
			c, ok := NewMulConsts(aOff, bOff, mult, int32(shift), zp, lo, hi)
			if !ok {
				t.Fatalf("iter %d: constants refused", iter)
			}
			checkEveryPair(t, r, iter, fmt.Sprintf("%+v", *c),
				func(out, a, b []int8) { MulInt8(v, out, a, b, c) },
				func(x, y int8) int8 { return mulDefinition(x, y, c) })
		}
	})
}

// checkEveryPair runs op on all 65536 pairs of int8 values into an output
// at a misaligned address with guard bands, then on random operands of
// lengths 0-80 with the output over the first operand, and compares with
// def.
func checkEveryPair(t *testing.T, r *rand.Rand, iter int, what string, op func(out, a, b []int8), def func(x, y int8) int8) {
	t.Helper()
	n := 1 << 16
	a, b := make([]int8, n), make([]int8, n)
	for i := range a {
		a[i], b[i] = int8(i), int8(i>>8)
	}
	out, check := guardedAt(t, n, iter%16)
	op(out, a, b)
	check()
	for i := range out {
		if want := def(a[i], b[i]); out[i] != want {
			t.Fatalf("iter %d %s: op(%d, %d) = %d, want %d", iter, what, a[i], b[i], out[i], want)
		}
	}
	for k := range 81 {
		x, y := randInt8(r, k), randInt8(r, k)
		want := make([]int8, k)
		for i := range want {
			want[i] = def(x[i], y[i])
		}
		op(x, x, y) // in place
		for i := range want {
			if x[i] != want[i] {
				t.Fatalf("iter %d %s length %d in place: output %d = %d, want %d", iter, what, k, i, x[i], want[i])
			}
		}
	}
}

// TestMulRowInt8 compares MulRowInt8 on every variant with the definition
// for row broadcasts of 1-200 channels (the twin below 16; 16-channel steps
// and the tail step computed first above), 1-9 pixels, in place over full
// and into a separate output with guard bands.
func TestMulRowInt8(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(6, uint64(v)))
		for iter := range 300 {
			c, pixels := 1+r.IntN(200), 1+r.IntN(9)
			mult, shift := quant.QuantizeMultiplier(r.Float64() * 0.02)
			k, ok := NewMulConsts(int32(r.IntN(257)-128), int32(r.IntN(257)-128), mult, int32(shift), int32(r.IntN(256)-128), -128, 127)
			if !ok {
				t.Fatal("constants refused")
			}
			full, row := randInt8(r, pixels*c), randInt8(r, c)
			want := make([]int8, pixels*c)
			for i := range want {
				want[i] = mulDefinition(full[i], row[i%c], k)
			}
			out, check := guardedAt(t, pixels*c, iter%16)
			MulRowInt8(v, out, full, row, c, k)
			check()
			MulRowInt8(v, full, full, row, c, k) // in place
			for i := range want {
				if out[i] != want[i] || full[i] != want[i] {
					t.Fatalf("iter %d (%d channels, %d pixels): element %d = %d (in place %d), want %d", iter, c, pixels, i, out[i], full[i], want[i])
				}
			}
		}
	})
}

// TestNewMulConstsRefuses checks the offsets and clamps MulInt8 cannot
// take.
func TestNewMulConstsRefuses(t *testing.T) {
	for _, c := range [][3]int32{{129, 0, 127}, {0, -129, 127}, {0, 0, 128}} {
		if _, ok := NewMulConsts(c[0], c[1], 1<<30, 0, 0, -128, c[2]); ok {
			t.Errorf("offsets %d, %d, clamp max %d accepted", c[0], c[1], c[2])
		}
	}
}

// addDefinition is kernels.AddInt8's formula for one pair.
func addDefinition(x, y int8, c *AddConsts) int8 {
	a := quant.MultiplyByQuantizedMultiplier((int32(x)+c.AOffset)<<uint32(c.LeftShift), c.AMult, -int(c.ARight))
	b := quant.MultiplyByQuantizedMultiplier((int32(y)+c.BOffset)<<uint32(c.LeftShift), c.BMult, -int(c.BRight))
	v := int64(quant.MultiplyByQuantizedMultiplier(a+b, c.OutMult, int(c.OutLeft-c.OutRight))) + int64(c.ZeroPoint)
	return int8(max(min(v, int64(c.Max)), int64(c.Min)))
}

// randomAddConsts derives an ADD's (SUB's when sub) constants from random
// scales the way the converter does (TFLite's: inputs rescaled by
// s/(2*max s) after a left shift of left (20 in TFLite), the output by
// 2*max s/(2^left*s_out)). With a small left shift the rescaled inputs'
// last bits reach the output's rounding, so their own rounding is tested.
func randomAddConsts(t *testing.T, r *rand.Rand, sub bool, left int) *AddConsts {
	sa, sb, so := 0.001+r.Float64()*0.1, 0.001+r.Float64()*0.1, 0.001+r.Float64()*0.1
	if r.IntN(3) == 0 {
		sb = sa // equal scales: exact halves, rounding ties
	}
	twice := 2 * max(sa, sb)
	am, as := quant.QuantizeMultiplier(sa / twice)
	bm, bs := quant.QuantizeMultiplier(sb / twice)
	if sub {
		bm = -bm
	}
	om, os := quant.QuantizeMultiplier(twice / (float64(int(1)<<left) * so))
	zp := int32(r.IntN(256) - 128)
	lo, hi := int32(-128), int32(127)
	if r.IntN(3) == 0 {
		lo, hi = zp, 127
	}
	c, ok := NewAddConsts(int32(r.IntN(256)-127), int32(r.IntN(256)-127), am, int32(as), bm, int32(bs), int32(left), om, int32(os), zp, lo, hi)
	if !ok {
		t.Fatalf("constants refused: scales %v %v %v", sa, sb, so)
	}
	return c
}

// TestAddInt8 is TestMulInt8 for ADD and SUB.
func TestAddInt8(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(4, uint64(v)))
		for iter := range 12 {
			left := 20
			if iter%3 == 2 {
				left = r.IntN(3)
			}
			c := randomAddConsts(t, r, iter%2 == 1, left)
			checkEveryPair(t, r, iter, fmt.Sprintf("%+v", *c),
				func(out, a, b []int8) { AddInt8(v, out, a, b, c) },
				func(x, y int8) int8 { return addDefinition(x, y, c) })
		}
	})
}

// TestNewAddConstsRefuses checks the quantizations addNEON cannot take.
func TestNewAddConstsRefuses(t *testing.T) {
	ok := func(aShift, left, aOff int32) bool {
		_, ok := NewAddConsts(aOff, 0, 1<<30, aShift, 1<<30, -1, left, 1<<30, -5, 0, -128, 127)
		return ok
	}
	if !ok(-1, 20, 128) {
		t.Fatal("a valid ADD refused")
	}
	if ok(1, 20, 0) || ok(-1, 31, 0) || ok(-1, -1, 0) || ok(-1, 20, 129) {
		t.Error("an input left shift, a pre-shift outside [0, 30] or an offset over 128 accepted")
	}
}

// TestLUTInt8 looks every int8 value up in random tables on every variant,
// at misaligned addresses with guard bands, and lengths 0-80 in place.
func TestLUTInt8(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(5, uint64(v)))
		for iter := range 4 {
			var table [256]int8
			copy(table[:], randInt8(r, 256))
			in := make([]int8, 4096)
			for i := range in {
				in[i] = int8(i * 7)
			}
			out, check := guardedAt(t, len(in), 3+iter)
			LUTInt8(v, out, in, &table)
			check()
			for i, q := range in {
				if want := table[uint8(q)^0x80]; out[i] != want {
					t.Fatalf("iter %d: table[%d] = %d, want %d", iter, q, out[i], want)
				}
			}
			for k := range 81 {
				x := randInt8(r, k)
				want := make([]int8, k)
				for i, q := range x {
					want[i] = table[uint8(q)^0x80]
				}
				LUTInt8(v, x, x, &table)
				for i := range want {
					if x[i] != want[i] {
						t.Fatalf("iter %d length %d in place: output %d = %d, want %d", iter, k, i, x[i], want[i])
					}
				}
			}
		}
	})
}
