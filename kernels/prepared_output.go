package kernels

// OutputSpan is a strided run of output bytes: Rows rows of Width bytes,
// the first at Offset and each Stride bytes after the one before.
type OutputSpan struct {
	Offset, Width, Stride, Rows int
}

// unitOutput describes which output bytes a PreparedInt8's units write,
// for callers that post-process each unit's outputs while they are still
// in cache (the runtime applies a fused activation's table to them). The
// zero value describes nothing.
type unitOutput struct {
	// unitBytes > 0: unit u writes out[u*unitBytes : (u+1)*unitBytes],
	// the last unit's bytes cut at total (output rows, pixel panels).
	unitBytes, total int

	// blocks > 0: the units are (block, panel) pairs numbered block-first
	// (gemmConv.blockUnits): unit u is channels [b*nr, (b+1)*nr) of
	// pixels [p*mr, (p+1)*mr) with b = u/panels, p = u%panels, cut at
	// channels and pixels; the output is [pixels][channels].
	blocks, panels, mr, nr, channels, pixels int

	// tileRows > 0: unit u is output rows tileH*t .. tileH*t+tileH-1
	// (cut at outH) of image u/tileRows, t = u%tileRows, rows of
	// rowBytes (Winograd's tile rows); a range of units is one run of
	// bytes.
	tileRows, tileH, outH, rowBytes int
}

// tileRowStart is where tile-row unit u's output starts.
func (o *unitOutput) tileRowStart(u int) int {
	return (u/o.tileRows*o.outH + min(o.outH, o.tileH*(u%o.tileRows))) * o.rowBytes
}

// OutputUnitBytes is how many output bytes one unit of Run writes, all of
// them contiguous and unit u's following unit u-1's, or 0 when the units
// are not such runs or p does not describe its output.
func (p *PreparedInt8) OutputUnitBytes() int { return p.out.unitBytes }

// OutputSpans returns the output bytes that units [lo, hi) of Run write
// (and no other unit writes), as spans[:n], at most three; ok is false
// when p does not describe its output. PrepareConv2DInt8 describes every
// convolution it prepares.
func (p *PreparedInt8) OutputSpans(lo, hi int) (spans [3]OutputSpan, n int, ok bool) {
	o := &p.out
	switch {
	case o.unitBytes > 0:
		if lo >= hi {
			return spans, 0, true
		}
		off := lo * o.unitBytes
		end := min(hi*o.unitBytes, o.total)
		spans[0] = OutputSpan{Offset: off, Width: end - off, Stride: end - off, Rows: 1}
		return spans, 1, true
	case o.blocks > 0:
		// A range of pairs is a partial first block, whole blocks and a
		// partial last block (as gemmConv.run computes them).
		np := o.panels
		for lo < hi {
			b, pn := lo/np, lo%np
			end := min(hi, (b+1)*np)
			if pn == 0 && end == (b+1)*np { // whole blocks
				b1 := hi / np
				end = b1 * np
				spans[n] = o.blockSpan(b, b1, 0, np)
			} else {
				spans[n] = o.blockSpan(b, b+1, pn, end-b*np)
			}
			n++
			lo = end
		}
		return spans, n, true
	case o.tileRows > 0:
		if lo >= hi {
			return spans, 0, true
		}
		off, end := o.tileRowStart(lo), o.tileRowStart(hi)
		spans[0] = OutputSpan{Offset: off, Width: end - off, Stride: end - off, Rows: 1}
		return spans, 1, true
	}
	return spans, 0, false
}

// blockSpan is the output of channel blocks [b0, b1) over panels [p0, p1).
func (o *unitOutput) blockSpan(b0, b1, p0, p1 int) OutputSpan {
	c0, c1 := b0*o.nr, min(b1*o.nr, o.channels)
	r0, r1 := p0*o.mr, min(p1*o.mr, o.pixels)
	return OutputSpan{Offset: r0*o.channels + c0, Width: c1 - c0, Stride: o.channels, Rows: r1 - r0}
}
