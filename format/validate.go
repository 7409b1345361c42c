package format

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// MaxRank is the highest tensor rank a model may use.
const MaxRank = 6

// Limits that keep every size and index the runtime computes inside int32
// (the runtime also runs on 32-bit ARM).
const (
	maxTensorBytes = math.MaxInt32 // a tensor's payload is below 2 GiB
	maxWindow      = 1 << 20       // kernel size, stride, dilation, padding, LRN size
)

// ValidateModel checks everything the runtime relies on, so that it can
// trust a validated model completely:
//
//   - the version, and every tensor: dtype, rank <= MaxRank, non-negative
//     dimensions, size below 2 GiB, constant payload length, quantization
//     (finite positive scales, zero points in the dtype's range,
//     per-channel only for constants and then symmetric);
//   - every operator: arity, tensor indices, operands with elements, options of the right type
//     with values in range, and the shapes, types and quantization its
//     kernels assume (validate_opcodes.go);
//   - the graph: every activation is written by exactly one operator, and
//     every operator input is a constant, a graph input or the output of
//     an earlier operator, so the operator order is an execution order
//     and the graph is acyclic; graph inputs are not written, graph
//     outputs are not constants;
//   - the metadata: labels, preprocessing and IO layouts agree with the
//     graph.
//
// The error names the operator and tensor at fault.
func ValidateModel(m *Model) error {
	if m == nil {
		return invalid("nil model")
	}
	if m.Version != Version {
		return fileError(ErrVersion, "model version %d; this package reads and writes version %d", m.Version, Version)
	}
	if len(m.Tensors) > math.MaxInt32 {
		return invalid("%d tensors is more than a model can index", len(m.Tensors))
	}
	for t := range m.Tensors {
		if err := validateTensor(m, t); err != nil {
			return err
		}
	}
	isInput, err := validateInputs(m)
	if err != nil {
		return err
	}
	writer := slices.Repeat([]int{-1}, len(m.Tensors))
	scanned := make([]bool, len(m.Tensors))
	for i := range m.Operators {
		c := &opCheck{m: m, index: i, op: &m.Operators[i], scanned: scanned}
		if err := c.validate(isInput, writer); err != nil {
			return err
		}
	}
	if err := validateOutputs(m, isInput, writer); err != nil {
		return err
	}
	return validateMetadata(m, isInput)
}

func validateTensor(m *Model, i int) error {
	t := &m.Tensors[i]
	errorf := func(format string, args ...any) error { return tensorError(m, "", i, format, args...) }
	if t.DType.Size() == 0 {
		return errorf("unknown dtype %d", t.DType)
	}
	if len(t.Shape) > MaxRank {
		return errorf("shape %v: rank %d is above the maximum %d", t.Shape, len(t.Shape), MaxRank)
	}
	n := int64(1)
	for d, dim := range t.Shape {
		if dim < 0 || dim > math.MaxInt32 {
			return errorf("shape %v: dimension %d is %d", t.Shape, d, dim)
		}
		if n *= int64(dim); n > maxTensorBytes {
			return errorf("shape %v has more than %d elements", t.Shape, maxTensorBytes)
		}
	}
	bytes := n * int64(t.DType.Size())
	if bytes > maxTensorBytes {
		return errorf("shape %v of %s is %d bytes; a tensor must stay below 2 GiB", t.Shape, t.DType, bytes)
	}
	if t.Data != nil && int64(len(t.Data)) != bytes {
		return errorf("the constant holds %d bytes, but shape %v of %s needs %d", len(t.Data), t.Shape, t.DType, bytes)
	}
	return validateQuant(t, errorf)
}

func validateQuant(t *Tensor, errorf func(string, ...any) error) error {
	q := t.Quant
	switch t.DType {
	case Int8, Uint8:
		if q == nil {
			return errorf("%s tensor has no quantization parameters", t.DType)
		}
	case Float32, Float16:
		if q != nil {
			return errorf("%s tensor has quantization parameters", t.DType)
		}
	}
	if q == nil {
		return nil
	}
	if len(q.Scale) == 0 {
		return errorf("quantization has no scale")
	}
	if len(q.ZeroPoint) != len(q.Scale) {
		return errorf("quantization has %d scales but %d zero points", len(q.Scale), len(q.ZeroPoint))
	}
	for k, s := range q.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return errorf("quantization scale %d is %v; scales must be finite and positive", k, s)
		}
	}
	lo, hi := zeroPointRange(t.DType)
	for k, zp := range q.ZeroPoint {
		if zp < lo || zp > hi {
			return errorf("quantization zero point %d is %d, outside the %s range [%d, %d]", k, zp, t.DType, lo, hi)
		}
	}
	switch {
	case q.Axis == -1:
		if len(q.Scale) != 1 {
			return errorf("per-tensor quantization (axis -1) has %d scales", len(q.Scale))
		}
	case q.Axis < -1 || q.Axis >= len(t.Shape):
		return errorf("quantization axis %d is out of range for shape %v", q.Axis, t.Shape)
	case t.Data == nil:
		return errorf("activations are quantized per tensor, but this one is quantized along axis %d", q.Axis)
	case len(q.Scale) != t.Shape[q.Axis]:
		return errorf("per-channel quantization along axis %d has %d scales, but shape %v has %d channels there",
			q.Axis, len(q.Scale), t.Shape, t.Shape[q.Axis])
	default:
		for k, zp := range q.ZeroPoint {
			if zp != 0 {
				return errorf("per-channel zero point %d is %d; per-channel quantization is symmetric (zero points 0)", k, zp)
			}
		}
	}
	return nil
}

// zeroPointRange is the range of values a zero point of dtype d may take.
func zeroPointRange(d DType) (lo, hi int32) {
	switch d {
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Uint8:
		return 0, math.MaxUint8
	}
	return math.MinInt32, math.MaxInt32
}

// validateInputs checks the graph inputs and returns them as a set.
func validateInputs(m *Model) ([]bool, error) {
	if len(m.Inputs) == 0 {
		return nil, invalid("the model has no inputs")
	}
	isInput := make([]bool, len(m.Tensors))
	for k, t := range m.Inputs {
		role := fmt.Sprintf("graph input %d", k)
		if err := validateIOTensor(m, role, t, isInput); err != nil {
			return nil, err
		}
		isInput[t] = true
	}
	return isInput, nil
}

func validateOutputs(m *Model, isInput []bool, writer []int) error {
	if len(m.Outputs) == 0 {
		return invalid("the model has no outputs")
	}
	isOutput := make([]bool, len(m.Tensors))
	for k, t := range m.Outputs {
		role := fmt.Sprintf("graph output %d", k)
		if err := validateIOTensor(m, role, t, isOutput); err != nil {
			return err
		}
		if writer[t] < 0 && !isInput[t] {
			return tensorError(m, role, t, "no operator writes it, and it is not a graph input")
		}
		isOutput[t] = true
	}
	return nil
}

// validateIOTensor checks graph input or output t; seen marks the tensors
// listed before it.
func validateIOTensor(m *Model, role string, t int, seen []bool) error {
	if t < 0 || t >= len(m.Tensors) {
		return tensorError(m, role, -1, "tensor index %d is out of range (the model has %d tensors)", t, len(m.Tensors))
	}
	x := &m.Tensors[t]
	switch {
	case seen[t]:
		return tensorError(m, role, t, "is listed twice")
	case x.Data != nil:
		return tensorError(m, role, t, "is a constant")
	case x.Elements() == 0:
		return tensorError(m, role, t, "shape %v has no elements", x.Shape)
	}
	return nil
}

func validateMetadata(m *Model, isInput []bool) error {
	md := &m.Metadata
	if n := len(md.Labels); n > 0 {
		t := m.Outputs[0]
		s := m.Tensors[t].Shape
		if len(s) == 0 || s[len(s)-1] != n {
			return tensorError(m, "graph output 0", t, "metadata has %d labels, but the output's shape %v does not end in %d", n, s, n)
		}
	}
	if p := md.Preprocessing; p != nil {
		if err := p.validate(); err != nil {
			return err
		}
	}
	isOutput := make([]bool, len(m.Tensors))
	for _, t := range m.Outputs {
		isOutput[t] = true
	}
	for _, t := range slices.Sorted(maps.Keys(md.IOLayouts)) {
		l := md.IOLayouts[t]
		switch {
		case t < 0 || t >= len(m.Tensors):
			return invalid("metadata: io layout for tensor index %d, which is out of range (the model has %d tensors)", t, len(m.Tensors))
		case !isInput[t] && !isOutput[t]:
			return tensorError(m, "io layout", t, "has a source layout in the metadata but is not a graph input or output")
		case l > NCHW:
			return tensorError(m, "io layout", t, "unknown layout %d", l)
		case l == NCHW && len(m.Tensors[t].Shape) != 4:
			return tensorError(m, "io layout", t, "is NCHW in the source model, but its shape %v is not rank 4", m.Tensors[t].Shape)
		}
	}
	if p := md.Producer; p != nil && p.Calibration != nil {
		if s := p.Calibration.Samples; s < 0 || s > math.MaxInt32 {
			return invalid("metadata: calibration samples %d is out of range", s)
		}
	}
	if q := md.QuantReport; q != nil {
		if q.Samples < 0 || q.Samples > math.MaxInt32 {
			return invalid("metadata: quantization report samples %d is out of range", q.Samples)
		}
	}
	return nil
}

func (p *Preprocessing) validate() error {
	errorf := func(format string, args ...any) error {
		return invalid("metadata: preprocessing: "+format, args...)
	}
	if !p.enumsValid() {
		return errorf("color order %d, fit %d, interpolation %d: unknown enum value", p.ColorOrder, p.Fit, p.Interpolation)
	}
	for _, d := range []struct {
		name string
		v    int
	}{{"width", p.Width}, {"height", p.Height}, {"channels", p.Channels}} {
		if d.v <= 0 || d.v > math.MaxInt32 {
			return errorf("%s %d must be positive", d.name, d.v)
		}
	}
	want := 3
	if p.ColorOrder == Gray {
		want = 1
	}
	if p.Channels != want {
		return errorf("%d channels, but the colour order gives %d", p.Channels, want)
	}
	if !finite(p.Scale) || !finite(p.Offset) {
		return errorf("scale %v and offset %v must be finite", p.Scale, p.Offset)
	}
	for _, v := range []struct {
		name   string
		values []float32
	}{{"mean", p.Mean}, {"std", p.Std}} {
		if n := len(v.values); n != 0 && n != 1 && n != p.Channels {
			return errorf("%d %s values for %d channels; want 1 or one per channel", n, v.name, p.Channels)
		}
		for i, x := range v.values {
			if !finite(x) || (v.name == "std" && x == 0) {
				return errorf("%s[%d] is %v", v.name, i, x)
			}
		}
	}
	return nil
}

func (p *Preprocessing) enumsValid() bool {
	return p.ColorOrder <= Gray && p.Fit <= FitLetterbox && p.Interpolation <= ResizeBilinear
}

func (o *ResizeOptions) valid() bool {
	return o.Mode <= ResizeBilinear && o.Coordinate <= CoordPytorchHalfPixel && o.Nearest <= NearestCeil
}

func finite(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }
