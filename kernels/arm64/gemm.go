package arm64

import (
	"unsafe"

	"github.com/edgeinfer/edgeinfer/quant"
)

// paramsBytes is one requantization group in bytes.
const paramsBytes = paramsPerGroup * 4

// Run4 computes four output rows, all N columns: row r's input for tap t
// starts at ind[4*t+r] (len(ind) == 4*Taps) and row r's N outputs are
// written from c[r]. To compute fewer rows, repeat row 0's pointers: the
// duplicate rows write row 0's values again.
//
// The assembly variants read KBlocks*16 bytes from every input pointer
// (the bytes beyond TapDepth meet zero weights but must be readable); the
// Go variant reads TapDepth bytes.
func (p *PackedGEMM) Run4(v Variant, ind []*int8, c *[4]*int8, o Out) {
	_ = ind[4*p.Taps-1]
	full := p.N / GEMMCols
	blockBytes := p.Taps * p.KBlocks * GEMMCols * GEMMDepth
	if v == Go {
		gemmGoBlocks(&ind[0], p.Taps, p.TapDepth, p.KBlocks, &p.Weights[0], &p.Params[0], p.N, 0, 0, *c, o)
		return
	}
	if full > 0 {
		gemmAsm(v, &ind[0], p.Taps, p.KBlocks, &p.Weights[0], &p.Params[0], full, 0, 0, c, o)
	}
	if rest := p.N - full*GEMMCols; rest > 0 {
		// The last block writes four columns; only rest of them exist.
		var tile [4][GEMMCols]int8
		tc := [4]*int8{&tile[0][0], &tile[1][0], &tile[2][0], &tile[3][0]}
		gemmAsm(v, &ind[0], p.Taps, p.KBlocks, &p.Weights[full*blockBytes], &p.Params[full*paramsPerGroup], 1, 0, 0, &tc, o)
		for r := range tile {
			copy(unsafe.Slice(ptrAdd(c[r], full*GEMMCols), rest), tile[r][:rest])
		}
	}
}

// GEMMInterleaved runs the microkernel on blocks laid out as package
// kernels packs them: nBlocks consecutive blocks of blockBytes, each a
// header of headerBytes whose first 64 bytes are the requantization group
// (bias, multiplier, left shift, right shift; four int32 each), then the
// weights [kBlocks][4 columns][16]. The four A rows (one tap) are readable
// for kBlocks*16 bytes; row r's 4*nBlocks outputs go to c[r].
func GEMMInterleaved(v Variant, rows *[4]*int8, kBlocks int, blocks []byte, headerBytes, nBlocks int, c *[4]*int8, o Out) {
	if nBlocks <= 0 {
		return
	}
	blockBytes := headerBytes + kBlocks*GEMMCols*GEMMDepth
	_ = blocks[nBlocks*blockBytes-1]
	w := (*int8)(unsafe.Pointer(&blocks[headerBytes]))
	params := (*int32)(unsafe.Pointer(&blocks[0]))
	if v == Go {
		gemmGoBlocks(&rows[0], 1, kBlocks*GEMMDepth, kBlocks, w, params, nBlocks*GEMMCols, headerBytes, blockBytes-paramsBytes, *c, o)
		return
	}
	gemmAsm(v, &rows[0], 1, kBlocks, w, params, nBlocks, headerBytes, blockBytes-paramsBytes, c, o)
}

func gemmAsm(v Variant, ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int, c *[4]*int8, o Out) {
	if v == Dot {
		gemmDot(ind, taps, kBlocks, w, params, nBlocks, wSkip, pSkip, c[0], c[1], c[2], c[3], o.ZeroPoint, o.Min, o.Max)
		return
	}
	gemmNEON(ind, taps, kBlocks, w, params, nBlocks, wSkip, pSkip, c[0], c[1], c[2], c[3], o.ZeroPoint, o.Min, o.Max)
}

// gemmGoBlocks is the Go twin of gemmNEON/gemmDot for the first n columns
// (ceil(n/4) column blocks), except that it reads tapDepth bytes per input
// pointer and writes only columns below n. Block j's weights are at
// w + j*(taps*kBlocks*64 + wSkip) and its requantization group at
// params + j*(64 + pSkip) bytes.
func gemmGoBlocks(ind **int8, taps, tapDepth, kBlocks int, w *int8, params *int32, n, wSkip, pSkip int, c [4]*int8, o Out) {
	nBlocks := (n + GEMMCols - 1) / GEMMCols
	rows := unsafe.Slice(ind, 4*taps)
	blockW := taps * kBlocks * GEMMCols * GEMMDepth
	for nb := 0; nb < nBlocks; nb++ {
		ws := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(w), nb*(blockW+wSkip))), blockW)
		g := unsafe.Slice((*int32)(unsafe.Add(unsafe.Pointer(params), nb*(paramsBytes+pSkip))), paramsPerGroup)
		var acc [4][GEMMCols]int32
		for t := 0; t < taps; t++ {
			for r := 0; r < 4; r++ {
				x := unsafe.Slice(rows[4*t+r], tapDepth)
				for kb := 0; kb < kBlocks; kb++ {
					blk := ws[(t*kBlocks+kb)*GEMMCols*GEMMDepth:]
					for col := 0; col < GEMMCols; col++ {
						wc := blk[col*GEMMDepth:][:GEMMDepth]
						for j := 0; j < GEMMDepth && kb*GEMMDepth+j < tapDepth; j++ {
							acc[r][col] += int32(wc[j]) * int32(x[kb*GEMMDepth+j])
						}
					}
				}
			}
		}
		for r := 0; r < 4; r++ {
			for col := 0; col < GEMMCols && nb*GEMMCols+col < n; col++ {
				*ptrAdd(c[r], nb*GEMMCols+col) = requantLane(acc[r][col], g, col, o)
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
