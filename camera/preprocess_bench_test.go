package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// BenchmarkPreprocess fits a 640x480 frame to a 224x224 RGB int8 input
// (MobileNetV2's), per source format.
func BenchmarkPreprocess(b *testing.B) {
	for _, pf := range []PixelFormat{I420, NV12, YUYV, RGB24} {
		for _, split := range []bool{false, true} {
			name := pf.String()
			if split {
				name += "/split"
			}
			b.Run(name, func(b *testing.B) {
				benchmarkPreprocess(b, pf, split)
			})
		}
	}
}

func benchmarkPreprocess(b *testing.B, pf PixelFormat, split bool) {
	threads := 1
	if split {
		threads = 2
	}
	m, it := imageModelThreads(b, 224, 224, format.Preprocessing{Fit: format.FitCenterCrop, Interpolation: format.ResizeBilinear}, threads)
	p, err := NewPreprocessor(m, it, 0, PreprocessOptions{Split: split})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	f := randomFrame(rand.New(rand.NewSource(1)), pf, 640, 480, 0, LimitedRange)
	b.ReportAllocs()
	for b.Loop() {
		p.Process(f)
	}
}

// BenchmarkDecodeJPEG decodes one 640x480 4:2:0 JPEG frame of an MJPEG
// stream: image/jpeg has no way to decode into an existing image, so its
// allocations are what each MJPEG frame costs.
func BenchmarkDecodeJPEG(b *testing.B) {
	// A smooth picture with some edges, like a camera's, not noise (which
	// JPEG codes at several times the size and decode time).
	img := image.NewYCbCr(image.Rect(0, 0, 640, 480), image.YCbCrSubsampleRatio420)
	for y := range 480 {
		for x := range 640 {
			img.Y[y*img.YStride+x] = byte(x/3 + y/4 + 40*((x/80+y/60)%2))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = byte(100+i%61), byte(140-i%37)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	var out Frame
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := decodeJPEG(&out, data); err != nil {
			b.Fatal(err)
		}
	}
}
