package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// conv2D plans CONV_2D: input [N,H,W,C], weights OHWI, optional bias [OC].
func (p *planner) conv2D() (opPlan, error) {
	o := p.op.Options.(*format.Conv2DOptions)
	in, w, out := p.tensor(p.in(0)), p.tensor(p.in(1)), p.tensor(p.out())
	g := kernels.ConvGeom{
		N: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], InC: in.Shape[3],
		OutH: out.Shape[1], OutW: out.Shape[2], OutC: out.Shape[3],
		KH: w.Shape[1], KW: w.Shape[2],
		StrideH: o.StrideH, StrideW: o.StrideW,
		DilationH: o.DilationH, DilationW: o.DilationW,
		PadTop: o.PadTop, PadLeft: o.PadLeft,
		Groups: o.Groups,
	}
	macs := int64(g.N*g.OutH*g.OutW*g.OutC) * int64(g.KH*g.KW*(g.InC/g.Groups))
	inT, wT, bT, outT := p.in(0), p.in(1), p.in(2), p.out()
	lo, hi := o.Act.Bounds()
	switch {
	case p.dtypes(format.Int8, format.Int8, format.Int32, format.Int8):
		rq, err := p.requant(inT, wT, outT, g.OutC, lo, hi)
		if err != nil {
			return opPlan{}, err
		}
		kp := &kernels.Conv2DInt8Params{ConvGeom: g, Requant: rq}
		_, kp.InZeroPoint = p.quantParams(inT)
		// The variant's fast path, depthwise included: PrepareConv2DInt8
		// sends Groups == InC to the variant's depthwise kernels
		// (kernels/dispatch_depthwise*.go) and everything else to its GEMM.
		if pr, ok := p.prepareInt8(wT, bT, func(w []int8, b []int32) (*kernels.PreparedInt8, bool) {
			return kernels.PrepareConv2DInt8(p.variant, kp, w, b)
		}); ok {
			plan := preparedPlan("Conv2DInt8", pr, inT, outT, macs)
			if g.N*g.OutH*g.OutW == 1 {
				plan.work = macs / gemvSpeedup
			}
			plan.conv = &convOutput{out: outT, prepared: pr}
			return plan, nil
		}
		return opPlan{kernel: "Conv2DInt8", units: g.Units(), work: macs, macs: macs,
			conv: &convOutput{out: outT, rowBytes: g.OutW * g.OutC},
			bind: func(mem *memory) func(lo, hi int) {
				in, w, b, out := mem.int8(inT), mem.int8(wT), mem.int32(bT), mem.int8(outT)
				return func(lo, hi int) { kernels.Conv2DInt8(kp, in, w, b, out, lo, hi) }
			}}, nil
	case p.dtypes(format.Float32, format.Float32, format.Float32, format.Float32):
		kp := &kernels.Conv2DFloat32Params{ConvGeom: g, ActMin: lo, ActMax: hi}
		return opPlan{kernel: "Conv2DFloat32", units: g.Units(), work: macs, macs: macs,
			bind: func(mem *memory) func(lo, hi int) {
				in, w, b, out := mem.float32(inT), mem.float32(wT), mem.float32(bT), mem.float32(outT)
				return func(lo, hi int) { kernels.Conv2DFloat32(kp, in, w, b, out, lo, hi) }
			}}, nil
	}
	return opPlan{}, p.unsupported()
}

// gemvSpeedup replaces preparedSpeedup in the work estimate of a
// convolution on one output pixel (the squeeze-excite layers): the GEMM
// then computes one row and reads every weight for it alone, so it runs
// at a few GMAC/s (EfficientNet-B0's 1152 -> 48 on one pixel: 55 k MACs
// in 13-15 us), not the tens of a GEMM reusing each weight over a panel's
// rows; with preparedSpeedup these layers never reached the two-thread
// threshold.
const gemvSpeedup = 4

// fullyConnected plans FULLY_CONNECTED: the input is read as rows of K
// (weights [N, K]), the output is [rows, N].
func (p *planner) fullyConnected() (opPlan, error) {
	o := p.op.Options.(*format.FullyConnectedOptions)
	in, w := p.tensor(p.in(0)), p.tensor(p.in(1))
	k := w.Shape[1]
	g := kernels.FullyConnectedGeom{Batch: in.Elements() / k, K: k, N: w.Shape[0]}
	macs := int64(g.Batch) * int64(g.K) * int64(g.N)
	inT, wT, bT, outT := p.in(0), p.in(1), p.in(2), p.out()
	lo, hi := o.Act.Bounds()
	switch {
	case p.dtypes(format.Int8, format.Int8, format.Int32, format.Int8):
		rq, err := p.requant(inT, wT, outT, g.N, lo, hi)
		if err != nil {
			return opPlan{}, err
		}
		kp := &kernels.FullyConnectedInt8Params{FullyConnectedGeom: g, Requant: rq}
		_, kp.InZeroPoint = p.quantParams(inT)
		if pr, ok := p.prepareInt8(wT, bT, func(w []int8, b []int32) (*kernels.PreparedInt8, bool) {
			return kernels.PrepareFullyConnectedInt8(p.variant, kp, w, b)
		}); ok {
			return preparedPlan("FullyConnectedInt8", pr, inT, outT, macs), nil
		}
		return opPlan{kernel: "FullyConnectedInt8", units: g.Units(), work: macs, macs: macs,
			bind: func(mem *memory) func(lo, hi int) {
				in, w, b, out := mem.int8(inT), mem.int8(wT), mem.int32(bT), mem.int8(outT)
				return func(lo, hi int) { kernels.FullyConnectedInt8(kp, in, w, b, out, lo, hi) }
			}}, nil
	case p.dtypes(format.Float32, format.Float32, format.Float32, format.Float32):
		kp := &kernels.FullyConnectedFloat32Params{FullyConnectedGeom: g, ActMin: lo, ActMax: hi}
		return opPlan{kernel: "FullyConnectedFloat32", units: g.Units(), work: macs, macs: macs,
			bind: func(mem *memory) func(lo, hi int) {
				in, w, b, out := mem.float32(inT), mem.float32(wT), mem.float32(bT), mem.float32(outT)
				return func(lo, hi int) { kernels.FullyConnectedFloat32(kp, in, w, b, out, lo, hi) }
			}}, nil
	}
	return opPlan{}, p.unsupported()
}

// requant computes per-output-channel requantization for an int8
// conv-like op: multiplier and shift from inScale*wScale[c]/outScale
// (per-tensor weights expand to every channel), the output zero point, and
// the fused activation [lo, hi] in the output's quantized domain.
func (p *planner) requant(inT, wT, outT, channels int, lo, hi float32) (kernels.Requant, error) {
	inScale, _ := p.quantParams(inT)
	outScale, outZP := p.quantParams(outT)
	w := p.tensor(wT)
	if n := len(w.Quant.Scale); n != 1 && (n != channels || w.Quant.Axis != 0) {
		return kernels.Requant{}, p.errorf("weights %q have %d scales along axis %d; the kernels take one, or one per output channel (axis 0)", w.Name, n, w.Quant.Axis)
	}
	mult, shift := quant.ConvRequant(inScale, w.Quant.Scale, outScale, channels)
	actMin, actMax := quant.ActivationRange(lo, hi, outScale, outZP)
	return kernels.Requant{Multiplier: mult, Shift: shift, OutZeroPoint: outZP, ActMin: actMin, ActMax: actMax}, nil
}
