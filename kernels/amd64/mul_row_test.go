package amd64

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// mulRowImpls are the row-broadcast MUL implementations this build runs;
// the AVX2 one joins from mul_row_amd64_test.go.
var mulRowImpls = []struct {
	name string
	run  func(out, x []int8, l *MulRowLanes, k *MulRowInt8)
}{{"generic", MulRowInt8Generic}}

// mulRowCase is a random row-broadcast MUL: a run of n elements of a
// feature map with c channels starting at channel first, the row, and the
// MUL's quantization (right shifts 0..20, zero points and offsets with
// their extremes, clamps).
type mulRowCase struct {
	x, row             []int8
	first              int
	fullOff, rowOff    int32
	mult, shift        int32
	zp, actMin, actMax int32
}

func randomMulRowCase(r *rand.Rand, c, n int) mulRowCase {
	extreme := func(lo, hi int32) int32 {
		if r.IntN(4) == 0 {
			return []int32{lo, hi}[r.IntN(2)]
		}
		return lo + int32(r.IntN(int(hi-lo)+1))
	}
	m := mulRowCase{x: make([]int8, n), row: make([]int8, c), first: r.IntN(c)}
	for i := range m.x {
		m.x[i] = int8(extreme(-128, 127))
	}
	for i := range m.row {
		m.row[i] = int8(extreme(-128, 127))
	}
	m.fullOff, m.rowOff = extreme(-127, 128), extreme(-127, 128)
	// Multipliers in [2^-21, 1): right shifts 0..20.
	mult, shift := quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -r.IntN(21)))
	m.mult, m.shift = mult, int32(shift)
	m.zp = extreme(-128, 127)
	m.actMin, m.actMax = -128, 127
	if r.IntN(3) == 0 {
		m.actMin = int32(r.IntN(128) - 128)
		m.actMax = m.actMin + int32(r.IntN(int(127-m.actMin)+1))
	}
	return m
}

// want is the MUL of params.go's formula with package quant.
func (m *mulRowCase) want() []int8 {
	w := make([]int8, len(m.x))
	for i := range w {
		y := m.row[(m.first+i)%len(m.row)]
		w[i] = requantReference((int32(m.x[i])+m.fullOff)*(int32(y)+m.rowOff), m.mult, m.shift, m.zp, m.actMin, m.actMax)
	}
	return w
}

// TestMulRowMatchesFormula checks the row-broadcast MUL against the
// formula for channel counts 1..300 (odd ones included), runs of up to
// MulRowMaxLanes elements starting anywhere in the row (every tail of the
// 8- and 32-lane loops), lanes filled past the run, and in place.
func TestMulRowMatchesFormula(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var l MulRowLanes
	for iter := range 600 {
		c := 1 + r.IntN(300)
		if iter%5 == 0 {
			c = []int{1, 2, 3, 8, 16, 32, 144, 1152, MulRowMaxLanes}[r.IntN(9)]
		}
		n := r.IntN(MulRowMaxLanes + 1)
		if iter%2 == 0 {
			n = r.IntN(80)
		}
		m := randomMulRowCase(r, c, n)
		k, err := NewMulRowInt8(m.fullOff, m.rowOff, m.mult, m.shift, m.zp, m.actMin, m.actMax)
		if err != nil {
			t.Fatal(err)
		}
		filled := min(n+r.IntN(40), MulRowMaxLanes)
		k.Fill(&l, m.row, m.first, filled)
		want := m.want()
		for _, impl := range mulRowImpls {
			what := fmt.Sprintf("%s c=%d first=%d n=%d", impl.name, c, m.first, n)
			got, check := guardedInt8(t, n)
			impl.run(got, m.x, &l, k)
			check()
			checkBytes(t, what, got, want, func(i int) any {
				return []any{m.x[i], m.row[(m.first+i)%c], m.fullOff, m.rowOff, m.mult, m.shift, m.zp, m.actMin, m.actMax}
			})
			inPlace := append([]int8(nil), m.x...)
			impl.run(inPlace, inPlace, &l, k)
			checkBytes(t, what+" in place", inPlace, want, func(i int) any { return i })
		}
	}
}

// TestNewMulRowInt8Rejects checks the cases the row form cannot take.
func TestNewMulRowInt8Rejects(t *testing.T) {
	mult, _ := quant.QuantizeMultiplier(0.75)
	for _, c := range []struct {
		name                                       string
		fullOff, rowOff, shift, zp, actMin, actMax int32
	}{
		{"left shift", 0, 0, 1, 0, -128, 127},
		// thr = 2^29 + 127*2^30 > 2^31.
		{"threshold", 0, 0, -30, 127, -128, 127},
		{"offset", -128, 0, -3, 0, -128, 127},
		{"range", 0, 0, -3, 0, 10, 5},
	} {
		if _, err := NewMulRowInt8(c.fullOff, c.rowOff, mult, c.shift, c.zp, c.actMin, c.actMax); err == nil {
			t.Errorf("%s: prepared", c.name)
		}
	}
	// The largest thresholds that fit: r = 24 with zp = 127 or -128 gives
	// |thr| <= 2^31 - 2^23 < 2^31 - |h| - 3; r = 25 does not.
	for _, zp := range []int32{127, -128} {
		if _, err := NewMulRowInt8(0, 0, mult, -24, zp, -128, 127); err != nil {
			t.Errorf("r=24, zp=%d: %v", zp, err)
		}
		if _, err := NewMulRowInt8(0, 0, mult, -25, zp, -128, 127); err == nil {
			t.Errorf("r=25, zp=%d: prepared", zp)
		}
	}
}

// TestMulRowExhaustive checks every (x, y) pair of int8 values against the
// formula, for right shifts from 0 to 31 with the extreme zero points
// (the rounding thresholds up to the largest NewMulRowInt8 takes) and
// random offsets and clamps.
func TestMulRowExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	row := make([]int8, 256)
	for i := range row {
		row[i] = int8(i - 128)
	}
	x := make([]int8, 256*256) // pixel p holds x = p-128 in every channel
	for i := range x {
		x[i] = int8(i/256 - 128)
	}
	var l MulRowLanes
	out := make([]int8, len(x))
	prepared := 0
	for right := range 32 {
		for _, zp := range []int32{-128, 0, 127} {
			m := mulRowCase{x: x, row: row, zp: zp, actMin: -128, actMax: 127}
			m.fullOff, m.rowOff = int32(r.IntN(256)-127), int32(r.IntN(256)-127)
			if right%4 == 3 {
				m.actMin, m.actMax = max(zp-40, -128), min(zp+60, 127)
			}
			mult, shift := quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -right))
			m.mult, m.shift = mult, int32(shift)
			k, err := NewMulRowInt8(m.fullOff, m.rowOff, m.mult, m.shift, m.zp, m.actMin, m.actMax)
			if err != nil {
				if right < 23 {
					t.Fatalf("right shift %d, zero point %d: %v", right, zp, err)
				}
				continue
			}
			prepared++
			want := m.want()
			k.Fill(&l, row, 0, MulRowMaxLanes)
			for _, impl := range mulRowImpls {
				for o := 0; o < len(x); o += MulRowMaxLanes {
					impl.run(out[o:o+MulRowMaxLanes], x[o:], &l, k)
				}
				checkBytes(t, fmt.Sprintf("%s right shift %d zero point %d", impl.name, right, zp), out, want, func(i int) any {
					return []int8{x[i], row[i%256]}
				})
			}
		}
	}
	// Right shifts 0-24 with every zero point, 25-31 with zero point 0.
	if prepared != 25*3+7 {
		t.Errorf("%d quantizations prepared, want %d", prepared, 25*3+7)
	}
}
