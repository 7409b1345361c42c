package kernels

import "github.com/edgeinfer/edgeinfer/quant"

// Conv2DInt8 computes the output rows [lo, hi) of the quantized 2-D
// convolution that p describes (see Conv2DInt8Params). bias may be nil.
//
// The accumulator is int32 and wraps on overflow like Go's int32; the
// products alone (|w| <= 127, |x - InZeroPoint| <= 255) cannot overflow it
// for up to 65536 taps times input channels per group.
// The requantized value is added to OutZeroPoint exactly, then clamped, so
// an out-of-range intermediate saturates instead of wrapping.
func Conv2DInt8(p *Conv2DInt8Params, in, filter []int8, bias []int32, out []int8, lo, hi int) {
	g := &p.ConvGeom
	if g.Groups == g.InC {
		depthwiseConvInt8(p, in, filter, bias, out, lo, hi)
		return
	}
	convInt8(p, in, filter, bias, out, lo, hi)
}

// Conv2DFloat32 is the float32 twin of Conv2DInt8. Every output is
// accumulated from zero in (ky, kx, ic) order over the in-bounds taps,
// each product rounded to float32 before it is added; then the bias is
// added and the result clamped to [ActMin, ActMax]. Taps in the padding are
// skipped, not added as zero. bias may be nil.
func Conv2DFloat32(p *Conv2DFloat32Params, in, filter, bias, out []float32, lo, hi int) {
	g := &p.ConvGeom
	if g.Groups == g.InC {
		depthwiseConvFloat32(p, in, filter, bias, out, lo, hi)
		return
	}
	convFloat32(p, in, filter, bias, out, lo, hi)
}

// validTaps returns the taps [lo, hi) of a k-tap window with the given
// dilation, starting at input coordinate start, that land inside [0, size).
// The valid taps are contiguous because the coordinate grows with the tap.
func validTaps(start, dilation, k, size int) (lo, hi int) {
	if start < 0 {
		lo = (-start + dilation - 1) / dilation
	}
	hi = k
	if end := start + (k-1)*dilation; end >= size {
		hi = 0
		if start < size {
			hi = (size - start + dilation - 1) / dilation
		}
	}
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// requantizeAcc maps an int32 accumulator to int8:
// clamp(MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint, actMin, actMax).
// The addition is exact (int64), so it saturates through the clamp.
func requantizeAcc(acc, multiplier, shift, zeroPoint, actMin, actMax int32) int8 {
	v := int64(quant.MultiplyByQuantizedMultiplier(acc, multiplier, int(shift))) + int64(zeroPoint)
	if v < int64(actMin) {
		v = int64(actMin)
	}
	if v > int64(actMax) {
		v = int64(actMax)
	}
	return int8(v)
}

// convTaps locates, for one output pixel, the in-bounds part of the filter
// window as a list of segments that are contiguous in both the input and
// the filter: segs segments of segLen elements, the first at input offset
// x (channel 0 of the first in-bounds tap, without group offset) and filter
// offset w (within one output channel's filter), the next ones xStep and
// wStep further, repeated for each in-bounds filter row (rows rows, xRow and
// wRow apart).
type convTaps struct {
	rows, segs, segLen int
	x, xStep, xRow     int
	w, wStep, wRow     int
}

// tapsAt returns the segments of output pixel (n, oy, ox). When the kx taps
// of a row are adjacent in memory (dilation 1 along W, one group) a whole
// filter row is one segment, so the inner loop runs over kx*InC elements.
func (g *ConvGeom) tapsAt(n, oy, ox int) convTaps {
	icg := g.InC / g.Groups
	iy0 := oy*g.StrideH - g.PadTop
	ix0 := ox*g.StrideW - g.PadLeft
	kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
	kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
	t := convTaps{
		rows:   kyHi - kyLo,
		segs:   kxHi - kxLo,
		segLen: icg,
		x:      ((n*g.InH+iy0+kyLo*g.DilationH)*g.InW + ix0 + kxLo*g.DilationW) * g.InC,
		xStep:  g.DilationW * g.InC,
		xRow:   g.DilationH * g.InW * g.InC,
		w:      (kyLo*g.KW + kxLo) * icg,
		wStep:  icg,
		wRow:   g.KW * icg,
	}
	if t.segs == 0 || t.rows == 0 {
		t.rows, t.segs = 0, 0
	} else if g.DilationW == 1 && icg == g.InC {
		t.segLen *= t.segs
		t.segs = 1
	}
	return t
}

// isPointwise reports whether every output pixel reads exactly one input
// pixel: a 1x1 window with no padding on any side (the output size tells
// whether there is padding at the bottom or right).
func (g *ConvGeom) isPointwise() bool {
	return g.KH == 1 && g.KW == 1 && g.PadTop == 0 && g.PadLeft == 0 &&
		(g.OutH-1)*g.StrideH < g.InH && (g.OutW-1)*g.StrideW < g.InW
}

// convInt8 is the general (grouped, any window) convolution. A 1x1
// convolution without padding skips the window clipping: each output pixel
// reads one input pixel.
func convInt8(p *Conv2DInt8Params, in, filter []int8, bias []int32, out []int8, lo, hi int) {
	g := &p.ConvGeom
	pointwise := g.isPointwise()
	t := convTaps{rows: 1, segs: 1, segLen: g.InC / g.Groups}
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		outRow := out[u*g.OutW*g.OutC:][:g.OutW*g.OutC]
		for ox := 0; ox < g.OutW; ox++ {
			if pointwise {
				t.x = ((n*g.InH+oy*g.StrideH)*g.InW + ox*g.StrideW) * g.InC
			} else {
				t = g.tapsAt(n, oy, ox)
			}
			convPixelInt8(p, in, filter, bias, outRow[ox*g.OutC:][:g.OutC], t)
		}
	}
}

// convPixelInt8 computes the OutC outputs o of one pixel whose in-bounds
// taps are t. It walks the output channels of each group in blocks of four
// that share every input load and zero-point subtraction.
func convPixelInt8(p *Conv2DInt8Params, in, filter []int8, bias []int32, o []int8, t convTaps) {
	g := &p.ConvGeom
	icg := g.InC / g.Groups
	ocg := g.OutC / g.Groups
	kSize := g.KH * g.KW * icg
	zp := p.InZeroPoint
	r := &p.Requant
	for grp := 0; grp < g.Groups; grp++ {
		xg := t.x + grp*icg
		oc, end := grp*ocg, (grp+1)*ocg
		for ; oc+4 <= end; oc += 4 {
			var a0, a1, a2, a3 int32
			f := filter[oc*kSize:][:4*kSize]
			for row, xr, wr := 0, xg, t.w; row < t.rows; row, xr, wr = row+1, xr+t.xRow, wr+t.wRow {
				for s, xs, ws := 0, xr, wr; s < t.segs; s, xs, ws = s+1, xs+t.xStep, ws+t.wStep {
					a0, a1, a2, a3 = dot4Int8(a0, a1, a2, a3, in[xs:][:t.segLen],
						f[ws:], f[kSize+ws:], f[2*kSize+ws:], f[3*kSize+ws:], zp)
				}
			}
			if bias != nil {
				a0 += bias[oc]
				a1 += bias[oc+1]
				a2 += bias[oc+2]
				a3 += bias[oc+3]
			}
			o[oc] = requantizeAcc(a0, r.Multiplier[oc], r.Shift[oc], r.OutZeroPoint, r.ActMin, r.ActMax)
			o[oc+1] = requantizeAcc(a1, r.Multiplier[oc+1], r.Shift[oc+1], r.OutZeroPoint, r.ActMin, r.ActMax)
			o[oc+2] = requantizeAcc(a2, r.Multiplier[oc+2], r.Shift[oc+2], r.OutZeroPoint, r.ActMin, r.ActMax)
			o[oc+3] = requantizeAcc(a3, r.Multiplier[oc+3], r.Shift[oc+3], r.OutZeroPoint, r.ActMin, r.ActMax)
		}
		for ; oc < end; oc++ {
			var a int32
			f := filter[oc*kSize:][:kSize]
			for row, xr, wr := 0, xg, t.w; row < t.rows; row, xr, wr = row+1, xr+t.xRow, wr+t.wRow {
				for s, xs, ws := 0, xr, wr; s < t.segs; s, xs, ws = s+1, xs+t.xStep, ws+t.wStep {
					a = dotInt8(a, in[xs:][:t.segLen], f[ws:], zp)
				}
			}
			if bias != nil {
				a += bias[oc]
			}
			o[oc] = requantizeAcc(a, r.Multiplier[oc], r.Shift[oc], r.OutZeroPoint, r.ActMin, r.ActMax)
		}
	}
}

// dotInt8 returns a + sum_i w[i]*(x[i]-zp) over len(x).
//
// The dot products are kept out of line: inlined into the convolution's
// loop nest, the register allocator spills their accumulators to the stack
// on every iteration (FullyConnectedInt8 measured about 2x slower).
//
//go:noinline
func dotInt8(a int32, x, w []int8, zp int32) int32 {
	w = w[:len(x)]
	for i, xv := range x {
		a += int32(w[i]) * (int32(xv) - zp)
	}
	return a
}

// dot4Int8 is dotInt8 for four filters against the same input.
//
//go:noinline
func dot4Int8(a0, a1, a2, a3 int32, x, w0, w1, w2, w3 []int8, zp int32) (int32, int32, int32, int32) {
	w0 = w0[:len(x)]
	w1 = w1[:len(x)]
	w2 = w2[:len(x)]
	w3 = w3[:len(x)]
	for i, xv := range x {
		v := int32(xv) - zp
		a0 += int32(w0[i]) * v
		a1 += int32(w1[i]) * v
		a2 += int32(w2[i]) * v
		a3 += int32(w3[i]) * v
	}
	return a0, a1, a2, a3
}

// depthwiseConvInt8 handles Groups == InC (one input channel per group,
// channel multiplier M = OutC/InC, output channel c*M+m reads input channel
// c). Its filter is [OutC][KH][KW]: the taps of one output channel are
// adjacent, so the innermost loop runs over taps and the next one over
// channels, which are adjacent in the input. A 3x3 window that lies
// entirely inside the image gets an unrolled path.
func depthwiseConvInt8(p *Conv2DInt8Params, in, filter []int8, bias []int32, out []int8, lo, hi int) {
	g := &p.ConvGeom
	m := g.OutC / g.InC
	taps := g.KH * g.KW
	zp := p.InZeroPoint
	r := &p.Requant
	xRow := g.DilationH * g.InW * g.InC
	xCol := g.DilationW * g.InC
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*g.OutC:][:g.OutW*g.OutC]
		for ox := 0; ox < g.OutW; ox++ {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*g.OutC:][:g.OutC]
			// Input offset of channel 0 at window tap (0, 0); it may lie
			// outside the image, so it is only ever offset by in-bounds taps.
			base := ((n*g.InH+iy0)*g.InW + ix0) * g.InC
			if g.KH == 3 && g.KW == 3 && kyLo == 0 && kyHi == 3 && kxLo == 0 && kxHi == 3 {
				depthwise3x3Int8(p, in[base:][:2*xRow+2*xCol+g.InC], filter, bias, o, xRow, xCol, m)
				continue
			}
			for c := 0; c < g.InC; c++ {
				for oc := c * m; oc < (c+1)*m; oc++ {
					f := filter[oc*taps:][:taps]
					var a int32
					for ky := kyLo; ky < kyHi; ky++ {
						xr := base + ky*xRow + c
						for kx := kxLo; kx < kxHi; kx++ {
							a += int32(f[ky*g.KW+kx]) * (int32(in[xr+kx*xCol]) - zp)
						}
					}
					if bias != nil {
						a += bias[oc]
					}
					o[oc] = requantizeAcc(a, r.Multiplier[oc], r.Shift[oc], r.OutZeroPoint, r.ActMin, r.ActMax)
				}
			}
		}
	}
}

// depthwise3x3Int8 computes one output pixel of a 3x3 depthwise convolution
// whose window is entirely in bounds; win starts at tap (0, 0), channel 0.
func depthwise3x3Int8(p *Conv2DInt8Params, win, filter []int8, bias []int32, o []int8, xRow, xCol, m int) {
	c := p.InC
	zp := p.InZeroPoint
	r := &p.Requant
	// One slice per tap, each exactly InC long, so x?[ch] needs no bounds check.
	x0, x1, x2 := win[:c], win[xCol:][:c], win[2*xCol:][:c]
	x3, x4, x5 := win[xRow:][:c], win[xRow+xCol:][:c], win[xRow+2*xCol:][:c]
	x6, x7, x8 := win[2*xRow:][:c], win[2*xRow+xCol:][:c], win[2*xRow+2*xCol:][:c]
	for ch := range x0 {
		v0, v1, v2 := int32(x0[ch])-zp, int32(x1[ch])-zp, int32(x2[ch])-zp
		v3, v4, v5 := int32(x3[ch])-zp, int32(x4[ch])-zp, int32(x5[ch])-zp
		v6, v7, v8 := int32(x6[ch])-zp, int32(x7[ch])-zp, int32(x8[ch])-zp
		for oc := ch * m; oc < (ch+1)*m; oc++ {
			f := filter[oc*9:][:9]
			a := int32(f[0])*v0 + int32(f[1])*v1 + int32(f[2])*v2 +
				int32(f[3])*v3 + int32(f[4])*v4 + int32(f[5])*v5 +
				int32(f[6])*v6 + int32(f[7])*v7 + int32(f[8])*v8
			if bias != nil {
				a += bias[oc]
			}
			o[oc] = requantizeAcc(a, r.Multiplier[oc], r.Shift[oc], r.OutZeroPoint, r.ActMin, r.ActMax)
		}
	}
}

// convFloat32 is convInt8 for float32.
func convFloat32(p *Conv2DFloat32Params, in, filter, bias, out []float32, lo, hi int) {
	g := &p.ConvGeom
	pointwise := g.isPointwise()
	t := convTaps{rows: 1, segs: 1, segLen: g.InC / g.Groups}
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		outRow := out[u*g.OutW*g.OutC:][:g.OutW*g.OutC]
		for ox := 0; ox < g.OutW; ox++ {
			if pointwise {
				t.x = ((n*g.InH+oy*g.StrideH)*g.InW + ox*g.StrideW) * g.InC
			} else {
				t = g.tapsAt(n, oy, ox)
			}
			convPixelFloat32(p, in, filter, bias, outRow[ox*g.OutC:][:g.OutC], t)
		}
	}
}

// convPixelFloat32 is convPixelInt8 for float32: four output channels share
// each input load, and each accumulator still adds its products in tap order.
func convPixelFloat32(p *Conv2DFloat32Params, in, filter, bias, o []float32, t convTaps) {
	g := &p.ConvGeom
	icg := g.InC / g.Groups
	ocg := g.OutC / g.Groups
	kSize := g.KH * g.KW * icg
	for grp := 0; grp < g.Groups; grp++ {
		xg := t.x + grp*icg
		oc, end := grp*ocg, (grp+1)*ocg
		for ; oc+4 <= end; oc += 4 {
			var a0, a1, a2, a3 float32
			f := filter[oc*kSize:][:4*kSize]
			for row, xr, wr := 0, xg, t.w; row < t.rows; row, xr, wr = row+1, xr+t.xRow, wr+t.wRow {
				for s, xs, ws := 0, xr, wr; s < t.segs; s, xs, ws = s+1, xs+t.xStep, ws+t.wStep {
					a0, a1, a2, a3 = dot4Float32(a0, a1, a2, a3, in[xs:][:t.segLen],
						f[ws:], f[kSize+ws:], f[2*kSize+ws:], f[3*kSize+ws:])
				}
			}
			if bias != nil {
				a0 += bias[oc]
				a1 += bias[oc+1]
				a2 += bias[oc+2]
				a3 += bias[oc+3]
			}
			o[oc] = clampActivation(a0, p.ActMin, p.ActMax)
			o[oc+1] = clampActivation(a1, p.ActMin, p.ActMax)
			o[oc+2] = clampActivation(a2, p.ActMin, p.ActMax)
			o[oc+3] = clampActivation(a3, p.ActMin, p.ActMax)
		}
		for ; oc < end; oc++ {
			var a float32
			f := filter[oc*kSize:][:kSize]
			for row, xr, wr := 0, xg, t.w; row < t.rows; row, xr, wr = row+1, xr+t.xRow, wr+t.wRow {
				for s, xs, ws := 0, xr, wr; s < t.segs; s, xs, ws = s+1, xs+t.xStep, ws+t.wStep {
					a = dotFloat32(a, in[xs:][:t.segLen], f[ws:])
				}
			}
			if bias != nil {
				a += bias[oc]
			}
			o[oc] = clampActivation(a, p.ActMin, p.ActMax)
		}
	}
}

// dotFloat32 returns a + sum_i w[i]*x[i], adding in index order. The
// float32() conversion rounds each product, which forbids FMA fusion.
//
//go:noinline
func dotFloat32(a float32, x, w []float32) float32 {
	w = w[:len(x)]
	for i, xv := range x {
		a += float32(w[i] * xv)
	}
	return a
}

// dot4Float32 is dotFloat32 for four filters against the same input.
//
//go:noinline
func dot4Float32(a0, a1, a2, a3 float32, x, w0, w1, w2, w3 []float32) (float32, float32, float32, float32) {
	w0 = w0[:len(x)]
	w1 = w1[:len(x)]
	w2 = w2[:len(x)]
	w3 = w3[:len(x)]
	for i, xv := range x {
		a0 += float32(w0[i] * xv)
		a1 += float32(w1[i] * xv)
		a2 += float32(w2[i] * xv)
		a3 += float32(w3[i] * xv)
	}
	return a0, a1, a2, a3
}

// clampActivation clamps v to [lo, hi]; NaN passes through.
func clampActivation(v, lo, hi float32) float32 {
	if v < lo {
		v = lo
	}
	if v > hi {
		v = hi
	}
	return v
}

// depthwiseConvFloat32 is depthwiseConvInt8 for float32.
func depthwiseConvFloat32(p *Conv2DFloat32Params, in, filter, bias, out []float32, lo, hi int) {
	g := &p.ConvGeom
	m := g.OutC / g.InC
	taps := g.KH * g.KW
	xRow := g.DilationH * g.InW * g.InC
	xCol := g.DilationW * g.InC
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*g.OutC:][:g.OutW*g.OutC]
		for ox := 0; ox < g.OutW; ox++ {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*g.OutC:][:g.OutC]
			base := ((n*g.InH+iy0)*g.InW + ix0) * g.InC
			if g.KH == 3 && g.KW == 3 && kyLo == 0 && kyHi == 3 && kxLo == 0 && kxHi == 3 {
				depthwise3x3Float32(p, in[base:][:2*xRow+2*xCol+g.InC], filter, bias, o, xRow, xCol, m)
				continue
			}
			for c := 0; c < g.InC; c++ {
				for oc := c * m; oc < (c+1)*m; oc++ {
					f := filter[oc*taps:][:taps]
					var a float32
					for ky := kyLo; ky < kyHi; ky++ {
						xr := base + ky*xRow + c
						for kx := kxLo; kx < kxHi; kx++ {
							a += float32(f[ky*g.KW+kx] * in[xr+kx*xCol])
						}
					}
					if bias != nil {
						a += bias[oc]
					}
					o[oc] = clampActivation(a, p.ActMin, p.ActMax)
				}
			}
		}
	}
}

// depthwise3x3Float32 is depthwise3x3Int8 for float32; the sum runs in tap
// order like every other path.
func depthwise3x3Float32(p *Conv2DFloat32Params, win, filter, bias, o []float32, xRow, xCol, m int) {
	c := p.InC
	x0, x1, x2 := win[:c], win[xCol:][:c], win[2*xCol:][:c]
	x3, x4, x5 := win[xRow:][:c], win[xRow+xCol:][:c], win[xRow+2*xCol:][:c]
	x6, x7, x8 := win[2*xRow:][:c], win[2*xRow+xCol:][:c], win[2*xRow+2*xCol:][:c]
	for ch := range x0 {
		v0, v1, v2 := x0[ch], x1[ch], x2[ch]
		v3, v4, v5 := x3[ch], x4[ch], x5[ch]
		v6, v7, v8 := x6[ch], x7[ch], x8[ch]
		for oc := ch * m; oc < (ch+1)*m; oc++ {
			f := filter[oc*9:][:9]
			var a float32 // from +0 like the general path, so -0 products agree
			a += float32(f[0] * v0)
			a += float32(f[1] * v1)
			a += float32(f[2] * v2)
			a += float32(f[3] * v3)
			a += float32(f[4] * v4)
			a += float32(f[5] * v5)
			a += float32(f[6] * v6)
			a += float32(f[7] * v7)
			a += float32(f[8] * v8)
			if bias != nil {
				a += bias[oc]
			}
			o[oc] = clampActivation(a, p.ActMin, p.ActMax)
		}
	}
}
