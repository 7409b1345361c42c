package amd64

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The rows kernel (ConvRows6x16Int16) computes the direct convolution of
// one output row from input rows already widened to int16, for
// convolutions with few input channels (the first layer of an image
// model), where building an im2col row per output pixel costs as much as
// a large part of the arithmetic.
//
// Window row ky of output pixel m of group g is the int16 run starting at
// a[(6g+m)*pixStep + ky*rowStride], read as pairs int16 pairs; k-pair
// ky*pairs+j of a packed block weights the pair at 2j of window row ky.
// A window row of KW*InC taps with KW*InC odd ends in a pair whose second
// weight is zero: the element it reads (the next pixel's first tap)
// contributes nothing.
//
// The weights are doubled at pack time and the accumulators start at
// zero, so the multiply-adds give A = 2*sum(x*w) = 2*(acc - bias), acc
// being the GEMM's accumulator (bias has the input zero point's term
// folded in). The requantization of a channel with multiplier m, right
// shift r and output zero point zp is the depthwise pair-row form
// (dw_pair.go), 10 operations per 8 lanes instead of the GEMM's 14 plus
// the zero point's add:
//
//	h'' = hi32(A*m + Ke)            Ke = 2*bias*m + 2^31 + (thr-1)*2^32 (mod 2^64)
//	q   = (h'' + [h'' > CMP]) >> r  thr = 2^(r-1) + zp*2^r, CMP = thr-2 (r >= 1); thr = zp, CMP = MinInt32 (r == 0)
//
// h'' = h + thr - 1 with h = hi32(2*acc*m + 2^31), SaturatingRoundingDoublingHighMul(acc, m)
// (no saturation: |acc| < 2^30), and RoundingDivideByPOT(h, r) + zp is
// (h + 2^(r-1) - [h < 0] + zp*2^r) >> r, i.e. (h'' + [h >= 0]) >> r, and
// h >= 0 is h'' > thr - 2. The result already holds zp; saturating packs
// and the activation clamp finish it. PackConvRowsInt16 checks the bounds
// this needs (no left shift, r <= 24, |acc| + |thr| + 3 < 2^31 and
// |acc| < 2^30) and refuses the rest, which stay on the GEMM path.

// convRowsHalf is the byte size of one half block's requantization
// constants (8 channels): multipliers of the even lanes (at even dword
// positions, for VPMULDQ), of the odd lanes, Ke of the even lanes (4
// int64), of the odd lanes, CMP (8 int32), r (8 int32).
const convRowsHalf = 192

// ConvRowsBlockBytes is the size of one packed block of 16 channels over
// kp = 2*kh*pairs: two halves' constants, then kp/2 k-pairs of 16 channels
// of doubled int16 weight pairs (64 bytes per k-pair).
func ConvRowsBlockBytes(kp int) int { return 2*convRowsHalf + 16*kp*2 }

// PackConvRowsInt16 packs n output channels of kp weights each (w[c*kp:],
// kp even, zero where the window has no tap) for ConvRows6x16Int16, with
// per-channel bias (the input zero point's term already folded in),
// multiplier and shift (quant.QuantizeMultiplier's, negative = right) and
// the output zero point. It fails, naming the channel, when the
// requantization has no exact form in the kernel's arithmetic for inputs
// in [-128, 127].
func PackConvRowsInt16(w []int8, n, kp int, bias, mult, shift []int32, zp int32) ([]byte, error) {
	if kp%2 != 0 || n < 1 || len(w) < n*kp || len(bias) < n || len(mult) < n || len(shift) < n {
		return nil, fmt.Errorf("amd64: rows kernel: bad packing arguments (n %d, kp %d)", n, kp)
	}
	if zp < math.MinInt8 || zp > math.MaxInt8 {
		return nil, fmt.Errorf("amd64: rows kernel: zero point %d outside int8", zp)
	}
	size := ConvRowsBlockBytes(kp)
	blocks := (n + 15) / 16
	out := make([]byte, blocks*size)
	le := binary.LittleEndian
	for c := range n {
		bound := int64(bias[c])
		bound = max(bound, -bound)
		for _, v := range w[c*kp:][:kp] {
			bound += 128 * int64(max(v, -v))
		}
		if !GemmPairOK(bound, mult[c], shift[c], zp) {
			return nil, fmt.Errorf("amd64: rows kernel: channel %d: shift %d, multiplier %d or accumulator bound %d has no exact pair form",
				c, shift[c], mult[c], bound)
		}
		blk := out[c/16*size:][:size]
		putPairLane(blk[c%16/8*convRowsHalf:][:convRowsHalf], c%8, bias[c], mult[c], shift[c], zp)
		wts := blk[2*convRowsHalf:]
		for k, v := range w[c*kp:][:kp] {
			le.PutUint16(wts[2*((k/2*16+c%16)*2+k%2):], uint16(2*int16(v)))
		}
	}
	return out, nil
}

// ConvRows6x16Int16Go is the twin of ConvRows6x16Int16: for groups groups
// of 6 output pixels and blocks packed blocks of 16 channels (kp =
// 2*kh*pairs),
//
//	A[m][n] = sum_{ky, i < 2*pairs} a[(6g+m)*pixStep + ky*rowStride + i] * w2[n][2*ky*pairs + i]
//
// (doubled weights, int32 wrap-around) requantized as above into
// c[(6g+m)*cStride + 16j + n] for block j; q supplies the activation
// clamp (its rows 0-2).
func ConvRows6x16Int16Go(a []int16, pixStep, rowStride, kh, pairs int, b []byte, blocks int, c []int8, cStride int, q *Output, groups int) {
	kp := 2 * kh * pairs
	size := ConvRowsBlockBytes(kp)
	le := binary.LittleEndian
	actMin, actMax := q[1][0]+q[0][0], q[2][0]+q[0][0]
	for g := 0; g < groups; g++ {
		for j := 0; j < blocks; j++ {
			blk := b[j*size:][:size]
			wts := blk[2*convRowsHalf:]
			for m := 0; m < 6; m++ {
				px := (6*g + m) * pixStep
				for n := 0; n < 16; n++ {
					var acc int32
					for k := 0; k < kp; k++ {
						ky, i := k/(2*pairs), k%(2*pairs)
						w := int16(le.Uint16(wts[2*((k/2*16+n)*2+k%2):]))
						acc += int32(a[px+ky*rowStride+i]) * int32(w)
					}
					v := pairLane(blk[n/8*convRowsHalf:][:convRowsHalf], n%8, acc)
					c[(6*g+m)*cStride+16*j+n] = int8(min(max(v, actMin), actMax))
				}
			}
		}
	}
}

// ConvRowsReach is how many int16 elements ConvRows6x16Int16 reads for
// groups groups: a must hold this many.
func ConvRowsReach(pixStep, rowStride, kh, pairs, groups int) int {
	return (6*groups-1)*pixStep + (kh-1)*rowStride + 2*pairs
}
