package train

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/quant"
)

// FakeQuant rounds activations to the int8 grid the runtime will use:
// y = (clamp(round(x/scale) + zp, −128, 127) − zp)·scale with scale and zp
// chosen from the range [Lo, Hi] by quant.ChooseActivationParams and the
// rounding of quant.Quantize, so the float model computes the int8
// model's activation values. Backward passes the gradient straight
// through inside the representable range and stops it outside (the
// clamp's gradient).
type FakeQuant struct {
	// Lo and Hi are the real range. Observing in training widens it to
	// the first batch and then follows the batch ranges by an exponential
	// average with weight Momentum.
	Lo, Hi   float32
	Momentum float32
	Observe  bool
	// Enabled rounds; false passes values through (observation only).
	Enabled bool
	// FixedScale > 0 pins the quantization (outputs whose int8
	// quantization the operator fixes, such as sigmoid's 1/256, −128).
	FixedScale float32
	FixedZP    int32
	// Like, when set, quantizes as another quantizer does (average
	// pooling keeps its input's quantization in the int8 model).
	Like *FakeQuant

	ranged bool
}

// NewFakeQuant returns an observing, not yet rounding, fake quantizer.
func NewFakeQuant() *FakeQuant { return &FakeQuant{Momentum: 0.01, Observe: true} }

func (f *FakeQuant) Kind() string     { return "fakequant" }
func (f *FakeQuant) Params() []*Param { return nil }

func (f *FakeQuant) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, have %d", len(in))
	}
	return in[0], nil
}

// Ranged reports whether the quantizer has a range.
func (f *FakeQuant) Ranged() bool {
	if f.Like != nil {
		return f.Like.Ranged()
	}
	return f.ranged || f.FixedScale > 0
}

// SetRange sets the range and marks it known.
func (f *FakeQuant) SetRange(lo, hi float32) { f.Lo, f.Hi, f.ranged = lo, hi, true }

// Quantization is the int8 scale and zero point of the current range.
func (f *FakeQuant) Quantization() (scale float32, zeroPoint int32) {
	if f.Like != nil {
		return f.Like.Quantization()
	}
	if f.FixedScale > 0 {
		return f.FixedScale, f.FixedZP
	}
	return quant.ChooseActivationParams(f.Lo, f.Hi)
}

// Scale is the int8 scale of the current range.
func (f *FakeQuant) Scale() float32 {
	s, _ := f.Quantization()
	return s
}

func (f *FakeQuant) observe(x []float32) {
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	if !f.ranged {
		f.SetRange(lo, hi)
		return
	}
	m := f.Momentum
	f.Lo += m * (lo - f.Lo)
	f.Hi += m * (hi - f.Hi)
}

func (f *FakeQuant) Forward(in []*Tensor, out *Tensor, training bool) {
	x := in[0].Data
	if training && f.Observe && f.FixedScale == 0 && f.Like == nil && len(x) > 0 {
		f.observe(x)
	}
	if !f.Enabled || !f.Ranged() {
		copy(out.Data, x)
		return
	}
	s, zp := f.Quantization()
	parallelFor(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out.Data[i] = quant.Dequantize(quant.Quantize(x[i], s, zp), s, zp)
		}
	})
}

func (f *FakeQuant) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] == nil {
		return
	}
	lo, hi := float32(-3.4e38), float32(3.4e38)
	if f.Enabled && f.Ranged() {
		s, zp := f.Quantization()
		lo, hi = float32(-128-zp)*s, float32(127-zp)*s
	}
	for i, g := range dOut.Data {
		if x := in[0].Data[i]; x >= lo && x <= hi {
			dIn[0].Data[i] += g
		}
	}
}

// FakeQuantWeights writes to out the weights w as the int8 model stores
// them, per output channel (the outermost axis) symmetric with
// quant.QuantizeWeightsPerChannel, dequantized; it returns the scales.
func FakeQuantWeights(w []float32, channels int, out []float32) []float32 {
	q, scales := quant.QuantizeWeightsPerChannel(w, channels)
	n := len(w) / channels
	for i, v := range q {
		out[i] = quant.Dequantize(v, scales[i/n], 0)
	}
	return scales
}

// fakeQuantBias writes to out the bias as quant.QuantizeBias stores it at
// scale inScale·wScales[c], dequantized.
func fakeQuantBias(b []float32, inScale float32, wScales []float32, out []float32) {
	q := quant.QuantizeBias(b, inScale, wScales)
	for c, v := range q {
		out[c] = float32(float64(v) * float64(inScale) * float64(wScales[c]))
	}
}
