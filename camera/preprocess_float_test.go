package camera

import (
	"math/rand"
	"testing"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// floatImageModel is imageModel with a float32 input: with scale 1 and no
// mean or std, an input value is its 8-bit pixel.
func floatImageModel(t testing.TB, h, w int, prep format.Preprocessing) (*runtime.Model, *runtime.Interpreter) {
	t.Helper()
	b := builder.New()
	x := b.Input("image", []int{1, h, w, 3}, format.NHWC)
	b.Output(b.Flatten("flat", x))
	prep.Scale, prep.Width, prep.Height, prep.Channels = 1, w, h, 3
	b.SetPreprocessing(prep)
	fm, err := b.Float32Model()
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.LoadModel(fm)
	if err != nil {
		t.Fatal(err)
	}
	it, err := m.NewInterpreter(runtime.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { it.Close(); m.Close() })
	return m, it
}

// A float32 input (sampled into pixels, then mapped: the path int8 inputs
// of YUV frames skip) gets the pixels an int8 input gets, split or not,
// letterboxed, in both channel orders.
func TestPreprocessFloatInputSamePixels(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	for _, pf := range []PixelFormat{I420, NV12, YUYV, RGB24} {
		for _, order := range []format.ColorOrder{format.RGB, format.BGR} {
			prep := format.Preprocessing{ColorOrder: order, Fit: format.FitLetterbox, Interpolation: format.ResizeBilinear}
			m8, it8 := imageModel(t, 13, 21, prep)
			mf, itf := floatImageModel(t, 13, 21, prep)
			f := randomFrame(rng, pf, 50, 44, 3, YUVRange(rng.Intn(2)))
			p8, err := NewPreprocessor(m8, it8, 0, PreprocessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := p8.Process(f); err != nil {
				t.Fatal(err)
			}
			want := inputPixels(it8)
			for _, split := range []bool{false, true} {
				pf32, err := NewPreprocessor(mf, itf, 0, PreprocessOptions{Split: split})
				if err != nil {
					t.Fatal(err)
				}
				clear(itf.Input(0).Float32())
				if err := pf32.Process(f); err != nil {
					t.Fatal(err)
				}
				for i, v := range itf.Input(0).Float32() {
					if v != float32(want[i]) {
						t.Fatalf("%v order %d split %v: float input %d is %v, the int8 input's pixel %d", pf, order, split, i, v, want[i])
					}
				}
				pf32.Close()
			}
		}
	}
}
