package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// pool2D plans MAX_POOL_2D and AVERAGE_POOL_2D over NHWC.
func (p *planner) pool2D() (opPlan, error) {
	o := p.op.Options.(*format.Pool2DOptions)
	in, out := p.tensor(p.in(0)), p.tensor(p.out())
	g := kernels.PoolGeom{
		N: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], C: in.Shape[3],
		OutH: out.Shape[1], OutW: out.Shape[2],
		KH: o.KernelH, KW: o.KernelW,
		StrideH: o.StrideH, StrideW: o.StrideW,
		DilationH: o.DilationH, DilationW: o.DilationW,
		PadTop: o.PadTop, PadLeft: o.PadLeft,
		CountIncludePad: o.CountIncludePad,
	}
	work := int64(out.Elements()) * int64(g.KH*g.KW)
	isMax := p.op.Op == format.OpMaxPool2D
	inT, outT := p.in(0), p.out()
	lo, hi := o.Act.Bounds()
	switch {
	case p.dtypes(format.Int8, format.Int8):
		scale, zp := p.quantParams(outT)
		kp := &kernels.PoolInt8Params{PoolGeom: g, ZeroPoint: zp}
		kp.ActMin, kp.ActMax = quant.ActivationRange(lo, hi, scale, zp)
		run, name, prepare := kernels.AvgPoolInt8, "AvgPoolInt8", kernels.PrepareAvgPoolInt8
		if isMax {
			run, name, prepare = kernels.MaxPoolInt8, "MaxPoolInt8", kernels.PrepareMaxPoolInt8
		}
		if pr, ok := prepare(p.variant, kp); ok {
			return opPlan{kernel: name, vector: true, units: pr.Units, work: work,
				bind: func(mem *memory) func(lo, hi int) {
					in, out := mem.int8(inT), mem.int8(outT)
					return func(lo, hi int) { pr.Run(in, out, nil, lo, hi) }
				}}, nil
		}
		return opPlan{kernel: name, units: g.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.int8(inT), mem.int8(outT)
				return func(lo, hi int) { run(kp, in, out, lo, hi) }
			}}, nil
	case p.dtypes(format.Float32, format.Float32):
		kp := &kernels.PoolFloat32Params{PoolGeom: g, ActMin: lo, ActMax: hi}
		run, name := kernels.AvgPoolFloat32, "AvgPoolFloat32"
		if isMax {
			run, name = kernels.MaxPoolFloat32, "MaxPoolFloat32"
		}
		return opPlan{kernel: name, units: g.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.float32(inT), mem.float32(outT)
				return func(lo, hi int) { run(kp, in, out, lo, hi) }
			}}, nil
	}
	return opPlan{}, p.unsupported()
}

// reduce plans MEAN and REDUCE_MAX.
func (p *planner) reduce() (opPlan, error) {
	o := p.op.Options.(*format.ReduceOptions)
	in := p.tensor(p.in(0))
	g, ok := reduceGeom(in.Shape, o.Axes)
	if !ok {
		return opPlan{}, p.errorf("reducing axes %v of shape %v: the reduced axes are not contiguous (after dropping size-1 dimensions), which no kernel supports", o.Axes, in.Shape)
	}
	work := int64(in.Elements())
	mean := p.op.Op == format.OpMean
	inT, outT := p.in(0), p.out()
	switch {
	case mean && p.dtypes(format.Int8, format.Int8):
		inScale, inZP := p.quantParams(inT)
		outScale, outZP := p.quantParams(outT)
		mult, shift := quant.QuantizeMultiplier(float64(inScale) / (float64(g.Reduce) * float64(outScale)))
		kp := &kernels.MeanInt8Params{ReduceGeom: g, InZeroPoint: inZP, OutZeroPoint: outZP,
			Multiplier: mult, Shift: int32(shift), ActMin: -128, ActMax: 127}
		if pr, ok := kernels.PrepareMeanInt8(p.variant, kp); ok {
			return opPlan{kernel: "MeanInt8", vector: true, units: pr.Units, work: work,
				bind: func(mem *memory) func(lo, hi int) {
					in, out := mem.int8(inT), mem.int8(outT)
					return func(lo, hi int) { pr.Run(in, out, nil, lo, hi) }
				}}, nil
		}
		return opPlan{kernel: "MeanInt8", units: g.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.int8(inT), mem.int8(outT)
				return func(lo, hi int) { kernels.MeanInt8(kp, in, out, lo, hi) }
			}}, nil
	case !mean && p.dtypes(format.Int8, format.Int8):
		kp := &kernels.ReduceMaxInt8Params{ReduceGeom: g}
		return opPlan{kernel: "ReduceMaxInt8", units: g.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.int8(inT), mem.int8(outT)
				return func(lo, hi int) { kernels.ReduceMaxInt8(kp, in, out, lo, hi) }
			}}, nil
	case p.dtypes(format.Float32, format.Float32):
		kp := &kernels.ReduceFloat32Params{ReduceGeom: g}
		run, name := kernels.ReduceMaxFloat32, "ReduceMaxFloat32"
		if mean {
			run, name = kernels.MeanFloat32, "MeanFloat32"
		}
		return opPlan{kernel: name, units: g.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.float32(inT), mem.float32(outT)
				return func(lo, hi int) { run(kp, in, out, lo, hi) }
			}}, nil
	}
	return opPlan{}, p.unsupported()
}

// reduceGeom views shape as [Outer][Reduce][Inner] for a reduction over
// axes (negative axes count from the end). Size-1 dimensions are dropped
// first, so [1,7,7,C] over axes {1,2} is [1][49][C]; ok is false when the
// remaining reduced dimensions are not contiguous.
func reduceGeom(shape, axes []int) (g kernels.ReduceGeom, ok bool) {
	reduced := make([]bool, len(shape))
	for _, a := range axes {
		if a < 0 {
			a += len(shape)
		}
		reduced[a] = true
	}
	g = kernels.ReduceGeom{Outer: 1, Reduce: 1, Inner: 1}
	const before, inside, after = 0, 1, 2
	state := before
	for d, n := range shape {
		if n == 1 {
			continue
		}
		switch {
		case reduced[d] && state == after:
			return g, false
		case reduced[d]:
			state = inside
			g.Reduce *= n
		case state == before:
			g.Outer *= n
		default:
			state = after
			g.Inner *= n
		}
	}
	return g, true
}
