package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Helpers shared by the elementwise, layout, LUT, float unary, softmax,
// quantize, resize and LRN tests. (The conv/pool helpers in
// testhelpers_a_test.go provide newRand, randInt8s, checkNoAllocs,
// compareInt8, compareBits and naiveMultiplyByQuantizedMultiplier.)

// bandLen is the number of sentinel elements on each side of an output.
const bandLen = 19

// checkUnits runs a kernel over all of its units and over random splits
// of them, and returns the full output (length n). unitOf maps an output
// index to the unit that owns it; same compares two elements bit for bit;
// s1 and s2 are distinct sentinels. It checks that
//
//   - a call over [0, units) writes every element (runs over buffers
//     pre-filled with s1 and with s2 agree) and nothing in the sentinel
//     bands before and after the output (the output slice's capacity runs
//     into the trailing band, so writing past its length is caught);
//   - calls over consecutive [lo, hi) ranges (some empty), each on a fresh
//     s2-filled buffer, write exactly their own units, with the same bits
//     as the single call.
func checkUnits[T any](t *testing.T, r *rand.Rand, n, units int, unitOf func(i int) int, same func(a, b T) bool, s1, s2 T, run func(out []T, lo, hi int)) []T {
	t.Helper()
	call := func(sentinel T, lo, hi int) []T {
		buf := make([]T, n+2*bandLen)
		for i := range buf {
			buf[i] = sentinel
		}
		run(buf[bandLen:bandLen+n], lo, hi)
		for i := range bandLen {
			if !same(buf[i], sentinel) || !same(buf[bandLen+n+i], sentinel) {
				t.Fatalf("units [%d,%d) wrote outside the output (band element %d)", lo, hi, i)
			}
		}
		return buf[bandLen : bandLen+n]
	}
	full := call(s1, 0, units)
	again := call(s2, 0, units)
	for i := range full {
		if !same(full[i], again[i]) {
			t.Fatalf("output %d (unit %d) is not written by a call over all units", i, unitOf(i))
		}
	}
	maxChunk := units/3 + 2
	for lo := 0; lo < units; {
		hi := min(units, lo+r.IntN(maxChunk))
		part := call(s2, lo, hi)
		for i := range part {
			u := unitOf(i)
			own := u >= lo && u < hi
			switch {
			case own && !same(part[i], full[i]):
				t.Fatalf("units [%d,%d): output %d = %v, the call over all units gave %v", lo, hi, i, part[i], full[i])
			case !own && !same(part[i], s2):
				t.Fatalf("units [%d,%d) wrote output %d of unit %d", lo, hi, i, u)
			}
		}
		lo = hi
	}
	return full
}

func sameInt8(a, b int8) bool       { return a == b }
func sameByte(a, b byte) bool       { return a == b }
func sameFloat32(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

// checkUnitsInt8, checkUnitsBytes and checkUnitsFloat32 are checkUnits
// with sentinels for each element type.
func checkUnitsInt8(t *testing.T, r *rand.Rand, n, units int, unitOf func(int) int, run func(out []int8, lo, hi int)) []int8 {
	t.Helper()
	return checkUnits(t, r, n, units, unitOf, sameInt8, 0x5a, -0x5b, run)
}

func checkUnitsBytes(t *testing.T, r *rand.Rand, n, units int, unitOf func(int) int, run func(out []byte, lo, hi int)) []byte {
	t.Helper()
	return checkUnits(t, r, n, units, unitOf, sameByte, 0xa5, 0x3c, run)
}

func checkUnitsFloat32(t *testing.T, r *rand.Rand, n, units int, unitOf func(int) int, run func(out []float32, lo, hi int)) []float32 {
	t.Helper()
	return checkUnits(t, r, n, units, unitOf, sameFloat32, float32(-7.75e29), float32(math.NaN()), run)
}

// perElement is the unitOf of kernels whose unit is one element.
func perElement(i int) int { return i }

// randBytes returns n random bytes.
func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// randSpreadFloat32s returns n values spread over [-scale, scale] with a
// few exact zeros, small magnitudes and ties thrown in.
func randSpreadFloat32s(r *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		switch r.IntN(16) {
		case 0:
			s[i] = 0
		case 1:
			s[i] = float32(r.IntN(9)-4) * 0.5 // halves: ties for rounding
		case 2:
			s[i] = float32(r.NormFloat64() * 1e-3)
		default:
			s[i] = float32((2*r.Float64() - 1) * scale)
		}
	}
	return s
}

// ulpDiff32 is the distance between a and b in float32 units in the last
// place (0 for equal values, including +0 and -0).
func ulpDiff32(a, b float32) int64 {
	ord := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&(1<<31) != 0 {
			return -(u &^ (1 << 31))
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// roundHalfAway is round half away from zero written from its definition.
func roundHalfAway(v float64) float64 {
	if v < 0 {
		return -math.Floor(-v + 0.5)
	}
	return math.Floor(v + 0.5)
}

// clamp64ToInt8 clamps an int64 to [lo, hi] and narrows it.
func clamp64ToInt8(v, lo, hi int64) int8 {
	return int8(min(max(v, lo), hi))
}
