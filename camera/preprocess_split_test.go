package camera

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// A split Preprocessor (two goroutines, half the rows each) writes the same
// bytes as one that samples every row itself, for every format, fit and
// odd or even output height, and allocates nothing per frame.
func TestPreprocessSplitSameBytes(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	formats := []PixelFormat{I420, I422, I444, NV12, YUYV, RGB24, BGR24, Gray}
	fits := []format.ResizeFit{format.FitSquash, format.FitCenterCrop, format.FitLetterbox}
	for _, pf := range formats {
		for _, fit := range fits {
			for _, order := range []format.ColorOrder{format.RGB, format.Gray} {
				for _, dst := range [][2]int{{20, 20}, {17, 23}, {31, 2}} {
					prep := format.Preprocessing{ColorOrder: order, Fit: fit, Interpolation: format.ResizeBilinear}
					m, it := imageModelThreads(t, dst[1], dst[0], prep, 2)
					f := randomFrame(rng, pf, 64, 37, rng.Intn(3)*7, YUVRange(rng.Intn(2)))
					whole, err := NewPreprocessor(m, it, 0, PreprocessOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if err := whole.Process(f); err != nil {
						t.Fatal(err)
					}
					want := bytes.Clone(whole.dst8)
					split, err := NewPreprocessor(m, it, 0, PreprocessOptions{Split: true})
					if err != nil {
						t.Fatal(err)
					}
					clear(split.dst8)
					if err := split.Process(f); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(split.dst8, want) {
						t.Errorf("%v fit %d order %d to %dx%d: the split preprocessor wrote other bytes", pf, fit, order, dst[0], dst[1])
					}
					if allocs := testing.AllocsPerRun(20, func() { split.Process(f) }); allocs != 0 {
						t.Errorf("%v: split Process allocates %.1f times per frame", pf, allocs)
					}
					split.Close()
				}
			}
		}
	}
}
