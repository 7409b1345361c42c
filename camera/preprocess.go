package camera

import (
	"errors"
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/camera/internal/yuvsimd"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// PreprocessOptions overrides parts of the model's preprocessing metadata
// and picks the region of the frame to classify.
type PreprocessOptions struct {
	ROI ROI
	// Fit, when set, replaces the model's resize fit (squash, center-crop,
	// letterbox).
	Fit *format.ResizeFit
	// ColorOrder, when set, replaces the model's channel order.
	ColorOrder *format.ColorOrder
	// Split, when true, shares the frame's rows among the interpreter's
	// threads (runtime.Interpreter.RunParallel). Preprocessing runs
	// between inferences, when those threads are idle, so with 2 threads
	// it takes up to half the time (a 640x480 yuv420 frame to 224x224:
	// ~0.4 ms on one AVX2 core). The bytes written are the same either way.
	Split bool
}

// Preprocessor writes frames into one image input of an interpreter: it
// fits the frame (or its ROI) to the input size with the model's resize
// fit and interpolation, converts YUV to RGB on the sampled pixels only,
// orders the channels, and maps each 8-bit pixel to the input's value
// through a per-channel table holding the model's normalization and
// quantization. The sampling matches runtime.SetInputImage (same fit,
// half-pixel centers, 8-bit rounding of each sample, letterbox grey 114),
// in fixed point: a sample may differ from it by one 8-bit step.
// Planar YUV and NV12 frames for colour models are sampled, converted and
// mapped a row at a time by camera/internal/yuvsimd's kernels (AVX2,
// NEON, or Go when the model's kernel variant is purego), which write
// the same bytes.
//
// Process allocates nothing once it has seen a frame size: the sampling
// taps are kept until the size, format or ROI changes.
type Preprocessor struct {
	w, h, c  int // input width, height, channels
	fit      format.ResizeFit
	nearest  bool
	order    format.ColorOrder
	roi      ROI
	dtype    format.DType
	dst8     []byte    // int8/uint8 input memory
	dstF     []float32 // float32 input memory
	lut8     [3][256]byte
	lut      *yuvsimd.LUT // lut8 for the YUV row kernel (R, G, B order); nil for float32 inputs
	lutF     [3][256]float32
	pix      []uint8 // the fitted 8-bit image, in the model's channel order
	bar      [3]uint8
	xs, ys   []tap
	cols     yuvsimd.Columns // p.xs[colLo:colHi] for the YUV row kernel
	colLo    int
	colHi    int
	kernel   yuvsimd.Kernel
	tapsFor  [3]int // frame width, height and format the taps were made for
	haveTaps bool
	it       *runtime.Interpreter
	rows     *runtime.ParallelJob // nil unless PreprocessOptions.Split
	frame    *Frame               // the frame rows is sampling
}

// NewPreprocessor prepares frames for input `input` of it (an interpreter
// of m), a one-image
// NHWC tensor (int8, uint8 or float32) of a model with preprocessing
// metadata.
func NewPreprocessor(m *runtime.Model, it *runtime.Interpreter, input int, opts PreprocessOptions) (*Preprocessor, error) {
	t := it.Input(input)
	if t == nil {
		return nil, fmt.Errorf("camera: the model has no input %d", input)
	}
	prep := m.Format().Metadata.Preprocessing
	if prep == nil {
		return nil, errors.New("camera: the model has no preprocessing metadata (convert it with --mean/--std/--scale flags)")
	}
	if len(t.Shape) != 4 || t.Shape[0] != 1 {
		return nil, fmt.Errorf("camera: input %d %q of shape %v is not one NHWC image", input, t.Name, t.Shape)
	}
	p := &Preprocessor{h: t.Shape[1], w: t.Shape[2], c: t.Shape[3], fit: prep.Fit, order: prep.ColorOrder,
		nearest: prep.Interpolation == format.ResizeNearest, roi: opts.ROI, dtype: t.DType}
	if opts.Fit != nil {
		p.fit = *opts.Fit
	}
	if opts.ColorOrder != nil {
		p.order = *opts.ColorOrder
	}
	if err := p.roi.validate(); err != nil {
		return nil, fmt.Errorf("camera: %w", err)
	}
	want := 3
	if p.order == format.Gray {
		want = 1
	}
	if p.c != want {
		return nil, fmt.Errorf("camera: input %d %q has %d channels; the colour order needs %d", input, t.Name, p.c, want)
	}
	// The value of pixel v in channel ch, as runtime.SetInputImage computes it.
	value := func(v, ch int) float32 {
		x := float32(float32(v)*prep.Scale) + prep.Offset
		if len(prep.Mean) > 0 {
			x -= prep.Mean[min(ch, len(prep.Mean)-1)]
		}
		if len(prep.Std) > 0 {
			x /= prep.Std[min(ch, len(prep.Std)-1)]
		}
		return x
	}
	switch t.DType {
	case format.Int8:
		p.dst8 = t.Bytes()
		scale, zp := t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		for ch := range p.c {
			for v := range 256 {
				p.lut8[ch][v] = byte(quant.Quantize(value(v, ch), scale, zp))
			}
		}
	case format.Uint8:
		p.dst8 = t.Bytes()
		scale, zp := t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		for ch := range p.c {
			for v := range 256 {
				q := float64(value(v, ch) / scale)
				if q != q {
					q = 0
				}
				p.lut8[ch][v] = uint8(min(max(math.Round(q)+float64(zp), 0), 255))
			}
		}
	case format.Float32:
		p.dstF = t.Float32()
		for ch := range p.c {
			for v := range 256 {
				p.lutF[ch][v] = value(v, ch)
			}
		}
	default:
		return nil, fmt.Errorf("camera: input %d %q is %s; want int8, uint8 or float32", input, t.Name, t.DType)
	}
	p.pix = make([]uint8, p.w*p.h*p.c)
	if p.dst8 != nil && p.c == 3 {
		ro, bo := p.rgbOffsets()
		p.lut = yuvsimd.NewLUT(&p.lut8[ro], &p.lut8[1], &p.lut8[bo])
	}
	// The kernel variant the model runs (EDGEINFER_KERNELS=purego, or the
	// purego build tag, selects the Go kernels) picks the YUV row kernel.
	p.kernel = yuvsimd.Go
	if m.KernelVariant() != string(kernels.PureGo) {
		p.kernel = yuvsimd.Best()
	}
	p.bar = [3]uint8{letterboxGrey, letterboxGrey, letterboxGrey}
	if opts.Split {
		p.it = it
		// Work estimate: ~16 operations per input value written.
		p.rows = it.NewParallelJob(p.h, int64(p.w*p.h*p.c)*16, func(lo, hi int) {
			p.sample(p.frame, lo, hi)
			if !p.sampledInput(p.frame.Format) {
				p.quantize(lo, hi)
			}
		})
	}
	return p, nil
}

// Close releases the interpreter a split Preprocessor shares its rows
// with. The Preprocessor must not be used after it.
func (p *Preprocessor) Close() {
	p.it, p.rows, p.frame = nil, nil, nil
}

// letterboxGrey is the bars' 8-bit value, as in runtime.SetInputImage.
const letterboxGrey = 114

// Size is the input's width and height.
func (p *Preprocessor) Size() (w, h int) { return p.w, p.h }

// Process writes frame f into the input tensor.
func (p *Preprocessor) Process(f *Frame) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if !p.haveTaps || p.tapsFor != [3]int{f.Width, f.Height, int(f.Format)} {
		x0, y0, x1, y1 := p.roi.pixels(f.Width, f.Height)
		p.xs = axisTaps(p.xs, p.fit, p.nearest, x0, x1-x0, p.w, y1-y0, p.h)
		p.ys = axisTaps(p.ys, p.fit, p.nearest, y0, y1-y0, p.h, x1-x0, p.w)
		p.yuvColumns(f.Format)
		p.tapsFor, p.haveTaps = [3]int{f.Width, f.Height, int(f.Format)}, true
	}
	if p.rows != nil {
		p.frame = f
		err := p.it.RunParallel(p.rows)
		p.frame = nil // do not keep the frame's buffers reachable
		if err != nil {
			return err
		}
	} else {
		p.sample(f, 0, len(p.ys))
		if !p.sampledInput(f.Format) {
			p.quantize(0, len(p.ys))
		}
	}
	return nil
}

// quantize maps rows [r0, r1) of the fitted pixels into the tensor (in
// the same parallel unit that sampled them, while they are in cache).
func (p *Preprocessor) quantize(r0, r1 int) {
	lo, hi := r0*p.w*p.c, r1*p.w*p.c
	pix := p.pix[lo:hi]
	if p.dstF != nil {
		dst := p.dstF[lo:hi]
		if p.c == 1 {
			for i, v := range pix {
				dst[i] = p.lutF[0][v]
			}
			return
		}
		l0, l1, l2 := &p.lutF[0], &p.lutF[1], &p.lutF[2]
		for i := 0; i+2 < len(pix); i += 3 {
			d, s := dst[i:i+3:i+3], pix[i:i+3:i+3]
			d[0], d[1], d[2] = l0[s[0]], l1[s[1]], l2[s[2]]
		}
		return
	}
	dst := p.dst8[lo:hi]
	if p.c == 1 {
		for i, v := range pix {
			dst[i] = p.lut8[0][v]
		}
		return
	}
	l0, l1, l2 := &p.lut8[0], &p.lut8[1], &p.lut8[2]
	for i := 0; i+2 < len(pix); i += 3 {
		d, s := dst[i:i+3:i+3], pix[i:i+3:i+3]
		d[0], d[1], d[2] = l0[s[0]], l1[s[1]], l2[s[2]]
	}
}
