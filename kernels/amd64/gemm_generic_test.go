package amd64

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmGuard is the sentinel byte of the gemmGuard bands around every output.
const gemmGuard = int8(0x5a)

// gemmRandomBlock returns a packed block of nr channels over kp with weights of
// bElem bytes, and random requantization headers covering the corners:
// left shifts that saturate, right shifts up to 31, negative multipliers,
// and multipliers of 2^30, whose doubling high products tie half the time.
func gemmRandomBlock(rng *rand.Rand, nr, kp, bElem int) []byte {
	b := make([]byte, headerRows*nr*4+nr*kp*bElem)
	le := binary.LittleEndian
	for j := 0; j < nr; j++ {
		bias := int32(rng.Uint32())
		if rng.IntN(2) == 0 {
			bias = int32(rng.IntN(1<<16)) - 1<<15
		}
		mult := int32(1<<30 + rng.IntN(1<<30))
		switch rng.IntN(8) {
		case 0:
			mult = -mult
		case 1:
			mult = 1 << 30 // acc * 2^30 / 2^31: every odd acc is a rounding tie
		}
		shift := int32(rng.IntN(62)) - 31
		if rng.IntN(3) == 0 {
			shift = int32(rng.IntN(12)) - 10
		}
		left, right := max(shift, 0), max(-shift, 0)
		mask := int32(int64(1)<<uint(right) - 1)
		for h, v := range []int32{bias, mult, left, right, mask, mask >> 1} {
			le.PutUint32(b[(h*nr+j)*4:], uint32(v))
		}
	}
	for j := 0; j < nr; j++ {
		le.PutUint32(b[(6*nr+j)*4:], le.Uint32(b[(nr+(j|1))*4:]))
	}
	w := b[headerRows*nr*4:]
	for i := 0; i < nr*kp; i++ {
		v := int8(rng.IntN(255) - 127)
		if bElem == 2 {
			le.PutUint16(w[2*i:], uint16(int16(v)))
		} else {
			w[i] = byte(v)
		}
	}
	return b
}

func gemmRandomOutput(rng *rand.Rand) *Output {
	q := new(Output)
	zp := int32(rng.IntN(256) - 128)
	lo := int32(rng.IntN(128) - 128)
	hi := int32(rng.IntN(128))
	if rng.IntN(3) == 0 {
		lo, hi = -128, 127
	}
	for l := range 16 {
		q[0][l], q[1][l], q[2][l] = zp, lo-zp, hi-zp
		zp16 := uint32(uint16(int16(zp)))
		q[4][l] = int32(zp16 | zp16<<16)
		if l < 8 {
			q[5][l] = int32(uint32(uint8(int8(lo))) * 0x01010101)
		} else {
			q[5][l] = int32(uint32(uint8(int8(hi))) * 0x01010101)
		}
	}
	q[3][0] = int32(rng.IntN(2))
	return q
}

// gemmGuarded returns a buffer of n bytes between gemmGuard bands, and the bands'
// check.
func gemmGuarded(n int) (buf []int8, check func(t *testing.T, what string)) {
	all := make([]int8, n+128)
	for i := range all {
		all[i] = gemmGuard
	}
	buf = all[64 : 64+n : 64+n]
	return buf, func(t *testing.T, what string) {
		t.Helper()
		for i := range 64 {
			if all[i] != gemmGuard || all[64+n+i] != gemmGuard {
				t.Fatalf("%s: gemmGuard band overwritten", what)
			}
		}
	}
}

// TestRequantizeMatchesMBQM checks the vector-form output stage of the
// twins against the reference arithmetic on corner accumulators.
func TestRequantizeMatchesMBQM(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	accs := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, 1 << 30, -1 << 30, 12345, -12345}
	for i := 0; i < 2000; i++ {
		b := gemmRandomBlock(rng, 1, 0, 1)
		q := gemmRandomOutput(rng)
		q[3][0] = 1
		acc := int32(rng.Uint32())
		if i < len(accs) {
			acc = accs[i]
		}
		mult, left, right := header(b, 1, 1, 0), header(b, 1, 2, 0), header(b, 1, 3, 0)
		want := gemmRefRequant(acc, mult, left-right, q[0][0], q[1][0]+q[0][0], q[2][0]+q[0][0])
		if got := requantize(acc, b, 1, 0, q); got != want {
			t.Fatalf("acc %d mult %d shift %d: %d, want %d", acc, mult, left-right, got, want)
		}
	}
}

// gemmRefRequant is gemmlowp's MultiplyByQuantizedMultiplier written out
// independently (int64 saturating shift, nudge by sign and truncating
// division, mask/threshold rounding), then zero point and clamp in int64.
func gemmRefRequant(x, mult, shift, zp, lo, hi int32) int8 {
	v := int64(x)
	if shift > 0 {
		v <<= uint(shift)
		v = max(min(v, math.MaxInt32), math.MinInt32)
	}
	ab := v * int64(mult)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - 1<<30
	}
	h := (ab + nudge) / (1 << 31)
	if v == math.MinInt32 && mult == math.MinInt32 {
		h = math.MaxInt32
	}
	if shift < 0 {
		e := uint(-shift)
		mask := int64(1)<<e - 1
		rem := h & mask
		thr := mask >> 1
		if h < 0 {
			thr++
		}
		h >>= e
		if rem > thr {
			h++
		}
	}
	r := max(min(h+int64(zp), int64(hi)), int64(lo))
	return int8(r)
}

// gemmRandomInt16s returns n sign-extended int8 activations, or with
// extreme all -128 (the largest products, all of one sign) after drawing
// the same random values.
func gemmRandomInt16s(rng *rand.Rand, n int, extreme bool) []int16 {
	a := make([]int16, n)
	for i := range a {
		a[i] = int16(rng.IntN(256) - 128)
		if extreme {
			a[i] = -128
		}
	}
	return a
}
