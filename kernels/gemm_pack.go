package kernels

import (
	"encoding/binary"
)

// gemmPacked is the weights of one GEMM (one group of a convolution)
// packed for a gemmKernel: ceil(n/NR) blocks of gemmBlockBytes each.
type gemmPacked struct {
	k, kp      int // depth, and depth rounded up to KR
	n          int // output channels
	blocks     int
	blockBytes int
	data       []byte
}

// packGEMM packs the weights w (n rows of k int8 at stride wStride), the
// bias (nil: zero) and the requantization of channels [0, n) (r's slices
// indexed from chanOff) for gk, in the pair form when pair is set (which
// gemmPairFits must have accepted). The packed bias is
// bias[c] - (zp + gk.aOffset) * sum_k w[c][k], computed with int32
// wrap-around like the reference accumulator, so the microkernel's result
// equals the reference bit for bit (see microkernel.go).
func packGEMM(gk *gemmKernel, w []int8, wStride, n, k int, bias []int32, r *Requant, chanOff int, zp int32, pair bool) *gemmPacked {
	kp := roundUp(k, gk.kr)
	nr := gk.nr
	pk := &gemmPacked{k: k, kp: kp, n: n, blocks: (n + nr - 1) / nr, blockBytes: gemmBlockBytes(nr, kp, gk.bElem)}
	pk.data = make([]byte, pk.blocks*pk.blockBytes)
	le := binary.LittleEndian
	scale := int16(1)
	if pair {
		scale = 2
	}
	for b := 0; b < pk.blocks; b++ {
		blk := pk.data[b*pk.blockBytes:][:pk.blockBytes]
		for j := 0; j < nr; j++ {
			c := b*nr + j
			if c >= n {
				// Padding channels: zero weights, multiplier 0; their
				// outputs are computed but never stored.
				break
			}
			row := w[c*wStride:][:k]
			acc0 := gk.packedBias(row, bias, chanOff+c, zp)
			mult, shift := r.Multiplier[chanOff+c], r.Shift[chanOff+c]
			if pair {
				gk.putPair(blk, j, acc0, mult, shift, r.OutZeroPoint)
			} else {
				putTFLiteChannel(blk, nr, j, acc0, mult, shift)
			}
			wts := blk[gemmRequantRows*nr*4:]
			for kk, v := range row {
				g, i := kk/gk.kr, kk%gk.kr
				pos := (g*nr+j)*gk.kr + i
				if gk.bElem == 2 {
					le.PutUint16(wts[2*pos:], uint16(scale*int16(v)))
				} else {
					wts[pos] = byte(v)
				}
			}
		}
		if !pair {
			putOddMultipliers(blk, nr)
		}
	}
	return pk
}

// putTFLiteChannel writes channel j's rows 0-5 of a TFLite-form block
// header of nr channels: accumulator start acc0, multiplier, left and
// right shift, rounding mask and threshold.
func putTFLiteChannel(blk []byte, nr, j int, acc0, mult, shift int32) {
	left, right := max(shift, 0), max(-shift, 0)
	mask := int32((int64(1) << uint(right)) - 1)
	header := [gemmRequantRows - 1]int32{acc0, mult, left, right, mask, mask >> 1}
	for h, v := range header {
		binary.LittleEndian.PutUint32(blk[(h*nr+j)*4:], uint32(v))
	}
}

// putOddMultipliers writes a TFLite-form header's row 6: the multiplier
// of channel j|1 (zero for padding channels).
func putOddMultipliers(blk []byte, nr int) {
	le := binary.LittleEndian
	for j := 0; j < nr; j++ {
		le.PutUint32(blk[(6*nr+j)*4:], le.Uint32(blk[(1*nr+(j|1))*4:]))
	}
}

// packedBias is channel c's accumulator start: bias[c] (0 when bias is
// nil) minus (zp + gk.aOffset) times the sum of its weights row, with
// int32 wrap-around like the reference accumulator.
func (gk *gemmKernel) packedBias(row []int8, bias []int32, c int, zp int32) int32 {
	var sum int32
	for _, v := range row {
		sum += int32(v)
	}
	var acc0 int32
	if bias != nil {
		acc0 = bias[c]
	}
	return acc0 - (zp+gk.aOffset)*sum
}

// gemmPairFits reports whether the GEMM of packGEMM's arguments can be
// packed in gk's pair form: the form is enabled, gk has it, its weights
// are int16, and every channel's requantization fits for accumulators
// bounded by |packed bias| + 128*sum|w| (int8 activations).
func gemmPairFits(gk *gemmKernel, w []int8, wStride, n, k int, bias []int32, r *Requant, chanOff int, zp int32) bool {
	if !gemmPairForm || gk.pairOK == nil || gk.bElem != 2 {
		return false
	}
	for c := 0; c < n; c++ {
		row := w[c*wStride:][:k]
		bound := int64(gk.packedBias(row, bias, chanOff+c, zp))
		bound = max(bound, -bound)
		for _, v := range row {
			bound += 128 * int64(max(v, -v))
		}
		if !gk.pairOK(bound, r.Multiplier[chanOff+c], r.Shift[chanOff+c], r.OutZeroPoint) {
			return false
		}
	}
	return true
}

// blocksFrom returns the packed blocks b, b+1, ... to the end.
func (pk *gemmPacked) blocksFrom(b int) []byte { return pk.data[b*pk.blockBytes:] }

// outputParams builds the gemmOutput of r for channels [0, n) (the
// pair-form flag clear: see pairOutput).
func outputParams(r *Requant, n int) *gemmOutput {
	q := new(gemmOutput)
	for l := 0; l < 16; l++ {
		q[0][l] = r.OutZeroPoint
		q[1][l] = r.ActMin - r.OutZeroPoint
		q[2][l] = r.ActMax - r.OutZeroPoint
		zp16 := uint32(uint16(int16(r.OutZeroPoint)))
		q[4][l] = int32(zp16 | zp16<<16)
		lo8, hi8 := uint32(uint8(int8(r.ActMin))), uint32(uint8(int8(r.ActMax)))
		if l < 8 {
			q[5][l] = int32(lo8 * 0x01010101)
		} else {
			q[5][l] = int32(hi8 * 0x01010101)
		}
	}
	for c := 0; c < n; c++ {
		if r.Shift[c] > 0 {
			q[3][0] = 1
		}
	}
	return q
}

// pairOutput sets q's pair-form flag when pair is set and returns q.
func pairOutput(q *gemmOutput, pair bool) *gemmOutput {
	if pair {
		q[3][1] = 1
	}
	return q
}
