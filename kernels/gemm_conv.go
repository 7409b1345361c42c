package kernels

// PrepareConv2DInt8 packs a convolution's weights for variant v and
// returns the op to run in place of Conv2DInt8, or false when v has no fast
// path for it (PureGo, a variant without kernels for this geometry, or
// requantization constants outside the vector form's range); the caller
// then runs the reference Conv2DInt8. Depthwise convolutions
// (Groups == InC) go to the variant's depthwise preparation.
//
// The prepared op's units are panels of MR output pixels numbered across
// the batch (N*OutH*OutW pixels), not the reference's output rows; with
// fewer than gemmFewPanels panels (and one group), (block, panel) pairs
// numbered block-first (see gemmConv.blockUnits). Convolutions with few
// input channels that the variant's rows kernel takes (prepareRowsConv,
// conv_stem.go) have panels of 6 output pixels (the AVX2 tile's MR); 1x1
// convolutions on a one-pixel image that prepareOnePixelConv takes (the
// squeeze-excite layers) have the fully connected layer's blocks of NR
// output channels.
func PrepareConv2DInt8(v Variant, p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
	g := &p.ConvGeom
	if g.Groups == g.InC {
		if prep := depthwisePreparers[v]; prep != nil {
			pr, ok := prep(p, filter, bias)
			if ok && pr.Units == g.Units() { // the reference's output rows
				pr.out = unitOutput{unitBytes: g.OutW * g.OutC, total: g.N * g.OutH * g.OutW * g.OutC}
			}
			return pr, ok
		}
		return nil, false
	}
	if pr, ok := prepareOnePixelConv(v, p, filter, bias); ok { // squeeze-excite: gemm_conv_one_pixel.go
		return pr, true
	}
	if pr, ok := prepareRowsConv(v, p, filter, bias); ok { // few input channels: conv_stem.go
		return pr, true
	}
	if pr, ok := prepareWinogradConv(v, p, filter, bias); ok { // 3x3 stride 1: wino.go
		return pr, true
	}
	gk := gemmKernels[v]
	if gk == nil || g.Groups < 1 || !gemmRequantOK(&p.Requant, g.OutC) {
		return nil, false
	}
	c := &gemmConv{gk: gk, p: *p, icg: g.InC / g.Groups, ocg: g.OutC / g.Groups}
	c.k = g.KH * g.KW * c.icg
	c.kp = roundUp(c.k, gk.kr)
	c.m = g.N * g.OutH * g.OutW
	c.direct = g.KH == 1 && g.KW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.isPointwise() &&
		g.InH == g.OutH && g.InW == g.OutW
	c.zp = int8(p.InZeroPoint)
	c.prepareIm2col()
	pair := true // every group's channels fit the pair form
	for grp := range g.Groups {
		pair = pair && gemmPairFits(gk, filter[grp*c.ocg*c.k:], c.k, c.ocg, c.k, bias, &p.Requant, grp*c.ocg, p.InZeroPoint)
	}
	c.q = pairOutput(outputParams(&p.Requant, g.OutC), pair)
	c.packed = make([]*gemmPacked, g.Groups)
	for grp := range c.packed {
		c.packed[grp] = packGEMM(gk, filter[grp*c.ocg*c.k:], c.k, c.ocg, c.k, bias, &p.Requant, grp*c.ocg, p.InZeroPoint, pair)
	}
	c.panels = (c.m + gk.mr - 1) / gk.mr
	c.layoutScratch(c.panels)
	units := c.panels
	if g.Groups == 1 && c.panels < gemmFewPanels && c.packed[0].blocks > 1 {
		c.blockUnits = true
		units = c.panels * c.packed[0].blocks
	}
	pr := NewPreparedInt8(v, units, c.scratchBytes, c.run)
	pr.WholeShares = c.blockUnits
	pr.out = unitOutput{unitBytes: gk.mr * g.OutC, total: c.m * g.OutC}
	if c.blockUnits {
		pr.out = unitOutput{blocks: c.packed[0].blocks, panels: c.panels, mr: gk.mr, nr: gk.nr, channels: g.OutC, pixels: c.m}
	}
	return pr, true
}

// gemmFewPanels is the panel count below which a one-group convolution's
// units are (block, panel) pairs numbered block-first instead of panels:
// on a 7x7 output (9 panels of 6) a split by panels gives one thread 4 and
// the other 5, and both stream every weight (300-410 KB in MobileNetV2's
// last layers); a split by blocks balances to one tile and gives each
// thread its own part of the weights. With many panels the panel split
// balances well and reads each A panel once, so it stays.
const gemmFewPanels = 16

// gemmConv is a convolution (any window, stride, dilation, padding and
// group count except depthwise) as one GEMM per group over im2col rows.
type gemmConv struct {
	gk       *gemmKernel
	p        Conv2DInt8Params
	icg, ocg int
	k, kp    int
	m        int  // output pixels
	direct   bool // 1x1, stride 1, no padding: A rows are input pixels at stride InC
	zp       int8
	q        *gemmOutput
	packed   []*gemmPacked // per group
	panels   int           // panels of MR output pixels

	// blockUnits: the units are (block, panel) pairs, unit u being block
	// u/panels of panel u%panels (one group only), so that a contiguous
	// range of units is a contiguous range of output-channel blocks.
	blockUnits bool

	// Cache blocking: when one group's packed weights exceed
	// gemmWeightBudget, the run packs up to cachePanels A panels, then
	// sweeps the weights in groups of groupBlocks blocks over all of
	// them, so that a weight group stays in L2 while the panels reuse it.
	// Otherwise cachePanels is 1 and groupBlocks covers every block.
	cachePanels, groupBlocks int

	// Windows entirely inside the input, for gk.im2colA: output pixels
	// (oy, ox) with oy in [oyLo, oyHi] and ox in [oxLo, oxHi]. fastIm2col
	// is false when the kernel has no im2colA or the geometry does not fit
	// it (groups, horizontal dilation, 1x1 direct).
	fastIm2col             bool
	oyLo, oyHi, oxLo, oxHi int

	// directPanels > 0: a 1x1 convolution whose A rows are whole input
	// pixels (one group, kp == k) runs through runDirect, which widens up
	// to directPanels full panels at once at scratch[directOff:] and
	// computes them with one gk.tilePanels call.
	directPanels, directOff int

	// scratch layout: im2col rows (MR x kp int8), the cached A panels
	// (cachePanels x MR x kp x aElem) and a spill tile for partial tiles
	// (MR x NR).
	im2colOff, panelOff, panelBytes, tileOff, scratchBytes int
}

// gemmWeightBudget is how many bytes of packed weights one sweep over the
// cached A panels uses: half of a 512 KiB L2, so the A panels and the
// outputs fit beside them. gemmPanelBudget bounds the cached A panels.
// They are variables only so that tests can force the blocked path on
// small shapes.
var (
	gemmWeightBudget = 256 << 10
	gemmPanelBudget  = 512 << 10
)

func (c *gemmConv) layoutScratch(units int) {
	gk := c.gk
	pk := c.packed[0]
	c.cachePanels, c.groupBlocks = 1, pk.blocks
	if pk.blocks*pk.blockBytes > gemmWeightBudget {
		c.groupBlocks = max(1, gemmWeightBudget/pk.blockBytes)
		c.cachePanels = max(1, min(units, gemmPanelBudget/(gk.mr*c.kp*gk.aElem)))
	}
	c.im2colOff = 0
	if !c.direct && gk.convertA == nil {
		c.panelOff = roundUp(gk.mr*c.kp, 64)
	}
	c.panelBytes = roundUp(gk.mr*c.kp*gk.aElem+gk.im2colSlack, 64)
	c.tileOff = c.panelOff + c.cachePanels*c.panelBytes
	c.scratchBytes = c.tileOff + gk.mr*gk.nr
	g := &c.p.ConvGeom
	if c.direct && g.Groups == 1 && c.kp == c.k && c.cachePanels == 1 && gk.tilePanels != nil && gk.convertA != nil {
		panelBytes := gk.mr * c.kp * gk.aElem
		c.directPanels = max(1, min(units, gemmDirectBudget/panelBytes))
		c.directOff = roundUp(c.scratchBytes, 64)
		c.scratchBytes = c.directOff + c.directPanels*panelBytes
	}
}

// gemmDirectBudget bounds the A panels a 1x1 convolution widens at once
// (runDirect): they stay in L1/L2 while the tiles read them. A variable
// only so that tests can force several chunks on small shapes.
var gemmDirectBudget = 32 << 10

// run computes units [lo, hi): panels of MR output pixels, or (block,
// panel) pairs when blockUnits. A range of pairs is run as a partial first
// block, the whole blocks in between over every panel (each A panel
// packed once for all of them) and a partial last block.
func (c *gemmConv) run(in, out []int8, scratch []byte, lo, hi int) {
	if !c.blockUnits {
		c.runBlocks(in, out, scratch, lo, hi, 0, c.packed[0].blocks)
		return
	}
	np := c.panels
	if lo >= hi {
		return
	}
	if b, p := lo/np, lo%np; p != 0 {
		end := min(hi, (b+1)*np)
		c.runBlocks(in, out, scratch, p, end-b*np, b, b+1)
		lo = end
	}
	if b0, b1 := lo/np, hi/np; b0 < b1 {
		c.runBlocks(in, out, scratch, 0, np, b0, b1)
		lo = b1 * np
	}
	if lo < hi {
		b := lo / np
		c.runBlocks(in, out, scratch, 0, hi-b*np, b, b+1)
	}
}

// runBlocks computes output-channel blocks [b0, b1) of panels [lo, hi).
func (c *gemmConv) runBlocks(in, out []int8, scratch []byte, lo, hi, b0, b1 int) {
	if lo >= hi || b0 >= b1 {
		return
	}
	if c.directPanels > 0 {
		c.runDirect(in, out, scratch, lo, hi, b0, b1)
		return
	}
	c.runPanels(in, out, scratch, lo, hi, b0, b1)
}

// runDirect is run for a 1x1 convolution whose A panels are consecutive
// input pixels: full panels are widened directPanels at a time with one
// convertA call and computed with one tilePanels call (the blocks of NR
// real channels) plus one tile per panel for a last, partial block; a
// last panel with fewer than MR pixels goes through runPanels.
func (c *gemmConv) runDirect(in, out []int8, scratch []byte, lo, hi, b0, b1 int) {
	gk := c.gk
	g := &c.p.ConvGeom
	mr, nr := gk.mr, gk.nr
	pk := c.packed[0]
	full := max(b0, min(b1, c.ocg/nr)) // blocks of [b0, b1) with NR real channels end here
	tile := int8s(scratch[c.tileOff:][:mr*nr])
	panelBytes := mr * c.kp * gk.aElem
	fullHi := min(hi, c.m/mr)
	for p0 := lo; p0 < fullHi; p0 += c.directPanels {
		p1 := min(fullHi, p0+c.directPanels)
		a := scratch[c.directOff:][:(p1-p0)*panelBytes]
		gk.convertA(a, in[p0*mr*g.InC:][:(p1-p0)*mr*g.InC])
		if full > b0 {
			gk.tilePanels(a, pk.blocksFrom(b0), c.kp, full-b0, out[p0*mr*g.OutC+b0*nr:], g.OutC, c.q, p1-p0)
		}
		for b := full; b < b1; b++ {
			for p := p0; p < p1; p++ {
				gk.partialTile(a[(p-p0)*panelBytes:], pk, b, c.ocg-b*nr, out[p*mr*g.OutC+b*nr:], g.OutC, tile, c.q)
			}
		}
	}
	if fullHi < hi {
		c.runPanels(in, out, scratch, max(lo, fullHi), hi, b0, b1)
	}
}

// runPanels computes blocks [bLo, bHi) of panels [lo, hi) one (or
// cachePanels) panel at a time.
func (c *gemmConv) runPanels(in, out []int8, scratch []byte, lo, hi, bLo, bHi int) {
	gk := c.gk
	g := &c.p.ConvGeom
	mr, nr := gk.mr, gk.nr
	tile := int8s(scratch[c.tileOff:][:mr*nr])
	cols := int8s(scratch[c.im2colOff:c.panelOff]) // im2col rows, when the kernel has no convertA
	for pc := lo; pc < hi; pc += c.cachePanels {
		pe := min(hi, pc+c.cachePanels)
		for grp, pk := range c.packed {
			for pn := pc; pn < pe; pn++ {
				c.packPanel(scratch[c.panelOff+(pn-pc)*c.panelBytes:][:c.panelBytes], cols, in, pn, grp)
			}
			for b0 := bLo; b0 < bHi; b0 += c.groupBlocks {
				b1 := min(bHi, b0+c.groupBlocks)
				for pn := pc; pn < pe; pn++ {
					panel := scratch[c.panelOff+(pn-pc)*c.panelBytes:][:c.panelBytes]
					m0 := pn * mr
					rows := min(mr, c.m-m0)
					// Blocks of [b0, b1) with NR real channels and all MR
					// rows go straight to the output, the rest through tile.
					full := b0
					if rows == mr {
						full = max(b0, min(b1, c.ocg/nr))
					}
					if rows == 1 && gk.tile1 != nil {
						c.runRow(panel, pk, out[m0*g.OutC+grp*c.ocg:], tile, b0, b1)
						continue
					}
					gk.tile(panel, pk.blocksFrom(b0), c.kp, full-b0, out[m0*g.OutC+grp*c.ocg+b0*nr:], g.OutC, c.q)
					for b := full; b < b1; b++ {
						ch := grp*c.ocg + b*nr
						width := min(nr, c.ocg-b*nr)
						if rows == mr {
							gk.partialTile(panel, pk, b, width, out[m0*g.OutC+ch:], g.OutC, tile, c.q)
							continue
						}
						gk.tile(panel, pk.blocksFrom(b), c.kp, 1, tile, nr, c.q)
						for r := 0; r < rows; r++ {
							copy(out[(m0+r)*g.OutC+ch:][:width], tile[r*nr:][:width])
						}
					}
				}
			}
		}
	}
}

// runRow computes blocks [b0, b1) of a panel with one valid row (a
// convolution on one pixel, the squeeze-excite layers, or the last pixel)
// with the one-row tile into out, the row's outputs of this group.
func (c *gemmConv) runRow(panel []byte, pk *gemmPacked, out, tile []int8, b0, b1 int) {
	gk := c.gk
	nr := gk.nr
	full := max(b0, min(b1, c.ocg/nr))
	gk.tile1(panel, pk.blocksFrom(b0), c.kp, full-b0, out[b0*nr:], c.q)
	for b := full; b < b1; b++ {
		gk.tile1(panel, pk.blocksFrom(b), c.kp, 1, tile, c.q)
		copy(out[b*nr:][:min(nr, c.ocg-b*nr)], tile)
	}
}

// packPanel writes panel pn of group grp in the kernel's A layout: the
// input pixels themselves for a direct 1x1 convolution, else im2col rows
// built in cols first.
func (c *gemmConv) packPanel(panel []byte, cols, in []int8, pn, grp int) {
	g := &c.p.ConvGeom
	m0 := pn * c.gk.mr
	rows := min(c.gk.mr, c.m-m0)
	if c.direct {
		c.gk.packA(panel, in[m0*g.InC+grp*c.icg:], g.InC, rows, c.k, c.kp)
		return
	}
	hw := g.OutH * g.OutW
	n, rem := m0/hw, m0%hw
	oy, ox := rem/g.OutW, rem%g.OutW
	ae := c.gk.aElem
	for r := 0; r < rows; r++ {
		if c.fastIm2col {
			if run := c.im2colRun(panel, in, r, rows, n, oy, ox); run > 0 {
				r += run - 1
				ox += run - 1 // stays in the output row
				if ox++; ox == g.OutW {
					ox = 0
					if oy++; oy == g.OutH {
						oy, n = 0, n+1
					}
				}
				continue
			}
		}
		if c.gk.convertA != nil {
			row := panel[r*c.kp*ae:][:c.kp*ae]
			c.im2colRowA(row[:c.k*ae], in, n, oy, ox, grp)
			clear(row[c.k*ae:])
		} else {
			c.im2colRow(cols[r*c.kp:][:c.k], in, n, oy, ox, grp)
		}
		if ox++; ox == g.OutW {
			ox = 0
			if oy++; oy == g.OutH {
				oy, n = 0, n+1
			}
		}
	}
	if c.gk.convertA != nil {
		clear(panel[rows*c.kp*ae : c.gk.mr*c.kp*ae])
		return
	}
	c.gk.packA(panel, cols, c.kp, rows, c.k, c.kp)
}

// prepareIm2col decides whether the kernel's im2colA serves this
// convolution and finds the output pixels whose windows lie inside the
// input.
func (c *gemmConv) prepareIm2col() {
	g := &c.p.ConvGeom
	if c.gk.im2colA == nil || c.gk.convertA == nil || c.direct || g.Groups != 1 || g.DilationW != 1 {
		return
	}
	// ox*StrideW - PadLeft >= 0 and ox*StrideW - PadLeft + KW-1 < InW;
	// likewise vertically with the dilated window height.
	c.oxLo = (g.PadLeft + g.StrideW - 1) / g.StrideW
	c.oyLo = (g.PadTop + g.StrideH - 1) / g.StrideH
	if hiX := g.InW - g.KW + g.PadLeft; hiX >= 0 {
		c.oxHi = min(hiX/g.StrideW, g.OutW-1)
	} else {
		return
	}
	if hiY := g.InH - (g.KH-1)*g.DilationH - 1 + g.PadTop; hiY >= 0 {
		c.oyHi = min(hiY/g.StrideH, g.OutH-1)
	} else {
		return
	}
	c.fastIm2col = c.oxLo <= c.oxHi && c.oyLo <= c.oyHi
}

// im2colRun writes panel rows r, r+1, ... for output pixels (n, oy, ox),
// (n, oy, ox+1), ... with gk.im2colA while their windows lie inside the
// input, up to the end of the output row and of the panel's rows, and
// returns how many it wrote (0: pixel (n, oy, ox) needs the general path).
func (c *gemmConv) im2colRun(panel []byte, in []int8, r, rows, n, oy, ox int) int {
	g := &c.p.ConvGeom
	if oy < c.oyLo || oy > c.oyHi || ox < c.oxLo || ox > c.oxHi {
		return 0
	}
	run := min(rows-r, c.oxHi-ox+1)
	pixStep := g.StrideW * g.InC
	rowStride := g.DilationH * g.InW * g.InC
	seg := g.KW * g.InC
	src := ((n*g.InH+oy*g.StrideH-g.PadTop)*g.InW + ox*g.StrideW - g.PadLeft) * g.InC
	// The kernel reads im2colReach bytes past the last window row: keep
	// those inside the input, else leave the last pixels to the general path.
	for run > 0 && src+(run-1)*pixStep+(g.KH-1)*rowStride+seg+c.gk.im2colReach > len(in) {
		run--
	}
	if run == 0 {
		return 0
	}
	ae := c.gk.aElem
	c.gk.im2colA(panel[r*c.kp*ae:], in[src:], run, pixStep, g.KH, rowStride, seg, c.kp)
	return run
}

// im2colRowA is im2colRow writing the A-panel type through convertA:
// row holds k elements of aElem bytes; padding taps get padA.
func (c *gemmConv) im2colRowA(row []byte, in []int8, n, oy, ox, grp int) {
	g := &c.p.ConvGeom
	ae := c.gk.aElem
	icg := c.icg
	ix0 := ox*g.StrideW - g.PadLeft
	kxLo, kxHi := 0, g.KW
	if ix0 < 0 || ix0+(g.KW-1)*g.DilationW >= g.InW {
		kxLo, kxHi = validTaps(ix0, g.DilationW, g.KW, g.InW)
	}
	contiguous := g.DilationW == 1 && icg == g.InC
	rowLen := g.KW * icg
	for ky := 0; ky < g.KH; ky++ {
		iy := oy*g.StrideH - g.PadTop + ky*g.DilationH
		dst := row[ky*rowLen*ae:][:rowLen*ae]
		if iy < 0 || iy >= g.InH || kxLo >= kxHi {
			c.fillPad(dst)
			continue
		}
		if kxLo > 0 {
			c.fillPad(dst[:kxLo*icg*ae])
		}
		if kxHi < g.KW {
			c.fillPad(dst[kxHi*icg*ae:])
		}
		src := ((n*g.InH+iy)*g.InW + ix0) * g.InC
		if contiguous {
			seg := (kxHi - kxLo) * icg
			x := in[src+kxLo*g.InC:][:seg]
			if d := dst[kxLo*icg*ae:][:seg*ae]; ae == 2 && c.gk.aOffset == 0 && seg < 32 {
				// Short rows (few input channels): widen inline, a call
				// costs more than the work.
				d16 := int16s(d)[:seg]
				for i, v := range x {
					d16[i] = int16(v)
				}
			} else {
				c.gk.convertA(d, x)
			}
			continue
		}
		for kx := kxLo; kx < kxHi; kx++ {
			c.gk.convertA(dst[kx*icg*ae:][:icg*ae], in[src+kx*g.DilationW*g.InC+grp*icg:][:icg])
		}
	}
}

// fillPad fills d with the padding value (the input zero point) in the
// A-panel type.
func (c *gemmConv) fillPad(d []byte) {
	if c.gk.aElem == 1 {
		v := byte(int32(c.zp) + c.gk.aOffset)
		for i := range d {
			d[i] = v
		}
		return
	}
	lo, hi := byte(c.zp), byte(int16(c.zp)>>8)
	for i := 0; i+1 < len(d); i += 2 {
		d[i], d[i+1] = lo, hi
	}
}

// im2colRow writes the window of output pixel (n, oy, ox) for group grp
// into row (KH*KW taps of icg channels in ky, kx, ic order); taps in the
// padding hold the input zero point, a real zero. With one group and no
// horizontal dilation, the in-bounds taps of a window row are one
// contiguous run of the input, copied at once.
func (c *gemmConv) im2colRow(row, in []int8, n, oy, ox, grp int) {
	g := &c.p.ConvGeom
	icg := c.icg
	ix0 := ox*g.StrideW - g.PadLeft
	kxLo, kxHi := 0, g.KW
	if ix0 < 0 || ix0+(g.KW-1)*g.DilationW >= g.InW {
		kxLo, kxHi = validTaps(ix0, g.DilationW, g.KW, g.InW)
	}
	contiguous := g.DilationW == 1 && icg == g.InC
	rowLen := g.KW * icg
	for ky := 0; ky < g.KH; ky++ {
		iy := oy*g.StrideH - g.PadTop + ky*g.DilationH
		dst := row[ky*rowLen:][:rowLen]
		if iy < 0 || iy >= g.InH || kxLo >= kxHi {
			fillInt8(dst, c.zp)
			continue
		}
		fillInt8(dst[:kxLo*icg], c.zp)
		fillInt8(dst[kxHi*icg:], c.zp)
		src := ((n*g.InH+iy)*g.InW + ix0) * g.InC
		if contiguous {
			copySmall(dst[kxLo*icg:kxHi*icg], in[src+kxLo*g.InC:])
			continue
		}
		for kx := kxLo; kx < kxHi; kx++ {
			copy(dst[kx*icg:][:icg], in[src+kx*g.DilationW*g.InC+grp*icg:])
		}
	}
}

// copySmall is copy(dst, src) for the short window rows of convolutions
// with few input channels, where calling memmove costs more than the copy.
func copySmall(dst, src []int8) {
	if len(dst) > 32 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = src[i]
	}
}
