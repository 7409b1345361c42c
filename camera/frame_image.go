package camera

import (
	"image"
	"image/jpeg"
	"io"
)

// pixelRGB returns the 8-bit RGB of pixel (x, y), converting YUV with the
// frame's range. It is the slow per-pixel path for sinks and tests, not for
// preprocessing.
func (f *Frame) pixelRGB(x, y int) (r, g, b uint8) {
	p := f.Planes
	s := f.Strides
	switch f.Format {
	case RGB24:
		o := y*s[0] + 3*x
		return p[0][o], p[0][o+1], p[0][o+2]
	case BGR24:
		o := y*s[0] + 3*x
		return p[0][o+2], p[0][o+1], p[0][o]
	case Gray:
		v := p[0][y*s[0]+x]
		return v, v, v
	case YUYV:
		o := y*s[0] + x/2*4
		return coeffsFor(f.Range).RGB(p[0][o+2*(x&1)], p[0][o+1], p[0][o+3])
	case NV12:
		o := (y>>1)*s[1] + (x>>1)*2
		return coeffsFor(f.Range).RGB(p[0][y*s[0]+x], p[1][o], p[1][o+1])
	}
	sx, sy := f.Format.chromaShift()
	o := (y>>sy)*s[1] + x>>sx
	co := (y>>sy)*s[2] + x>>sx
	return coeffsFor(f.Range).RGB(p[0][y*s[0]+x], p[1][o], p[2][co])
}

// Image returns a copy of the frame as an image: *image.Gray for Gray,
// *image.RGBA otherwise (YUV converted with the frame's range). It
// allocates; the copy stays valid after Publish returns.
func (f *Frame) Image() image.Image {
	r := image.Rect(0, 0, f.Width, f.Height)
	if f.Format == Gray {
		g := image.NewGray(r)
		for y := range f.Height {
			copy(g.Pix[y*g.Stride:y*g.Stride+f.Width], f.Planes[0][y*f.Strides[0]:])
		}
		return g
	}
	m := image.NewRGBA(r)
	for y := range f.Height {
		row := m.Pix[y*m.Stride:]
		for x := range f.Width {
			row[4*x], row[4*x+1], row[4*x+2] = f.pixelRGB(x, y)
			row[4*x+3] = 255
		}
	}
	return m
}

// EncodeJPEG writes the frame as a JPEG: the source's own bytes when the
// frame came from one (Frame.JPEG), else an encoding at quality (1-100).
// Full-range planar YUV is encoded without conversion.
func (f *Frame) EncodeJPEG(w io.Writer, quality int) error {
	if f.JPEG != nil {
		_, err := w.Write(f.JPEG)
		return err
	}
	opts := &jpeg.Options{Quality: quality}
	if ratio, ok := f.ycbcrRatio(); ok && f.Range == FullRange && f.Strides[1] == f.Strides[2] {
		m := &image.YCbCr{Y: f.Planes[0], Cb: f.Planes[1], Cr: f.Planes[2],
			YStride: f.Strides[0], CStride: f.Strides[1], SubsampleRatio: ratio,
			Rect: image.Rect(0, 0, f.Width, f.Height)}
		return jpeg.Encode(w, m, opts)
	}
	return jpeg.Encode(w, f.Image(), opts)
}

func (f *Frame) ycbcrRatio() (image.YCbCrSubsampleRatio, bool) {
	switch f.Format {
	case I420:
		return image.YCbCrSubsampleRatio420, true
	case I422:
		return image.YCbCrSubsampleRatio422, true
	case I444:
		return image.YCbCrSubsampleRatio444, true
	}
	return 0, false
}
