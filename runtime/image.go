package runtime

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
)

// letterboxPixel is the 8-bit value of the bars letterboxing adds, in every
// channel: the grey (114) of Ultralytics' letterbox, the common source of
// letterboxed models.
const letterboxPixel = 114

// SetInputImage fills input i, a one-image NHWC tensor, from img using the
// model's Preprocessing metadata: fit the image to the input size (squash,
// center-crop or letterbox; bilinear or nearest sampling with half-pixel
// centers, like OpenCV's resize without antialiasing), each sample rounded
// to an 8-bit pixel; order the channels (RGB, BGR or GRAY, luma per ITU-R
// BT.601 as image/color computes it); then x = (pixel*Scale + Offset -
// Mean[c]) / Std[c] in float32, quantized when the input is int8 or uint8.
// It allocates; it is meant for once per frame, not for the inner loop.
func (it *Interpreter) SetInputImage(i int, img image.Image) error {
	t, err := it.input(i)
	if err != nil {
		return err
	}
	prep := it.model.graph.Metadata.Preprocessing
	if prep == nil {
		return errors.New("runtime: the model has no preprocessing metadata; set the input with SetInputFloat32")
	}
	if len(t.Shape) != 4 || t.Shape[0] != 1 {
		return fmt.Errorf("runtime: input %d %q of shape %v is not one NHWC image", i, t.Name, t.Shape)
	}
	h, w, c := t.Shape[1], t.Shape[2], t.Shape[3]
	if (prep.Width != 0 && prep.Width != w) || (prep.Height != 0 && prep.Height != h) {
		return fmt.Errorf("runtime: preprocessing size %dx%d does not match input %d %q of shape %v", prep.Width, prep.Height, i, t.Name, t.Shape)
	}
	want := 3
	if prep.ColorOrder == format.Gray {
		want = 1
	}
	if c != want {
		return fmt.Errorf("runtime: input %d %q has %d channels; colour order %s gives %d", i, t.Name, c, colorOrderName(prep.ColorOrder), want)
	}
	b := img.Bounds()
	if b.Empty() {
		return fmt.Errorf("runtime: input %d %q: the image is empty", i, t.Name)
	}
	xs, ys := fitAxes(prep.Fit, b.Dx(), b.Dy(), w, h)
	pixel := channelReader(img, prep.ColorOrder)
	nearest := prep.Interpolation == format.ResizeNearest

	values := make([]float32, h*w*c)
	var px [3]uint8
	for y := range h {
		for x := range w {
			if !xs.inside(x) || !ys.inside(y) {
				px = [3]uint8{letterboxPixel, letterboxPixel, letterboxPixel}
			} else if nearest {
				px = pixel(xs.nearest(x), ys.nearest(y))
			} else {
				px = bilinearPixel(pixel, xs.source(x), ys.source(y), b.Dx(), b.Dy(), c)
			}
			for ch := range c {
				values[(y*w+x)*c+ch] = normalize(px[ch], ch, prep)
			}
		}
	}
	return it.SetInputFloat32(i, values, format.NHWC)
}

// normalize maps an 8-bit pixel of channel ch to the model's real input
// value, in float32 with every product rounded before it is added (no
// fused multiply-add, so every architecture gets the same bits).
func normalize(pixel uint8, ch int, prep *format.Preprocessing) float32 {
	v := float32(float32(pixel)*prep.Scale) + prep.Offset
	if mean := prep.Mean; len(mean) > 0 {
		v -= mean[min(ch, len(mean)-1)]
	}
	if std := prep.Std; len(std) > 0 {
		v /= std[min(ch, len(std)-1)]
	}
	return v
}

// axisMap maps destination pixels [d0, d1) of one axis onto source
// coordinates [s0, s0+srcLen) with half-pixel centers; pixels outside
// [d0, d1) are letterbox bars.
type axisMap struct {
	d0, d1     int
	s0, srcLen float64
	srcPixels  int
	dstLen     float64
}

func (a axisMap) inside(d int) bool { return d >= a.d0 && d < a.d1 }

// source is destination pixel d's center in source pixel coordinates.
func (a axisMap) source(d int) float64 {
	return (float64(d-a.d0)+0.5)*a.srcLen/a.dstLen + a.s0 - 0.5
}

// nearest is the source pixel whose area holds destination pixel d's center.
func (a axisMap) nearest(d int) int {
	s := math.Floor(a.source(d) + 0.5)
	return int(min(max(s, 0), float64(a.srcPixels-1)))
}

// fitAxes maps a dstW x dstH input onto a srcW x srcH image for fit.
func fitAxes(fit format.ResizeFit, srcW, srcH, dstW, dstH int) (xs, ys axisMap) {
	axis := func(src, dst int) axisMap {
		return axisMap{d0: 0, d1: dst, s0: 0, srcLen: float64(src), srcPixels: src, dstLen: float64(dst)}
	}
	xs, ys = axis(srcW, dstW), axis(srcH, dstH)
	sx, sy := float64(dstW)/float64(srcW), float64(dstH)/float64(srcH)
	switch fit {
	case format.FitCenterCrop: // scale to cover, keep the middle
		s := max(sx, sy)
		xs.srcLen, ys.srcLen = float64(dstW)/s, float64(dstH)/s
		xs.s0, ys.s0 = (float64(srcW)-xs.srcLen)/2, (float64(srcH)-ys.srcLen)/2
	case format.FitLetterbox: // scale to fit, bars on the short sides
		s := min(sx, sy)
		nw := max(1, int(math.Round(float64(srcW)*s)))
		nh := max(1, int(math.Round(float64(srcH)*s)))
		xs.d0, ys.d0 = (dstW-nw)/2, (dstH-nh)/2
		xs.d1, ys.d1 = xs.d0+nw, ys.d0+nh
		xs.dstLen, ys.dstLen = float64(nw), float64(nh)
	}
	return xs, ys
}

// bilinearPixel interpolates the four source pixels around (sx, sy)
// (clamped to the image) and rounds each channel to 8 bits.
func bilinearPixel(pixel func(x, y int) [3]uint8, sx, sy float64, w, h, channels int) [3]uint8 {
	x0, x1, fx := neighbours(sx, w)
	y0, y1, fy := neighbours(sy, h)
	p00, p01, p10, p11 := pixel(x0, y0), pixel(x1, y0), pixel(x0, y1), pixel(x1, y1)
	var out [3]uint8
	// Every product is rounded explicitly (float64(...)) so that arm64,
	// where the compiler would fuse a*b+c into one FMA, gets amd64's bits:
	// calibration images and 'run IMAGE' must give the same input anywhere.
	for c := range channels {
		top := float64(float64(p00[c])*(1-fx)) + float64(float64(p01[c])*fx)
		bottom := float64(float64(p10[c])*(1-fx)) + float64(float64(p11[c])*fx)
		v := float64(top*(1-fy)) + float64(bottom*fy)
		out[c] = uint8(min(max(math.Round(v), 0), 255))
	}
	return out
}

// neighbours returns the two source pixels around coordinate s (clamped to
// [0, n-1]) and the weight of the second.
func neighbours(s float64, n int) (i0, i1 int, frac float64) {
	s = min(max(s, 0), float64(n-1))
	lo := math.Floor(s)
	return int(lo), min(int(lo)+1, n-1), s - lo
}

// channelReader returns a function giving the pixel at (x, y), relative to
// the image's bounds, in the model's channel order (gray in channel 0).
// Common decoded types are read directly; others go through image/color.
func channelReader(img image.Image, order format.ColorOrder) func(x, y int) [3]uint8 {
	rgb := rgbReader(img)
	switch order {
	case format.BGR:
		return func(x, y int) [3]uint8 {
			p := rgb(x, y)
			return [3]uint8{p[2], p[1], p[0]}
		}
	case format.Gray:
		if g, ok := img.(*image.Gray); ok {
			o := g.Rect.Min
			return func(x, y int) [3]uint8 { return [3]uint8{g.GrayAt(o.X+x, o.Y+y).Y} }
		}
		return func(x, y int) [3]uint8 {
			p := rgb(x, y)
			return [3]uint8{color.GrayModel.Convert(color.RGBA{p[0], p[1], p[2], 255}).(color.Gray).Y}
		}
	}
	return rgb
}

// rgbReader returns a function giving the non-premultiplied 8-bit RGB of
// the pixel at (x, y) relative to the image's bounds (alpha is dropped, as
// PIL's convert("RGB") does).
func rgbReader(img image.Image) func(x, y int) [3]uint8 {
	o := img.Bounds().Min
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) [3]uint8 {
			c := m.YCbCrAt(o.X+x, o.Y+y)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			return [3]uint8{r, g, b}
		}
	case *image.NRGBA:
		return func(x, y int) [3]uint8 {
			c := m.NRGBAAt(o.X+x, o.Y+y)
			return [3]uint8{c.R, c.G, c.B}
		}
	case *image.Gray:
		return func(x, y int) [3]uint8 {
			v := m.GrayAt(o.X+x, o.Y+y).Y
			return [3]uint8{v, v, v}
		}
	}
	return func(x, y int) [3]uint8 {
		c := color.NRGBAModel.Convert(img.At(o.X+x, o.Y+y)).(color.NRGBA)
		return [3]uint8{c.R, c.G, c.B}
	}
}

func colorOrderName(o format.ColorOrder) string {
	switch o {
	case format.RGB:
		return "RGB"
	case format.BGR:
		return "BGR"
	case format.Gray:
		return "GRAY"
	}
	return fmt.Sprintf("colour order %d", o)
}
