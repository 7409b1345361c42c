package camera

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/edgeinfer/edgeinfer/camera/internal/yuvsimd"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// The YUV row kernel this build and CPU run best writes the same input
// bytes as the pure-Go one for whole frames: random frame and input sizes
// (odd widths, output widths that are no multiple of 8), ROIs, every fit,
// both interpolations, channel orders and ranges, planar and NV12 frames,
// and a squash that reaches the planes' last byte (no row padding).
func TestPreprocessKernelsSameBytes(t *testing.T) {
	best := yuvsimd.Best()
	if best == yuvsimd.Go {
		t.Skip("this build or CPU has no assembly YUV kernel")
	}
	rng := rand.New(rand.NewSource(13))
	formats := []PixelFormat{I420, I422, I444, NV12}
	fits := []format.ResizeFit{format.FitSquash, format.FitCenterCrop, format.FitLetterbox}
	for trial := range 60 {
		pf, fit := formats[trial%len(formats)], fits[trial%len(fits)]
		order := []format.ColorOrder{format.RGB, format.BGR}[rng.Intn(2)]
		interp := []format.ResizeMode{format.ResizeBilinear, format.ResizeNearest}[rng.Intn(4)/3]
		dw, dh := 1+rng.Intn(40), 1+rng.Intn(30)
		prep := format.Preprocessing{ColorOrder: order, Fit: fit, Interpolation: interp}
		m, it := imageModel(t, dh, dw, prep)
		var roi ROI
		if rng.Intn(2) == 0 {
			roi = ROI{X: rng.Float64() * 0.3, Y: rng.Float64() * 0.3, W: 0.3 + rng.Float64()*0.7, H: 0.3 + rng.Float64()*0.7}
			roi.W, roi.H = min(roi.W, 1-roi.X), min(roi.H, 1-roi.Y)
		}
		f := randomFrame(rng, pf, 2+rng.Intn(90), 2+rng.Intn(70), rng.Intn(2)*rng.Intn(9), YUVRange(rng.Intn(2)))
		p, err := NewPreprocessor(m, it, 0, PreprocessOptions{ROI: roi})
		if err != nil {
			t.Fatal(err)
		}
		if p.kernel != best {
			t.Fatalf("the preprocessor runs the %s YUV kernel, want %s", p.kernel, best)
		}
		if err := p.Process(f); err != nil {
			t.Fatal(err)
		}
		want := bytes.Clone(p.dst8)
		p.kernel = yuvsimd.Go
		clear(p.dst8)
		if err := p.Process(f); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p.dst8, want) {
			t.Errorf("trial %d: %v %dx%d (%v range, roi %+v) -> %dx%d fit %d order %d interp %d: the %s kernel wrote other bytes than Go",
				trial, pf, f.Width, f.Height, f.Range, roi, dw, dh, fit, order, interp, best)
		}
	}
}

// EDGEINFER_KERNELS=purego (the kernel variant the model runs) selects
// the pure-Go YUV kernel too.
func TestPreprocessKernelFollowsVariant(t *testing.T) {
	t.Setenv(kernels.VariantEnv, string(kernels.PureGo))
	m, it := imageModel(t, 8, 8, format.Preprocessing{Interpolation: format.ResizeBilinear})
	p, err := NewPreprocessor(m, it, 0, PreprocessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.kernel != yuvsimd.Go {
		t.Errorf("with %s=purego the preprocessor runs the %s YUV kernel", kernels.VariantEnv, p.kernel)
	}
}
