package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// softmax plans SOFTMAX and LOG_SOFTMAX along one axis, viewed as
// [Outer][Axis][Inner].
func (p *planner) softmax() (opPlan, error) {
	o := p.op.Options.(*format.SoftmaxOptions)
	inT, outT := p.in(0), p.out()
	in := p.tensor(inT)
	axis := o.Axis
	if axis < 0 {
		axis += len(in.Shape)
	}
	outer, inner := 1, 1
	for d, n := range in.Shape {
		switch {
		case d < axis:
			outer *= n
		case d > axis:
			inner *= n
		}
	}
	n := in.Elements()
	plan := opPlan{work: 4 * int64(n)}
	log := p.op.Op == format.OpLogSoftmax
	if in.DType == format.Int8 {
		kp := &kernels.SoftmaxInt8Params{Outer: outer, Axis: in.Shape[axis], Inner: inner, Beta: float64(o.Beta)}
		inScale, _ := p.quantParams(inT)
		kp.InScale = float64(inScale)
		kp.Exp = quant.SoftmaxExpTable(kp.InScale, kp.Beta)
		plan.units = kp.Units()
		switch {
		case p.dtypes(format.Int8, format.Int8):
			outScale, outZP := p.quantParams(outT)
			kp.OutScale, kp.OutZeroPoint = float64(outScale), outZP
			run, name := kernels.SoftmaxInt8, "SoftmaxInt8"
			if log {
				run, name = kernels.LogSoftmaxInt8, "LogSoftmaxInt8"
			}
			plan.kernel = name
			plan.bind = func(mem *memory) func(lo, hi int) {
				in, out := mem.int8(inT), mem.int8(outT)
				return func(lo, hi int) { run(kp, in, out, lo, hi) }
			}
			return plan, nil
		case !log && p.dtypes(format.Int8, format.Float32):
			plan.kernel = "SoftmaxInt8ToFloat32"
			plan.bind = func(mem *memory) func(lo, hi int) {
				in, out := mem.int8(inT), mem.float32(outT)
				return func(lo, hi int) { kernels.SoftmaxInt8ToFloat32(kp, in, out, lo, hi) }
			}
			return plan, nil
		}
		return opPlan{}, p.unsupported()
	}
	if !p.dtypes(format.Float32, format.Float32) {
		return opPlan{}, p.unsupported()
	}
	kp := &kernels.SoftmaxFloat32Params{Outer: outer, Axis: in.Shape[axis], Inner: inner, Beta: o.Beta}
	plan.units = kp.Units()
	run, name := kernels.SoftmaxFloat32, "SoftmaxFloat32"
	if log {
		run, name = kernels.LogSoftmaxFloat32, "LogSoftmaxFloat32"
	}
	plan.kernel = name
	plan.bind = func(mem *memory) func(lo, hi int) {
		in, out := mem.float32(inT), mem.float32(outT)
		return func(lo, hi int) { run(kp, in, out, lo, hi) }
	}
	return plan, nil
}

// lrn plans LRN across the innermost (channel) dimension.
func (p *planner) lrn() (opPlan, error) {
	o := p.op.Options.(*format.LRNOptions)
	inT, outT := p.in(0), p.out()
	in := p.tensor(inT)
	c := in.Shape[len(in.Shape)-1]
	kp := &kernels.LRNParams{Pixels: in.Elements() / c, C: c, Size: o.Size, Alpha: o.Alpha, Beta: o.Beta, Bias: o.Bias}
	plan := opPlan{units: kp.Units(), work: int64(in.Elements()) * int64(o.Size)}
	switch {
	case p.dtypes(format.Int8, format.Int8):
		kp.InScale, kp.InZeroPoint = p.quantParams(inT)
		kp.OutScale, kp.OutZeroPoint = p.quantParams(outT)
		plan.kernel = "LRNInt8"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.int8(inT), mem.int8(outT)
			return func(lo, hi int) { kernels.LRNInt8(kp, in, out, lo, hi) }
		}
		return plan, nil
	case p.dtypes(format.Float32, format.Float32):
		plan.kernel = "LRNFloat32"
		plan.bind = func(mem *memory) func(lo, hi int) {
			in, out := mem.float32(inT), mem.float32(outT)
			return func(lo, hi int) { kernels.LRNFloat32(kp, in, out, lo, hi) }
		}
		return plan, nil
	}
	return opPlan{}, p.unsupported()
}
