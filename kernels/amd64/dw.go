package amd64

// Depthwise int8 convolution (channel multiplier 1, any window, stride and
// dilation) over NHWC with weights packed at load time.
//
// Every microkernel computes, for count output pixels, blocks of 16
// channels:
//
//	acc[c] = packedBias[c] + sum over taps t of int32(x[t][c]) * int32(w[c][t])
//	out[c] = requant(acc[c])      (requant.go)
//
// with packedBias[c] = bias[c] - InZeroPoint*sum_t w[c][t]: since every tap
// of the window is read (in bounds, or a padding value equal to
// InZeroPoint), this is the reference's bias + sum w*(x - zp) modulo 2^32,
// i.e. the same int32 accumulator. Taps go in pairs: the two taps' inputs,
// sign-extended to int16 (VPMOVSXBW), are interleaved (VPUNPCK[LH]WD) and
// multiplied by interleaved weight pairs with VPMADDWD, which adds the two
// products exactly into int32 (|x*w| <= 128*128). An odd tap count pairs the
// last tap with a zero weight.
//
// 3x3 windows at stride 1 along W and 5x5 at stride 1 or 2, without
// dilation or left shifts, take the pair-row paths
// (dw_pair.go, dw_rows.go): every input row is widened once per Run call
// into the VPMADDWD pairs of adjacent columns, padding is rows and columns
// of zero points, and branch-free kernels walk each output row with a
// cheaper requantization. Otherwise:
//
// The kernels: dwConvAVX2 (dw_amd64.s, twin dwConvGeneric) reads the tap
// offsets from a table and handles any window and left shifts;
// dwConv3x3AVX2/dwConv5x5AVX2 (dw_kxk_amd64.s) unroll 3x3 and 5x5 with
// addresses from two strides; dwConv3x3S1x2AVX2 (dw_3x3s1_amd64.s) does
// two 3x3 stride-1 pixels at a time on vertically paired taps;
// dwConv3x3S2x4AVX2 (dw_3x3s2.go) four 3x3 pixels at stride 2 along W,
// widening each input column once. The unrolled ones use REQUANT8_FAST
// (dwConv3x3S2x4AVX2 the pair-row requantization), so they run when no
// channel has a left shift and every accumulator is below 2^30 (checked
// here at pack time).
//
// Pixels whose window is entirely inside the image run straight from the
// input. For the unrolled kernels the others (the border) run as strips:
// the KH input rows of a run of border pixels are copied into scratch with
// InZeroPoint where the window leaves the image, and the kernel runs on the
// copy; the tap-table kernel copies each border pixel's window the same
// way.
//
// When C is not a multiple of 16 (ShuffleNetV2's 24, 58, 116, 232), one
// more block covers channels [C-16, C): it overlaps the last full block
// (C >= 16), and its constants are packed from those channels, so every
// kernel runs it as a block of 16 like the others, with its input, output
// and pair-row pointers moved to channel C-16 (see tailBlock). It
// recomputes the overlapped channels with the same values, and neither
// reads nor writes outside the pixel's channels.

import (
	"fmt"
	"unsafe"
)

// DepthwiseGeom mirrors kernels.ConvGeom for a depthwise convolution with
// channel multiplier 1 (InC == OutC == Groups == C).
type DepthwiseGeom struct {
	N, InH, InW, C       int
	OutH, OutW           int
	KH, KW               int
	StrideH, StrideW     int
	DilationH, DilationW int
	PadTop, PadLeft      int
}

// dwBlock is the number of channels of one microkernel block.
const dwBlock = 16

// dwLaneChannel maps accumulator lanes to channels within a block: lanes
// 0-7 (the first ymm) hold channels 0-3 and 8-11, lanes 8-15 channels 4-7
// and 12-15, because VPUNPCK[LH]WD interleave within 128-bit halves. The
// packed weights, biases and requantization groups follow this order, and
// VPACKSSDW of the two accumulators restores channel order.
var dwLaneChannel = [dwBlock]int{0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15}

// dwMaxWindowChunk bounds the channels of one border window copy, and
// dwMaxTaps the window (11x11), so the copy stays under 32 KB.
const (
	dwMaxWindowChunk = 256
	dwMaxTaps        = 121
)

// DepthwiseInt8 is a depthwise convolution packed for the microkernel.
// It is read-only after PackDepthwiseInt8, so concurrent Run calls share it.
type DepthwiseInt8 struct {
	g      DepthwiseGeom
	taps   int // KH*KW
	pairs  int // ceil(taps/2)
	blocks int // C / 16, the full blocks
	// allBlocks is blocks, plus the overlapping last block when C % 16 !=
	// 0 (see blockStart): every packing holds allBlocks blocks.
	allBlocks int
	// packed holds, per block of 16 channels, blockLen int32s: 16 packed
	// biases, pairs*16 weight pairs (int16 of the even tap in the low
	// half), then two requantization groups (rqGroupLen each), all in
	// dwLaneChannel order.
	packed   []int32
	blockLen int
	// tapsIn and tapsWin are the byte offsets of the 2*pairs taps from the
	// window origin (tap (0,0), channel 0) in the input and in the border
	// window copy; the padding tap of an odd count repeats the last tap.
	tapsIn, tapsWin []int64
	winStride       int    // channels per tap in the window copy
	zpRow           []int8 // winStride copies of InZeroPoint, the window's padding
	consts          RequantConsts
	// small reports that every accumulator is below 2^30 in magnitude
	// (|bias| + 255*sum|w| per channel), which REQUANT8_FAST needs.
	small bool

	// packedS1 is the packing of dwConv3x3S1x2AVX2 (3x3, stride 1 along W,
	// no dilation; nil otherwise): six pairs, taps (0,k) and (1,k) for
	// k = 0..2, then (2,k) with a zero weight.
	packedS1 []int32

	// packedS2 is the packing of dwConv3x3S2x4AVX2 (dw_3x3s2.go; nil when
	// it does not apply) and clampS2x4 its clamp operand.
	packedS2  []int32
	clampS2x4 [64]int8

	// pair is the packing of the pair-row kernels (dw_pair.go), nil when
	// they do not apply.
	pair *dwPair

	// pw is the packing of the pointwise path (dw_pointwise.go), nil when
	// it does not apply.
	pw *dwPointwise

	// The original operands and their requantization in channel order,
	// for border pixels computed without scratch.
	filter []int8
	bias   []int32
	inZP   int32
	rq     *RequantTable
}

// PackDepthwiseInt8 packs a depthwise convolution: filter [C][KH][KW],
// bias [C] (nil: zero), per-channel mult/shift, as in kernels.Conv2DInt8
// with Groups == InC == OutC. It fails (and the caller keeps the reference
// kernel) when the geometry or the constants are outside what the
// microkernel supports: fewer than 16 channels, negative padding, a window
// larger than 121 taps, shifts outside [-31, 30], an activation range
// outside int8.
func PackDepthwiseInt8(g DepthwiseGeom, filter []int8, bias []int32, inZP int32, mult, shift []int32, outZP, actMin, actMax int32) (*DepthwiseInt8, error) {
	taps := g.KH * g.KW
	switch {
	case g.C < dwBlock:
		return nil, fmt.Errorf("amd64: depthwise over %d channels: the microkernel needs at least %d", g.C, dwBlock)
	case g.PadTop < 0 || g.PadLeft < 0 || g.StrideH < 1 || g.StrideW < 1 || g.DilationH < 1 || g.DilationW < 1:
		return nil, fmt.Errorf("amd64: depthwise geometry %+v has a negative pad or a non-positive stride/dilation", g)
	case taps < 1 || taps > dwMaxTaps:
		return nil, fmt.Errorf("amd64: depthwise window %dx%d is not supported", g.KH, g.KW)
	case len(filter) != g.C*taps || (bias != nil && len(bias) != g.C) || len(mult) != g.C:
		return nil, fmt.Errorf("amd64: depthwise operands have %d weights, %d biases, %d multipliers for %d channels of %d taps", len(filter), len(bias), len(mult), g.C, taps)
	}
	d := &DepthwiseInt8{
		g: g, taps: taps, pairs: (taps + 1) / 2, blocks: g.C / dwBlock, allBlocks: (g.C + dwBlock - 1) / dwBlock,
		filter: filter, bias: bias, inZP: inZP,
		consts: newRequantConsts(shift, outZP, actMin, actMax),
	}
	var err error
	if d.rq, err = NewRequantTable(mult, shift, outZP, actMin, actMax); err != nil {
		return nil, err
	}
	d.blockLen = dwBlock + d.pairs*dwBlock + 2*rqGroupLen
	d.winStride = min(d.blocks*dwBlock, dwMaxWindowChunk)
	d.small = true
	for c := range g.C {
		bound := int64(0)
		if bias != nil {
			bound = int64(bias[c])
			bound = max(bound, -bound)
		}
		for _, v := range filter[c*taps:][:taps] {
			bound += 255 * int64(max(v, -v))
		}
		d.small = d.small && bound < 1<<30
	}
	d.zpRow = make([]int8, max(d.winStride, 1024))
	for i := range d.zpRow {
		d.zpRow[i] = int8(inZP)
	}
	rowPairs := make([][2]int, d.pairs)
	for p := range rowPairs {
		rowPairs[p] = [2]int{2 * p, 2*p + 1}
		if 2*p+1 >= taps {
			rowPairs[p][1] = -1
		}
	}
	d.packed = d.packBlocks(rowPairs, filter, bias, inZP, mult, shift)
	if g.KH == 3 && g.KW == 3 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1 {
		// dwConv3x3S1x2AVX2's vertical pairs: (0,k) with (1,k), then (2,k).
		d.packedS1 = d.packBlocks([][2]int{{0, 3}, {1, 4}, {2, 5}, {6, -1}, {7, -1}, {8, -1}}, filter, bias, inZP, mult, shift)
	}
	d.pair = d.packPair(filter, bias, inZP, mult, shift)
	d.pw = d.packPointwise(filter, bias, inZP, mult, shift)
	d.packedS2 = d.packS2x4(filter, bias, inZP, mult, shift)
	d.tapsIn = make([]int64, 2*d.pairs)
	d.tapsWin = make([]int64, 2*d.pairs)
	for i := range d.tapsIn {
		t := min(i, taps-1)
		ky, kx := t/g.KW, t%g.KW
		d.tapsIn[i] = int64((ky*g.DilationH*g.InW + kx*g.DilationW) * g.C)
		d.tapsWin[i] = int64(t * d.winStride)
	}
	return d, nil
}

// blockStart is the first channel of block b: 16*b, and C-16 for the
// overlapping last block.
func (d *DepthwiseInt8) blockStart(b int) int { return min(b*dwBlock, d.g.C-dwBlock) }

// tailBlock reports whether d has the overlapping last block, and its
// first channel.
func (d *DepthwiseInt8) tailBlock() (ok bool, c0 int) {
	return d.allBlocks > d.blocks, d.g.C - dwBlock
}

// packBlocks packs the filter for a microkernel whose p-th tap pair
// multiplies taps pairs[p][0] and pairs[p][1] (-1: a zero weight), per
// block of 16 channels: the folded biases, the interleaved weight pairs
// and the two requantization groups, in dwLaneChannel order (allBlocks
// blocks).
func (d *DepthwiseInt8) packBlocks(pairs [][2]int, filter []int8, bias []int32, inZP int32, mult, shift []int32) []int32 {
	blockLen := dwBlock + len(pairs)*dwBlock + 2*rqGroupLen
	packed := make([]int32, d.allBlocks*blockLen)
	for b := range d.allBlocks {
		blk := packed[b*blockLen:][:blockLen]
		for lane, lc := range dwLaneChannel {
			c := d.blockStart(b) + lc
			w := filter[c*d.taps:][:d.taps]
			var sum, bc int32
			for _, v := range w {
				sum += int32(v)
			}
			if bias != nil {
				bc = bias[c]
			}
			blk[lane] = bc - inZP*sum
			tap := func(t int) uint32 {
				if t < 0 {
					return 0
				}
				return uint32(uint16(int16(w[t])))
			}
			for p, pr := range pairs {
				blk[dwBlock+p*dwBlock+lane] = int32(tap(pr[0]) | tap(pr[1])<<16)
			}
			rq := blk[dwBlock+len(pairs)*dwBlock+lane/8*rqGroupLen:][:rqGroupLen]
			putRequantGroup(rq, lane%8, mult[c], shift[c])
		}
	}
	return packed
}

// Units is N*OutH, the reference kernel's work units (output rows).
func (d *DepthwiseInt8) Units() int { return d.g.N * d.g.OutH }

// MinRowsPerCall is the fewest output rows a Run call should get: 2 when
// the pair-row kernels serve d (see run: one row falls back to the tap
// kernels), else 1.
func (d *DepthwiseInt8) MinRowsPerCall() int {
	if d.pair != nil {
		return 2
	}
	return 1
}

// ScratchBytes is the scratch one Run call needs: one border window of
// up to winStride channels, or, for the unrolled kernels, one border strip
// (see stripRun) as wide as an output row's windows, or the pair rows of
// the pair-row kernels (see runPair).
func (d *DepthwiseInt8) ScratchBytes() int {
	n := max(d.taps*d.winStride, d.g.KH*d.stripWidth(0, d.g.OutW)*d.g.C)
	if d.pair != nil {
		n = max(n, d.pairScratchBytes())
	}
	return n
}

// stripWidth is the number of input columns the windows of output pixels
// [x0, x1) of a row span.
func (d *DepthwiseInt8) stripWidth(x0, x1 int) int {
	return (x1-1-x0)*d.g.StrideW + (d.g.KW-1)*d.g.DilationW + 1
}

// dwKernel is the microkernel signature (see dwConvAVX2); dwKernelKxK is
// that of the unrolled ones, which form the tap addresses from a row and a
// column stride (see dwConv3x3AVX2).
type (
	dwKernel    func(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, taps *int64, pairs int, c *RequantConsts)
	dwKernelKxK func(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)
	// dwKernelS2x4 is the signature of dwConv3x3S2x4AVX2.
	dwKernelS2x4 func(out, in *int8, groups, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, clamp *int8)
)

// dwMicro is the microkernel a run uses: kxk when non-nil, else taps;
// with s1x2 as well, pairs of pixels go to s1x2 (on packedS1) and an odd
// last pixel to kxk; with s2x4 and packedS2, groups of four pixels at
// stride 2 go to s2x4 and the last count%4 to kxk. When pair, rows and pairRow are set and the layer
// has a pair packing, the pair-row kernels take the whole run instead, and
// pointwise does when it is set and the layer has a pointwise packing.
type dwMicro struct {
	taps    dwKernel
	kxk     dwKernelKxK
	s1x2    dwKernelKxK
	s2x4    dwKernelS2x4
	pair    dwPairKernel
	rows    dwRowsKernel
	pairRow dwPairRowKernel
	// pointwise takes the whole run of a layer with a pointwise packing.
	pointwise dwPointwiseKernel
}

// call runs the microkernel over count pixels and blocks blocks from
// block b0, reading the input (window false) or the border window copy.
func (d *DepthwiseInt8) call(m dwMicro, out, in *int8, count, inStep, outStep, b0, blocks int, window bool) {
	packed := &d.packed[b0*d.blockLen]
	if m.kxk != nil {
		rowStride, colStride := d.g.DilationH*d.g.InW*d.g.C, d.g.DilationW*d.g.C
		if window {
			rowStride, colStride = d.g.KW*d.winStride, d.winStride
		}
		if m.s1x2 != nil && inStep == colStride && count >= 2 {
			s1Len := d.blockLen + dwBlock
			m.s1x2(out, in, count/2, inStep, outStep, &d.packedS1[b0*s1Len], blocks, rowStride, colStride, &d.consts)
			if count%2 == 0 {
				return
			}
			out = (*int8)(unsafe.Add(unsafe.Pointer(out), (count-1)*outStep))
			in = (*int8)(unsafe.Add(unsafe.Pointer(in), (count-1)*inStep))
			count = 1
		}
		if m.s2x4 != nil && d.packedS2 != nil && inStep == 2*colStride && count >= 4 {
			m.s2x4(out, in, count/4, inStep, outStep, &d.packedS2[b0*2*rowsHalfLen(3, 2)], blocks, rowStride, colStride, &d.clampS2x4[0])
			if count%4 == 0 {
				return
			}
			done := count / 4 * 4
			out = (*int8)(unsafe.Add(unsafe.Pointer(out), done*outStep))
			in = (*int8)(unsafe.Add(unsafe.Pointer(in), done*inStep))
			count %= 4
		}
		m.kxk(out, in, count, inStep, outStep, packed, blocks, rowStride, colStride, &d.consts)
		return
	}
	taps := &d.tapsIn[0]
	if window {
		taps = &d.tapsWin[0]
	}
	m.taps(out, in, count, inStep, outStep, packed, blocks, taps, d.pairs, &d.consts)
}

// RunGeneric computes output rows [lo, hi) with the pure-Go microkernel.
func (d *DepthwiseInt8) RunGeneric(in, out []int8, scratch []byte, lo, hi int) {
	d.run(dwMicro{taps: dwConvGeneric, pair: dwConv3x3PairGeneric, rows: dwRowsGeneric, pairRow: dwPairRowGeneric, pointwise: dwPointwiseGeneric}, in, out, scratch, lo, hi)
}

// fastRequant reports whether REQUANT8_FAST applies: no left shift, and
// every accumulator below 2^30.
func (d *DepthwiseInt8) fastRequant() bool { return d.consts.AnyLeft == 0 && d.small }

// interior returns the output columns [a, b) whose windows lie inside the
// image horizontally.
func (d *DepthwiseInt8) interior() (a, b int) {
	g := &d.g
	a = min((g.PadLeft+g.StrideW-1)/g.StrideW, g.OutW)
	if num := g.InW - 1 + g.PadLeft - (g.KW-1)*g.DilationW; num >= 0 {
		b = min(num/g.StrideW+1, g.OutW)
	}
	return a, max(a, b)
}

func (d *DepthwiseInt8) run(k dwMicro, in, out []int8, scratch []byte, lo, hi int) {
	if k.pointwise != nil && d.pw != nil {
		d.runPointwise(k.pointwise, in, out, lo, hi)
		return
	}
	// A call of one output row would widen KH input rows for it (the ring
	// starts empty every call): measured on MobileNetV2's layers, the tap
	// kernels are then as fast or faster (on EfficientNet-B0's 5x5 layers
	// the rows kernel in one-row calls ran 0.86-1.12x of them); from two
	// rows on the pair rows win.
	if k.pairRow != nil && d.pair != nil && hi-lo >= 2 && len(scratch) >= d.pairScratchBytes() {
		d.runPair(k, in, out, scratch, lo, hi)
		return
	}
	g := &d.g
	oxA, oxB := d.interior()
	var win []int8
	if len(scratch) >= d.ScratchBytes() {
		win = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(scratch))), d.ScratchBytes())
	}
	strips := win != nil && k.kxk != nil
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		rowIn := iy0 >= 0 && iy0+(g.KH-1)*g.DilationH < g.InH
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		a, b := oxA, oxB
		if !rowIn {
			a, b = g.OutW, g.OutW
		}
		if a < b {
			ix0 := a*g.StrideW - g.PadLeft
			base := ((n*g.InH+iy0)*g.InW + ix0) * g.C
			// The last tap of the last pixel ends inside in: the window of
			// pixel b-1 is in bounds, and blocks cover channels < C.
			d.call(k, &outRow[a*g.C], &in[base], b-a, g.StrideW*g.C, g.C, 0, d.blocks, false)
			if ok, t := d.tailBlock(); ok {
				d.call(k, &outRow[a*g.C+t], &in[base+t], b-a, g.StrideW*g.C, g.C, d.blocks, 1, false)
			}
		}
		if strips {
			if a >= b {
				a, b = 0, 0 // the whole row is one strip
			}
			if a > 0 {
				d.stripRun(k, in, outRow, win, n, iy0, 0, a)
			}
			if b < g.OutW {
				d.stripRun(k, in, outRow, win, n, iy0, b, g.OutW)
			}
			continue
		}
		for ox := 0; ox < g.OutW; ox++ {
			if ox == a && a < b {
				ox = b - 1
				continue
			}
			d.borderPixel(k, in, outRow[ox*g.C:][:g.C], win, n, iy0, ox*g.StrideW-g.PadLeft)
		}
	}
}

// stripRun computes output pixels [x0, x1) of a row whose windows leave the
// image, with an unrolled kernel: it copies the KH input rows of their
// windows (columns spanning stripWidth, InZeroPoint outside the image)
// into strip, one row after the other, and runs the kernel on the copy.
func (d *DepthwiseInt8) stripRun(k dwMicro, in, outRow, strip []int8, n, iy0, x0, x1 int) {
	g := &d.g
	c := g.C
	w := d.stripWidth(x0, x1)
	ixS := x0*g.StrideW - g.PadLeft
	colLo, colHi := min(max(0, -ixS), w), max(min(w, g.InW-ixS), 0)
	for ky := range g.KH {
		dst := strip[ky*w*c:][:w*c]
		iy := iy0 + ky*g.DilationH
		if iy < 0 || iy >= g.InH || colLo >= colHi {
			d.fillZeroPoint(dst)
			continue
		}
		d.fillZeroPoint(dst[:colLo*c])
		copy(dst[colLo*c:colHi*c], in[((n*g.InH+iy)*g.InW+ixS+colLo)*c:])
		d.fillZeroPoint(dst[colHi*c:])
	}
	k.kxk(&outRow[x0*c], &strip[0], x1-x0, g.StrideW*c, c, &d.packed[0], d.blocks, w*c, g.DilationW*c, &d.consts)
	if ok, t := d.tailBlock(); ok {
		k.kxk(&outRow[x0*c+t], &strip[t], x1-x0, g.StrideW*c, c, &d.packed[d.blocks*d.blockLen], 1, w*c, g.DilationW*c, &d.consts)
	}
}

// fillZeroPoint sets dst to InZeroPoint.
func (d *DepthwiseInt8) fillZeroPoint(dst []int8) {
	for len(dst) > 0 {
		dst = dst[copy(dst, d.zpRow):]
	}
}

// borderPixel computes one output pixel whose window leaves the image:
// chunk by chunk, it copies the window into win (InZeroPoint outside the
// image) and runs the microkernel on the copy. Without scratch (win nil)
// the whole pixel uses the reference formula.
func (d *DepthwiseInt8) borderPixel(k dwMicro, in, o, win []int8, n, iy0, ix0 int) {
	if win == nil {
		d.referencePixel(in, o, n, iy0, ix0, 0)
		return
	}
	c16 := d.blocks * dwBlock
	for c0 := 0; c0 < c16; c0 += d.winStride {
		d.windowChunk(k, in, o, win, n, iy0, ix0, c0, min(d.winStride, c16-c0), c0/dwBlock)
	}
	if ok, t := d.tailBlock(); ok {
		d.windowChunk(k, in, o, win, n, iy0, ix0, t, dwBlock, d.blocks)
	}
}

// windowChunk computes channels [c0, c0+cl) of a border pixel, blocks
// from b0: it copies their window into win and runs the microkernel on
// the copy.
func (d *DepthwiseInt8) windowChunk(k dwMicro, in, o, win []int8, n, iy0, ix0, c0, cl, b0 int) {
	g := &d.g
	for t := range d.taps {
		iy, ix := iy0+t/g.KW*g.DilationH, ix0+t%g.KW*g.DilationW
		dst := win[t*d.winStride:][:cl]
		if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
			d.fillZeroPoint(dst)
			continue
		}
		copy(dst, in[((n*g.InH+iy)*g.InW+ix)*g.C+c0:][:cl])
	}
	d.call(k, &o[c0], &win[0], 1, 0, 0, b0, cl/dwBlock, true)
}

// referencePixel computes channels [c0, C) of one output pixel with the
// reference kernel's formula (in-bounds taps only, bias, requantization).
func (d *DepthwiseInt8) referencePixel(in, o []int8, n, iy0, ix0, c0 int) {
	g := &d.g
	for c := c0; c < g.C; c++ {
		w := d.filter[c*d.taps:][:d.taps]
		var a int32
		for t, wv := range w {
			iy, ix := iy0+t/g.KW*g.DilationH, ix0+t%g.KW*g.DilationW
			if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
				continue
			}
			a += int32(wv) * (int32(in[((n*g.InH+iy)*g.InW+ix)*g.C+c]) - d.inZP)
		}
		if d.bias != nil {
			a += d.bias[c]
		}
		o[c] = requantLane(a, d.rq.Groups[c/8*rqGroupLen:][:rqGroupLen], c%8, &d.rq.Consts)
	}
}

// dwConvGeneric is the pure-Go twin of dwConvAVX2, lane for lane.
func dwConvGeneric(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, taps *int64, pairs int, c *RequantConsts) {
	blockLen := dwBlock + pairs*dwBlock + 2*rqGroupLen
	pk := unsafe.Slice(packed, blocks*blockLen)
	tp := unsafe.Slice(taps, 2*pairs)
	for px := range count {
		pin := unsafe.Add(unsafe.Pointer(in), px*inStep)
		pout := unsafe.Add(unsafe.Pointer(out), px*outStep)
		for b := range blocks {
			blk := pk[b*blockLen:][:blockLen]
			for lane, lc := range dwLaneChannel {
				ch := b*dwBlock + lc
				acc := blk[lane]
				for p := range pairs {
					x0 := *(*int8)(unsafe.Add(pin, int(tp[2*p])+ch))
					x1 := *(*int8)(unsafe.Add(pin, int(tp[2*p+1])+ch))
					w := blk[dwBlock+p*dwBlock+lane]
					acc += int32(x0)*int32(int16(w)) + int32(x1)*int32(int16(w>>16))
				}
				rq := blk[dwBlock+pairs*dwBlock+lane/8*rqGroupLen:][:rqGroupLen]
				*(*int8)(unsafe.Add(pout, ch)) = requantLane(acc, rq, lane%8, c)
			}
		}
	}
}
