package runtime

import (
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// testImage is 4x2 RGB:
//
//	row 0: (0,0,0)    (40,80,120)   (100,0,50) (200,20,10)
//	row 1: (20,40,60) (60,100,140)  (0,0,0)    (100,60,30)
func testImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(10, 20, 14, 22)) // a non-zero origin on purpose
	px := [2][4][3]uint8{
		{{0, 0, 0}, {40, 80, 120}, {100, 0, 50}, {200, 20, 10}},
		{{20, 40, 60}, {60, 100, 140}, {0, 0, 0}, {100, 60, 30}},
	}
	for y := range 2 {
		for x := range 4 {
			p := px[y][x]
			img.SetNRGBA(10+x, 20+y, color.NRGBA{p[0], p[1], p[2], 255})
		}
	}
	return img
}

// imageModel is a float32 NHWC input of h x w x c with prep, passed through.
func imageModel(t *testing.T, h, w, c int, prep format.Preprocessing) *Interpreter {
	t.Helper()
	prep.Width, prep.Height, prep.Channels = w, h, c
	fm := passThrough(format.Float32, nil, 1, h, w, c)
	fm.Metadata.Preprocessing = &prep
	return mustInterpreter(t, mustLoad(t, fm), 1)
}

func TestSetInputImageSquashBilinear(t *testing.T) {
	it := imageModel(t, 1, 2, 3, format.Preprocessing{
		ColorOrder: format.RGB, Scale: 0.5, Offset: -1,
		Mean: []float32{1, 2, 3}, Std: []float32{2, 4, 8},
		Fit: format.FitSquash, Interpolation: format.ResizeBilinear,
	})
	if err := it.SetInputImage(0, testImage()); err != nil {
		t.Fatal(err)
	}
	// 4x2 -> 2x1 with half-pixel centers: output (0,0) samples source
	// (0.5, 0.5), the mean of the 2x2 block at columns 0-1: RGB (30, 55, 80);
	// output (1,0) samples (2.5, 0.5): (100, 20, 22.5 -> 23).
	// Then (p*0.5 - 1 - mean) / std:
	//   R 30 -> (15-1-1)/2 = 6.5,   G 55 -> (27.5-1-2)/4 = 6.125,  B 80 -> (40-1-3)/8 = 4.5
	//   R 100 -> (50-1-1)/2 = 24,   G 20 -> (10-1-2)/4 = 1.75,     B 23 -> (11.5-1-3)/8 = 0.9375
	want := []float32{6.5, 6.125, 4.5, 24, 1.75, 0.9375}
	if got := it.Input(0).Float32(); !slices.Equal(got, want) {
		t.Errorf("input %v, want %v", got, want)
	}
}

func TestSetInputImageCenterCropBGR(t *testing.T) {
	it := imageModel(t, 2, 2, 3, format.Preprocessing{ColorOrder: format.BGR, Scale: 1, Fit: format.FitCenterCrop})
	if err := it.SetInputImage(0, testImage()); err != nil {
		t.Fatal(err)
	}
	// Covering 2x2 with 4x2 keeps scale 1 and crops columns 1 and 2 exactly;
	// channels come out reversed.
	want := []float32{
		120, 80, 40, 50, 0, 100,
		140, 100, 60, 0, 0, 0,
	}
	if got := it.Input(0).Float32(); !slices.Equal(got, want) {
		t.Errorf("input %v, want %v", got, want)
	}
}

func TestSetInputImageLetterbox(t *testing.T) {
	it := imageModel(t, 4, 4, 3, format.Preprocessing{ColorOrder: format.RGB, Scale: 1, Fit: format.FitLetterbox})
	if err := it.SetInputImage(0, testImage()); err != nil {
		t.Fatal(err)
	}
	// 4x2 fits 4x4 at scale 1: rows 1-2 are the image, rows 0 and 3 bars of 114.
	got := it.Input(0).Float32()
	for y := range 4 {
		for x := range 4 {
			var want [3]float32
			switch y {
			case 0, 3:
				want = [3]float32{114, 114, 114}
			default:
				c := testImage().NRGBAAt(10+x, 20+y-1)
				want = [3]float32{float32(c.R), float32(c.G), float32(c.B)}
			}
			if p := got[(y*4+x)*3 : (y*4+x)*3+3]; !slices.Equal(p, want[:]) {
				t.Errorf("pixel (%d,%d) = %v, want %v", x, y, p, want)
			}
		}
	}
}

func TestSetInputImageGrayNearestInt8(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range g.Pix {
		g.Pix[i] = uint8(10 * i)
	}
	prep := format.Preprocessing{ColorOrder: format.Gray, Scale: 1.0 / 255, Interpolation: format.ResizeNearest,
		Width: 2, Height: 2, Channels: 1}
	fm := passThrough(format.Int8, perTensor(1.0/255, -128), 1, 2, 2, 1)
	fm.Metadata.Preprocessing = &prep
	it := mustInterpreter(t, mustLoad(t, fm), 1)
	if err := it.SetInputImage(0, g); err != nil {
		t.Fatal(err)
	}
	// 4x4 -> 2x2 nearest: centers at source 0.5 and 2.5 round to pixels 1
	// and 3, so the samples are Pix[y*4+x] for (1,1), (3,1), (1,3), (3,3):
	// 50, 70, 130, 150. x = p/255 quantized at scale 1/255, zero point -128,
	// is p - 128 (p/255 divided by 1/255 rounds back to p).
	want := []int8{50 - 128, 70 - 128, 130 - 128, 150 - 128}
	if got := it.Input(0).Int8(); !slices.Equal(got, want) {
		t.Errorf("input %v, want %v", got, want)
	}

	// A colour image into a gray model: luma as image/color computes it,
	// (19595*R + 38470*G + 7471*B + 2^15) >> 24 on 16-bit channels. For
	// (40, 80, 120): (19595*10280 + 38470*20560 + 7471*30840 + 32768) >> 24 = 72.
	rgb := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i := 0; i < len(rgb.Pix); i += 4 {
		copy(rgb.Pix[i:], []uint8{40, 80, 120, 255})
	}
	if err := it.SetInputImage(0, rgb); err != nil {
		t.Fatal(err)
	}
	if got, want := it.Input(0).Int8(), []int8{72 - 128, 72 - 128, 72 - 128, 72 - 128}; !slices.Equal(got, want) {
		t.Errorf("gray from RGB %v, want %v", got, want)
	}
}

func TestSetInputImageErrors(t *testing.T) {
	it := mustInterpreter(t, mustLoad(t, passThrough(format.Float32, nil, 1, 2, 2, 3)), 1)
	if err := it.SetInputImage(0, testImage()); err == nil || !strings.Contains(err.Error(), "no preprocessing metadata") {
		t.Errorf("without metadata: %v", err)
	}
	it = imageModel(t, 2, 2, 3, format.Preprocessing{ColorOrder: format.RGB, Scale: 1})
	it.model.graph.Metadata.Preprocessing.ColorOrder = format.Gray
	if err := it.SetInputImage(0, testImage()); err == nil || !strings.Contains(err.Error(), "has 3 channels") {
		t.Errorf("gray order for a 3-channel input: %v", err)
	}
}
