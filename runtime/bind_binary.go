package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// binary plans ADD, SUB and MUL with NumPy broadcasting.
func (p *planner) binary() (opPlan, error) {
	o := p.op.Options.(*format.ElementwiseOptions)
	aT, bT, outT := p.in(0), p.in(1), p.out()
	a, b, out := p.tensor(aT), p.tensor(bT), p.tensor(outT)
	bc, err := kernels.NewBroadcast(out.Shape, a.Shape, b.Shape)
	if err != nil {
		return opPlan{}, p.errorf("%v", err)
	}
	plan := opPlan{units: bc.Units(), work: int64(out.Elements()), alias: aliasInPlace}
	// An operand with the output's element count is not broadcast: element
	// i of the output reads only its element i, so the output may take its
	// memory when it dies here.
	for _, t := range []int{aT, bT} {
		if x := p.tensor(t); x.Elements() == out.Elements() && x.DType == out.DType {
			plan.inPlaceInputs = append(plan.inPlaceInputs, t)
		}
	}
	lo, hi := o.Act.Bounds()
	switch {
	case p.dtypes(format.Int8, format.Int8, format.Int8) && p.op.Op == format.OpMul:
		aScale, aZP := p.quantParams(aT)
		bScale, bZP := p.quantParams(bT)
		outScale, outZP := p.quantParams(outT)
		mult, shift := quant.QuantizeMultiplier(float64(aScale) * float64(bScale) / float64(outScale))
		kp := &kernels.MulInt8Params{Broadcast: bc, AOffset: -aZP, BOffset: -bZP,
			Multiplier: mult, Shift: int32(shift), OutZeroPoint: outZP}
		kp.ActMin, kp.ActMax = quant.ActivationRange(lo, hi, outScale, outZP)
		plan.kernel = "MulInt8"
		plan.mul = kp
		if pr, ok := kernels.PrepareMulInt8(p.variant, kp); ok {
			plan.bind, plan.vector = preparedBinaryBind(pr, aT, bT, outT), true
			return plan, nil
		}
		plan.bind = func(mem *memory) func(lo, hi int) {
			a, b, out := mem.int8(aT), mem.int8(bT), mem.int8(outT)
			return func(lo, hi int) { kernels.MulInt8(kp, a, b, out, lo, hi) }
		}
		return plan, nil
	case p.dtypes(format.Int8, format.Int8, format.Int8):
		aScale, aZP := p.quantParams(aT)
		bScale, bZP := p.quantParams(bT)
		outScale, outZP := p.quantParams(outT)
		kp := &kernels.AddInt8Params{Broadcast: bc, AOffset: -aZP, BOffset: -bZP, OutZeroPoint: outZP}
		kp.AMultiplier, kp.AShift, kp.BMultiplier, kp.BShift, kp.OutMultiplier, kp.OutShift, kp.LeftShift =
			quant.AddParams(aScale, bScale, outScale)
		if p.op.Op == format.OpSub {
			kp.BMultiplier = -kp.BMultiplier // a - b = a + (-b): negate b's rescale
		}
		kp.ActMin, kp.ActMax = quant.ActivationRange(lo, hi, outScale, outZP)
		plan.kernel = "AddInt8"
		if pr, ok := kernels.PrepareAddInt8(p.variant, kp); ok {
			plan.bind, plan.vector = preparedBinaryBind(pr, aT, bT, outT), true
			return plan, nil
		}
		plan.bind = func(mem *memory) func(lo, hi int) {
			a, b, out := mem.int8(aT), mem.int8(bT), mem.int8(outT)
			return func(lo, hi int) { kernels.AddInt8(kp, a, b, out, lo, hi) }
		}
		return plan, nil
	case p.dtypes(format.Float32, format.Float32, format.Float32):
		kp := &kernels.BinaryFloat32Params{Broadcast: bc, ActMin: lo, ActMax: hi}
		run, name := kernels.AddFloat32, "AddFloat32"
		switch p.op.Op {
		case format.OpSub:
			run, name = kernels.SubFloat32, "SubFloat32"
		case format.OpMul:
			run, name = kernels.MulFloat32, "MulFloat32"
		}
		plan.kernel = name
		plan.bind = func(mem *memory) func(lo, hi int) {
			a, b, out := mem.float32(aT), mem.float32(bT), mem.float32(outT)
			return func(lo, hi int) { run(kp, a, b, out, lo, hi) }
		}
		return plan, nil
	}
	return opPlan{}, p.unsupported()
}

// preparedBinaryBind binds an int8 ADD/SUB/MUL prepared for the model's
// kernel variant (same units and aliasing as the reference kernel).
func preparedBinaryBind(pr *kernels.PreparedBinaryInt8, aT, bT, outT int) func(mem *memory) func(lo, hi int) {
	return func(mem *memory) func(lo, hi int) {
		a, b, out := mem.int8(aT), mem.int8(bT), mem.int8(outT)
		return func(lo, hi int) { pr.Run(a, b, out, lo, hi) }
	}
}
