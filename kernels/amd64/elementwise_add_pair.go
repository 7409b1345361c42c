package amd64

// ADD in the pair-row requantization form of dw_pair.go: each of ADD's
// three requantizations (the two operand rescales and the output) is
//
//	h'' = hi32(A*m + Ke)
//	q   = (h'' - [h'' > CMP]) >> r
//
// with A twice the value requantized, and Ke = 2^31 + (thr-1)*2^32 plus,
// for an operand, its offset's part: A = x << (LeftShift+1) and
// Ke = (Offset << (LeftShift+1))*m + 2^31 + (thr-1)*2^32, so that
// A*m + Ke = 2*((x+Offset) << LeftShift)*m + 2^31 + (thr-1)*2^32. The
// operands' thr is 2^(r-1) (0 for r == 0: no zero point), the output's
// includes the zero point. That is 11 operations per 8 lanes and operand
// and 10 for the output, where REQUANT8_FAST takes 14 each plus the
// offsets' adds and shifts. The lane permutation of VSHUFPS (0,2,1,3 of
// every four) is the same for both operands, and the output's second one
// undoes it. It needs no left shift in any requantization, LeftShift <=
// 21 and |h| + |thr| + 3 < 2^31 for each (NewAddInt8Consts checks).

import "math"

// AddInt8Pair is ADD's constants in the pair form (AddInt8Consts.Pair).
// The assembly reads m of a, b and out at 0, 4, 8, CMP at 12, 16, 20, Ke
// at 24, 32, 40, the shift counts (LeftShift+1, then r of a, b, out) as
// qwords at 48, 64, 80, 96 and ActMin and ActMax 32 times each at 112 and
// 144.
type AddInt8Pair struct {
	m     [3]int32
	cmp   [3]int32
	ke    [3]uint64
	shift [4]struct{ n, _ uint64 } // LeftShift+1, r of a, b, out: VPSLLD/VPSRAD counts
	clamp [2][32]int8              // ActMin, ActMax
}

// pairRequant returns m, Ke (without an offset's part) and CMP of a
// requantization with multiplier mult, right shift r and zero point zp,
// or ok false when |h| + |thr| + 3 may reach 2^31 for accumulators up to
// accMax in magnitude (|h| <= accMax*|m|/2^31 + 1).
func pairRequant(mult int32, r int64, zp int32, accMax int64) (ke uint64, cmp int32, ok bool) {
	thr, c := int64(zp), int64(math.MinInt32)
	if r > 0 {
		thr = 1<<(r-1) + int64(zp)<<r
		c = thr - 2
	}
	m := max(int64(mult), -int64(mult))
	if h := accMax*m>>31 + 2; h+max(thr, -thr)+3 >= 1<<31 {
		return 0, 0, false
	}
	return 1<<31 + uint64(thr-1)<<32, int32(c), true
}

// newAddInt8Pair returns the pair form of k, or nil when it does not
// apply.
func newAddInt8Pair(k *AddInt8Consts, aMult, aShift, bMult, bShift, outMult, outShift, zp, actMin, actMax int32) *AddInt8Pair {
	if aShift > 0 || bShift > 0 || outShift > 0 || k.LeftShift > 21 {
		return nil
	}
	p := &AddInt8Pair{m: [3]int32{aMult, bMult, outMult}}
	ls := uint(k.LeftShift)
	in := int64(255) << ls // |(x + Offset) << LeftShift|
	var ok [3]bool
	var ke [3]uint64
	ke[0], p.cmp[0], ok[0] = pairRequant(aMult, int64(-aShift), 0, in)
	ke[1], p.cmp[1], ok[1] = pairRequant(bMult, int64(-bShift), 0, in)
	// The rescaled operands are at most |h| + 1 each; their sum must stay
	// below 2^30 to be doubled.
	sum := 2 * (in*max(int64(aMult), -int64(aMult))>>31 + 3)
	sum = max(sum, 2*(in*max(int64(bMult), -int64(bMult))>>31+3))
	ke[2], p.cmp[2], ok[2] = pairRequant(outMult, int64(-outShift), zp, sum)
	if !ok[0] || !ok[1] || !ok[2] || sum >= 1<<30 {
		return nil
	}
	p.ke[0] = ke[0] + uint64(int64(k.AOffset)<<(ls+1)*int64(aMult))
	p.ke[1] = ke[1] + uint64(int64(k.BOffset)<<(ls+1)*int64(bMult))
	p.ke[2] = ke[2]
	p.shift[0].n = uint64(ls + 1)
	p.shift[1].n, p.shift[2].n, p.shift[3].n = uint64(-aShift), uint64(-bShift), uint64(-outShift)
	for i := range 32 {
		p.clamp[0][i], p.clamp[1][i] = int8(actMin), int8(actMax)
	}
	return p
}

// pairLane is one lane of a pair-form requantization: q from A (twice
// the value, offset part excluded) and requantization i of p.
func (p *AddInt8Pair) pairLane(a int32, i int) int32 {
	h := int32((uint64(int64(a)*int64(p.m[i])) + p.ke[i]) >> 32)
	if h > p.cmp[i] {
		h++
	}
	return h >> uint(p.shift[1+i].n)
}

// AddInt8PairGeneric is the pure-Go twin of the pair form of
// AddInt8AVX2, lane for lane: out[i] for i < len(out) from a[i] and b[i].
func AddInt8PairGeneric(out, a, b []int8, p *AddInt8Pair) {
	a, b = a[:len(out)], b[:len(out)]
	ls := uint(p.shift[0].n)
	for i := range out {
		s := p.pairLane(int32(a[i])<<ls, 0) + p.pairLane(int32(b[i])<<ls, 1)
		q := p.pairLane(2*s, 2)
		out[i] = int8(min(max(q, int32(p.clamp[0][0])), int32(p.clamp[1][0])))
	}
}
