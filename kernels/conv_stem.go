package kernels

import (
	"math/rand/v2"
	"slices"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// The direct convolution for few input channels (the first layer of an
// image model, "the stem": 224x224x3 -> 112x112x32 3x3/2 in MobileNetV2
// and EfficientNet-B0, ResNet's 7x7/2): each output row widens the KH
// input rows under its windows once, padded on both sides with the input
// zero point, and the rows kernel reads every output pixel's window pairs
// straight from them (see amd64.ConvRows6x16Int16Go).
// The GEMM path builds an im2col row of K = KH*KW*InC int16 per output
// pixel and runs its 6 x 16 tile on it; at K = 27 that and the panel
// driver took a third of the layer (224x224x3 -> 112x112x32 3x3/2: rows
// kernel 0.66x the GEMM path's fastest call, ResNet's 7x7/2 0.86x;
// BenchmarkRowsConvVsGEMM). The kernel also requantizes in the depthwise
// pair-row form (10 operations per 8 lanes, weights doubled; see
// kernels/amd64/conv_stem.go), which alone took the 3x3/2 layer from
// 0.73x to 0.66x; a requantization outside that form (a left shift, a
// right shift beyond 24, accumulators near 2^30) stays on the GEMM path.

// rowsConvKernel is a variant's rows kernel: tiles computes groups groups
// of 6 output pixels times blocks blocks of 16 channels
// (amd64.ConvRows6x16Int16's contract), widen sign-extends int8 to int16.
type rowsConvKernel struct {
	tiles func(a []int16, pixStep, rowStride, kh, pairs int, b []byte, blocks int, c []int8, cStride int, q *gemmOutput, groups int)
	widen func(dst []int16, src []int8)
}

// rowsConvKernels is filled by the architecture files' init functions.
var rowsConvKernels = map[Variant]*rowsConvKernel{}

// rowsConvMaxInC is the largest input-channel count the rows kernel takes:
// beyond a few channels the windows are long enough for the GEMM path's
// im2col to pay for itself (and its 6 x 16 tiles read A from one panel).
const rowsConvMaxInC = 4

// rowsConv is a convolution run by a rows kernel.
type rowsConv struct {
	rk         *rowsConvKernel
	p          Conv2DInt8Params
	packed     []byte // amd64.PackConvRowsInt16's blocks
	blockBytes int
	blocks     int
	q          *gemmOutput // the activation clamp
	pairs      int         // int16 pairs per window row: ceil(KW*InC / 2)
	rowLen     int         // int16 elements per widened row (the scratch's row stride)
	zp         int16
	m          int // output pixels (N*OutH*OutW)
	fullBlocks int // blocks of 16 real output channels
	tileOff    int // scratch offset of the spill tile, after the KH widened rows

	scratchBytes int
}

// prepareRowsConv returns the rows kernel's form of p for variant v, or
// false when v has none or p is not a convolution it runs: one group,
// at most rowsConvMaxInC input channels, no dilation.
func prepareRowsConv(v Variant, p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
	g := &p.ConvGeom
	rk := rowsConvKernels[v]
	if rk == nil || !rowsConvFits(p) {
		return nil, false
	}
	c, err := newRowsConv(rk, p, filter, bias)
	if err != nil {
		return nil, false // a requantization without the kernel's exact form: the GEMM path
	}
	pr := NewPreparedInt8(v, (c.m+5)/6, c.scratchBytes, c.run)
	pr.out = unitOutput{unitBytes: 6 * g.OutC, total: c.m * g.OutC}
	return pr, true
}

// rowsConvFits reports whether the rows kernel runs p.
func rowsConvFits(p *Conv2DInt8Params) bool {
	g := &p.ConvGeom
	return g.Groups == 1 && g.InC <= rowsConvMaxInC && g.DilationH == 1 && g.DilationW == 1 &&
		g.N >= 1 && g.OutH >= 1 && g.OutW >= 1 && g.OutC >= 1 && g.KH >= 1 && g.KW >= 1 &&
		g.StrideW >= 1 && g.PadLeft >= 0 && len(p.Multiplier) >= g.OutC && len(p.Shift) >= g.OutC
}

// newRowsConv packs p's weights for rk and lays out its scratch; it fails
// when the requantization has no exact form in the kernel's arithmetic
// (amd64.PackConvRowsInt16).
func newRowsConv(rk *rowsConvKernel, p *Conv2DInt8Params, filter []int8, bias []int32) (*rowsConv, error) {
	g := &p.ConvGeom
	c := &rowsConv{rk: rk, p: *p, q: outputParams(&p.Requant, g.OutC), zp: int16(p.InZeroPoint)}
	seg := g.KW * g.InC
	c.pairs = (seg + 1) / 2
	// Filter rows padded to whole pairs: a zero weight for the pair's
	// second element when seg is odd (it reads the next pixel's first tap).
	k := g.KH * g.KW * g.InC
	kp := 2 * g.KH * c.pairs
	w := make([]int8, g.OutC*kp)
	for oc := range g.OutC {
		for ky := range g.KH {
			copy(w[oc*kp+ky*2*c.pairs:][:seg], filter[oc*k+ky*seg:][:seg])
		}
	}
	// The packed bias has the input zero point's term folded in: the
	// kernel multiplies the raw inputs, padding taps included (they hold
	// the zero point).
	packedBias := make([]int32, g.OutC)
	for oc := range g.OutC {
		var sum int32
		for _, v := range filter[oc*k:][:k] {
			sum += int32(v)
		}
		if bias != nil {
			packedBias[oc] = bias[oc]
		}
		packedBias[oc] -= p.InZeroPoint * sum
	}
	packed, err := amd64.PackConvRowsInt16(w, g.OutC, kp, packedBias, p.Multiplier, p.Shift, p.OutZeroPoint)
	if err != nil {
		return nil, err
	}
	c.packed, c.blockBytes, c.blocks = packed, amd64.ConvRowsBlockBytes(kp), (g.OutC+15)/16
	c.m = g.N * g.OutH * g.OutW
	c.fullBlocks = g.OutC / 16
	// A row holds the left padding, the input row and zero-point columns
	// out to the last window element any group reads: a last group of
	// fewer than 6 pixels is computed whole, so up to 5 pixels past the
	// row's last.
	reach := (g.OutW+4)*g.StrideW*g.InC + 2*c.pairs
	c.rowLen = roundUp(max(reach, (g.PadLeft+g.InW)*g.InC), 16)
	c.tileOff = roundUp(g.KH*c.rowLen*2, 64)
	c.scratchBytes = c.tileOff + max(g.OutW*16, 6*c.blocks*16)
	return c, nil
}

// run computes units [lo, hi): panels of 6 output pixels numbered
// across the batch, like the GEMM path's, so that a range may start and
// end inside an output row. Each output row of the range widens its KH
// input rows once.
func (c *rowsConv) run(in, out []int8, scratch []byte, lo, hi int) {
	g := &c.p.ConvGeom
	rows := int16s(scratch[:c.tileOff])
	tile := int8s(scratch[c.tileOff:])
	hw := g.OutH * g.OutW
	for px, end := lo*6, min(hi*6, c.m); px < end; {
		n, rem := px/hw, px%hw
		oy, ox := rem/g.OutW, rem%g.OutW
		rowEnd := min(end, px-ox+g.OutW)
		for ky := range g.KH {
			c.widenRow(rows[ky*c.rowLen:][:c.rowLen], in, n, oy*g.StrideH-g.PadTop+ky)
		}
		c.runPixels(rows, out[px*g.OutC:], tile, ox, rowEnd-px)
		px = rowEnd
	}
}

// runPixels computes count output pixels of a row from pixel x0 on into o
// from the widened rows: full groups of 6 and blocks of 16 straight into
// o, a partial block and the last pixels through tile.
func (c *rowsConv) runPixels(rows []int16, o, tile []int8, x0, count int) {
	g := &c.p.ConvGeom
	tiles := c.rk.tiles
	pixStep := g.StrideW * g.InC
	a := rows[x0*pixStep:]
	groups, rest := count/6, count%6
	if groups > 0 {
		tiles(a, pixStep, c.rowLen, g.KH, c.pairs, c.packed, c.fullBlocks, o, g.OutC, c.q, groups)
		if part := g.OutC % 16; part > 0 {
			tiles(a, pixStep, c.rowLen, g.KH, c.pairs, c.packed[c.fullBlocks*c.blockBytes:], 1, tile, 16, c.q, groups)
			ch := c.fullBlocks * 16
			for px := range 6 * groups {
				copy(o[px*g.OutC+ch:][:part], tile[px*16:][:part])
			}
		}
	}
	if rest > 0 {
		px0 := 6 * groups
		stride := 16 * c.blocks
		tiles(a[px0*pixStep:], pixStep, c.rowLen, g.KH, c.pairs, c.packed, c.blocks, tile, stride, c.q, 1)
		for px := range rest {
			copy(o[(px0+px)*g.OutC:][:g.OutC], tile[px*stride:][:g.OutC])
		}
	}
}

// widenRow writes input row iy of image n into row as int16: PadLeft
// columns of the zero point, the row, then the zero point to the end; a
// row outside the input is all zero point (padding taps are real zeros:
// the packed bias subtracts zp times the weights' sum).
func (c *rowsConv) widenRow(row []int16, in []int8, n, iy int) {
	g := &c.p.ConvGeom
	if iy < 0 || iy >= g.InH {
		fillInt16(row, c.zp)
		return
	}
	left := g.PadLeft * g.InC
	w := g.InW * g.InC
	fillInt16(row[:left], c.zp)
	c.rk.widen(row[left:][:w], in[(n*g.InH+iy)*w:][:w])
	fillInt16(row[left+w:], c.zp)
}

func fillInt16(s []int16, v int16) {
	for i := range s {
		s[i] = v
	}
}

// rowsConvSelfTest runs a small convolution (odd width, padding, a
// partial block and a partial group) through rk and through its Go twin
// and reports whether they agree.
func rowsConvSelfTest(rk, twin *rowsConvKernel) bool {
	p, filter, in, bias := selfTestConv(rand.New(rand.NewPCG(3, 4)), ConvGeom{N: 1, InH: 9, InW: 13, InC: 3,
		OutH: 5, OutW: 7, OutC: 16 + 8, KH: 3, KW: 3, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, Groups: 1})
	g := &p.ConvGeom
	run := func(k *rowsConvKernel) []int8 {
		c, err := newRowsConv(k, p, filter, bias)
		if err != nil {
			return nil
		}
		out := make([]int8, g.OutH*g.OutW*g.OutC)
		c.run(in, out, make([]byte, c.scratchBytes), 0, (c.m+5)/6)
		return out
	}
	got, want := run(rk), run(twin)
	return got != nil && slices.Equal(got, want)
}
