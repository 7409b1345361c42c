package amd64

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// mulCase and addCase are random same-shape MUL/ADD problems; want is
// computed from params.go's formulas with package quant.
type binaryCase struct {
	a, b          []int8
	aOff, bOff    int32
	aMult, aShift int32
	bMult, bShift int32
	leftShift     int32
	mult, shift   int32
	// addMult and addShift are ADD's output requantization: about
	// 2^-LeftShift, as converters make it, so that outputs spread rather
	// than saturate.
	addMult, addShift  int32
	zp, actMin, actMax int32
}

func randomBinaryCase(r *rand.Rand, n int) binaryCase {
	c := binaryCase{a: make([]int8, n), b: make([]int8, n)}
	for i := range n {
		c.a[i], c.b[i] = int8(r.IntN(256)-128), int8(r.IntN(256)-128)
	}
	c.aOff, c.bOff = int32(r.IntN(256)-127), int32(r.IntN(256)-127)
	qm := func(lo, hi int) (int32, int32) {
		m, s := quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, lo+r.IntN(hi-lo+1)))
		return m, int32(s)
	}
	c.mult, c.shift = qm(-16, 3) // multipliers >= 1 too: left shifts
	c.aMult, c.aShift = qm(-4, 0)
	c.bMult, c.bShift = qm(-4, 0)
	if r.IntN(2) == 0 {
		c.bMult = -c.bMult // SUB
	}
	if r.IntN(8) == 0 {
		c.aShift = 1 // left shift in a rescale
	}
	c.leftShift = 20
	c.addMult, c.addShift = qm(-23, -17)
	c.zp = int32(r.IntN(256) - 128)
	c.actMin, c.actMax = -128, 127
	if r.IntN(3) == 0 {
		c.actMin = int32(r.IntN(128) - 128)
		c.actMax = c.actMin + int32(r.IntN(int(127-c.actMin)+1))
	}
	return c
}

func (c *binaryCase) wantMul() []int8 {
	w := make([]int8, len(c.a))
	for i := range w {
		w[i] = requantReference((int32(c.a[i])+c.aOff)*(int32(c.b[i])+c.bOff), c.mult, c.shift, c.zp, c.actMin, c.actMax)
	}
	return w
}

func (c *binaryCase) wantAdd() []int8 {
	w := make([]int8, len(c.a))
	for i := range w {
		x := quant.MultiplyByQuantizedMultiplier((int32(c.a[i])+c.aOff)<<uint(c.leftShift), c.aMult, int(c.aShift))
		y := quant.MultiplyByQuantizedMultiplier((int32(c.b[i])+c.bOff)<<uint(c.leftShift), c.bMult, int(c.bShift))
		w[i] = requantReference(x+y, c.addMult, c.addShift, c.zp, c.actMin, c.actMax)
	}
	return w
}

func (c *binaryCase) consts(t testing.TB) (*MulInt8Consts, *AddInt8Consts) {
	mk, err := NewMulInt8Consts(c.aOff, c.bOff, c.mult, c.shift, c.zp, c.actMin, c.actMax)
	if err != nil {
		t.Fatal(err)
	}
	ak, err := NewAddInt8Consts(c.aOff, c.bOff, c.aMult, c.aShift, c.bMult, c.bShift, c.leftShift, c.addMult, c.addShift, c.zp, c.actMin, c.actMax)
	if err != nil {
		t.Fatal(err)
	}
	return mk, ak
}

// binaryImpls are the MUL and ADD implementations this build runs; the
// AVX2 ones join from elementwise_amd64_test.go.
var binaryImpls = []struct {
	name     string
	mul, add func(out, a, b []int8, mk *MulInt8Consts, ak *AddInt8Consts)
}{{"generic",
	func(out, a, b []int8, mk *MulInt8Consts, _ *AddInt8Consts) { MulInt8Generic(out, a, b, mk) },
	func(out, a, b []int8, _ *MulInt8Consts, ak *AddInt8Consts) { AddInt8Generic(out, a, b, ak) }},
	{"pair generic", // the ADD pair form's twin where it applies
		func(out, a, b []int8, mk *MulInt8Consts, _ *AddInt8Consts) { MulInt8Generic(out, a, b, mk) },
		func(out, a, b []int8, _ *MulInt8Consts, ak *AddInt8Consts) {
			if ak.Pair != nil {
				AddInt8PairGeneric(out, a, b, ak.Pair)
			} else {
				AddInt8Generic(out, a, b, ak)
			}
		}}}

// TestBinaryMatchesFormula checks MUL and ADD against params.go's formulas
// for every length 0..40 (all tails of the 8-lane groups) and in place.
func TestBinaryMatchesFormula(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := range 300 {
		c := randomBinaryCase(r, iter%41)
		mk, ak := c.consts(t)
		for _, impl := range binaryImpls {
			for _, op := range []struct {
				name string
				run  func(out, a, b []int8, mk *MulInt8Consts, ak *AddInt8Consts)
				want []int8
			}{{"mul", impl.mul, c.wantMul()}, {"add", impl.add, c.wantAdd()}} {
				got, check := guardedInt8(t, len(c.a))
				op.run(got, c.a, c.b, mk, ak)
				check()
				checkBytes(t, impl.name+" "+op.name, got, op.want, func(i int) any { return []int8{c.a[i], c.b[i]} })
				inPlace := append([]int8(nil), c.a...)
				op.run(inPlace, inPlace, c.b, mk, ak)
				checkBytes(t, impl.name+" "+op.name+" in place", inPlace, op.want, func(i int) any { return i })
			}
		}
	}
}

// guardedInt8 returns n bytes between guard bands and a check of them.
func guardedInt8(t *testing.T, n int) ([]int8, func()) {
	const guard = 32
	buf := make([]int8, n+2*guard)
	for i := range buf {
		buf[i] = int8(0x6B ^ i)
	}
	return buf[guard : guard+n : guard+n], func() {
		t.Helper()
		for i := range guard {
			if buf[i] != int8(0x6B^i) || buf[guard+n+i] != int8(0x6B^(guard+n+i)) {
				t.Fatalf("guard band overwritten (length %d)", n)
			}
		}
	}
}

// TestAddExhaustive checks ADD and SUB on every (a, b) pair of int8 values
// against the formula, for random offsets, rescales with right shifts
// 0..6, output requantizations around 2^-LeftShift and clamps: the
// rounding of all three requantizations is exercised, ties included.
func TestAddExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	a, b := make([]int8, 1<<16), make([]int8, 1<<16)
	for i := range a {
		a[i], b[i] = int8(i>>8-128), int8(i&255-128)
	}
	out := make([]int8, len(a))
	pair := 0
	for iter := range 24 {
		c := randomBinaryCase(r, 0)
		c.a, c.b = a, b
		m, s := quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -r.IntN(7)))
		c.aMult, c.aShift = m, int32(s)
		m, s = quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -r.IntN(7)))
		c.bMult, c.bShift = m, int32(s)
		if iter%2 == 1 {
			c.bMult = -c.bMult // SUB
		}
		m, s = quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -14-r.IntN(8)))
		c.addMult, c.addShift = m, int32(s)
		_, ak := c.consts(t)
		if ak.Pair != nil {
			pair++
		}
		want := c.wantAdd()
		for _, impl := range binaryImpls {
			impl.add(out, a, b, nil, ak)
			checkBytes(t, fmt.Sprintf("%s case %d", impl.name, iter), out, want, func(i int) any { return []int8{a[i], b[i]} })
		}
	}
	if pair != 24 {
		t.Errorf("pair form for %d of 24 cases", pair)
	}
}
