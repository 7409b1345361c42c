package quant

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The references below restate the gemmlowp/TFLite definitions in exact
// big-integer arithmetic, without the nudge and mask tricks of the code
// under test:
//
//	SRDHM(a, b) = floor((2ab + 2^31) / 2^32), saturated to int32
//	RDBPOT(x, e) = x / 2^e rounded to nearest, ties away from zero
//	MBQM(x, m, s) = RDBPOT(SRDHM(sat32(x * 2^max(s,0)), m), max(-s,0))

var (
	big2to31 = new(big.Int).Lsh(big.NewInt(1), 31)
	big2to32 = new(big.Int).Lsh(big.NewInt(1), 32)
	bigMax32 = big.NewInt(math.MaxInt32)
	bigMin32 = big.NewInt(math.MinInt32)
)

func sat32(v *big.Int) int32 {
	if v.Cmp(bigMax32) > 0 {
		return math.MaxInt32
	}
	if v.Cmp(bigMin32) < 0 {
		return math.MinInt32
	}
	return int32(v.Int64())
}

func refSRDHM(a, b int32) int32 {
	v := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b)))
	v.Lsh(v, 1)
	v.Add(v, big2to31)
	v.Div(v, big2to32) // Euclidean division by a positive divisor is floor
	return sat32(v)
}

func refRDBPOT(x int32, e int) int32 {
	// round(|x| / 2^e) half up, then restore the sign: ties go away from zero.
	mag := new(big.Int).Abs(big.NewInt(int64(x)))
	if e > 0 {
		mag.Add(mag, new(big.Int).Lsh(big.NewInt(1), uint(e-1)))
		mag.Rsh(mag, uint(e))
	}
	if x < 0 {
		mag.Neg(mag)
	}
	return sat32(mag)
}

func refMBQM(x, m int32, shift int) int32 {
	left, right := max(shift, 0), max(-shift, 0)
	shifted := sat32(new(big.Int).Lsh(big.NewInt(int64(x)), uint(left)))
	return refRDBPOT(refSRDHM(shifted, m), right)
}

// edgeInt32 draws int32 values that stress rounding and saturation: uniform
// values, small magnitudes, the extremes and values next to powers of two.
func edgeInt32(r *rand.Rand) int32 {
	switch r.IntN(6) {
	case 0:
		return int32(r.IntN(2001) - 1000)
	case 1:
		return []int32{math.MinInt32, math.MinInt32 + 1, math.MaxInt32, math.MaxInt32 - 1, 0, 1, -1}[r.IntN(7)]
	case 2:
		v := int32(1) << r.IntN(31)
		return v + int32(r.IntN(3)) - 1
	case 3:
		v := int32(1) << r.IntN(31)
		return -v + int32(r.IntN(3)) - 1
	default:
		return int32(r.Uint32())
	}
}

func randomCount(t *testing.T, n int) int {
	if testing.Short() {
		return n / 20
	}
	return n
}

func TestSaturatingRoundingDoublingHighMulWorked(t *testing.T) {
	for _, c := range []struct{ a, b, want int32 }{
		{0, 12345, 0},
		{1 << 30, 1 << 30, 1 << 29},                       // 0.5 * 0.5 = 0.25 in Q31
		{math.MinInt32, math.MinInt32, math.MaxInt32},     // the only overflow: (-1)*(-1) saturates
		{math.MinInt32, math.MaxInt32, -math.MaxInt32},    // -1 * (1-2^-31)
		{math.MaxInt32, math.MaxInt32, math.MaxInt32 - 1}, // 2^31 - 2 + 2^-31 rounds down
		{1 << 15, 1 << 15, 1},                             // 2ab = 2^31: tie, rounds up to 1
		{-(1 << 15), 1 << 15, 0},                          // 2ab = -2^31: tie, rounds up to 0
		{3 << 15, 1 << 15, 2},                             // 1.5 -> 2
		{-3 << 15, 1 << 15, -1},                           // -1.5 -> -1 (toward +Inf, like VQRDMULH)
		{100, 1 << 30, 50},
		{-100, 1 << 30, -50},
	} {
		if got := SaturatingRoundingDoublingHighMul(c.a, c.b); got != c.want {
			t.Errorf("SRDHM(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := refSRDHM(c.a, c.b); got != c.want {
			t.Errorf("reference SRDHM(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSaturatingRoundingDoublingHighMulRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := randomCount(t, 2_000_000)
	for i := range n {
		a, b := edgeInt32(r), edgeInt32(r)
		if i%8 == 0 {
			// Force an exact tie, ab = odd * 2^30, with |a|, |b| < 2^30.
			ka := 1 + r.IntN(29)
			kb := 30 - ka
			a = int32(2*r.IntN(1<<(29-ka))+1) << ka
			b = int32(2*r.IntN(1<<(29-kb))+1) << kb
			if r.IntN(2) == 0 {
				a = -a
			}
		}
		if got, want := SaturatingRoundingDoublingHighMul(a, b), refSRDHM(a, b); got != want {
			t.Fatalf("SRDHM(%d, %d) = %d, want %d", a, b, got, want)
		}
	}
}

func TestRoundingDivideByPOTWorked(t *testing.T) {
	for _, c := range []struct {
		x    int32
		e    int
		want int32
	}{
		{5, 0, 5},
		{5, 1, 3},   // 2.5 -> 3
		{-5, 1, -3}, // -2.5 -> -3
		{6, 2, 2},   // 1.5 -> 2
		{-6, 2, -2}, // -1.5 -> -2
		{5, 2, 1},   // 1.25 -> 1
		{-7, 2, -2}, // -1.75 -> -2
		{math.MaxInt32, 31, 1},
		{math.MinInt32, 31, -1},
		{1 << 30, 31, 1},       // 0.5 -> 1
		{-(1 << 30), 31, -1},   // -0.5 -> -1
		{(1 << 30) - 1, 31, 0}, // just below 0.5
	} {
		if got := RoundingDivideByPOT(c.x, c.e); got != c.want {
			t.Errorf("RDBPOT(%d, %d) = %d, want %d", c.x, c.e, got, c.want)
		}
		if got := refRDBPOT(c.x, c.e); got != c.want {
			t.Errorf("reference RDBPOT(%d, %d) = %d, want %d", c.x, c.e, got, c.want)
		}
	}
}

func TestRoundingDivideByPOTRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := randomCount(t, 1_000_000)
	for i := range n {
		x, e := edgeInt32(r), r.IntN(32)
		if i%4 == 0 && e > 0 {
			x = int32((2*r.Int64N(1<<(32-e)) - (1 << (32 - e)) + 1) << (e - 1)) // odd * 2^(e-1): a tie
		}
		if got, want := RoundingDivideByPOT(x, e), refRDBPOT(x, e); got != want {
			t.Fatalf("RDBPOT(%d, %d) = %d, want %d", x, e, got, want)
		}
	}
}

func TestMultiplyByQuantizedMultiplierWorked(t *testing.T) {
	for _, c := range []struct {
		x, m  int32
		shift int
		want  int32
	}{
		{100, 1 << 30, 0, 50},
		{1000, 1 << 30, 2, 2000},                        // multiplier 2.0: positive shift
		{5, 1 << 30, -1, 2},                             // double rounding: 2.5 -> 3, then 1.5 -> 2 (exact 1.25)
		{-5, 1 << 30, -1, -1},                           // -2.5 -> -2, then -1 -> -1
		{1 << 30, math.MaxInt32, 30, math.MaxInt32 - 1}, // left shift saturates first
		{-(1 << 30), math.MaxInt32, 30, -math.MaxInt32}, // saturates to MinInt32 = -1.0, times 1-2^-31
		{math.MinInt32, math.MinInt32, 0, math.MaxInt32},
		{math.MaxInt32, math.MaxInt32, -31, 1},
		{math.MinInt32, 1 << 30, -31, -1}, // -0.5 after SRDHM's exact -2^30: away from zero
		{12345, 0, 0, 0},
	} {
		if got := MultiplyByQuantizedMultiplier(c.x, c.m, c.shift); got != c.want {
			t.Errorf("MBQM(%d, %d, %d) = %d, want %d", c.x, c.m, c.shift, got, c.want)
		}
		if got := refMBQM(c.x, c.m, c.shift); got != c.want {
			t.Errorf("reference MBQM(%d, %d, %d) = %d, want %d", c.x, c.m, c.shift, got, c.want)
		}
	}
}

func TestMultiplyByQuantizedMultiplierRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := randomCount(t, 1_000_000)
	for range n {
		x := edgeInt32(r)
		m := int32(1<<30 + r.Int64N(1<<30)) // the multipliers QuantizeMultiplier produces
		if r.IntN(16) == 0 {
			m = edgeInt32(r)
		}
		shift := r.IntN(62) - 31
		if got, want := MultiplyByQuantizedMultiplier(x, m, shift), refMBQM(x, m, shift); got != want {
			t.Fatalf("MBQM(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
		}
		if shift <= 0 {
			if got, want := MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m, shift), refMBQM(x, m, shift); got != want {
				t.Fatalf("MBQMSmallerThanOneExp(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
			}
		}
	}
}

// TestMultiplyByQuantizedMultiplierMatchesReal checks the whole chain: for
// accumulators and real multipliers of the size a conv layer sees, the
// result is within 3/4 of acc * M: SRDHM rounds to half a unit of 2^right
// (at most 1/4 of the final unit when right >= 1, nothing is added when
// right == 0), the final shift to half a unit, and the Q31 multiplier adds a
// relative 2^-31.
func TestMultiplyByQuantizedMultiplierMatchesReal(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range randomCount(t, 200_000) {
		acc := int32(r.IntN(1<<24) - 1<<23)
		real := math.Exp2(-20 + 24*r.Float64()) // 2^-20 .. 2^4: |acc*real| < 2^27
		m, s := QuantizeMultiplier(real)
		got := float64(MultiplyByQuantizedMultiplier(acc, m, s))
		want := float64(acc) * real
		if math.Abs(got-want) > 0.75+0x1p-4 {
			t.Fatalf("MBQM(%d, QuantizeMultiplier(%g)) = %g, real product %g", acc, real, got, want)
		}
	}
}

func TestQuantizeMultiplierWorked(t *testing.T) {
	for _, c := range []struct {
		m     float64
		mult  int32
		shift int
	}{
		{0, 0, 0},
		{0.5, 1 << 30, 0},
		{1, 1 << 30, 1},
		{0.75, 3 << 29, 0},
		{1 - 0x1p-40, 1 << 30, 1}, // q*2^31 rounds to 2^31: halved, shift+1
		{0x1p-32, 1 << 30, -31},   // smallest unflushed exponent
		{0x1p-33, 0, 0},           // shift -32 flushes to zero
		{0x1p29, 1 << 30, 30},     // largest representable exponent
		{0x1p30, math.MaxInt32, 30},
		{math.Inf(1), math.MaxInt32, 30},
		{math.NaN(), 0, 0},
		{-0.5, -(1 << 30), 0},
		{1.0 / 3, 1431655765, -1}, // round(2/3 * 2^31) = 1431655765.33 -> 1431655765
	} {
		mult, shift := QuantizeMultiplier(c.m)
		if mult != c.mult || shift != c.shift {
			t.Errorf("QuantizeMultiplier(%g) = (%d, %d), want (%d, %d)", c.m, mult, shift, c.mult, c.shift)
		}
	}
}

func TestQuantizeMultiplierRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	check := func(m float64) {
		mult, shift := QuantizeMultiplier(m)
		if mult < 1<<30 || shift < -31 || shift > 30 {
			t.Fatalf("QuantizeMultiplier(%g) = (%d, %d): out of range", m, mult, shift)
		}
		back := math.Ldexp(float64(mult), shift-31)
		if rel := math.Abs(back-m) / m; rel > 0x1p-31 {
			t.Fatalf("QuantizeMultiplier(%g) = (%d, %d) = %g: relative error %g > 2^-31", m, mult, shift, back, rel)
		}
	}
	for range randomCount(t, 1_000_000) {
		check(math.Exp2(-32 + 62*r.Float64())) // 2^-32 .. 2^30
	}
	for e := -32; e < 30; e++ {
		check(math.Ldexp(1, e))
		check(math.Nextafter(math.Ldexp(1, e), 0))
		check(math.Nextafter(math.Ldexp(1, e), math.Inf(1)))
	}
}
