package builder

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/quant"
)

// qparams is an int8 activation quantization: real = (q - zp) * scale,
// chosen over the real range [lo, hi].
type qparams struct {
	scale  float32
	zp     int32
	lo, hi float32
}

func (p qparams) quant() *format.Quant {
	return &format.Quant{Scale: []float32{p.scale}, ZeroPoint: []int32{p.zp}, Axis: -1, Min: p.lo, Max: p.hi}
}

func (p qparams) same(o qparams) bool { return p.scale == o.scale && p.zp == o.zp }

// representable is the real interval the int8 range [-128, 127] covers.
func (p qparams) representable() (lo, hi float32) {
	return float32(-128-p.zp) * p.scale, float32(127-p.zp) * p.scale
}

func (p qparams) quantize(x []float32) []int8 {
	q := make([]int8, len(x))
	for i, v := range x {
		q[i] = quant.Quantize(v, p.scale, p.zp)
	}
	return q
}

// fixedParams is a quantization set directly (by the TFLite specification
// or SetQuantization); its range is what it represents.
func fixedParams(scale float32, zp int32) qparams {
	p := qparams{scale: scale, zp: zp}
	p.lo, p.hi = p.representable()
	return p
}

// chooseParams is the asymmetric int8 quantization of the real range
// [lo, hi] (widened to include 0, as quant.ChooseActivationParams does).
func chooseParams(lo, hi float32) (qparams, error) {
	if lo > hi {
		return qparams{}, fmt.Errorf("range [%v, %v] is empty", lo, hi)
	}
	s, zp := quant.ChooseActivationParams(lo, hi)
	return qparams{scale: s, zp: zp, lo: min(lo, 0), hi: max(hi, 0)}, nil
}

// freeParams quantizes value t as pinned by SetQuantization, else over its
// own range.
func (e *emitter) freeParams(t Tensor) (qparams, error) {
	if v := &e.b.values[t]; v.pinned {
		return fixedParams(v.scale, v.zp), nil
	}
	lo, hi, ok := e.b.Range(t)
	if !ok {
		return qparams{}, fmt.Errorf("%q has no range: call SetRange, or calibrate with CalibrationModel and Observe", e.b.values[t].name)
	}
	return chooseParams(lo, hi)
}

// outputParams is the quantization of int8 node n's output.
func (e *emitter) outputParams(n *node) (qparams, error) {
	switch n.op {
	case format.OpMaxPool2D, format.OpAveragePool2D, format.OpReduceMax, format.OpPad,
		format.OpReshape, format.OpTranspose, format.OpSlice, format.OpResize:
		// The kernels move or compare raw values: output = input quantization.
		return e.qp[n.inputs[0]], nil
	case format.OpConcatenation:
		return e.concatParams(n), nil
	case format.OpLogistic:
		return fixedParams(quant.SigmoidOutputScale, quant.SigmoidOutputZeroPoint), nil
	case format.OpSoftmax:
		return fixedParams(quant.SoftmaxOutputScale, quant.SoftmaxOutputZeroPoint), nil
	case format.OpTanh:
		return fixedParams(quant.TanhOutputScale, quant.TanhOutputZeroPoint), nil
	case format.OpLogSoftmax:
		return fixedParams(quant.LogSoftmaxOutputScale, quant.LogSoftmaxOutputZeroPoint), nil
	}
	p, err := e.freeParams(n.output)
	if err != nil {
		return qparams{}, fmt.Errorf("output %w", err)
	}
	return p, nil
}

// concatParams is a concatenation's output quantization: its inputs' when
// they all agree, else the union of the ranges they represent.
func (e *emitter) concatParams(n *node) qparams {
	first := e.qp[n.inputs[0]]
	lo, hi := first.representable()
	agree := true
	for _, t := range n.inputs[1:] {
		p := e.qp[t]
		agree = agree && p.same(first)
		l, h := p.representable()
		lo, hi = min(lo, l), max(hi, h)
	}
	if agree {
		return first
	}
	// An input that already represents the union keeps its exact
	// parameters (and needs no requantization).
	for _, t := range n.inputs {
		if l, h := e.qp[t].representable(); l == lo && h == hi {
			return e.qp[t]
		}
	}
	p, _ := chooseParams(lo, hi) // lo <= 0 <= hi: never empty
	return p
}

// requantizeConcatInputs inserts a QUANTIZE (int8 -> int8) op in front of
// every input of concatenation n whose quantization differs from the
// output's: the concatenation kernel copies raw bytes.
func (e *emitter) requantizeConcatInputs(n *node, ins []int, out qparams) []int {
	for i, t := range n.inputs {
		if e.qp[t].same(out) {
			continue
		}
		v := &e.b.values[t]
		name := e.fresh(fmt.Sprintf("%s/requantize%d", n.name, i))
		ins[i] = e.addTensor(name, v.shape, format.Int8, out.quant(), nil)
		e.addOp(format.OpQuantize, name, []int{e.tensor[t]}, ins[i], nil)
	}
	return ins
}

// weightsAndBias emits a conv or fully connected node's constants: float32,
// or int8 weights symmetric per output channel (axis 0) with an int32 bias
// at inScale*wScale[c].
func (e *emitter) weightsAndBias(n *node, f32 bool) (w, b int, err error) {
	wname := e.fresh(n.name + "/weights")
	b = -1
	if f32 {
		w = e.addTensor(wname, n.weights.shape, format.Float32, nil, float32Bytes(n.weights.data))
		if n.bias != nil {
			b = e.addTensor(e.fresh(n.name+"/bias"), n.bias.shape, format.Float32, nil, float32Bytes(n.bias.data))
		}
		return w, b, nil
	}
	oc := n.weights.shape[0]
	q, scales := quant.QuantizeWeightsPerChannel(n.weights.data, oc)
	if s := n.weights.scales; s != nil {
		q, scales = quantizeWithScales(n.weights.data, s), s
	}
	zeros := make([]int32, oc)
	w = e.addTensor(wname, n.weights.shape, format.Int8,
		&format.Quant{Scale: scales, ZeroPoint: zeros, Axis: 0}, int8Bytes(q))
	if n.bias != nil {
		in := e.qp[n.inputs[0]]
		bscales := make([]float32, oc)
		for c, s := range scales {
			bscales[c] = in.scale * s
		}
		qb := quant.QuantizeBias(n.bias.data, in.scale, scales)
		b = e.addTensor(e.fresh(n.name+"/bias"), n.bias.shape, format.Int32,
			&format.Quant{Scale: bscales, ZeroPoint: make([]int32, oc), Axis: 0}, int32Bytes(qb))
	}
	return w, b, nil
}

// quantizeWithScales rounds weights to the prescribed per-output-channel
// scales (channel c owns the c-th of len(scales) equal blocks), half away
// from zero and clamped to [-127, 127] as QuantizeWeightsPerChannel does.
func quantizeWithScales(w []float32, scales []float32) []int8 {
	per := len(w) / len(scales)
	q := make([]int8, len(w))
	for i, v := range w {
		x := math.Round(float64(v / scales[i/per]))
		q[i] = int8(max(-127, min(127, x)))
	}
	return q
}

// slope emits PRELU's per-channel slope: float32, or int8 symmetric per
// tensor (the runtime builds per-channel lookup tables from the real
// slopes it represents).
func (e *emitter) slope(n *node, f32 bool) int {
	name := e.fresh(n.name + "/slope")
	if f32 {
		return e.addTensor(name, n.weights.shape, format.Float32, nil, float32Bytes(n.weights.data))
	}
	q, s := quant.QuantizeWeightsPerTensor(n.weights.data)
	return e.addTensor(name, n.weights.shape, format.Int8,
		&format.Quant{Scale: []float32{s}, ZeroPoint: []int32{0}, Axis: -1}, int8Bytes(q))
}
