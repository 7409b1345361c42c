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
// The weights and the bias are doubled at pack time, so the accumulator
// is A = 2*acc (exact: |acc| < 2^30 is required, d.small). The
// requantization is then, per lane,
//
//	h = hi32(A*m + 2^31)                  = SaturatingRoundingDoublingHighMul(acc, m)
//	q = (h + thr + (h >> 31)) >> r        = RoundingDivideByPOT(h, r) + ZeroPoint
//
// with thr = 2^(r-1) + ZeroPoint*2^r: RoundingDivideByPOT rounds half away
// from zero, i.e. (h + 2^(r-1) - [h < 0]) >> r for r >= 1, and adding
// ZeroPoint*2^r before the shift adds ZeroPoint after it. That is 10
// operations per 8 lanes instead of REQUANT8_FAST's 14 plus the zero
// point's add; it needs every r >= 1 and |h| + |thr| + 2 < 2^31
// (checked at pack time). Even and odd lanes' products land in the high
// dwords of two registers that VSHUFPS merges, which permutes lanes
// (0,2,1,3) within each 128-bit half; the pair rows are built with the
// matching channel order (dwPairAcc) so the result lanes come out in
// PACK16's order (dwLaneChannel).

import (
	"unsafe"
)

// dwPairEntry is the byte size of one pair-row entry: 16 channels of
// int16 pairs.
const dwPairEntry = 64

// dwPairBlockLen is the number of int32s of one block's constants:
//
//	[0:16)    2*bias' per accumulator lane (lo half, then hi half)
//	[16:96)   ten weight vectors of 8 int16 pairs: rows 0-2, the vertical
//	          pair (w[0][2], w[1][2]) and (w[2][2], 0), each lo then hi
//	[96:128)  requantization of the lo half: mult of the even accumulator
//	          lanes (at even positions), mult of the odd ones, thr, r
//	[128:160) the same for the hi half
const dwPairBlockLen = 160

// dwPairAcc maps the accumulator lanes of the lo and hi halves to channels
// of a block: VPUNPCK[LH]WD interleave within 128-bit halves, and the
// channel order within each group of four is (0,2,1,3) so that VSHUFPS
// $0xDD in the requantization puts the result lanes in dwLaneChannel
// order. dwPairShuffle is the byte shuffle of the 16 input channels that
// gives this order after VPMOVSXBW.
var (
	dwPairAcc     = [2][8]int{{0, 2, 1, 3, 8, 10, 9, 11}, {4, 6, 5, 7, 12, 14, 13, 15}}
	dwPairShuffle = [16]int{0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15}
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
	clamp [32]int8 // 16 x ActMin, then 16 x ActMax
}

// dwPairKernel is the signature of the pair-row kernel (see
// dwConv3x3PairAVX2) and dwPairRowKernel that of the pair-row builder (see
// dwPairRowAVX2).
type (
	dwPairKernel    func(out *int8, r0, r1, r2 *int16, count, step, outStep int, packed *int32, clamp *int8)
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
		return 1<<(r-1) + zp<<r
	}
	for c := range g.C {
		if shift[c] > -1 || shift[c] < -24 {
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
	for i := range 16 {
		p.clamp[i], p.clamp[16+i] = int8(d.consts.ActMin), int8(d.consts.ActMax)
	}
	res := [2][8]int{}
	copy(res[0][:], dwLaneChannel[:8])
	copy(res[1][:], dwLaneChannel[8:])
	for b := range d.blocks {
		blk := p.packed[b*dwPairBlockLen:][:dwPairBlockLen]
		for h := range 2 {
			rq := blk[96+32*h:][:32]
			for i, lc := range dwPairAcc[h] {
				c := b*dwBlock + lc
				w := filter[c*9:][:9]
				var sum, bc int32
				for _, v := range w {
					sum += int32(v)
				}
				if bias != nil {
					bc = bias[c]
				}
				blk[8*h+i] = 2 * (bc - inZP*sum) // wraps like the accumulator
				for t, pr := range dwPairTaps {
					lo := uint32(uint16(2 * int16(w[pr[0]])))
					var hi uint32
					if pr[1] >= 0 {
						hi = uint32(uint16(2 * int16(w[pr[1]])))
					}
					blk[16+(2*t+h)*8+i] = int32(lo | hi<<16)
				}
				// VPMULDQ reads the even dwords: the even accumulator lanes'
				// multipliers, then (after VPSHUFD $0xF5) the odd ones'.
				q := i / 2
				if i%2 == 0 {
					rq[2*q], rq[2*q+1] = mult[c], mult[c]
				} else {
					rq[8+2*q], rq[8+2*q+1] = mult[c], mult[c]
				}
			}
			for k, lc := range res[h] {
				c := b*dwBlock + lc
				rq[16+k] = int32(thr(c))
				rq[24+k] = -shift[c]
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
		for b := range d.blocks {
			conv(&outRow[b*dwBlock],
				(*int16)(unsafe.Add(rp[0], b*rs[0])), (*int16)(unsafe.Add(rp[1], b*rs[1])), (*int16)(unsafe.Add(rp[2], b*rs[2])),
				g.OutW, g.StrideW*dwPairEntry, g.C, &p.packed[b*dwPairBlockLen], &p.clamp[0])
		}
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
// and src+(j+1)*c shuffled by dwPairShuffle and interleaved as int16
// pairs: the lo half (32 bytes) channels dwPairAcc[0], the hi half
// dwPairAcc[1].
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
// lane: for count output pixels of one block, r0-r2 at the pixel's first
// entry of the three pair rows (advancing by step bytes), out advancing
// by outStep.
func dwConv3x3PairGeneric(out *int8, r0, r1, r2 *int16, count, step, outStep int, packed *int32, clamp *int8) {
	blk := unsafe.Slice(packed, dwPairBlockLen)
	cl := unsafe.Slice(clamp, 32)
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
				a := blk[8*h+i]
				for t := range pr {
					a += madd(pr[t], blk[16+(2*t+h)*8+i])
				}
				acc[i] = a
			}
			rq := blk[96+32*h:][:32]
			for k := range 8 {
				// VSHUFPS $0xDD: result lanes (0,2,1,3) of each 4.
				i := k/4*4 + [4]int{0, 2, 1, 3}[k%4]
				m := rq[i/2*2]
				if i%2 == 1 {
					m = rq[8+i/2*2]
				}
				hq := int32((int64(acc[i])*int64(m) + 1<<31) >> 32)
				q := (hq + rq[16+k] + hq>>31) >> uint(rq[24+k])
				res[8*h+k] = q
			}
		}
		o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), dwBlock)
		for k := range 8 {
			// PACK16's order: lo lanes are channels 0-3, 8-11; hi 4-7, 12-15.
			for h := range 2 {
				v := sat(sat(res[8*h+k], -32768, 32767), -128, 127) // VPACKSSDW, VPACKSSWB
				o[dwLaneChannel[8*h+k]] = int8(min(max(v, int32(cl[0])), int32(cl[16])))
			}
		}
	}
}
