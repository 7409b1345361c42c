package amd64

// The pointwise path: depthwise convolutions with a 1x1 window, a
// per-channel scale, shift and clamp. Converters emit them for batch
// normalizations that cannot fold into a convolution, such as
// DenseNet-121's normalizations of concatenations, which come before a
// ReLU and then the next convolution. With one tap per output the tap
// kernels spend their time on the window walk and a padding tap (2-3
// GMAC/s); this path reads the image directly. One VPMOVSXBW widens a
// pixel's 16 channels to words, which VPMADDWD reads as the dword pairs
// (x[2i], x[2i+1]): weight pairs (2*w, 0) give the even channels' 2*w*x,
// (0, 2*w) the odd channels', so a block's lo half holds channels
// 0, 2, ..., 14 and its hi half 1, 3, ..., 15 (dwPointwiseAcc). Then
// dw_pair.go's 9-operation requantization (its constants, bias and zero
// point folding bit for bit, with these lanes) and its store, with a
// VPSHUFB that puts this lane order back (dwPointwiseShuffle<>).
// Per 16 channels of a pixel that is 1 widening and 2 VPMADDWD; widening
// each half's lanes with VPUNPCK[LH]WD against zero ran 1.4-1.8x faster
// than the tap kernels on DenseNet's shapes.
//
// It takes a 1x1 window without padding on the top or left whose windows
// all lie in the image, at any stride, under packPair's requantization
// conditions.

import "unsafe"

// dwPointwiseKernel is the signature of dwPointwiseAVX2: blocks blocks of
// 16 channels of count pixels, in and out advancing by inStep and outStep
// bytes per pixel and 16 per block, packed by packPointwise
// (2*dwPointwiseHalfLen int32s per block), clamp as dwPair.clamp.
type dwPointwiseKernel func(out, in *int8, count, inStep, outStep, blocks int, packed *int32, clamp *int8)

// dwPointwiseAcc maps the accumulator lanes of a block's lo and hi halves
// to its channels, and dwPointwiseRes the result lanes of the
// requantization.
var (
	dwPointwiseAcc = [2][8]int{{0, 2, 4, 6, 8, 10, 12, 14}, {1, 3, 5, 7, 9, 11, 13, 15}}
	dwPointwiseRes = [2][8]int{pairResLanes(dwPointwiseAcc[0]), pairResLanes(dwPointwiseAcc[1])}
)

// dwPointwiseHalfLen is the int32s of one half block's constants: 8 weight
// pairs, then the dwPairRqLen requantization constants.
const dwPointwiseHalfLen = 8 + dwPairRqLen

// dwPointwise is DepthwiseInt8's packing for the pointwise path.
type dwPointwise struct {
	packed []int32 // allBlocks * 2 * dwPointwiseHalfLen
	clamp  [64]int8
}

// packPointwise returns the pointwise packing, or nil when the path does
// not take the layer (see the file comment).
func (d *DepthwiseInt8) packPointwise(filter []int8, bias []int32, inZP int32, mult, shift []int32) *dwPointwise {
	g := &d.g
	if g.KH != 1 || g.KW != 1 || g.PadTop != 0 || g.PadLeft != 0 ||
		(g.OutH-1)*g.StrideH >= g.InH || (g.OutW-1)*g.StrideW >= g.InW ||
		!d.small || d.consts.AnyLeft != 0 || !d.pairRequantFits(filter, bias, shift) {
		return nil
	}
	p := &dwPointwise{packed: make([]int32, d.allBlocks*2*dwPointwiseHalfLen), clamp: d.pairClamp()}
	for b := range d.allBlocks {
		for h := range 2 {
			half := p.packed[(2*b+h)*dwPointwiseHalfLen:][:dwPointwiseHalfLen]
			for i, lc := range dwPointwiseAcc[h] {
				w := d.pairWeights(filter, d.blockStart(b)+lc, 0, -1) // (2w, 0)
				half[i] = int32(uint32(w) << (16 * h))                // (0, 2w) for the odd channels
			}
			d.putPairRequantLanes(half[8:], dwPointwiseAcc[h], b, filter, bias, inZP, mult, shift)
		}
	}
	return p
}

// runPointwise computes output rows [lo, hi) with the pointwise kernel k.
func (d *DepthwiseInt8) runPointwise(k dwPointwiseKernel, in, out []int8, lo, hi int) {
	g := &d.g
	c := g.C
	// run walks pixels [0, count) from in[i0] and out[o0], block by block.
	// (Chunks of pixels whose input stays in L1, all blocks per chunk, ran
	// no faster than whole runs on DenseNet's shapes up to 800 KB.)
	run := func(i0, o0, count, inStep int) {
		k(&out[o0], &in[i0], count, inStep, c, d.blocks, &d.pw.packed[0], &d.pw.clamp[0])
		if ok, t := d.tailBlock(); ok {
			k(&out[o0+t], &in[i0+t], count, inStep, c, 1, &d.pw.packed[d.blocks*2*dwPointwiseHalfLen], &d.pw.clamp[0])
		}
	}
	if g.StrideH == 1 && g.StrideW == 1 && g.OutH == g.InH && g.OutW == g.InW {
		// Rows [lo, hi) are one run of pixels in the input and the output.
		run(lo*g.OutW*c, lo*g.OutW*c, (hi-lo)*g.OutW, c)
		return
	}
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		run((n*g.InH+oy*g.StrideH)*g.InW*c, u*g.OutW*c, g.OutW, g.StrideW*c)
	}
}

// dwPointwiseGeneric is the pure-Go twin of dwPointwiseAVX2, lane for lane.
func dwPointwiseGeneric(out, in *int8, count, inStep, outStep, blocks int, packed *int32, clamp *int8) {
	pk := unsafe.Slice(packed, blocks*2*dwPointwiseHalfLen)
	for b := range blocks {
		for px := range count {
			// VPMOVSXBW: word j is channel j; dword lane i the pair (x[2i], x[2i+1]).
			x := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(in), b*dwBlock+px*inStep)), dwBlock)
			var res [16]int32
			for h := range 2 {
				half := pk[(2*b+h)*dwPointwiseHalfLen:][:dwPointwiseHalfLen]
				var acc [8]int32
				for i, w := range half[:8] {
					acc[i] = int32(x[2*i])*int32(int16(w)) + int32(x[2*i+1])*int32(int16(w>>16))
				}
				dwPairRequant(&acc, half[8:], res[8*h:][:8])
			}
			dwPairStoreLanes((*int8)(unsafe.Add(unsafe.Pointer(out), b*dwBlock+px*outStep)), &res, clamp, &dwPointwiseRes)
		}
	}
}
