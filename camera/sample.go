package camera

import (
	"github.com/edgeinfer/edgeinfer/camera/internal/yuvsimd"
	"github.com/edgeinfer/edgeinfer/format"
)

// The samplers below fill p.pix with the fitted frame: for every
// destination pixel they read the (at most) four source pixels its taps
// name, convert those to RGB, and interpolate. Only the sampled pixels are
// converted, so a 640x480 frame fitted to 224x224 converts about 200k
// pixels, not 307k, and never materializes an RGB frame. Planar YUV and
// NV12 frames for colour models, the camera's common case, go through the
// row kernels of camera/internal/yuvsimd (AVX2 where the CPU has it); the
// other formats are sampled pixel by pixel here.

func (p *Preprocessor) sample(f *Frame, r0, r1 int) {
	if p.order == format.Gray && f.Format != Gray {
		p.sampleToGray(f, r0, r1)
		return
	}
	switch f.Format {
	case I420, I422, I444, NV12:
		p.sampleYUV(f, r0, r1)
	case YUYV:
		p.sampleYUYV(f, r0, r1)
	case RGB24, BGR24:
		p.samplePacked(f, r0, r1)
	case Gray:
		p.sampleGray(f, r0, r1)
	}
}

// rgbOffsets are where red and blue go in an RGB or BGR model's pixel.
func (p *Preprocessor) rgbOffsets() (ro, bo int) {
	if p.order == format.BGR {
		return 2, 0
	}
	return 0, 2
}

// sampleToGray serves gray models fed colour frames (rare: the samplers
// below are specialized for colour models): it interpolates the luma of
// the four RGB neighbours, as SetInputImage does, reading pixels one by
// one.
func (p *Preprocessor) sampleToGray(f *Frame, r0, r1 int) {
	gray := func(x, y int) uint8 { return grayOf(f.pixelRGB(x, y)) }
	o := r0 * p.w * p.c // every row writes w pixels
	for _, ty := range p.ys[r0:r1] {
		if ty.i0 < 0 {
			o = p.bars(o, p.w)
			continue
		}
		for _, tx := range p.xs {
			if tx.i0 < 0 {
				o = p.bars(o, 1)
				continue
			}
			a, b, y0, y1 := int(tx.i0), int(tx.i1), int(ty.i0), int(ty.i1)
			p.pix[o] = lerp2(gray(a, y0), gray(b, y0), gray(a, y1), gray(b, y1), tx.w1, ty.w1)
			o++
		}
	}
}

// grayOf is image/color's Gray model (BT.601 luma, 16-bit weights) on
// 8-bit RGB, as runtime.SetInputImage computes a gray model's pixels.
func grayOf(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r)*0x101 + 38470*uint32(g)*0x101 + 7471*uint32(b)*0x101 + 1<<15) >> 24)
}

// bars fills n destination pixels from p.pix[o:] with the letterbox grey
// and returns the index after them.
func (p *Preprocessor) bars(o, n int) int {
	end := o + n*p.c
	for i := o; i < end; i++ {
		p.pix[i] = letterboxGrey
	}
	return end
}

// sampleYUV samples planar YUV (I420, I422, I444) and NV12 frames for
// colour models, one output row per kernel call (yuvsimd.Kernel.SampleRow)
// over the columns between the letterbox bars, whose taps p.cols holds.
// For int8 and uint8 inputs the kernel maps the pixels through p.lut and
// writes the input itself (sampledInput), else it writes p.pix.
func (p *Preprocessor) sampleYUV(f *Frame, r0, r1 int) {
	k, bgr := coeffsFor(f.Range), p.order == format.BGR
	out, bar := p.pix, [3]byte{letterboxGrey, letterboxGrey, letterboxGrey}
	if p.lut != nil {
		out, bar = p.dst8, [3]byte{p.lut8[0][letterboxGrey], p.lut8[1][letterboxGrey], p.lut8[2][letterboxGrey]}
	}
	_, sy := f.Format.chromaShift()
	yPlane, yStride := f.Planes[0], f.Strides[0]
	uPlane, vPlane, uStride, vStride := f.Planes[1], f.Planes[2], f.Strides[1], f.Strides[2]
	if f.Format == NV12 { // V follows U in one plane
		vPlane, vStride = uPlane, uStride
	}
	lo, hi := p.colLo, p.colHi
	rowBytes := 3 * p.w
	for r := r0; r < r1; r++ {
		ty, o := p.ys[r], r*rowBytes
		if ty.i0 < 0 {
			fillRGB(out[o:o+rowBytes], bar)
			continue
		}
		y0, y1 := int(ty.i0), int(ty.i1)
		c0, c1 := y0>>sy, y1>>sy
		rows := yuvsimd.Rows{Y0: yPlane[y0*yStride:], Y1: yPlane[y1*yStride:],
			U0: uPlane[c0*uStride:], U1: uPlane[c1*uStride:],
			V0: vPlane[c0*vStride:], V1: vPlane[c1*vStride:], WY: ty.w1}
		fillRGB(out[o:o+3*lo], bar)
		p.kernel.SampleRow(out[o+3*lo:o+3*hi], &p.cols, &rows, k, bgr, p.lut)
		fillRGB(out[o+3*hi:o+rowBytes], bar)
	}
}

// fillRGB fills dst with the 3-byte pixel px.
func fillRGB(dst []byte, px [3]byte) {
	for i := 0; i+2 < len(dst); i += 3 {
		dst[i], dst[i+1], dst[i+2] = px[0], px[1], px[2]
	}
}

// sampledInput reports whether sample writes frames of format pf into the
// input tensor itself, leaving nothing for quantize.
func (p *Preprocessor) sampledInput(pf PixelFormat) bool {
	switch pf {
	case I420, I422, I444, NV12:
		return p.lut != nil && p.c == 3
	}
	return false
}

// yuvColumns prepares p.cols, the taps of the columns between the
// letterbox bars [p.colLo, p.colHi), for frames of format pf.
func (p *Preprocessor) yuvColumns(pf PixelFormat) {
	lo, hi := 0, len(p.xs)
	for lo < hi && p.xs[lo].i0 < 0 {
		lo++
	}
	for hi > lo && p.xs[hi-1].i0 < 0 {
		hi--
	}
	p.colLo, p.colHi = lo, hi
	p.cols.Reset()
	sx, _ := pf.chromaShift()
	for _, tx := range p.xs[lo:hi] {
		a, b := tx.i0, tx.i1
		if pf == NV12 { // the U of the pair holding the pixel; V at +1
			p.cols.Append(a, b, a&^1, b&^1, 1, tx.w1)
		} else {
			p.cols.Append(a, b, a>>sx, b>>sx, 0, tx.w1)
		}
	}
}

func (p *Preprocessor) sampleYUYV(f *Frame, r0, r1 int) {
	ro, bo := p.rgbOffsets()
	t := coeffsFor(f.Range)
	plane, stride := f.Planes[0], f.Strides[0]
	o := r0 * p.w * p.c // every row writes w pixels
	for _, ty := range p.ys[r0:r1] {
		if ty.i0 < 0 {
			o = p.bars(o, p.w)
			continue
		}
		ra, rb := plane[int(ty.i0)*stride:], plane[int(ty.i1)*stride:]
		for _, tx := range p.xs {
			if tx.i0 < 0 {
				o = p.bars(o, 1)
				continue
			}
			a, b := int(tx.i0), int(tx.i1)
			pa, pb := a>>1*4, b>>1*4 // the Y0 U Y1 V group holding each pixel
			r00, g00, b00 := t.RGB(ra[2*a], ra[pa+1], ra[pa+3])
			r01, g01, b01 := t.RGB(ra[2*b], ra[pb+1], ra[pb+3])
			r10, g10, b10 := t.RGB(rb[2*a], rb[pa+1], rb[pa+3])
			r11, g11, b11 := t.RGB(rb[2*b], rb[pb+1], rb[pb+3])
			px := p.pix[o : o+3 : o+3]
			px[ro] = lerp2(r00, r01, r10, r11, tx.w1, ty.w1)
			px[1] = lerp2(g00, g01, g10, g11, tx.w1, ty.w1)
			px[bo] = lerp2(b00, b01, b10, b11, tx.w1, ty.w1)
			o += 3
		}
	}
}

func (p *Preprocessor) samplePacked(f *Frame, r0, r1 int) {
	ro, bo := p.rgbOffsets()
	plane, stride := f.Planes[0], f.Strides[0]
	ri, bi := 0, 2
	if f.Format == BGR24 {
		ri, bi = 2, 0
	}
	o := r0 * p.w * p.c // every row writes w pixels
	for _, ty := range p.ys[r0:r1] {
		if ty.i0 < 0 {
			o = p.bars(o, p.w)
			continue
		}
		ra, rb := plane[int(ty.i0)*stride:], plane[int(ty.i1)*stride:]
		for _, tx := range p.xs {
			if tx.i0 < 0 {
				o = p.bars(o, 1)
				continue
			}
			a, b := 3*int(tx.i0), 3*int(tx.i1)
			px := p.pix[o : o+3 : o+3]
			px[ro] = lerp2(ra[a+ri], ra[b+ri], rb[a+ri], rb[b+ri], tx.w1, ty.w1)
			px[1] = lerp2(ra[a+1], ra[b+1], rb[a+1], rb[b+1], tx.w1, ty.w1)
			px[bo] = lerp2(ra[a+bi], ra[b+bi], rb[a+bi], rb[b+bi], tx.w1, ty.w1)
			o += 3
		}
	}
}

func (p *Preprocessor) sampleGray(f *Frame, r0, r1 int) {
	plane, stride := f.Planes[0], f.Strides[0]
	o := r0 * p.w * p.c // every row writes w pixels
	for _, ty := range p.ys[r0:r1] {
		if ty.i0 < 0 {
			o = p.bars(o, p.w)
			continue
		}
		ra, rb := plane[int(ty.i0)*stride:], plane[int(ty.i1)*stride:]
		for _, tx := range p.xs {
			if tx.i0 < 0 {
				o = p.bars(o, 1)
				continue
			}
			a, b := int(tx.i0), int(tx.i1)
			v := lerp2(ra[a], ra[b], rb[a], rb[b], tx.w1, ty.w1)
			if p.c == 1 {
				p.pix[o] = v
			} else {
				p.pix[o], p.pix[o+1], p.pix[o+2] = v, v, v
			}
			o += p.c
		}
	}
}
