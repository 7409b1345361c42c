package amd64

// The pair-row depthwise paths: 3x3 windows at stride 1 along W (this
// file's kernel) and the windows of dw_rows.go (5x5, and stride 2 along
// W), without dilation or left shifts. They are the fast paths of
// DepthwiseInt8; dw.go's kernels remain for everything else.
//
// Each input row is widened once into a pair row: for every padded column
// j (column j-PadLeft of the image, InZeroPoint outside it) and block of
// 16 channels, the int16 pairs (x[j][c], x[j+1][c]) that VPMADDWD takes,
// 64 bytes per entry, blocks one after the other. An output row reads the
// pair rows of its three input rows (a ring of three in scratch, so at
// stride 1 every input row is widened once per Run call, not three times;
// rows outside the image read a shared row of zero points). Output pixel
// ox of row ky then needs five VPMADDWD per 8 channels:
//
//	P[ky=0..2][j]     x (w[ky][0], w[ky][1])    j = ox*StrideW
//	blend(P[0][j+2] even words, P[1][j+1] odd words) x (w[0][2], w[1][2])
//	P[2][j+2]         x (w[2][2], 0)
//
// (nine taps in ten multiply slots). Padding costs nothing: the border
// columns and rows hold the zero point, so every output pixel runs the
// same branch-free loop. Per block, the ten weight vectors stay in
// registers while the kernel walks the output row.
//
// The weights are doubled at pack time, so the multiply-adds give
// A = 2*(acc - bias') (exact: |acc| < 2^30 is required, d.small), and the
// requantization of a lane with multiplier m and right shift r is
//
//	h'' = hi32(A*m + Ke)                  Ke = 2*bias'*m + 2^31 + (thr-1)*2^32
//	q   = (h'' - [h'' > CMP]) >> r        CMP = thr - 2 (r >= 1), MinInt32 (r == 0)
//
// with thr = 2^(r-1) + ZeroPoint*2^r (ZeroPoint for r == 0). Then
// h'' = h + thr - 1 with h = hi32(2*acc*m + 2^31), which is
// SaturatingRoundingDoublingHighMul(acc, m) (no saturation: |acc| < 2^30),
// and RoundingDivideByPOT(h, r) rounds half away from zero, i.e. it is
// (h + 2^(r-1) - [h < 0]) >> r; adding ZeroPoint*2^r before the shift
// adds ZeroPoint after it. The comparison is h'' > thr - 2, i.e. h >= 0.
// That is 9 operations per 8 lanes (REQUANT8_FAST: 14, plus the bias and
// zero point adds); it needs |h| + |thr| + 3 < 2^31 (checked at pack
// time). Even and odd lanes' products land in the high dwords of two
// registers that VSHUFPS merges, which permutes lanes (0,2,1,3) within
// every four (dwPairRes); one VPSHUFB per two output pixels undoes it.
//
// The rows kernel of dw_rows.go shares the pair rows (built with a column
// step of StrideW: at stride 2 only the even columns' pairs), the ring of
// KH rows, the doubled weights and this requantization.
//
// When C is not a multiple of 16, the pair rows have one more block, after
// the full ones: the overlapping last block of dw.go, widened from
// channels [C-16, C) of the same pixels. The kernels run it in a second
// call of one block, with the pair-row pointers moved to it and the
// output to channel C-16; its stores rewrite the channels it shares with
// the last full block with the same values.

import (
	"math"
	"unsafe"
)

// dwPairEntry is the byte size of one pair-row entry: 16 channels of
// int16 pairs.
const dwPairEntry = 64

// dwPairMaxRows bounds the window rows of the pair-row paths (the ring of
// pair rows and the rows kernel's row table).
const dwPairMaxRows = 7

// dwPairBlockLen is the number of int32s of one block's constants:
//
//	[0:40)    lo half: five weight vectors of 8 int16 pairs: rows 0-2, the
//	          vertical pair (w[0][2], w[1][2]) and (w[2][2], 0)
//	[40:80)   the same for the hi half
//	[80:128)  lo half requantization: Ke of the even accumulator lanes (4
//	          int64), Ke of the odd ones, mult of the even lanes (at even
//	          positions, for VPMULDQ), mult of the odd ones, CMP, r
//	[128:176) the same for the hi half
const dwPairBlockLen = 176

// dwPairRqLen is the int32s of one half's requantization constants (the
// layout of [80:128) above).
const dwPairRqLen = 48

// dwPairAcc maps the accumulator lanes of the lo and hi halves to channels
// of a block (VPUNPCK[LH]WD interleave within 128-bit halves), and
// dwPairRes the result lanes of the requantization: VSHUFPS $0xDD puts
// accumulator lanes (0,2,1,3) of every four in result lanes (0,1,2,3).
// PACK16's narrowing then gives channels (0,2,1,3) of every four, which
// one VPSHUFB (dwPairShuffle<> in dw_pair_amd64.h) puts back in order.
var (
	dwPairAcc = [2][8]int{{0, 1, 2, 3, 8, 9, 10, 11}, {4, 5, 6, 7, 12, 13, 14, 15}}
	dwPairRes = [2][8]int{pairResLanes(dwPairAcc[0]), pairResLanes(dwPairAcc[1])} // {0, 2, 1, 3, 8, 10, 9, 11}, {4, 6, 5, 7, 12, 14, 13, 15}
)

// dwPairTaps are the taps (ky*3+kx) of the five weight pairs; -1 is a zero
// weight.
var dwPairTaps = [5][2]int{{0, 1}, {3, 4}, {6, 7}, {2, 5}, {8, -1}}

// dwPair is DepthwiseInt8's packing for the pair-row kernels.
type dwPair struct {
	packed   []int32 // allBlocks * blockLen
	blockLen int
	// pairs is the rows kernel's weight pairs per window row (dw_rows.go),
	// 0 for the 3x3 stride-1 kernel.
	pairs int
	kh    int // window rows: pair rows in the ring
	// colStep is the input columns from one entry to the next (StrideW):
	// entry j pairs padded columns j*colStep and j*colStep+1.
	colStep int
	entries int // pair-row entries per block
	// span is the entries' room per block (entries or more): a kernel may
	// read up to span entries, and the ones past entries hold garbage
	// that only feeds outputs it discards.
	span int
	// zpRow is the pair row of a row outside the image: span entries of
	// InZeroPoint pairs, read with a block stride of 0.
	zpRow []int16
	clamp [64]int8 // 32 x ActMin, then 32 x ActMax
}

// dwPairKernel is the signature of the 3x3 pair-row kernel (see
// dwConv3x3PairAVX2), dwRowsKernel that of the rows kernel (see
// dwRowsGeneric) and dwPairRowKernel that of the pair-row builder (see
// dwPairRowGeneric).
type (
	dwPairKernel    func(out *int8, r0, r1, r2 *int16, s0, s1, s2, count, blocks, outStep int, packed *int32, clamp *int8)
	dwRowsKernel    func(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8)
	dwPairRowKernel func(dst *int16, src *int8, n, blocks, c, step, blockStride int)
)

// packPair returns the pair-row packing, or nil when no pair-row kernel
// applies: dilation, a left shift or a right shift over 24 in some
// channel, accumulators that may reach 2^30, a rounding constant that does
// not fit, or a window neither kernel takes (see packRows).
func (d *DepthwiseInt8) packPair(filter []int8, bias []int32, inZP int32, mult, shift []int32) *dwPair {
	g := &d.g
	if g.DilationH != 1 || g.DilationW != 1 || !d.small || d.consts.AnyLeft != 0 || !d.pairRequantFits(filter, bias, shift) {
		return nil
	}
	if g.KH == 3 && g.KW == 3 && g.StrideW == 1 {
		return d.pack3x3Pair(filter, bias, inZP, mult, shift)
	}
	return d.packRows(filter, bias, inZP, mult, shift)
}

// pairThr is the rounding threshold of channel c: 2^(r-1) + ZeroPoint*2^r
// for a right shift r >= 1, ZeroPoint for r == 0.
func (d *DepthwiseInt8) pairThr(shift []int32, c int) int64 {
	zp := int64(d.consts.ZeroPoint)
	r := int64(-shift[c])
	if r == 0 {
		return zp
	}
	return 1<<(r-1) + zp<<r
}

// pairRequantFits reports whether every channel's requantization has the
// pair-row form: a right shift of 0-24 and |h| + |thr| + 3 < 2^31.
func (d *DepthwiseInt8) pairRequantFits(filter []int8, bias []int32, shift []int32) bool {
	for c := range d.g.C {
		if shift[c] > 0 || shift[c] < -24 {
			return false
		}
		bound := int64(0)
		if bias != nil {
			bound = int64(bias[c])
			bound = max(bound, -bound)
		}
		for _, v := range filter[c*d.taps:][:d.taps] {
			bound += 255 * int64(max(v, -v))
		}
		// |h| <= bound+1, plus |thr| and the sign correction.
		if t := d.pairThr(shift, c); bound+3+max(t, -t) >= 1<<31 {
			return false
		}
	}
	return true
}

// newPairRows returns a packing of blocks*blockLen constants for pair rows
// of entries entries (room for span) with a column step of colStep, its
// zero-point row and its clamp bounds.
func (d *DepthwiseInt8) newPairRows(blockLen, entries, span, colStep int, inZP int32) *dwPair {
	p := &dwPair{packed: make([]int32, d.allBlocks*blockLen), blockLen: blockLen, kh: d.g.KH, colStep: colStep, entries: entries, span: span}
	p.zpRow = make([]int16, p.span*dwPairEntry/2)
	for i := range p.zpRow {
		p.zpRow[i] = int16(inZP)
	}
	p.clamp = d.pairClamp()
	return p
}

// pairClamp is the clamp operand of the pair-row stores: 32 x ActMin,
// then 32 x ActMax.
func (d *DepthwiseInt8) pairClamp() (clamp [64]int8) {
	for i := range 32 {
		clamp[i], clamp[32+i] = int8(d.consts.ActMin), int8(d.consts.ActMax)
	}
	return clamp
}

// putPairRequant fills rq (dwPairRqLen int32s) with the requantization
// constants of half h of block b.
func (d *DepthwiseInt8) putPairRequant(rq []int32, h, b int, filter []int8, bias []int32, inZP int32, mult, shift []int32) {
	d.putPairRequantLanes(rq, dwPairAcc[h], b, filter, bias, inZP, mult, shift)
}

// pairResLanes maps the result lanes of DWP_REQUANT to the channels of a
// block, given the channels of its accumulator lanes: VSHUFPS $0xDD puts
// accumulator lanes (0,2,1,3) of every four in result lanes (0,1,2,3).
func pairResLanes(acc [8]int) (res [8]int) {
	for k := range res {
		res[k] = acc[k/4*4+[4]int{0, 2, 1, 3}[k%4]]
	}
	return res
}

// putPairRequantLanes is putPairRequant for a half whose accumulator lane
// i holds channel acc[i] of block b.
func (d *DepthwiseInt8) putPairRequantLanes(rq []int32, acc [8]int, b int, filter []int8, bias []int32, inZP int32, mult, shift []int32) {
	for i, lc := range acc {
		c := d.blockStart(b) + lc
		var sum int64
		for _, v := range filter[c*d.taps:][:d.taps] {
			sum += int64(v)
		}
		bias2 := -2 * int64(inZP) * sum
		if bias != nil {
			bias2 += 2 * int64(bias[c])
		}
		// Ke, modulo 2^64 like VPADDQ; VPMULDQ reads the even dwords: the
		// even accumulator lanes' multipliers, then (after VPSHUFD $0xF5)
		// the odd ones'.
		ke := uint64(bias2)*uint64(int64(mult[c])) + 1<<31 + uint64(d.pairThr(shift, c)-1)<<32
		q, odd := i/2, i%2
		rq[8*odd+2*q], rq[8*odd+2*q+1] = int32(uint32(ke)), int32(uint32(ke>>32))
		rq[16+8*odd+2*q], rq[16+8*odd+2*q+1] = mult[c], mult[c]
	}
	for k, lc := range pairResLanes(acc) {
		c := d.blockStart(b) + lc
		rq[32+k] = int32(d.pairThr(shift, c) - 2)
		if shift[c] == 0 {
			rq[32+k] = math.MinInt32
		}
		rq[40+k] = -shift[c]
	}
}

// pairWeights returns the int16 pair (2*w[t0], 2*w[t1]) of channel c's
// taps t0 and t1 as VPMADDWD reads it; t1 < 0 is a zero weight.
func (d *DepthwiseInt8) pairWeights(filter []int8, c, t0, t1 int) int32 {
	w := filter[c*d.taps:][:d.taps]
	lo := uint32(uint16(2 * int16(w[t0])))
	var hi uint32
	if t1 >= 0 {
		hi = uint32(uint16(2 * int16(w[t1])))
	}
	return int32(lo | hi<<16)
}

// pack3x3Pair packs the 3x3 stride-1 kernel (dwPairBlockLen per block).
func (d *DepthwiseInt8) pack3x3Pair(filter []int8, bias []int32, inZP int32, mult, shift []int32) *dwPair {
	g := &d.g
	entries := (g.OutW-1)*g.StrideW + 3
	p := d.newPairRows(dwPairBlockLen, entries, entries, 1, inZP)
	for b := range d.allBlocks {
		blk := p.packed[b*dwPairBlockLen:][:dwPairBlockLen]
		for h := range 2 {
			for i, lc := range dwPairAcc[h] {
				for t, pr := range dwPairTaps {
					blk[(5*h+t)*8+i] = d.pairWeights(filter, d.blockStart(b)+lc, pr[0], pr[1])
				}
			}
			d.putPairRequant(blk[80+dwPairRqLen*h:][:dwPairRqLen], h, b, filter, bias, inZP, mult, shift)
		}
	}
	return p
}

// pairRowBytes is the size of one pair row (allBlocks blocks).
func (d *DepthwiseInt8) pairRowBytes() int { return d.allBlocks * d.pair.span * dwPairEntry }

// pairPadPixels is the size in pixels of runPair's zero-point-padded copy
// of the columns of border entries: up to all columns the entries cover.
func (d *DepthwiseInt8) pairPadPixels() int { return (d.pair.entries-1)*d.pair.colStep + 2 }

// dwRowsTableBytes is the space of the rows kernel's row table (see
// dwRowsGeneric, 2*dwPairMaxRows words) at the start of runPair's
// scratch, a multiple of 64 so that the pair rows after it stay aligned
// (an entry's halves then never cross a cache line).
const dwRowsTableBytes = 128

// pairScratchBytes is the scratch runPair needs: 64-byte aligned, the
// rows kernel's row table, KH pair rows and the padded copy of border
// columns.
func (d *DepthwiseInt8) pairScratchBytes() int {
	return 64 + dwRowsTableBytes + d.pair.kh*d.pairRowBytes() + d.pairPadPixels()*d.g.C
}

// runPair computes output rows [lo, hi) with the pair-row kernels (conv
// for the 3x3 stride-1 packing, rows for the others); scratch has
// pairScratchBytes bytes.
func (d *DepthwiseInt8) runPair(k dwMicro, in, out []int8, scratch []byte, lo, hi int) {
	g := &d.g
	p := d.pair
	rowBytes := d.pairRowBytes()
	base := unsafe.Pointer(unsafe.SliceData(scratch))
	align := int((64 - uintptr(base)%64) % 64)
	// The row table is in scratch rather than on the stack: passed to a
	// kernel through a func value, a stack array would escape (an
	// allocation per call).
	table := (*[2 * dwPairMaxRows]uintptr)(unsafe.Add(base, align))
	rows := unsafe.Add(base, align+dwRowsTableBytes)
	pad := unsafe.Slice((*int8)(unsafe.Add(rows, p.kh*rowBytes)), d.pairPadPixels()*g.C)
	var slotRow [dwPairMaxRows]int
	for i := range slotRow {
		slotRow[i] = -1
	}
	blockStride := p.span * dwPairEntry
	// pairStep is the bytes from a pixel's entry of one weight pair to the
	// next pair's: two columns on, two entries at stride 1 and one at
	// stride 2.
	pairStep := 2 / p.colStep * dwPairEntry
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		var rp [dwPairMaxRows]unsafe.Pointer
		var rs [dwPairMaxRows]int // block stride of each row: 0 for the zero-point row
		for ky := range p.kh {
			iy := iy0 + ky
			if iy < 0 || iy >= g.InH {
				rp[ky] = unsafe.Pointer(&p.zpRow[0])
				continue
			}
			// At any stride, the KH rows of a window are KH consecutive
			// keys, so they sit in distinct slots.
			key := n*g.InH + iy
			slot := key % p.kh
			rp[ky], rs[ky] = unsafe.Add(rows, slot*rowBytes), blockStride
			if slotRow[slot] != key {
				d.buildPairRow(k.pairRow, (*int16)(rp[ky]), in, pad, n, iy)
				slotRow[slot] = key
			}
		}
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		// The overlapping last block's pair rows follow the full blocks'
		// (block index d.blocks), and its output starts at channel t.
		tail, t := d.tailBlock()
		if p.pairs == 0 {
			k.pair(&outRow[0], (*int16)(rp[0]), (*int16)(rp[1]), (*int16)(rp[2]), rs[0], rs[1], rs[2],
				g.OutW, d.blocks, g.C, &p.packed[0], &p.clamp[0])
			if tail {
				fb := d.blocks
				k.pair(&outRow[t], (*int16)(unsafe.Add(rp[0], fb*rs[0])), (*int16)(unsafe.Add(rp[1], fb*rs[1])), (*int16)(unsafe.Add(rp[2], fb*rs[2])),
					rs[0], rs[1], rs[2], g.OutW, 1, g.C, &p.packed[fb*p.blockLen], &p.clamp[0])
			}
		} else {
			// The table's pointers lead into scratch or zpRow, which the
			// caller keeps alive on the heap.
			for ky := range p.kh {
				table[ky], table[dwPairMaxRows+ky] = uintptr(rp[ky]), uintptr(rs[ky])
			}
			k.rows(&outRow[0], &table[0], p.kh, p.pairs, pairStep, g.OutW, d.blocks, g.C, &p.packed[0], &p.clamp[0])
			if tail {
				fb := d.blocks
				for ky := range p.kh {
					table[ky] = uintptr(unsafe.Add(rp[ky], fb*rs[ky]))
				}
				k.rows(&outRow[t], &table[0], p.kh, p.pairs, pairStep, g.OutW, 1, g.C, &p.packed[fb*p.blockLen], &p.clamp[0])
			}
		}
	}
}

// buildPairRow widens input row iy of image n into the pair row dst.
// Entries whose two columns are inside the image read the input directly;
// the others read pad, a copy of their columns with InZeroPoint outside
// the image.
func (d *DepthwiseInt8) buildPairRow(build dwPairRowKernel, dst *int16, in, pad []int8, n, iy int) {
	g := &d.g
	c := g.C
	entries, cs := d.pair.entries, d.pair.colStep
	blockStride := d.pair.span * dwPairEntry
	row := in[(n*g.InH+iy)*g.InW*c:][:g.InW*c]
	tail, t := d.tailBlock()
	// buildEntries builds entries [j0, j0+count) of every block from the
	// pixels at src: the full blocks', then the overlapping last block's
	// from channel t (block index d.blocks).
	buildEntries := func(j0 int, src []int8, count int) {
		e := unsafe.Add(unsafe.Pointer(dst), j0*dwPairEntry)
		build((*int16)(e), &src[0], count, d.blocks, c, cs*c, blockStride)
		if tail {
			build((*int16)(unsafe.Add(e, d.blocks*blockStride)), &src[t], count, 1, c, cs*c, blockStride)
		}
	}
	// Entry j covers image columns j*cs-PadLeft and j*cs+1-PadLeft: it is
	// inside the image for jA <= j < jB.
	jA := min((g.PadLeft+cs-1)/cs, entries)
	jB := jA
	if num := g.InW - 2 + g.PadLeft; num >= 0 {
		jB = min(max(num/cs+1, jA), entries)
	}
	border := func(j0, j1 int) {
		if j0 >= j1 {
			return
		}
		// Columns j0*cs-PadLeft .. (j1-1)*cs+1-PadLeft.
		for k := range (j1-1-j0)*cs + 2 {
			ix := j0*cs - g.PadLeft + k
			dstPx := pad[k*c:][:c]
			if ix < 0 || ix >= g.InW {
				d.fillZeroPoint(dstPx)
				continue
			}
			copy(dstPx, row[ix*c:][:c])
		}
		buildEntries(j0, pad, j1-j0)
	}
	border(0, jA)
	if jA < jB {
		buildEntries(jA, row[(jA*cs-g.PadLeft)*c:], jB-jA)
	}
	border(jB, entries)
}

// dwPairRowGeneric is the pure-Go twin of the pair-row builders: for each
// of blocks blocks of 16 channels (block b at dst + b*blockStride bytes)
// and each j < n, the entry at j*64 bytes holds the channels of pixels
// src+j*step and src+j*step+c interleaved as int16 pairs: the lo half (32
// bytes) channels dwPairAcc[0], the hi half dwPairAcc[1].
func dwPairRowGeneric(dst *int16, src *int8, n, blocks, c, step, blockStride int) {
	for b := range blocks {
		for j := range n {
			cur := unsafe.Add(unsafe.Pointer(src), j*step+b*dwBlock)
			next := unsafe.Add(cur, c)
			e := unsafe.Slice((*int16)(unsafe.Add(unsafe.Pointer(dst), b*blockStride+j*dwPairEntry)), dwPairEntry/2)
			for h := range 2 {
				for i, ch := range dwPairAcc[h] {
					e[16*h+2*i] = int16(*(*int8)(unsafe.Add(cur, ch)))
					e[16*h+2*i+1] = int16(*(*int8)(unsafe.Add(next, ch)))
				}
			}
		}
	}
}

// dwPairRequant is the pair-row requantization of one half, lane for lane
// (see DWP_REQUANT in dw_pair_amd64.h): acc holds the accumulator lanes,
// rq the half's dwPairRqLen constants, res receives the result lanes.
func dwPairRequant(acc *[8]int32, rq []int32, res []int32) {
	for k := range 8 {
		// VSHUFPS $0xDD: result lanes (0,2,1,3) of each 4.
		i := k/4*4 + [4]int{0, 2, 1, 3}[k%4]
		q, odd := i/2, i%2
		ke := uint64(uint32(rq[8*odd+2*q])) | uint64(uint32(rq[8*odd+2*q+1]))<<32
		e := uint64(int64(acc[i])*int64(rq[16+8*odd+2*q])) + ke
		hq := int32(e >> 32)
		if hq > rq[32+k] {
			hq++
		}
		res[k] = hq >> uint(rq[40+k])
	}
}

// dwPairStore narrows the result lanes of both halves of one pixel to
// int8 (VPACKSSDW, VPACKSSWB), clamps them and stores them in channel
// order at out.
func dwPairStore(out *int8, res *[16]int32, clamp *int8) {
	dwPairStoreLanes(out, res, clamp, &dwPairRes)
}

// dwPairStoreLanes is dwPairStore for result lanes that hold channels
// lanes[h][k] of the block.
func dwPairStoreLanes(out *int8, res *[16]int32, clamp *int8, lanes *[2][8]int) {
	cl := unsafe.Slice(clamp, 64)
	o := unsafe.Slice(out, dwBlock)
	for h := range 2 {
		for k, ch := range lanes[h] {
			v := sat(sat(res[8*h+k], -32768, 32767), -128, 127)
			o[ch] = int8(min(max(v, int32(cl[0])), int32(cl[32])))
		}
	}
}

// dwConv3x3PairGeneric is the pure-Go twin of dwConv3x3PairAVX2, lane for
// lane: for blocks blocks (r0-r2 advancing by s0-s2 bytes, out by 16) of
// count output pixels, r0-r2 at the first pixel's entry of the three pair
// rows (advancing by 64 bytes per pixel), out advancing by outStep.
func dwConv3x3PairGeneric(out *int8, r0, r1, r2 *int16, s0, s1, s2, count, blocks, outStep int, packed *int32, clamp *int8) {
	for b := range blocks {
		dwConv3x3PairBlock((*int8)(unsafe.Add(unsafe.Pointer(out), b*dwBlock)),
			(*int16)(unsafe.Add(unsafe.Pointer(r0), b*s0)), (*int16)(unsafe.Add(unsafe.Pointer(r1), b*s1)), (*int16)(unsafe.Add(unsafe.Pointer(r2), b*s2)),
			count, outStep, &unsafe.Slice(packed, blocks*dwPairBlockLen)[b*dwPairBlockLen], clamp)
	}
}

// dwConv3x3PairBlock is one block of dwConv3x3PairGeneric.
func dwConv3x3PairBlock(out *int8, r0, r1, r2 *int16, count, outStep int, packed *int32, clamp *int8) {
	const step = dwPairEntry
	blk := unsafe.Slice(packed, dwPairBlockLen)
	entry := func(r *int16, px, j int) []int16 {
		return unsafe.Slice((*int16)(unsafe.Add(unsafe.Pointer(r), px*step+j*dwPairEntry)), dwPairEntry/2)
	}
	madd := func(x []int16, w int32) int32 {
		return int32(x[0])*int32(int16(w)) + int32(x[1])*int32(int16(w>>16))
	}
	for px := range count {
		var res [16]int32
		for h := range 2 {
			var acc [8]int32
			for i := range 8 {
				pr := [5][]int16{
					entry(r0, px, 0)[16*h+2*i:][:2],
					entry(r1, px, 0)[16*h+2*i:][:2],
					entry(r2, px, 0)[16*h+2*i:][:2],
					{entry(r0, px, 2)[16*h+2*i], entry(r1, px, 1)[16*h+2*i+1]},
					entry(r2, px, 2)[16*h+2*i:][:2],
				}
				for t := range pr {
					acc[i] += madd(pr[t], blk[(5*h+t)*8+i])
				}
			}
			dwPairRequant(&acc, blk[80+dwPairRqLen*h:][:dwPairRqLen], res[8*h:][:8])
		}
		dwPairStore((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), &res, clamp)
	}
}
