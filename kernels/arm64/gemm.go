package arm64

import (
	"unsafe"

	"github.com/edgeinfer/edgeinfer/quant"
)

// Run4 computes four output rows, all N columns: row r's input for tap t
// starts at ind[4*t+r] (len(ind) == 4*Taps) and row r's N outputs are
// written from c[r]. To compute fewer rows, repeat row 0's pointers: the
// duplicate rows write row 0's values again.
//
// The assembly variants read KBlocks*16 bytes from every input pointer
// (the bytes beyond TapDepth meet zero weights but must be readable); the
// Go variant reads TapDepth bytes.
func (p *PackedGEMM) Run4(v Variant, ind []*int8, c *[4]*int8, o Out) {
	full := p.N / GEMMCols
	blockBytes := p.Taps * p.KBlocks * GEMMCols * GEMMDepth
	if v == Go {
		gemmGoBlocks(&ind[0], p.Taps, p.TapDepth, p.KBlocks, &p.Weights[0], &p.Params[0], p.N, *c, o)
		return
	}
	kernel := gemmNEON
	if v == Dot {
		kernel = gemmDot
	}
	if full > 0 {
		kernel(&ind[0], p.Taps, p.KBlocks, &p.Weights[0], &p.Params[0], full, c[0], c[1], c[2], c[3], o.ZeroPoint, o.Min, o.Max)
	}
	if rest := p.N - full*GEMMCols; rest > 0 {
		// The last block writes four columns; only rest of them exist.
		var tile [4][GEMMCols]int8
		kernel(&ind[0], p.Taps, p.KBlocks, &p.Weights[full*blockBytes], &p.Params[full*paramsPerGroup], 1,
			&tile[0][0], &tile[1][0], &tile[2][0], &tile[3][0], o.ZeroPoint, o.Min, o.Max)
		for r := range tile {
			copy(unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(c[r]), full*GEMMCols)), rest), tile[r][:rest])
		}
	}
}

// gemmGoBlocks is the Go twin of gemmNEON/gemmDot for the first n columns
// (ceil(n/4) packed blocks), except that it reads tapDepth bytes per input
// pointer and writes only columns below n.
func gemmGoBlocks(ind **int8, taps, tapDepth, kBlocks int, w *int8, params *int32, n int, c [4]*int8, o Out) {
	nBlocks := (n + GEMMCols - 1) / GEMMCols
	rows := unsafe.Slice(ind, 4*taps)
	ws := unsafe.Slice(w, nBlocks*taps*kBlocks*GEMMCols*GEMMDepth)
	ps := unsafe.Slice(params, nBlocks*paramsPerGroup)
	for nb := 0; nb < nBlocks; nb++ {
		var acc [4][GEMMCols]int32
		for t := 0; t < taps; t++ {
			for r := 0; r < 4; r++ {
				x := unsafe.Slice(rows[4*t+r], tapDepth)
				for kb := 0; kb < kBlocks; kb++ {
					blk := ws[((nb*taps+t)*kBlocks+kb)*GEMMCols*GEMMDepth:]
					for col := 0; col < GEMMCols; col++ {
						wc := blk[col*GEMMDepth:][:GEMMDepth]
						for j := 0; j < GEMMDepth && kb*GEMMDepth+j < tapDepth; j++ {
							acc[r][col] += int32(wc[j]) * int32(x[kb*GEMMDepth+j])
						}
					}
				}
			}
		}
		g := ps[nb*paramsPerGroup:][:paramsPerGroup]
		for r := 0; r < 4; r++ {
			for col := 0; col < GEMMCols; col++ {
				if nb*GEMMCols+col >= n {
					break
				}
				out := (*int8)(unsafe.Add(unsafe.Pointer(c[r]), nb*GEMMCols+col))
				*out = requantLane(acc[r][col], g, col, o)
			}
		}
	}
}

// requantLane requantizes acc with lane i of requantization group g:
// clamp(MultiplyByQuantizedMultiplier(acc+bias, mult, shift) + zp, Min, Max),
// the wrapping bias add and exact zero-point add of the reference kernels.
func requantLane(acc int32, g []int32, i int, o Out) int8 {
	acc += g[i]
	shift := g[8+i] - g[12+i] // one of left and right is zero
	v := int64(quant.MultiplyByQuantizedMultiplier(acc, g[4+i], int(shift))) + int64(o.ZeroPoint)
	v = max(min(v, int64(o.Max)), int64(o.Min))
	return int8(v)
}

// GEMMBlocks is the microkernel without PackedGEMM's bookkeeping: four
// rows (ind: taps groups of four row pointers, each readable for
// kBlocks*16 bytes) times nBlocks blocks of four columns. Block j's weights
// are w[j*taps*kBlocks*64:] in PackedGEMM.Weights' layout and its
// requantization group params[16*j:] (bias, multiplier, left shift, right
// shift); row r's 4*nBlocks outputs go to c[r].
func GEMMBlocks(v Variant, ind []*int8, taps, kBlocks int, w []int8, params []int32, nBlocks int, c *[4]*int8, o Out) {
	_ = ind[4*taps-1]
	_ = w[nBlocks*taps*kBlocks*GEMMCols*GEMMDepth-1]
	_ = params[nBlocks*paramsPerGroup-1]
	switch v {
	case NEON:
		gemmNEON(&ind[0], taps, kBlocks, &w[0], &params[0], nBlocks, c[0], c[1], c[2], c[3], o.ZeroPoint, o.Min, o.Max)
	case Dot:
		gemmDot(&ind[0], taps, kBlocks, &w[0], &params[0], nBlocks, c[0], c[1], c[2], c[3], o.ZeroPoint, o.Min, o.Max)
	default:
		gemmGoBlocks(&ind[0], taps, kBlocks*GEMMDepth, kBlocks, &w[0], &params[0], nBlocks*GEMMCols, *c, o)
	}
}
