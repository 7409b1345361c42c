package amd64

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// requantReference is the specification: the reference kernels'
// requantizeAcc (quant.MultiplyByQuantizedMultiplier, + zero point in
// int64, clamp).
func requantReference(acc, mult, shift, zp, actMin, actMax int32) int8 {
	v := int64(quant.MultiplyByQuantizedMultiplier(acc, mult, int(shift))) + int64(zp)
	return int8(min(max(v, int64(actMin)), int64(actMax)))
}

// requantCase is one random row: accumulators, per-channel multiplier and
// shift, and per-tensor constants. Accumulators and multipliers mix
// typical values with the extremes (MinInt32/MaxInt32, values that round
// on a tie, multipliers >= 2^30 and negative ones).
type requantCase struct {
	acc, mult, shift   []int32
	zp, actMin, actMax int32
}

func randomAcc(r *rand.Rand) int32 {
	switch r.IntN(8) {
	case 0:
		return []int32{math.MinInt32, math.MaxInt32, 0, -1, 1, math.MinInt32 + 1}[r.IntN(6)]
	case 1:
		return int32(r.Uint32())
	case 2: // exact ties after the shift
		return int32(r.IntN(1<<12)-1<<11) << uint(r.IntN(16))
	}
	return int32(r.IntN(1<<20) - 1<<19)
}

func randomRequantCase(r *rand.Rand, n int, allowLeft bool) requantCase {
	c := requantCase{acc: make([]int32, n), mult: make([]int32, n), shift: make([]int32, n)}
	for i := range n {
		c.acc[i] = randomAcc(r)
		m, s := quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -r.IntN(20)))
		switch r.IntN(10) {
		case 0:
			m = -m
		case 1:
			m = []int32{math.MinInt32 + 1, math.MaxInt32, 0, 1 << 30}[r.IntN(4)]
		case 2:
			s = -31 + r.IntN(62)
		}
		if !allowLeft && s > 0 {
			s = -s
		}
		c.mult[i], c.shift[i] = m, int32(s)
	}
	c.zp = int32(r.IntN(256) - 128)
	c.actMin, c.actMax = -128, 127
	if r.IntN(2) == 0 {
		c.actMin = int32(r.IntN(128) - 128)
		c.actMax = c.actMin + int32(r.IntN(int(127-c.actMin)+1))
	}
	return c
}

func (c *requantCase) want() []int8 {
	w := make([]int8, len(c.acc))
	for i, a := range c.acc {
		w[i] = requantReference(a, c.mult[i], c.shift[i], c.zp, c.actMin, c.actMax)
	}
	return w
}

// forEachRequantCase runs f over fixed-seed random rows of lengths 1..40
// (every tail of the 8-lane groups), with and without left shifts.
func forEachRequantCase(t *testing.T, f func(c *requantCase, tab *RequantTable)) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 400 {
		c := randomRequantCase(r, 1+iter%40, iter%3 == 0)
		tab, err := NewRequantTable(c.mult, c.shift, c.zp, c.actMin, c.actMax)
		if err != nil {
			t.Fatal(err)
		}
		f(&c, tab)
	}
}

func TestRequantizeRowGenericMatchesReference(t *testing.T) {
	forEachRequantCase(t, func(c *requantCase, tab *RequantTable) {
		got := make([]int8, len(c.acc))
		RequantizeRowGeneric(got, c.acc, tab)
		checkBytes(t, "RequantizeRowGeneric", got, c.want(), func(i int) any {
			return []int32{c.acc[i], c.mult[i], c.shift[i], c.zp, c.actMin, c.actMax}
		})
	})
}

// TestRequantLaneAllShifts walks every shift in [-31, 30] with a dense set
// of accumulators around powers of two and ties.
func TestRequantLaneAllShifts(t *testing.T) {
	mults := []int32{1 << 30, 1<<31 - 1, 1518500250, -1 << 30, math.MinInt32 + 1, 0, 1}
	for shift := int32(-31); shift <= 30; shift++ {
		for _, m := range mults {
			tab, err := NewRequantTable([]int32{m}, []int32{shift}, -3, -128, 127)
			if err != nil {
				t.Fatal(err)
			}
			for e := 0; e < 32; e++ {
				for _, d := range []int64{-2, -1, 0, 1, 2} {
					for _, sign := range []int64{1, -1} {
						acc := int32(max(min(sign*(int64(1)<<e+d), math.MaxInt32), math.MinInt32))
						got := requantLane(acc, tab.Groups, 0, &tab.Consts)
						if want := requantReference(acc, m, shift, -3, -128, 127); got != want {
							t.Fatalf("acc %d mult %d shift %d: got %d, want %d", acc, m, shift, got, want)
						}
					}
				}
			}
		}
	}
}

func TestNewRequantTableRejects(t *testing.T) {
	if _, err := NewRequantTable([]int32{1}, []int32{31}, 0, -128, 127); err == nil {
		t.Error("shift 31 accepted")
	}
	if _, err := NewRequantTable([]int32{1}, []int32{0}, 0, -129, 127); err == nil {
		t.Error("activation minimum -129 accepted")
	}
	if _, err := NewRequantTable([]int32{math.MinInt32}, []int32{0}, 0, -128, 127); err == nil {
		t.Error("multiplier MinInt32 accepted")
	}
}

// checkBytes fails with the first differing element and its inputs.
func checkBytes(t *testing.T, what string, got, want []int8, inputs func(i int) any) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: element %d of %d: got %d, want %d (inputs %v)", what, i, len(want), got[i], want[i], inputs(i))
		}
	}
}
