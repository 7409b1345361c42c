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
	// The largest threshold that fits: r = 23, zp = 127 gives
	// |thr| = 2^22 + 127*2^23 < 2^31 - 2^16.
	if _, err := NewMulRowInt8(0, 0, mult, -23, 127, -128, 127); err != nil {
		t.Errorf("r=23: %v", err)
	}
}
