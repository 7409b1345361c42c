package amd64

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// gemmPairProblem is a random 16-channel GEMM problem packed in the pair
// form with the reference's accumulators: weights w[c][k] in [-128, 127],
// bias, multipliers, right shifts 0-24 and one output zero point, drawn
// until every channel fits (GemmPairOK), with large biases and zero
// points at the extremes where they fit.
type gemmPairProblem struct {
	kp, blocks int
	w          []int8 // blocks*16 rows of kp
	bias, mult []int32
	shift      []int32
	zp, lo, hi int32
	packed     []byte
	q          *Output
}

func newGemmPairProblem(rng *rand.Rand, kp, blocks int) *gemmPairProblem {
	n := 16 * blocks
	p := &gemmPairProblem{kp: kp, blocks: blocks, w: make([]int8, n*kp),
		bias: make([]int32, n), mult: make([]int32, n), shift: make([]int32, n)}
	for i := range p.w {
		p.w[i] = int8(rng.IntN(256) - 128)
	}
	switch rng.IntN(4) {
	case 0:
		p.zp = -128
	case 1:
		p.zp = 127
	default:
		p.zp = int32(rng.IntN(256) - 128)
	}
	p.lo, p.hi = -128, 127
	if rng.IntN(2) == 0 {
		p.lo, p.hi = int32(rng.IntN(128)-128), int32(rng.IntN(128))
	}
	for c := range n {
		wsum := int64(0)
		for _, v := range p.w[c*kp:][:kp] {
			wsum += 128 * int64(max(v, -v))
		}
		for try := 0; ; try++ {
			r := rng.IntN(25)
			p.shift[c] = -int32(r)
			p.mult[c] = int32(1<<30 + rng.IntN(1<<30))
			if rng.IntN(8) == 0 {
				p.mult[c] = -p.mult[c]
			}
			// Biases up to the form's limit, often large.
			room := max(1<<30-1-wsum, 0)
			p.bias[c] = int32(rng.Int64N(room+1) * int64(1-2*rng.IntN(2)))
			if rng.IntN(3) == 0 {
				p.bias[c] = int32(rng.IntN(1<<16) - 1<<15)
			}
			if try > 50 {
				p.bias[c], p.shift[c] = 0, 0
			}
			b := int64(p.bias[c])
			if GemmPairOK(max(b, -b)+wsum, p.mult[c], p.shift[c], p.zp) {
				break
			}
		}
	}
	p.packed = make([]byte, blocks*(headerRows*16*4+16*kp*2))
	le := binary.LittleEndian
	for c := range n {
		blk := p.packed[c/16*(headerRows*16*4+16*kp*2):]
		PutGemmPair(blk, c%16, p.bias[c], p.mult[c], p.shift[c], p.zp)
		wts := blk[headerRows*16*4:]
		for k, v := range p.w[c*kp:][:kp] {
			le.PutUint16(wts[2*((k/2*16+c%16)*2+k%2):], uint16(2*int16(v)))
		}
	}
	p.q = new(Output)
	for l := range 16 {
		p.q[0][l], p.q[1][l], p.q[2][l] = p.zp, p.lo-p.zp, p.hi-p.zp
		if l < 8 {
			p.q[5][l] = int32(uint32(uint8(int8(p.lo))) * 0x01010101)
		} else {
			p.q[5][l] = int32(uint32(uint8(int8(p.hi))) * 0x01010101)
		}
	}
	p.q[3][1] = 1
	// The TFLite form's zero point row stays unset: the pair form must
	// not read it.
	return p
}

// want is the reference output of row a (kp activations) and channel c:
// gemmlowp's MultiplyByQuantizedMultiplier on the int64 accumulator
// (which the bounds keep inside int32), zero point and clamp.
func (p *gemmPairProblem) want(t *testing.T, a []int16, c int) int8 {
	acc := int64(p.bias[c])
	for k, v := range p.w[c*p.kp:][:p.kp] {
		acc += int64(a[k]) * int64(v)
	}
	if acc != int64(int32(acc)) {
		t.Fatalf("channel %d: accumulator %d outside int32 (the pair bounds should prevent it)", c, acc)
	}
	return gemmRefRequant(int32(acc), p.mult[c], p.shift[c], p.zp, p.lo, p.hi)
}

// TestGemmPairTwinMatchesReference checks the pair-form twins against the
// reference arithmetic on random problems: odd and even k-pair counts up
// to 600, right shifts 0-24, zero points at the extremes, clamps, large
// biases, and all-extreme activations.
func TestGemmPairTwinMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := 0; trial < 120; trial++ {
		kp := 2 * rng.IntN(301)
		if trial < 10 {
			kp = 2 * trial
		}
		blocks := 1 + rng.IntN(2)
		p := newGemmPairProblem(rng, kp, blocks)
		a := gemmRandomInt16s(rng, 6*kp, trial%5 == 0)
		if trial%5 == 1 {
			for i := range a {
				a[i] = 127
			}
		}
		out := make([]int8, 6*16*blocks)
		Gemm6x16Int16Go(a, p.packed, kp, blocks, out, 16*blocks, p.q)
		one := make([]int8, 16*blocks)
		Gemm1x16Int16Go(a[3*kp:], p.packed, kp, blocks, one, p.q)
		for m := range 6 {
			for c := range 16 * blocks {
				if w := p.want(t, a[m*kp:][:kp], c); out[m*16*blocks+c] != w {
					t.Fatalf("trial %d kp %d row %d channel %d (bias %d mult %d shift %d zp %d): %d, want %d",
						trial, kp, m, c, p.bias[c], p.mult[c], p.shift[c], p.zp, out[m*16*blocks+c], w)
				}
			}
		}
		if !slices.Equal(one, out[3*16*blocks:][:16*blocks]) {
			t.Fatalf("trial %d: one-row twin differs from row 3 of the 6-row tile", trial)
		}
	}
}

// TestGemmPairOKBounds checks the acceptance boundary of the pair form.
func TestGemmPairOKBounds(t *testing.T) {
	const m = 1 << 30
	for _, c := range []struct {
		bound           int64
		mult, shift, zp int32
		ok              bool
	}{
		{1<<30 - 1, m, 0, 0, true},
		{1 << 30, m, 0, 0, false}, // doubled sum would not fit
		{1000, m, 1, 0, false},    // left shift
		{1000, m, -24, 0, true},   // largest right shift
		{1000, m, -25, 0, false},  // beyond it
		{1000, math.MinInt32, -3, 0, false},
		{1000, m, -24, -128, true},      // thr = 2^23 - 2^31: |thr| + bound + 3 < 2^31
		{1 << 23, m, -24, -128, false},  // |thr| + 2^23 + 3 >= 2^31
		{1<<23 - 4, m, -24, -128, true}, // just inside
		{1000, m, -3, 128, false},       // zero point outside int8
	} {
		if got := GemmPairOK(c.bound, c.mult, c.shift, c.zp); got != c.ok {
			t.Errorf("GemmPairOK(%d, %d, %d, %d) = %v, want %v", c.bound, c.mult, c.shift, c.zp, got, c.ok)
		}
	}
}
