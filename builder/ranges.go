package builder

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
)

// SetRange sets the real range an int8 model quantizes t over, replacing
// any observed range. Ranges of values whose quantization is fixed by their
// op (pooling, reshapes, concatenation, logistic, ...) are ignored.
func (b *Builder) SetRange(t Tensor, lo, hi float32) {
	if b.err != nil {
		return
	}
	if !b.valid(t) {
		b.err = fmt.Errorf("builder: set range: %d is not a tensor of this builder", t)
		return
	}
	v := &b.values[t]
	if isNaN(lo) || isNaN(hi) || lo > hi || math.IsInf(float64(lo), 0) || math.IsInf(float64(hi), 0) {
		b.err = fmt.Errorf("builder: set range of %q: [%v, %v] is not a finite interval", v.name, lo, hi)
		return
	}
	v.lo, v.hi, v.ranged = lo, hi, true
}

// SetQuantization pins the exact int8 quantization of t (real = (q -
// zeroPoint) * scale), as an imported QDQ model prescribes. Like SetRange
// it only applies to values whose quantization is free.
func (b *Builder) SetQuantization(t Tensor, scale float32, zeroPoint int32) {
	if b.err != nil {
		return
	}
	if !b.valid(t) {
		b.err = fmt.Errorf("builder: set quantization: %d is not a tensor of this builder", t)
		return
	}
	v := &b.values[t]
	if !(scale > 0) || math.IsInf(float64(scale), 0) || zeroPoint < -128 || zeroPoint > 127 {
		b.err = fmt.Errorf("builder: set quantization of %q: scale %v, zero point %d; want a finite scale > 0 and a zero point in [-128, 127]",
			v.name, scale, zeroPoint)
		return
	}
	v.scale, v.zp, v.pinned = scale, zeroPoint, true
}

// Observe widens t's range to cover every finite value in data: the
// min/max calibration of one sample.
func (b *Builder) Observe(t Tensor, data []float32) {
	if b.err != nil {
		return
	}
	if !b.valid(t) {
		b.err = fmt.Errorf("builder: observe: %d is not a tensor of this builder", t)
		return
	}
	v := &b.values[t]
	for _, x := range data {
		if isNaN(x) || math.IsInf(float64(x), 0) {
			continue
		}
		if !v.ranged {
			v.lo, v.hi, v.ranged = x, x, true
			continue
		}
		v.lo = min(v.lo, x)
		v.hi = max(v.hi, x)
	}
}

// Range returns t's real range and whether it has one. A Quantize or
// Dequantize result without a range of its own reports its input's.
func (b *Builder) Range(t Tensor) (lo, hi float32, ok bool) {
	for b.valid(t) {
		v := &b.values[t]
		if v.ranged {
			return v.lo, v.hi, true
		}
		if v.kind != kindOp {
			break
		}
		n := &b.nodes[v.node]
		if n.op != format.OpQuantize && n.op != format.OpDequantize {
			break
		}
		t = n.inputs[0]
	}
	return 0, 0, false
}

// CalibrationModel returns the float32 model with every op result that
// has a tensor of its own as a graph output, and the handles of those
// results in output order, so that running it on a sample and calling
// Observe(observed[i], output i) records every range Int8Model needs. Graph
// inputs are not outputs: observe them from the samples themselves.
func (b *Builder) CalibrationModel() (m *format.Model, observed []Tensor, err error) {
	e, err := b.emit(false, Int8Options{})
	if err != nil {
		return nil, nil, err
	}
	seen := make(map[int]bool)
	e.m.Outputs = e.m.Outputs[:0]
	for t, v := range b.values {
		idx := e.tensor[t]
		if v.kind != kindOp || e.alias[t] || seen[idx] {
			continue
		}
		seen[idx] = true
		e.m.Outputs = append(e.m.Outputs, idx)
		observed = append(observed, Tensor(t))
	}
	// Labels and output layouts describe the real outputs.
	e.m.Metadata.Labels = nil
	for idx := range e.m.Metadata.IOLayouts {
		if !isInput(e.m, idx) {
			delete(e.m.Metadata.IOLayouts, idx)
		}
	}
	if err := format.ValidateModel(e.m); err != nil {
		return nil, nil, fmt.Errorf("builder: calibration model: %w", err)
	}
	return e.m, observed, nil
}

func isInput(m *format.Model, idx int) bool {
	for _, i := range m.Inputs {
		if i == idx {
			return true
		}
	}
	return false
}
