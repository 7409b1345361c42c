package camera

import (
	"image"
	"image/color"
	"math/rand"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// randomFrame is a w x h frame of format pf with random samples and rows
// padded by pad bytes.
func randomFrame(rng *rand.Rand, pf PixelFormat, w, h, pad int, r YUVRange) *Frame {
	f := &Frame{Format: pf, Width: w, Height: h, Range: r}
	for i := range pf.planes() {
		f.Strides[i] = f.rowBytes(i) + pad
		f.Planes[i] = make([]byte, f.Strides[i]*f.planeRows(i))
		rng.Read(f.Planes[i])
	}
	return f
}

// referenceRGB is pixel (x, y) of f, converted by the float64 formula,
// with the plane layouts written out independently of the samplers.
func referenceRGB(f *Frame, x, y int) (r, g, b uint8) {
	p, s := f.Planes, f.Strides
	switch f.Format {
	case RGB24:
		return p[0][y*s[0]+3*x], p[0][y*s[0]+3*x+1], p[0][y*s[0]+3*x+2]
	case BGR24:
		return p[0][y*s[0]+3*x+2], p[0][y*s[0]+3*x+1], p[0][y*s[0]+3*x]
	case Gray:
		v := p[0][y*s[0]+x]
		return v, v, v
	case YUYV:
		row := p[0][y*s[0]:]
		return yuvToRGBFloat(row[2*x], row[(x/2)*4+1], row[(x/2)*4+3], f.Range)
	case NV12:
		uv := p[1][(y/2)*s[1]:]
		return yuvToRGBFloat(p[0][y*s[0]+x], uv[(x/2)*2], uv[(x/2)*2+1], f.Range)
	case I420:
		return yuvToRGBFloat(p[0][y*s[0]+x], p[1][(y/2)*s[1]+x/2], p[2][(y/2)*s[2]+x/2], f.Range)
	case I422:
		return yuvToRGBFloat(p[0][y*s[0]+x], p[1][y*s[1]+x/2], p[2][y*s[2]+x/2], f.Range)
	case I444:
		return yuvToRGBFloat(p[0][y*s[0]+x], p[1][y*s[1]+x], p[2][y*s[2]+x], f.Range)
	}
	panic("format")
}

func referenceImage(f *Frame) image.Image {
	m := image.NewNRGBA(image.Rect(0, 0, f.Width, f.Height))
	for y := range f.Height {
		for x := range f.Width {
			r, g, b := referenceRGB(f, x, y)
			m.SetNRGBA(x, y, color.NRGBA{r, g, b, 255})
		}
	}
	return m
}

// Every format, fit, interpolation and channel order samples what
// runtime.SetInputImage samples from the same frame as an RGB image,
// within one 8-bit step. Off-by-ones come from ties: these small sizes
// have weights in tenths or quarters, so many interpolated values are
// exactly k+0.5, which float64 and the 16-bit fixed-point weights round
// to either side. TestPreprocessExactWithoutTies covers a tie-free
// geometry.
func TestPreprocessMatchesSetInputImage(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	formats := []PixelFormat{I420, I422, I444, NV12, YUYV, RGB24, BGR24, Gray}
	fits := []format.ResizeFit{format.FitSquash, format.FitCenterCrop, format.FitLetterbox}
	type size struct{ w, h int }
	for _, pf := range formats {
		for _, fit := range fits {
			for _, order := range []format.ColorOrder{format.RGB, format.BGR, format.Gray} {
				for _, interp := range []format.ResizeMode{format.ResizeBilinear, format.ResizeNearest} {
					for _, sz := range []struct{ src, dst size }{{size{64, 48}, size{20, 20}}, {size{30, 50}, size{16, 24}}, {size{12, 10}, size{30, 20}}} {
						prep := format.Preprocessing{ColorOrder: order, Fit: fit, Interpolation: interp}
						m, it := imageModel(t, sz.dst.h, sz.dst.w, prep)
						rngRange := YUVRange(rng.Intn(2))
						f := randomFrame(rng, pf, sz.src.w, sz.src.h, rng.Intn(3)*7, rngRange)
						if err := it.SetInputImage(0, referenceImage(f)); err != nil {
							t.Fatal(err)
						}
						want := inputPixels(it)
						p, err := NewPreprocessor(m, it, 0, PreprocessOptions{}) // overwrites the same input
						if err != nil {
							t.Fatal(err)
						}
						if err := p.Process(f); err != nil {
							t.Fatal(err)
						}
						got := inputPixels(it)
						off := 0
						for i := range got {
							if d := got[i] - want[i]; d != 0 {
								off++
								if d > 1 || d < -1 {
									t.Fatalf("%v %dx%d -> %dx%d fit %d order %d interp %d: value %d is %d, SetInputImage %d",
										pf, sz.src.w, sz.src.h, sz.dst.w, sz.dst.h, fit, order, interp, i, got[i], want[i])
								}
							}
						}
						if off*100 > 5*len(got) {
							t.Errorf("%v %dx%d -> %dx%d fit %d order %d interp %d: %d of %d values one step off, want under 5%%",
								pf, sz.src.w, sz.src.h, sz.dst.w, sz.dst.h, fit, order, interp, off, len(got))
						}
					}
				}
			}
		}
	}
}

// With odd source and destination sizes, a half-pixel-centered source
// coordinate ((2d+1)*S - D) / (2D) reduces to a fraction with an odd
// denominator dividing D. Squashing to 9 wide and 11 high, interpolated
// values are n/99, never k+0.5 and at least 1/198 = 0.005 away from it,
// while the 16-bit weights (each within 2^-17) move a value by at most
// 2*255*2^-17 = 0.0039: the fixed-point sampler must agree with
// SetInputImage on every value.
func TestPreprocessExactWithoutTies(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for _, pf := range []PixelFormat{I420, NV12, YUYV, RGB24} {
		for _, fit := range []format.ResizeFit{format.FitSquash} {
			m, it := imageModel(t, 11, 9, format.Preprocessing{Fit: fit, Interpolation: format.ResizeBilinear})
			f := randomFrame(rng, pf, 99, 77, 64, FullRange)
			if err := it.SetInputImage(0, referenceImage(f)); err != nil {
				t.Fatal(err)
			}
			want := inputPixels(it)
			p, err := NewPreprocessor(m, it, 0, PreprocessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Process(f); err != nil {
				t.Fatal(err)
			}
			got := inputPixels(it)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%v fit %d: value %d is %d, SetInputImage %d", pf, fit, i, got[i], want[i])
				}
			}
		}
	}
}
