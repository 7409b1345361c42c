package kernels

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// Helpers shared by the conv, fully connected, pool and reduce tests.

// naiveMultiplyByQuantizedMultiplier is an independent model of TFLite's
// default (double rounding) MultiplyByQuantizedMultiplier, written from the
// definition with big integers instead of gemmlowp's bit tricks:
//
//  1. v = x * 2^max(shift, 0), saturated to int32;
//  2. h = v * multiplier / 2^31 rounded to nearest, ties toward +Inf,
//     saturated to int32 (only -2^31 * -2^31 overflows);
//  3. v / 2^max(-shift, 0) rounded to nearest, ties away from zero.
func naiveMultiplyByQuantizedMultiplier(x, multiplier, shift int32) int64 {
	left, right := uint(0), uint(0)
	if shift > 0 {
		left = uint(shift)
	} else {
		right = uint(-shift)
	}
	minI32, maxI32 := big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)
	clamp := func(v *big.Int) *big.Int {
		if v.Cmp(minI32) < 0 {
			return new(big.Int).Set(minI32)
		}
		if v.Cmp(maxI32) > 0 {
			return new(big.Int).Set(maxI32)
		}
		return v
	}
	v := clamp(new(big.Int).Lsh(big.NewInt(int64(x)), left))

	h := new(big.Int).Mul(v, big.NewInt(int64(multiplier)))
	h.Add(h, new(big.Int).Lsh(big.NewInt(1), 30))
	h.Div(h, new(big.Int).Lsh(big.NewInt(1), 31)) // Euclidean: floor for a positive divisor
	h = clamp(h)

	if right == 0 {
		return h.Int64()
	}
	mag := new(big.Int).Abs(h)
	mag.Add(mag, new(big.Int).Lsh(big.NewInt(1), right-1))
	mag.Rsh(mag, right)
	if h.Sign() < 0 {
		mag.Neg(mag)
	}
	return mag.Int64()
}

// naiveRequantize is clamp(naiveMBQM(acc) + zeroPoint, actMin, actMax) in int64.
func naiveRequantize(acc int32, multiplier, shift, zeroPoint, actMin, actMax int32) int8 {
	v := naiveMultiplyByQuantizedMultiplier(acc, multiplier, shift) + int64(zeroPoint)
	v = max(int64(actMin), min(int64(actMax), v))
	return int8(v)
}

// TestNaiveMultiplyByQuantizedMultiplier pins the reference model itself to
// hand-computed values, so a kernel test cannot pass by sharing a mistake.
func TestNaiveMultiplyByQuantizedMultiplier(t *testing.T) {
	const half = 1 << 30 // multiplier 0.5 in Q31
	for _, c := range []struct {
		x, mult, shift int32
		want           int64
	}{
		{100, half, 0, 50},                // 100 * 0.5
		{3, half, 0, 2},                   // 1.5 rounds up
		{-3, half, 0, -1},                 // -1.5 rounds toward +Inf in the high multiply
		{3, half, -1, 1},                  // 3*0.5 = 1.5 -> 2, then 2/2 = 1 (double rounding; exact 0.75)
		{5, half, -1, 2},                  // 2.5 -> 3, then 3/2 = 1.5 -> 2 (away from zero)
		{-5, half, -1, -1},                // -2.5 -> -2, then -2/2 = -1
		{-7, half, -1, -2},                // -3.5 -> -3, then -1.5 -> -2 (away from zero)
		{1000, half, 3, 4000},             // 1000*8*0.5
		{math.MaxInt32, half, 1, 1 << 30}, // 2^31-1 << 1 saturates to 2^31-1, * 0.5 = 2^30 - 0.5 -> 2^30
		{math.MinInt32, math.MinInt32, 0, math.MaxInt32}, // (-1)*(-1) saturates
		{-1 << 20, 1518500250, -5, -23170},               // -2^20 * 0.70710678 = -741455.2 -> -741455, /32 = -23170.47 -> -23170
	} {
		if got := naiveMultiplyByQuantizedMultiplier(c.x, c.mult, c.shift); got != c.want {
			t.Errorf("naive MBQM(%d, %d, %d) = %d, want %d", c.x, c.mult, c.shift, got, c.want)
		}
	}
}

// newRand returns the fixed-seed generator of one test case.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6564676569)) }

func randInt8s(r *rand.Rand, n int, lo, hi int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(lo + r.IntN(hi-lo+1))
	}
	return s
}

func randFloat32s(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// randRequant returns per-channel requantization for accumulators whose
// typical magnitude is accScale: real multipliers around 40/accScale
// (times spread, a random factor in [0.5, 2)), so outputs cover much of the
// int8 range and the clamps are exercised too.
func randRequant(r *rand.Rand, channels int, accScale, spread float64) Requant {
	q := Requant{
		Multiplier:   make([]int32, channels),
		Shift:        make([]int32, channels),
		OutZeroPoint: int32(r.IntN(41) - 20),
		ActMin:       -128,
		ActMax:       127,
	}
	for c := range channels {
		m, s := quant.QuantizeMultiplier(40 / accScale * spread * (0.5 + 1.5*r.Float64()))
		q.Multiplier[c], q.Shift[c] = m, int32(s)
	}
	return q
}

// elem is the element type of the kernels under test.
type elem interface{ int8 | float32 }

func sameBits[T elem](a, b T) bool {
	switch a := any(a).(type) {
	case float32:
		return math.Float32bits(a) == math.Float32bits(any(b).(float32))
	}
	return a == b
}

func sentinels[T elem]() (T, T) {
	var z T
	if _, ok := any(z).(float32); ok {
		a, b := float32(-1234.5), float32(8765.25)
		return T(a), T(b)
	}
	a, b := int8(0x55), int8(-0x56)
	return T(a), T(b)
}

const guardLen = 67

// runChecked runs a kernel over all units and over a split of them, and
// returns the full output. n is the output length, units the unit count and
// unitOf maps an output index to the unit that owns it. It checks that
//
//   - one call over [0, units) writes every output element (two runs over
//     buffers pre-filled with different sentinels agree) and nothing in the
//     guard bands before and after the output;
//   - calls over several [lo, hi) ranges, each on a fresh sentinel-filled
//     buffer, write exactly their own units' elements, with the same bits as
//     the single call.
//
// The split's cut points come from a generator of runChecked's own, seeded
// by n and units: drawing them from the caller's would make the data of a
// test's later cases depend on how many variants the CPU runs.
func runChecked[T elem](t *testing.T, n, units int, unitOf func(i int) int, run func(out []T, lo, hi int)) []T {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(n), uint64(units)))
	s1, s2 := sentinels[T]()
	call := func(sentinel T, lo, hi int) []T {
		buf := make([]T, n+2*guardLen)
		for i := range buf {
			buf[i] = sentinel
		}
		run(buf[guardLen:guardLen+n], lo, hi)
		for i := range guardLen {
			if !sameBits(buf[i], sentinel) || !sameBits(buf[guardLen+n+i], sentinel) {
				t.Fatalf("units [%d,%d) wrote outside the output (guard byte %d)", lo, hi, i)
			}
		}
		return buf[guardLen : guardLen+n]
	}
	full := call(s1, 0, units)
	again := call(s2, 0, units)
	for i := range full {
		if !sameBits(full[i], again[i]) {
			t.Fatalf("output %d (unit %d) not written by a call over all units", i, unitOf(i))
		}
	}
	// Split [0, units) at random cut points; empty ranges are allowed.
	cuts := []int{0}
	for lo := 0; lo < units; {
		hi := min(units, lo+r.IntN(3))
		cuts = append(cuts, hi)
		lo = hi
	}
	for k := 1; k < len(cuts); k++ {
		lo, hi := cuts[k-1], cuts[k]
		part := call(s2, lo, hi)
		for i := range part {
			u := unitOf(i)
			own := u >= lo && u < hi
			switch {
			case own && !sameBits(part[i], full[i]):
				t.Fatalf("units [%d,%d): output %d = %v, the call over all units gave %v", lo, hi, i, part[i], full[i])
			case !own && !sameBits(part[i], s2):
				t.Fatalf("units [%d,%d) wrote output %d of unit %d", lo, hi, i, u)
			}
		}
	}
	return full
}

// checkNoAllocs fails if f allocates.
func checkNoAllocs(t *testing.T, name string, f func()) {
	t.Helper()
	if a := testing.AllocsPerRun(20, f); a != 0 {
		t.Errorf("%s: %v allocations per call, want 0", name, a)
	}
}

// compareInt8 reports the first mismatches between got and want (bit exact).
func compareInt8(t *testing.T, got, want []int8, where func(i int) string) {
	t.Helper()
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			if bad < 5 {
				t.Errorf("%s: got %d, want %d", where(i), got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d outputs differ", bad, len(want))
	}
}

// checkSpread fails when a random int8 test produced too few distinct
// values to mean anything (for example everything clamped).
func checkSpread(t *testing.T, out []int8, minDistinct int) {
	t.Helper()
	var seen [256]bool
	d := 0
	for _, v := range out {
		if !seen[uint8(v)] {
			seen[uint8(v)] = true
			d++
		}
	}
	if d < min(minDistinct, len(out)/2) {
		t.Errorf("only %d distinct output values in %d: the case does not exercise the kernel", d, len(out))
	}
}

// compareFloat32 checks got against a float64 reference: |got-want| must be
// within tol*mag[i] + 1e-6, where mag[i] is the sum of the magnitudes of
// the terms of output i (the float32 rounding error bound scales with it).
func compareFloat32(t *testing.T, got []float32, want, mag []float64, tol float64, where func(i int) string) {
	t.Helper()
	bad := 0
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= tol*mag[i]+1e-6) {
			if bad < 5 {
				t.Errorf("%s: got %v, want %v (|diff| %g, magnitude %g)", where(i), got[i], want[i], d, mag[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d outputs differ", bad, len(want))
	}
}

func compareBits(t *testing.T, got, want []float32, where func(i int) string) {
	t.Helper()
	bad := 0
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			if bad < 5 {
				t.Errorf("%s: got %v (%#08x), want %v (%#08x)", where(i), got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d outputs differ in bits", bad, len(want))
	}
}

// reportMACs benchmarks run, which performs macs multiply-accumulates per
// call, and reports the rate in GMAC/s next to the allocations.
func reportMACs(b *testing.B, macs float64, run func()) { reportRate(b, macs, "GMAC/s", run) }

// reportRate benchmarks run, which does ops operations per call, and
// reports billions of them per second under unit.
func reportRate(b *testing.B, ops float64, unit string, run func()) {
	b.ReportAllocs()
	calls := 0
	for b.Loop() {
		run()
		calls++
	}
	b.ReportMetric(ops*float64(calls)/b.Elapsed().Seconds()/1e9, unit)
}
