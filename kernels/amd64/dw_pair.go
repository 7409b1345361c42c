package amd64

// The pair-row depthwise path: 3x3 windows without dilation, stride 1
// along W, no left shifts. It is the fast path of DepthwiseInt8; dw.go's kernels
// remain for everything else.
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

import (
	"math"
	"unsafe"
)

// dwPairEntry is the byte size of one pair-row entry: 16 channels of
// int16 pairs.
const dwPairEntry = 64

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

// dwPairAcc maps the accumulator lanes of the lo and hi halves to channels
// of a block (VPUNPCK[LH]WD interleave within 128-bit halves), and
// dwPairRes the result lanes of the requantization: VSHUFPS $0xDD puts
// accumulator lanes (0,2,1,3) of every four in result lanes (0,1,2,3).
// PACK16's narrowing then gives channels (0,2,1,3) of every four, which
// one VPSHUFB (dwPairShuffle<> in dw_pair_amd64.s) puts back in order.
var (
	dwPairAcc = [2][8]int{{0, 1, 2, 3, 8, 9, 10, 11}, {4, 5, 6, 7, 12, 13, 14, 15}}
	dwPairRes = [2][8]int{{0, 2, 1, 3, 8, 10, 9, 11}, {4, 6, 5, 7, 12, 14, 13, 15}}
)

// dwPairTaps are the taps (ky*3+kx) of the five weight pairs; -1 is a zero
// weight.
var dwPairTaps = [5][2]int{{0, 1}, {3, 4}, {6, 7}, {2, 5}, {8, -1}}

// dwPair is DepthwiseInt8's packing for the pair-row kernel.
type dwPair struct {
	packed  []int32 // blocks * dwPairBlockLen
	entries int     // pair-row entries per block: (OutW-1)*StrideW + 3
	// zpRow is the pair row of a row outside the image: entries entries of
	// InZeroPoint pairs, read with a block stride of 0.
	zpRow []int16
	clamp [64]int8 // 32 x ActMin, then 32 x ActMax
}

// dwPairKernel is the signature of the pair-row kernel (see
// dwConv3x3PairAVX2) and dwPairRowKernel that of the pair-row builder (see
// dwPairRowAVX2).
type (
	dwPairKernel    func(out *int8, r0, r1, r2 *int16, s0, s1, s2, count, blocks, outStep int, packed *int32, clamp *int8)
	dwPairRowKernel func(dst *int16, src *int8, n, blocks, c, blockStride int)
)

// packPair returns the pair-row packing, or nil when the kernel does not
// apply: a window other than 3x3, stride 2 along W, dilation, a left
// shift or r == 0 in some channel, accumulators that may reach 2^30, or a rounding constant that
// does not fit.
func (d *DepthwiseInt8) packPair(filter []int8, bias []int32, inZP int32, mult, shift []int32) *dwPair {
	g := &d.g
	// At stride 2 along W the pair rows cost about four entries per output
	// pixel and the path measured slower than dwConv3x3AVX2's.
	if g.KH != 3 || g.KW != 3 || g.StrideW != 1 || g.DilationH != 1 || g.DilationW != 1 || !d.small || d.consts.AnyLeft != 0 {
		return nil
	}
	zp := int64(d.consts.ZeroPoint)
	thr := func(c int) int64 {
		r := int64(-shift[c])
		if r == 0 {
			return zp
		}
		return 1<<(r-1) + zp<<r
	}
	for c := range g.C {
		if shift[c] > 0 || shift[c] < -24 {
			return nil
		}
		bound := int64(0)
		if bias != nil {
			bound = int64(bias[c])
			bound = max(bound, -bound)
		}
		for _, v := range filter[c*9:][:9] {
			bound += 255 * int64(max(v, -v))
		}
		// |h| <= bound+1, plus |thr| and the sign correction.
		if t := thr(c); bound+3+max(t, -t) >= 1<<31 {
			return nil
		}
	}
	p := &dwPair{packed: make([]int32, d.blocks*dwPairBlockLen), entries: (g.OutW-1)*g.StrideW + 3}
	p.zpRow = make([]int16, p.entries*dwPairEntry/2)
	for i := range p.zpRow {
		p.zpRow[i] = int16(inZP)
	}
	for i := range 32 {
		p.clamp[i], p.clamp[32+i] = int8(d.consts.ActMin), int8(d.consts.ActMax)
	}
	for b := range d.blocks {
		blk := p.packed[b*dwPairBlockLen:][:dwPairBlockLen]
		for h := range 2 {
			rq := blk[80+48*h:][:48]
			for i, lc := range dwPairAcc[h] {
				c := b*dwBlock + lc
				w := filter[c*9:][:9]
				var sum int64
				for _, v := range w {
					sum += int64(v)
				}
				bias2 := -2 * int64(inZP) * sum
				if bias != nil {
					bias2 += 2 * int64(bias[c])
				}
				for t, pr := range dwPairTaps {
					lo := uint32(uint16(2 * int16(w[pr[0]])))
					var hi uint32
					if pr[1] >= 0 {
						hi = uint32(uint16(2 * int16(w[pr[1]])))
					}
					blk[(5*h+t)*8+i] = int32(lo | hi<<16)
				}
				// Ke, modulo 2^64 like VPADDQ; VPMULDQ reads the even
				// dwords: the even accumulator lanes' multipliers, then
				// (after VPSHUFD $0xF5) the odd ones'.
				ke := uint64(bias2)*uint64(int64(mult[c])) + 1<<31 + uint64(thr(c)-1)<<32
				q, odd := i/2, i%2
				rq[8*odd+2*q], rq[8*odd+2*q+1] = int32(uint32(ke)), int32(uint32(ke>>32))
				rq[16+8*odd+2*q], rq[16+8*odd+2*q+1] = mult[c], mult[c]
			}
			for k, lc := range dwPairRes[h] {
				c := b*dwBlock + lc
				rq[32+k] = int32(thr(c) - 2)
				if shift[c] == 0 {
					rq[32+k] = math.MinInt32
				}
				rq[40+k] = -shift[c]
			}
		}
	}
	return p
}

// pairRowBytes is the size of one pair row (all blocks).
func (d *DepthwiseInt8) pairRowBytes() int { return d.blocks * d.pair.entries * dwPairEntry }

// pairScratchBytes is the scratch runPair needs: three pair rows, 64-byte
// aligned, and a zero-point-padded copy of up to entries+1 input pixels
// for the border entries.
func (d *DepthwiseInt8) pairScratchBytes() int {
	return 64 + 3*d.pairRowBytes() + (d.pair.entries+1)*d.g.C
}

// runPair computes output rows [lo, hi) with the pair-row kernels; scratch
// has pairScratchBytes bytes.
func (d *DepthwiseInt8) runPair(conv dwPairKernel, build dwPairRowKernel, in, out []int8, scratch []byte, lo, hi int) {
	g := &d.g
	p := d.pair
	rowBytes := d.pairRowBytes()
	base := unsafe.Pointer(unsafe.SliceData(scratch))
	align := int((64 - uintptr(base)%64) % 64)
	rows := unsafe.Add(base, align)
	pad := unsafe.Slice((*int8)(unsafe.Add(rows, 3*rowBytes)), (p.entries+1)*g.C)
	slotRow := [3]int{-1, -1, -1}
	blockStride := p.entries * dwPairEntry
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		var rp [3]unsafe.Pointer
		var rs [3]int // block stride of each row: 0 for the zero-point row
		for ky := range 3 {
			iy := iy0 + ky
			if iy < 0 || iy >= g.InH {
				rp[ky] = unsafe.Pointer(&p.zpRow[0])
				continue
			}
			key := n*g.InH + iy
			slot := key % 3
			rp[ky], rs[ky] = unsafe.Add(rows, slot*rowBytes), blockStride
			if slotRow[slot] != key {
				d.buildPairRow(build, (*int16)(rp[ky]), in, pad, n, iy)
				slotRow[slot] = key
			}
		}
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		conv(&outRow[0], (*int16)(rp[0]), (*int16)(rp[1]), (*int16)(rp[2]), rs[0], rs[1], rs[2],
			g.OutW, d.blocks, g.C, &p.packed[0], &p.clamp[0])
		d.referencePixels(in, outRow, n, iy0, 0, g.OutW)
	}
}

// buildPairRow widens input row iy of image n into the pair row dst.
// Entries whose two columns are inside the image read the input directly;
// the others read pad, a copy of their columns with InZeroPoint outside
// the image.
func (d *DepthwiseInt8) buildPairRow(build dwPairRowKernel, dst *int16, in, pad []int8, n, iy int) {
	g := &d.g
	c := g.C
	entries := d.pair.entries
	blockStride := entries * dwPairEntry
	row := in[(n*g.InH+iy)*g.InW*c:][:g.InW*c]
	// Entry j covers image columns j-PadLeft and j+1-PadLeft.
	jA := min(g.PadLeft, entries)
	jB := min(max(g.InW-1+g.PadLeft, jA), entries)
	border := func(j0, j1 int) {
		if j0 >= j1 {
			return
		}
		// Columns j0-PadLeft .. j1-PadLeft, j1-j0+1 of them.
		for k := range j1 - j0 + 1 {
			ix := j0 - g.PadLeft + k
			dstPx := pad[k*c:][:c]
			if ix < 0 || ix >= g.InW {
				d.fillZeroPoint(dstPx)
				continue
			}
			copy(dstPx, row[ix*c:][:c])
		}
		build((*int16)(unsafe.Add(unsafe.Pointer(dst), j0*dwPairEntry)), &pad[0], j1-j0, d.blocks, c, blockStride)
	}
	border(0, jA)
	if jA < jB {
		build((*int16)(unsafe.Add(unsafe.Pointer(dst), jA*dwPairEntry)), &row[(jA-g.PadLeft)*c], jB-jA, d.blocks, c, blockStride)
	}
	border(jB, entries)
}

// dwPairRowGeneric is the pure-Go twin of dwPairRowAVX2: for each of
// blocks blocks of 16 channels (block b at dst + b*blockStride bytes) and
// each j < n, the entry at j*64 bytes holds the channels of pixels src+j*c
// and src+(j+1)*c interleaved as int16 pairs: the lo half (32 bytes)
// channels dwPairAcc[0], the hi half dwPairAcc[1].
func dwPairRowGeneric(dst *int16, src *int8, n, blocks, c, blockStride int) {
	for b := range blocks {
		for j := range n {
			cur := unsafe.Add(unsafe.Pointer(src), j*c+b*dwBlock)
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
	cl := unsafe.Slice(clamp, 64)
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
			rq := blk[80+48*h:][:48]
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
				res[8*h+k] = hq >> uint(rq[40+k])
			}
		}
		o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), dwBlock)
		for h := range 2 {
			for k, ch := range dwPairRes[h] {
				v := sat(sat(res[8*h+k], -32768, 32767), -128, 127) // VPACKSSDW, VPACKSSWB
				o[ch] = int8(min(max(v, int32(cl[0])), int32(cl[32])))
			}
		}
	}
}
