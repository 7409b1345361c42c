package kernels

import (
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// 3x3 stride-1 convolutions by Winograd F(2x2, 3x3) and F(4x4, 3x3) in
// exact integer arithmetic (amd64/wino.go and amd64/wino4.go state the
// transforms and why the result is the reference's accumulator bit for
// bit). A 2x2 output tile costs 16 multiplies per input and output
// channel instead of 36, a 4x4 tile 36 instead of 144: the GEMM work,
// which is most of ResNet and VGG, drops 2.25x or 4x for a transform of
// the input (per tile and input channel) and of the output (per tile and
// output channel). The transformed weights are int16 like the AVX2 GEMM
// path's, 16/9 or 4 times as many of them.
//
// The driver walks tiles in panels of 6 (the GEMM tile's rows): it
// transforms up to chunkPanels panels of input into V, then for each
// block of 16 output channels runs the point GEMMs of up to
// winoGemmPanels panels into their M (6 or 13.5 KiB each) and the output
// transform of each, which requantizes and stores the tile's pixels.
// Work units are tile rows (two or four output rows), so a unit's
// outputs are contiguous.

// winoKernel is a variant's Winograd routines: F(2x2, 3x3)'s input and
// output transforms (amd64.WinoInput and WinoOutput's contracts),
// F(4x4, 3x3)'s (amd64.Wino4Input, Wino4Output; nil when the variant has
// none), the point GEMMs both share (amd64.WinoGemm6x16), and the
// pair-form output stage's acceptance and constants.
type winoKernel struct {
	input, input4   func(v []int16, kp, row int, src []int8, rowStride, pixStride, ch int, zp int32, tiles int)
	gemm            func(v []int16, vStride, kp, points, panels int, blk []byte, m []int32)
	output, output4 func(m []int32, t0 int, blk []byte, q *gemmOutput, dst []int8, rowStride, pixStride, tiles int)
	pairOK          func(bound int64, mult, shift, zp int32) bool
	putPair         func(blk []byte, j int, bias, mult, shift, zp int32)
}

// winoKernels is filled by the architecture files' init functions.
var winoKernels = map[Variant]*winoKernel{}

// winoEnabled lets benchmarks and tests measure the GEMM path on the
// convolutions Winograd would take.
var winoEnabled = true

const (
	winoTiles = amd64.WinoTiles

	// winoMinInC is the fewest input channels the transforms take: they
	// work in blocks of 16 (a last partial block overlaps the one before).
	winoMinInC = 16

	// winoMinTiles is the fewest tiles (across the batch) Winograd takes.
	// Its weights are 16/9 the GEMM path's, streamed once per chunk of
	// panels, and with few tiles the layer is bound by that stream: with
	// one point GEMM per panel, ResNet-18's 7x7x512 layers (16 tiles,
	// 8 MiB of transformed weights) took 2.5-2.8 ms against the GEMM
	// path's 2.77 ms in the model. Since the point GEMM runs up to
	// winoGemmPanels panels per point (the weights read once for all of
	// them), the three layers take 132-167 against 145-206 ms per 20 runs.
	winoMinTiles = 16

	// wino4MinTiles is the fewest F(4x4, 3x3) tiles that take it over
	// F(2x2, 3x3): its weights are 4 times the int8 count in int16
	// (36 points), streamed once per chunk of panels. ResNet-18's three
	// 14x14x256 layers (16 such tiles) took 112-117 ms per 20 runs with
	// it against 104-121 with F(2x2, 3x3), and after the multi-panel
	// point GEMM 105-112 against 86-89; its 28x28x128 layers (49 tiles)
	// take 0.72x the time.
	wino4MinTiles = 48
)

// winoChunkBudget bounds the transformed input (V) of the panels one
// sweep over the weights serves: it stays in L2 while each block's
// weights stream past it once per chunk. A variable only so that tests
// can force several chunks on small shapes.
var winoChunkBudget = 320 << 10

// winoConv is a convolution run by Winograd F(tm x tm, 3x3).
type winoConv struct {
	wk         *winoKernel
	p          Conv2DInt8Params
	tm, points int // output tile size (2 or 4) and points ((tm+2)^2)
	input      func(v []int16, kp, row int, src []int8, rowStride, pixStride, ch int, zp int32, tiles int)
	output     func(m []int32, t0 int, blk []byte, q *gemmOutput, dst []int8, rowStride, pixStride, tiles int)
	kp         int // input channels rounded up to even
	blocks     int // of 16 output channels
	fullBlocks int // blocks of 16 real channels
	blockBytes int
	packed     []byte
	q          *gemmOutput

	tilesH, tilesW int // tiles per image
	// Tiles whose input patch lies inside the input: ty in [tyLo, tyHi],
	// tx in [txLo, txHi] (empty when lo > hi).
	tyLo, tyHi, txLo, txHi int
	chunkPanels            int

	// scratch layout: chunkPanels panels of V, the M of winoGemmPanels
	// panels (mSize int32 each), the (tm+2)^2 patch of an edge tile, the
	// tm x tm x 16 spill of an edge tile's outputs.
	vPanelBytes, mOff, mSize, patchOff, spillOff, scratchBytes int
}

// winoGemmPanels is how many panels one point-GEMM call computes: a
// point's weights then come from memory once for all of them (the
// 7x7x512 layers' blocks are 256 KiB of transformed weights).
const winoGemmPanels = 4

// winoFits reports whether Winograd runs p on variant v: a 3x3 stride-1
// undilated convolution with one group, at least winoMinInC input
// channels and winoMinTiles F(2x2, 3x3) tiles, few enough input channels
// that 4 times the accumulator cannot wrap int32 (|x - zp| <= 255,
// |w| <= 128, 9*InC taps), and a requantization inside the vector form's
// range.
func winoFits(v Variant, p *Conv2DInt8Params) bool {
	g := &p.ConvGeom
	return winoEnabled && winoKernels[v] != nil && g.KH == 3 && g.KW == 3 && g.StrideH == 1 && g.StrideW == 1 &&
		g.DilationH == 1 && g.DilationW == 1 && g.Groups == 1 && g.InC >= winoMinInC &&
		4*9*int64(g.InC)*255*128 < 1<<31 && winoTileCount(g, 2) >= winoMinTiles &&
		gemmRequantOK(&p.Requant, g.OutC)
}

// winoTileCount is the number of tm x tm output tiles across the batch.
func winoTileCount(g *ConvGeom, tm int) int {
	return g.N * ((g.OutH + tm - 1) / tm) * ((g.OutW + tm - 1) / tm)
}

// wino4Fits reports whether F(4x4, 3x3) can run p (which winoFits
// accepted) exactly: its result is 64 times the sum modulo 2^32, so every
// output channel needs max|x - zp| * sum|w| < 2^25.
func wino4Fits(wk *winoKernel, p *Conv2DInt8Params, filter []int8) bool {
	g := &p.ConvGeom
	if !wino4Enabled || wk.input4 == nil || winoTileCount(g, 4) < wino4MinTiles {
		return false
	}
	k := 9 * g.InC
	xMax := int64(max(127-p.InZeroPoint, p.InZeroPoint+128))
	for oc := range g.OutC {
		var sum int64
		for _, w := range filter[oc*k:][:k] {
			sum += int64(max(w, -w))
		}
		if xMax*sum >= 1<<25 {
			return false
		}
	}
	return true
}

// wino4Enabled lets benchmarks and tests measure F(2x2, 3x3) on the
// convolutions F(4x4, 3x3) would take.
var wino4Enabled = true

// prepareWinogradConv returns Winograd's form of p for variant v, or
// false when winoFits does not hold: F(4x4, 3x3) where wino4Fits holds,
// else F(2x2, 3x3).
func prepareWinogradConv(v Variant, p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
	if !winoFits(v, p) {
		return nil, false
	}
	wk := winoKernels[v]
	tm := 2
	if wino4Fits(wk, p, filter) {
		tm = 4
	}
	c := newWinoConv(wk, tm, p, filter, bias)
	g := &p.ConvGeom
	pr := NewPreparedInt8(v, g.N*c.tilesH, c.scratchBytes, c.run)
	pr.WholeShares = true // each call re-streams the weights once per chunk
	pr.out = unitOutput{tileRows: c.tilesH, tileH: tm, outH: g.OutH, rowBytes: g.OutW * g.OutC}
	return pr, true
}

func newWinoConv(wk *winoKernel, tm int, p *Conv2DInt8Params, filter []int8, bias []int32) *winoConv {
	g := &p.ConvGeom
	c := &winoConv{wk: wk, p: *p, tm: tm, points: (tm + 2) * (tm + 2), kp: roundUp(g.InC, 2),
		input: wk.input, output: wk.output}
	if tm == 4 {
		c.input, c.output = wk.input4, wk.output4
	}
	c.blocks = (g.OutC + 15) / 16
	c.fullBlocks = g.OutC / 16
	c.blockBytes = amd64.WinoBlockBytes(c.kp, c.points)
	c.tilesH, c.tilesW = (g.OutH+tm-1)/tm, (g.OutW+tm-1)/tm
	// Patch (ty, tx) reads input rows tm*ty-PadTop .. +tm+1.
	c.tyLo, c.txLo = (g.PadTop+tm-1)/tm, (g.PadLeft+tm-1)/tm
	c.tyHi = min(c.tilesH-1, floorDivInt(g.InH-tm-2+g.PadTop, tm))
	c.txHi = min(c.tilesW-1, floorDivInt(g.InW-tm-2+g.PadLeft, tm))
	c.pack(filter, bias)

	c.vPanelBytes = roundUp(c.points*winoTiles*c.kp*2, 64)
	panels := (g.N*c.tilesH*c.tilesW + winoTiles - 1) / winoTiles
	c.chunkPanels = max(1, min(panels, winoChunkBudget/c.vPanelBytes))
	c.mOff = c.chunkPanels * c.vPanelBytes
	c.mSize = amd64.WinoMSize(c.points)
	c.patchOff = c.mOff + winoGemmPanels*c.mSize*4
	c.spillOff = c.patchOff + roundUp((tm+2)*(tm+2)*g.InC, 64)
	c.scratchBytes = c.spillOff + tm*tm*16
	return c
}

// floorDivInt is a/b rounded down (b > 0).
func floorDivInt(a, b int) int {
	if a < 0 {
		return -((-a + b - 1) / b)
	}
	return a / b
}

// pack transforms and packs the weights: the pair-form output stage when
// every channel fits it, else the TFLite form with the raw bias as the
// accumulator start (the transforms compute sum w*(x - zp) directly).
func (c *winoConv) pack(filter []int8, bias []int32) {
	g := &c.p.ConvGeom
	r := &c.p.Requant
	k := 9 * g.InC
	xMax := int64(max(127-c.p.InZeroPoint, c.p.InZeroPoint+128)) // |x - zp|
	pair := gemmPairForm && c.wk.pairOK != nil
	for oc := 0; oc < g.OutC && pair; oc++ {
		bound := int64(0)
		if bias != nil {
			bound = int64(bias[oc])
			bound = max(bound, -bound)
		}
		for _, w := range filter[oc*k:][:k] {
			bound += xMax * int64(max(w, -w))
		}
		pair = c.wk.pairOK(bound, r.Multiplier[oc], r.Shift[oc], r.OutZeroPoint)
	}
	c.q = pairOutput(outputParams(r, g.OutC), pair)
	c.packed = make([]byte, c.blocks*c.blockBytes)
	for b := range c.blocks {
		blk := c.packed[b*c.blockBytes:][:c.blockBytes]
		for j := range 16 {
			oc := b*16 + j
			if oc >= g.OutC {
				break // padding channels: zero weights and multiplier, never stored
			}
			var b0 int32
			if bias != nil {
				b0 = bias[oc]
			}
			if pair {
				c.wk.putPair(blk, j, b0, r.Multiplier[oc], r.Shift[oc], r.OutZeroPoint)
			} else {
				putTFLiteChannel(blk, 16, j, b0, r.Multiplier[oc], r.Shift[oc])
			}
			w := filter[oc*k:][:k]
			for ic := range g.InC {
				var f [9]int8
				for t := range 9 {
					f[t] = w[t*g.InC+ic]
				}
				if c.tm == 4 {
					u := amd64.Wino4Filter(&f)
					amd64.PutWinoFilter(blk, c.kp, j, ic, u[:])
				} else {
					u := amd64.WinoFilter(&f)
					amd64.PutWinoFilter(blk, c.kp, j, ic, u[:])
				}
			}
		}
		if !pair {
			putOddMultipliers(blk, 16)
		}
	}
}

// run computes tile rows [lo, hi) across the batch: their tiles in
// chunks of chunkPanels panels, each chunk's input transformed once and
// swept by every block of weights.
func (c *winoConv) run(in, out []int8, scratch []byte, lo, hi int) {
	t0, t1 := lo*c.tilesW, hi*c.tilesW
	chunk := c.chunkPanels * winoTiles
	m := int32s(scratch[c.mOff:][:winoGemmPanels*c.mSize*4])
	for cs := t0; cs < t1; cs += chunk {
		ce := min(t1, cs+chunk)
		panels := (ce - cs + winoTiles - 1) / winoTiles
		for pn := range panels {
			a := cs + pn*winoTiles
			c.inputPanel(in, scratch, c.panelV(scratch, pn), a, min(ce, a+winoTiles))
		}
		for b := range c.blocks {
			blk := c.packed[b*c.blockBytes:][:c.blockBytes]
			for p0 := 0; p0 < panels; p0 += winoGemmPanels {
				np := min(winoGemmPanels, panels-p0)
				c.wk.gemm(int16s(scratch[p0*c.vPanelBytes:c.mOff]), c.vPanelBytes/2, c.kp, c.points, np, blk, m)
				for q := range np {
					a := cs + (p0+q)*winoTiles
					c.outputPanel(out, scratch, m[q*c.mSize:][:c.mSize], blk, b, a, min(ce, a+winoTiles))
				}
			}
		}
	}
}

// panelV is panel pn's V in the scratch.
func (c *winoConv) panelV(scratch []byte, pn int) []int16 {
	return int16s(scratch[pn*c.vPanelBytes:][:c.points*winoTiles*c.kp*2])
}

// tileAt returns image n and tile (ty, tx) of tile t (numbered across the
// batch, row-major).
func (c *winoConv) tileAt(t int) (n, ty, tx int) {
	per := c.tilesH * c.tilesW
	n, t = t/per, t%per
	return n, t / c.tilesW, t % c.tilesW
}

// inputPanel transforms tiles [a, e) into the panel's V rows 0, 1, ...:
// runs of tiles whose patches lie inside the input straight from it,
// the others through a patch padded with the input zero point.
func (c *winoConv) inputPanel(in []int8, scratch []byte, v []int16, a, e int) {
	g := &c.p.ConvGeom
	rowStride := g.InW * g.InC
	ps := c.tm + 2 // patch size
	for t := a; t < e; {
		n, ty, tx := c.tileAt(t)
		iy, ix := c.tm*ty-g.PadTop, c.tm*tx-g.PadLeft
		if ty >= c.tyLo && ty <= c.tyHi && tx >= c.txLo && tx <= c.txHi {
			run := min(e-t, c.txHi-tx+1)
			c.input(v, c.kp, t-a, in[((n*g.InH+iy)*g.InW+ix)*g.InC:], rowStride, g.InC, g.InC, c.p.InZeroPoint, run)
			t += run
			continue
		}
		patch := int8s(scratch[c.patchOff:][:ps*ps*g.InC])
		for i := range ps {
			for j := range ps {
				d := patch[(ps*i+j)*g.InC:][:g.InC]
				if y, x := iy+i, ix+j; y >= 0 && y < g.InH && x >= 0 && x < g.InW {
					copy(d, in[((n*g.InH+y)*g.InW+x)*g.InC:])
				} else {
					fillInt8(d, int8(c.p.InZeroPoint))
				}
			}
		}
		c.input(v, c.kp, t-a, patch, ps*g.InC, g.InC, g.InC, c.p.InZeroPoint, 1)
		t++
	}
}

// outputPanel stores block b of tiles [a, e) from their M: runs of tiles
// whose tm x tm pixels are all inside the output (and a block of 16 real
// channels) straight into it, the others through the spill.
func (c *winoConv) outputPanel(out []int8, scratch []byte, m []int32, blk []byte, b, a, e int) {
	g := &c.p.ConvGeom
	tm := c.tm
	rowStride := g.OutW * g.OutC
	fullW := g.OutW / tm // tiles with all their columns inside
	fullH := g.OutH / tm // tile rows with all their rows inside
	for t := a; t < e; {
		n, ty, tx := c.tileAt(t)
		oy, ox := tm*ty, tm*tx
		dst := out[((n*g.OutH+oy)*g.OutW+ox)*g.OutC+b*16:]
		if b < c.fullBlocks && tx < fullW && ty < fullH {
			run := min(e-t, fullW-tx)
			c.output(m, t-a, blk, c.q, dst, rowStride, g.OutC, run)
			t += run
			continue
		}
		spill := int8s(scratch[c.spillOff:][:tm*tm*16])
		c.output(m, t-a, blk, c.q, spill, tm*16, 16, 1)
		width := min(16, g.OutC-b*16)
		for dy := range min(tm, g.OutH-oy) {
			for dx := range min(tm, g.OutW-ox) {
				copy(dst[dy*rowStride+dx*g.OutC:][:width], spill[(dy*tm+dx)*16:])
			}
		}
		t++
	}
}
