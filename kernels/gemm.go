package kernels

import (
	"math"
	"unsafe"
)

// gemmKernel is one variant's int8 GEMM microkernel and the packing
// routines that produce its operand layouts (see microkernel.go for the
// layouts and the semantics). Architecture files register one per variant
// in gemmKernels from an init function.
type gemmKernel struct {
	mr, nr, kr int
	aElem      int   // bytes per A-panel element: 1 (int8/uint8) or 2 (int16)
	aOffset    int32 // A-panel value = x + aOffset (128 for the uint8 x^0x80 panels)
	bElem      int   // bytes per packed weight: 1 (int8) or 2 (int16)

	// packA writes an A panel into dst (MR rows of kp elements, row stride
	// kp elements): row m < mr is src[m*srcStride:][:k] converted, the
	// elements k..kp-1 of each row and the rows mr..MR-1 are zero.
	packA func(dst []byte, src []int8, srcStride, mr, k, kp int)

	// convertA, when set, writes len(src) activations converted to the
	// A-panel type (x + aOffset, aElem bytes each) at dst: the im2col of a
	// KxK convolution then writes panel rows directly instead of going
	// through int8 rows and packA.
	convertA func(dst []byte, src []int8)

	// im2colA, when set, writes the A-panel rows of pixels consecutive
	// output pixels of one output row whose windows lie inside the input
	// (amd64.Im2colInt16Go's contract, dst in panel bytes): kh window rows
	// of seg activations each, rowStride apart, successive windows pixStep
	// apart, the rest of each kp-long row zero. It may write im2colSlack
	// bytes past the last row and read im2colReach bytes past the last
	// window row.
	im2colA                  func(dst []byte, src []int8, pixels, pixStep, kh, rowStride, seg, kp int)
	im2colSlack, im2colReach int

	// tile computes blocks consecutive MR x NR tiles over kp (a multiple
	// of kr) from the A panel a and the packed blocks b (contiguous,
	// gemmBlockBytes(nr, kp, bElem) each); tile j stores row m's NR outputs
	// at c[m*cStride+j*NR:][:NR]. q is the op's gemmOutput.
	tile func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput)

	// tilePanels, when set, is tile over panels consecutive A panels
	// (panel p at a[p*MR*kp*aElem:], writing rows p*MR.. of c): a 1x1
	// convolution widens many panels at once and computes them in one call.
	tilePanels func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput, panels int)

	// tileHalf, when set, computes channels 0..NR/2-1 of one block for
	// all MR rows, row m's at c[m*cStride:][:NR/2]: a last block with at
	// most NR/2 real channels then costs half a tile and no copy.
	tileHalf func(a, b []byte, kp int, c []int8, cStride int, q *gemmOutput)

	// tile1, when set, is tile for a panel with one valid row: row 0 of
	// the A panel against blocks consecutive blocks, tile j writing
	// c[j*NR:][:NR]. A fully connected layer on one vector (and a
	// convolution's last, one-pixel panel) then computes only that row.
	tile1 func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput)

	// pairOK and putPair, when set, give the tiles a second, cheaper
	// output stage (amd64.GemmPairOK and amd64.PutGemmPair; int16 weights
	// only): a GEMM whose every channel's requantization has the exact
	// pair form (no left shift, bounded accumulators) is packed with
	// doubled weights, a zero accumulator start and one 64-bit constant
	// per channel folding bias, rounding and output zero point, and its
	// gemmOutput says so (row 3 lane 1). pairOK reports whether a channel
	// with accumulator bound |acc| <= bound fits; putPair writes channel
	// j's constants into a block header.
	pairOK  func(bound int64, mult, shift, zp int32) bool
	putPair func(blk []byte, j int, bias, mult, shift, zp int32)
}

// gemmPairForm enables the pair-form output stage where a kernel has it;
// a variable only so that benchmarks can measure the TFLite form beside it.
var gemmPairForm = true

// gemmOutput is the per-op part of the microkernels' output stage, each
// value repeated across a 64-byte row so that ymm and zmm code loads it as
// a vector: row 0 OutZeroPoint, row 1 ActMin-OutZeroPoint, row 2
// ActMax-OutZeroPoint (int32 lanes; clamp(v+zp, lo, hi) ==
// clamp(v, lo-zp, hi-zp) + zp, and the latter cannot overflow); row 3
// lane 0 is 1 when some channel's shift is positive (the saturating left
// shift is needed), else 0, lane 1 is 1 when the blocks are packed in the
// pair form (gemmKernel.putPair), else 0; row 4 OutZeroPoint as 32 int16 lanes; row 5
// ActMin as 32 int8 lanes then ActMax as 32 int8 lanes. Rows 4 and 5 serve
// the saturating pack path: sat8(sat16(sat16(v) + zp)) clamped to
// [ActMin, ActMax] equals clamp(v + zp, ActMin, ActMax) for every int32 v.
type gemmOutput = [6][16]int32

// gemmKernels is filled by the architecture files' init functions.
var gemmKernels = map[Variant]*gemmKernel{}

// gemmRequantRows is the number of NR-long int32 rows in a packed block's
// header: packed bias, multiplier, left shift, right shift, rounding mask
// (2^right - 1), rounding threshold (mask >> 1) and the odd-lane
// multipliers (row 6, column j holds the multiplier of channel j|1, which
// is what 64-bit multiplies of the odd int32 lanes need). With them a
// microkernel computes MultiplyByQuantizedMultiplier as
//
//	x = saturatingShiftLeft(acc, left)
//	x = int32((int64(x)*int64(mult) + 1<<30) >> 31)      // SaturatingRoundingDoublingHighMul
//	r = x>>right + (1 if x&mask > threshold + (1 if x < 0) else 0) // RoundingDivideByPOT
//
// (the doubling high multiply's "round half away from zero, then truncate"
// is exactly floor((ab + 2^30) / 2^31); the only overflow, mult == acc ==
// MinInt32, is excluded at pack time).
const gemmRequantRows = 7

// gemmBlockBytes is the size of one packed block of nr output channels
// over kp packed depth with int8 (kr-quad) or int16 weights.
func gemmBlockBytes(nr, kp, bElem int) int {
	return gemmRequantRows*nr*4 + nr*kp*bElem
}

// partialTile computes block b of pk, which holds width < NR real
// channels, for a panel whose MR rows are all real, into out (row m at
// out[m*cStride:][:width]): with tileHalf when width fits, else through
// tile (MR x NR scratch) and a copy.
func (gk *gemmKernel) partialTile(panel []byte, pk *gemmPacked, b, width int, out []int8, cStride int, tile []int8, q *gemmOutput) {
	if gk.tileHalf != nil && width <= gk.nr/2 {
		if width == gk.nr/2 {
			gk.tileHalf(panel, pk.blocksFrom(b), pk.kp, out, cStride, q)
			return
		}
		gk.tileHalf(panel, pk.blocksFrom(b), pk.kp, tile, gk.nr, q)
	} else {
		gk.tile(panel, pk.blocksFrom(b), pk.kp, 1, tile, gk.nr, q)
	}
	for r := 0; r < gk.mr; r++ {
		copy(out[r*cStride:][:width], tile[r*gk.nr:][:width])
	}
}

// roundUp rounds n up to a multiple of m.
func roundUp(n, m int) int { return (n + m - 1) / m * m }

// gemmRequantOK reports whether every channel's requantization is inside
// what the vector form handles exactly: shift in [-31, 30] (guaranteed by
// quant.QuantizeMultiplier) and multiplier != MinInt32.
func gemmRequantOK(r *Requant, n int) bool {
	if len(r.Multiplier) < n || len(r.Shift) < n {
		return false
	}
	for c := 0; c < n; c++ {
		if r.Multiplier[c] == math.MinInt32 || r.Shift[c] < -31 || r.Shift[c] > 30 {
			return false
		}
	}
	return r.ActMin <= r.ActMax && r.ActMin >= -128 && r.ActMax <= 127 &&
		r.OutZeroPoint >= -128 && r.OutZeroPoint <= 127
}

// int8s views scratch bytes as int8.
func int8s(b []byte) []int8 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), len(b))
}

// int16s views scratch bytes as int16 (len(b)/2 elements); the scratch is
// 64-byte aligned.
func int16s(b []byte) []int16 {
	if len(b) < 2 {
		return nil
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
}

// int32s views scratch bytes as int32 (len(b)/4 elements); the scratch is
// 64-byte aligned.
func int32s(b []byte) []int32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4)
}
