package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// pointwise plans the single-input activations: CLAMP, LEAKY_RELU,
// HARD_SWISH, HARD_SIGMOID, LOGISTIC and TANH. The int8 forms are one
// lookup table each; all forms may run in place.
func (p *planner) pointwise() (opPlan, error) {
	inT, outT := p.in(0), p.out()
	n := p.tensor(outT).Elements()
	plan := opPlan{units: n, work: int64(n), alias: aliasInPlace, inPlaceInputs: []int{inT}}
	switch {
	case p.dtypes(format.Int8, format.Int8):
		inScale, inZP := p.quantParams(inT)
		outScale, outZP := p.quantParams(outT)
		var table [256]int8
		switch o := p.op.Options.(type) {
		case *format.ClampOptions:
			table = quant.ClampLUT(inScale, inZP, outScale, outZP, o.Min, o.Max)
		case *format.LeakyReluOptions:
			table = quant.LeakyReluLUT(inScale, inZP, outScale, outZP, o.Alpha)
		case *format.HardSigmoidOptions:
			table = quant.HardSigmoidLUT(inScale, inZP, outScale, outZP, o.Alpha, o.Beta)
		default:
			switch p.op.Op {
			case format.OpHardSwish:
				table = quant.HardSwishLUT(inScale, inZP, outScale, outZP)
			case format.OpLogistic:
				table = quant.SigmoidLUT(inScale, inZP, outScale, outZP)
			case format.OpTanh:
				table = quant.TanhLUT(inScale, inZP, outScale, outZP)
			}
		}
		return p.lutInt8(plan, table[:], 1), nil
	case p.dtypes(format.Float32, format.Float32):
		kp := &kernels.UnaryFloat32Params{Elements: n}
		var run func(*kernels.UnaryFloat32Params, []float32, []float32, int, int)
		switch o := p.op.Options.(type) {
		case *format.ClampOptions:
			kp.Min, kp.Max = o.Min, o.Max
			run, plan.kernel = kernels.ClampFloat32, "ClampFloat32"
		case *format.LeakyReluOptions:
			kp.Alpha = o.Alpha
			run, plan.kernel = kernels.LeakyReluFloat32, "LeakyReluFloat32"
		case *format.HardSigmoidOptions:
			kp.Alpha, kp.Beta = o.Alpha, o.Beta
			run, plan.kernel = kernels.HardSigmoidFloat32, "HardSigmoidFloat32"
		default:
			switch p.op.Op {
			case format.OpHardSwish:
				run, plan.kernel = kernels.HardSwishFloat32, "HardSwishFloat32"
			case format.OpLogistic:
				run, plan.kernel = kernels.LogisticFloat32, "LogisticFloat32"
			case format.OpTanh:
				run, plan.kernel = kernels.TanhFloat32, "TanhFloat32"
			}
		}
		return p.unaryFloat32(plan, kp, run), nil
	}
	return opPlan{}, p.unsupported()
}

// prelu plans PRELU with a constant slope that is one value or one per
// channel (the innermost dimension).
func (p *planner) prelu() (opPlan, error) {
	inT, slopeT, outT := p.in(0), p.in(1), p.out()
	channels := p.tensor(slopeT).Elements() // 1, or the input's last dimension
	alphas := p.realValues(slopeT)
	n := p.tensor(outT).Elements()
	plan := opPlan{units: n, work: int64(n), alias: aliasInPlace, inPlaceInputs: []int{inT}}
	switch p.tensor(outT).DType { // the input's type too
	case format.Int8:
		inScale, inZP := p.quantParams(inT)
		outScale, outZP := p.quantParams(outT)
		tables := make([]int8, 0, 256*channels)
		for _, a := range alphas {
			t := quant.LeakyReluLUT(inScale, inZP, outScale, outZP, a)
			tables = append(tables, t[:]...)
		}
		return p.lutInt8(plan, tables, channels), nil
	case format.Float32:
		kp := &kernels.UnaryFloat32Params{Elements: n, Channels: channels, Slope: alphas}
		plan.kernel = "PReluFloat32"
		return p.unaryFloat32(plan, kp, kernels.PReluFloat32), nil
	}
	return opPlan{}, p.unsupported()
}

// realValues returns the real values of constant t, an int8 (dequantized,
// per-channel along its last axis) or float32 tensor.
func (p *planner) realValues(t int) []float32 {
	data := p.constant(t)
	x := p.tensor(t)
	switch x.DType {
	case format.Float32:
		return append([]float32(nil), float32s(data)...)
	case format.Int8:
		q := int8s(data)
		v := make([]float32, len(q))
		// Per-channel quantization of a slope is along its last axis, the
		// only one above 1, so element i is channel i.
		for i, qi := range q {
			c := 0
			if len(x.Quant.Scale) > 1 {
				c = i
			}
			v[i] = quant.Dequantize(qi, x.Quant.Scale[c], x.Quant.ZeroPoint[c])
		}
		return v
	}
	return nil
}

// quantize plans QUANTIZE to int8 from float32, int8 (requantize) or uint8.
func (p *planner) quantize() (opPlan, error) {
	inT, outT := p.in(0), p.out()
	n := p.tensor(outT).Elements()
	plan := opPlan{units: n, work: int64(n)}
	outScale, outZP := p.quantParams(outT)
	switch {
	case p.dtypes(format.Float32, format.Int8):
		kp := &kernels.QuantizeParams{Elements: n, Scale: outScale, ZeroPoint: outZP}
		plan.kernel = "QuantizeFloat32ToInt8"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.float32(inT), mem.int8(outT)
			return func(lo, hi int) { kernels.QuantizeFloat32ToInt8(kp, in, out, lo, hi) }
		}
		return plan, nil
	case p.dtypes(format.Int8, format.Int8):
		inScale, inZP := p.quantParams(inT)
		table := quant.RequantizeLUT(inScale, inZP, outScale, outZP)
		plan.alias, plan.inPlaceInputs = aliasInPlace, []int{inT}
		return p.lutInt8(plan, table[:], 1), nil
	case p.dtypes(format.Uint8, format.Int8):
		inScale, inZP := p.quantParams(inT)
		table := quant.Uint8ToInt8LUT(inScale, inZP, outScale, outZP)
		kp := &kernels.LUTParams{Elements: n, Channels: 1, Table: table[:]}
		plan.alias, plan.inPlaceInputs = aliasInPlace, []int{inT}
		plan.kernel = "LUTUint8ToInt8"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.raw(inT), mem.int8(outT)
			return func(lo, hi int) { kernels.LUTUint8ToInt8(kp, in, out, lo, hi) }
		}
		return plan, nil
	}
	return opPlan{}, p.unsupported()
}

// dequantize plans DEQUANTIZE to float32 from int8, uint8 or float16.
func (p *planner) dequantize() (opPlan, error) {
	inT, outT := p.in(0), p.out()
	n := p.tensor(outT).Elements()
	plan := opPlan{units: n, work: int64(n)}
	kp := &kernels.QuantizeParams{Elements: n}
	switch {
	case p.dtypes(format.Int8, format.Float32):
		kp.Scale, kp.ZeroPoint = p.quantParams(inT)
		plan.kernel = "DequantizeInt8ToFloat32"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.int8(inT), mem.float32(outT)
			return func(lo, hi int) { kernels.DequantizeInt8ToFloat32(kp, in, out, lo, hi) }
		}
		return plan, nil
	case p.dtypes(format.Uint8, format.Float32):
		kp.Scale, kp.ZeroPoint = p.quantParams(inT)
		plan.kernel = "DequantizeUint8ToFloat32"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.raw(inT), mem.float32(outT)
			return func(lo, hi int) { kernels.DequantizeUint8ToFloat32(kp, in, out, lo, hi) }
		}
		return plan, nil
	case p.dtypes(format.Float16, format.Float32):
		plan.kernel = "DequantizeFloat16ToFloat32"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.uint16(inT), mem.float32(outT)
			return func(lo, hi int) { kernels.DequantizeFloat16ToFloat32(kp, in, out, lo, hi) }
		}
		return plan, nil
	}
	return opPlan{}, p.unsupported()
}

// lutInt8 finishes an int8 table op: one table, or channels tables of 256
// for PRELU (channel = element index mod channels).
func (p *planner) lutInt8(plan opPlan, table []int8, channels int) opPlan {
	kp := &kernels.LUTParams{Elements: plan.units, Channels: channels, Table: table}
	inT, outT := p.in(0), p.out()
	if channels == 1 {
		plan.lut = table
		plan.lookup = &tableLookup{table: table, in: inT, name: p.op.Op.String()}
	}
	run := kernels.LUTInt8
	plan.kernel = "LUTInt8"
	if channels > 1 {
		run, plan.kernel = kernels.PerChannelLUTInt8, "PerChannelLUTInt8"
	} else if pr, ok := kernels.PrepareLUTInt8(p.variant, kp); ok {
		plan.vector = true
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.int8(inT), mem.int8(outT)
			return func(lo, hi int) { pr.Run(in, out, nil, lo, hi) }
		}
		return plan
	}
	plan.bind = func(mem *memory) func(lo, hi int) {
		in, out := mem.int8(inT), mem.int8(outT)
		return func(lo, hi int) { run(kp, in, out, lo, hi) }
	}
	return plan
}

// unaryFloat32 finishes a float32 pointwise op.
func (p *planner) unaryFloat32(plan opPlan, kp *kernels.UnaryFloat32Params, run func(*kernels.UnaryFloat32Params, []float32, []float32, int, int)) opPlan {
	inT, outT := p.in(0), p.out()
	plan.bind = func(mem *memory) func(lo, hi int) {
		in, out := mem.float32(inT), mem.float32(outT)
		return func(lo, hi int) { run(kp, in, out, lo, hi) }
	}
	return plan
}
