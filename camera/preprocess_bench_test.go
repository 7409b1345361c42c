package camera

import (
	"math/rand"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// BenchmarkPreprocess fits a 640x480 frame to a 224x224 RGB int8 input
// (MobileNetV2's), per source format.
func BenchmarkPreprocess(b *testing.B) {
	for _, pf := range []PixelFormat{I420, NV12, YUYV, RGB24} {
		b.Run(pf.String(), func(b *testing.B) {
			m, it := imageModel(b, 224, 224, format.Preprocessing{Fit: format.FitCenterCrop, Interpolation: format.ResizeBilinear})
			p, err := NewPreprocessor(m, it, 0, PreprocessOptions{})
			if err != nil {
				b.Fatal(err)
			}
			f := randomFrame(rand.New(rand.NewSource(1)), pf, 640, 480, 0, LimitedRange)
			b.ReportAllocs()
			for b.Loop() {
				p.Process(f)
			}
		})
	}
}
