package amd64

import (
	"encoding/binary"
	"math"
)

// The pair-row output stage of the AVX2 GEMM tiles (Gemm6x16Int16, its
// panels, Gemm6x8Int16 and Gemm1x16Int16; not Gemm1x16Int8W, whose int8
// weight pairs cannot hold doubled weights). When Output row 3 lane 1 is
// nonzero, the blocks were packed by PutGemmPair: weights doubled and
// header row 0 zero, so the tile's accumulators hold A = 2*(acc - bias),
// and the header's other 384 bytes hold, per half of 8 channels, the
// rows kernel's constants (conv_stem.go: multipliers of the even and odd
// lanes, Ke, CMP, r). The requantization is then conv_stem.go's
//
//	h'' = hi32(A*m + Ke)           Ke = 2*bias*m + 2^31 + (thr-1)*2^32
//	q   = (h'' + [h'' > CMP]) >> r thr = 2^(r-1) + zp*2^r, CMP = thr-2
//
// 10 operations per 8 lanes with the output zero point already in q,
// against 14 plus the zero point's saturating add. The block size and
// the weights' position stay those of the TFLite-form header (448 bytes),
// so the drivers, block strides and A panels are the same for both forms.

// gemmPairOff is where the pair form's constants start in a block header
// (after row 0, the accumulators' zero start); the half of channels 8-15
// follows at gemmPairOff+convRowsHalf.
const gemmPairOff = 64

// GemmPairOK reports whether a channel whose accumulator acc = bias +
// sum(x*w) (bias with the input zero point folded in) satisfies |acc| <=
// bound for every int8 input has an exact pair-form requantization with
// multiplier mult, shift shift (quant.QuantizeMultiplier's, negative =
// right) and output zero point zp: no left shift, a right shift of at most
// 24, bound < 2^30 (then the doubled sum fits int32 and the reference's
// accumulator does not wrap) and bound + |thr| + 3 < 2^31 (the high half
// of A*m + Ke fits int32).
func GemmPairOK(bound int64, mult, shift, zp int32) bool {
	r := int64(-shift)
	if r < 0 || r > 24 || mult == math.MinInt32 || zp < math.MinInt8 || zp > math.MaxInt8 {
		return false
	}
	thr, _ := pairThrCmp(r, zp)
	return bound < 1<<30 && bound+max(thr, -thr)+3 < 1<<31
}

// PutGemmPair writes channel j's pair-form constants into the header of
// the packed 16-channel block blk (headerRows*16*4 bytes and more) for
// bias, multiplier mult, shift shift and output zero point zp, which
// GemmPairOK accepted; header row 0 (the accumulators' start) stays zero.
// The caller stores channel j's weights doubled.
func PutGemmPair(blk []byte, j int, bias, mult, shift, zp int32) {
	putPairLane(blk[gemmPairOff+j/8*convRowsHalf:][:convRowsHalf], j%8, bias, mult, shift, zp)
}

// pairThrCmp is the rounding threshold and comparison constant of a right
// shift r with output zero point zp.
func pairThrCmp(r int64, zp int32) (thr, cmp int64) {
	if r == 0 {
		return int64(zp), math.MinInt32
	}
	thr = 1<<(r-1) + int64(zp)<<r
	return thr, thr - 2
}

// putPairLane writes lane l's constants into one half block (convRowsHalf
// bytes, conv_stem.go's layout): the multiplier at its parity's slot, Ke,
// CMP and r.
func putPairLane(half []byte, l int, bias, mult, shift, zp int32) {
	le := binary.LittleEndian
	r := int64(-shift)
	thr, cmp := pairThrCmp(r, zp)
	ke := uint64(2*int64(bias)*int64(mult)) + 1<<31 + uint64(thr-1)<<32
	odd, pos := l%2, l/2 // lane l's slot among its parity's four
	le.PutUint32(half[odd*32+8*pos:], uint32(mult))
	le.PutUint64(half[64+odd*32+8*pos:], ke)
	le.PutUint32(half[128+4*l:], uint32(int32(cmp)))
	le.PutUint32(half[160+4*l:], uint32(r))
}

// pairLane requantizes the doubled accumulator a of lane l with the
// constants of half (putPairLane's layout): the result holds the output
// zero point, before the clamp.
func pairLane(half []byte, l int, a int32) int32 {
	le := binary.LittleEndian
	odd, pos := l%2, l/2
	mult := int32(le.Uint32(half[odd*32+8*pos:]))
	ke := le.Uint64(half[64+odd*32+8*pos:])
	cmp := int32(le.Uint32(half[128+4*l:]))
	r := le.Uint32(half[160+4*l:])
	h := int32((uint64(int64(a)*int64(mult)) + ke) >> 32)
	if h > cmp {
		h++
	}
	return h >> r
}

// requantizePair is requantize for blocks of 16 channels in the pair
// form: a = 2*(acc - bias) of column j, then the clamp.
func requantizePair(a int32, b []byte, j int, q *Output) int8 {
	v := pairLane(b[gemmPairOff+j/8*convRowsHalf:][:convRowsHalf], j%8, a)
	return int8(min(max(v, q[1][0]+q[0][0]), q[2][0]+q[0][0]))
}
