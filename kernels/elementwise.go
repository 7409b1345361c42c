package kernels

import "github.com/edgeinfer/edgeinfer/quant"

// Binary elementwise kernels with NumPy broadcasting. Each walks its output
// range one innermost run at a time (broadcastCursor) and picks a loop by
// the operands' strides along the run: both contiguous (same shape, or the
// [H*W, C] rows of a per-channel operand such as squeeze-excite's scale),
// one of them a repeated scalar, or the general strided loop.

// AddInt8 is TFLite's int8 ADD (SUB with p.BMultiplier negated); see
// AddInt8Params. A scalar operand along a run is rescaled once.
func AddInt8(p *AddInt8Params, a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	actMin, actMax := int8Bounds(p.ActMin, p.ActMax)
	var c broadcastCursor
	c.seek(&p.Broadcast, lo)
	for o := lo; o < hi; {
		n, as, bs := c.run(hi - o)
		dst := out[o : o+n]
		switch {
		case as == 1 && bs == 1:
			x, y := a[c.aOff:c.aOff+n], b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = p.finish(p.rescaleA(x[i])+p.rescaleB(y[i]), actMin, actMax)
			}
		case as == 1 && bs == 0:
			x, yr := a[c.aOff:c.aOff+n], p.rescaleB(b[c.bOff])
			for i := range dst {
				dst[i] = p.finish(p.rescaleA(x[i])+yr, actMin, actMax)
			}
		case as == 0 && bs == 1:
			xr, y := p.rescaleA(a[c.aOff]), b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = p.finish(xr+p.rescaleB(y[i]), actMin, actMax)
			}
		default:
			ai, bi := c.aOff, c.bOff
			for i := range dst {
				dst[i] = p.finish(p.rescaleA(a[ai])+p.rescaleB(b[bi]), actMin, actMax)
				ai += as
				bi += bs
			}
		}
		o += n
		c.advance(n)
	}
}

// rescaleA brings an a value to the common ADD scale:
// MBQM((q + AOffset) << LeftShift, AMultiplier, AShift).
func (p *AddInt8Params) rescaleA(q int8) int32 {
	return quant.MultiplyByQuantizedMultiplier((int32(q)+p.AOffset)<<uint32(p.LeftShift), p.AMultiplier, int(p.AShift))
}

// rescaleB is rescaleA for b.
func (p *AddInt8Params) rescaleB(q int8) int32 {
	return quant.MultiplyByQuantizedMultiplier((int32(q)+p.BOffset)<<uint32(p.LeftShift), p.BMultiplier, int(p.BShift))
}

// finish requantizes a sum of rescaled operands to the output.
func (p *AddInt8Params) finish(sum, actMin, actMax int32) int8 {
	v := quant.MultiplyByQuantizedMultiplier(sum, p.OutMultiplier, int(p.OutShift)) + p.OutZeroPoint
	return int8(min(max(v, actMin), actMax))
}

// MulInt8 is TFLite's int8 MUL; see MulInt8Params.
func MulInt8(p *MulInt8Params, a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	actMin, actMax := int8Bounds(p.ActMin, p.ActMax)
	var c broadcastCursor
	c.seek(&p.Broadcast, lo)
	for o := lo; o < hi; {
		n, as, bs := c.run(hi - o)
		dst := out[o : o+n]
		switch {
		case as == 1 && bs == 1:
			x, y := a[c.aOff:c.aOff+n], b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = p.mul(x[i], y[i], actMin, actMax)
			}
		case as == 1 && bs == 0:
			x, y := a[c.aOff:c.aOff+n], b[c.bOff]
			for i := range dst {
				dst[i] = p.mul(x[i], y, actMin, actMax)
			}
		case as == 0 && bs == 1:
			x, y := a[c.aOff], b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = p.mul(x, y[i], actMin, actMax)
			}
		default:
			ai, bi := c.aOff, c.bOff
			for i := range dst {
				dst[i] = p.mul(a[ai], b[bi], actMin, actMax)
				ai += as
				bi += bs
			}
		}
		o += n
		c.advance(n)
	}
}

func (p *MulInt8Params) mul(x, y int8, actMin, actMax int32) int8 {
	prod := (int32(x) + p.AOffset) * (int32(y) + p.BOffset)
	v := quant.MultiplyByQuantizedMultiplier(prod, p.Multiplier, int(p.Shift)) + p.OutZeroPoint
	return int8(min(max(v, actMin), actMax))
}

// int8Bounds intersects an activation range with the int8 range, so a
// kernel's clamp also keeps the final conversion to int8 exact.
func int8Bounds(actMin, actMax int32) (int32, int32) {
	return max(actMin, -128), min(actMax, 127)
}

// AddFloat32 is out = clamp(a + b, ActMin, ActMax) with broadcasting.
func AddFloat32(p *BinaryFloat32Params, a, b, out []float32, lo, hi int) {
	binaryFloat32(p, a, b, out, lo, hi, opAdd)
}

// SubFloat32 is out = clamp(a - b, ActMin, ActMax) with broadcasting.
func SubFloat32(p *BinaryFloat32Params, a, b, out []float32, lo, hi int) {
	binaryFloat32(p, a, b, out, lo, hi, opSub)
}

// MulFloat32 is out = clamp(a * b, ActMin, ActMax) with broadcasting.
func MulFloat32(p *BinaryFloat32Params, a, b, out []float32, lo, hi int) {
	binaryFloat32(p, a, b, out, lo, hi, opMul)
}

type floatOp uint8

const (
	opAdd floatOp = iota
	opSub
	opMul
)

// binaryFloat32 dispatches on the operator once per run, so each inner loop
// is a plain loop the compiler can keep free of calls.
func binaryFloat32(p *BinaryFloat32Params, a, b, out []float32, lo, hi int, op floatOp) {
	if lo >= hi {
		return
	}
	var c broadcastCursor
	c.seek(&p.Broadcast, lo)
	for o := lo; o < hi; {
		n, as, bs := c.run(hi - o)
		dst := out[o : o+n]
		switch {
		case as == 1 && bs == 1:
			float32Same(dst, a[c.aOff:c.aOff+n], b[c.bOff:c.bOff+n], op)
		case as == 1 && bs == 0:
			float32Scalar(dst, a[c.aOff:c.aOff+n], b[c.bOff], op, false)
		case as == 0 && bs == 1:
			float32Scalar(dst, b[c.bOff:c.bOff+n], a[c.aOff], op, true)
		default:
			ai, bi := c.aOff, c.bOff
			for i := range dst {
				dst[i] = apply(op, a[ai], b[bi])
				ai += as
				bi += bs
			}
		}
		clampFloat32(dst, p.ActMin, p.ActMax)
		o += n
		c.advance(n)
	}
}

func apply(op floatOp, x, y float32) float32 {
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	}
	return x * y
}

func float32Same(dst, x, y []float32, op floatOp) {
	x, y = x[:len(dst)], y[:len(dst)]
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = x[i] + y[i]
		}
	case opSub:
		for i := range dst {
			dst[i] = x[i] - y[i]
		}
	default:
		for i := range dst {
			dst[i] = x[i] * y[i]
		}
	}
}

// float32Scalar is dst[i] = x[i] op s, or s op x[i] when scalarFirst.
func float32Scalar(dst, x []float32, s float32, op floatOp, scalarFirst bool) {
	x = x[:len(dst)]
	switch {
	case op == opAdd:
		for i := range dst {
			dst[i] = x[i] + s
		}
	case op == opMul:
		for i := range dst {
			dst[i] = x[i] * s
		}
	case scalarFirst:
		for i := range dst {
			dst[i] = s - x[i]
		}
	default:
		for i := range dst {
			dst[i] = x[i] - s
		}
	}
}

// clampFloat32 is dst[i] = min(max(dst[i], lo), hi) with Go's min and max:
// NaN stays NaN and max(-0, +0) is +0. A side at ±Inf (the usual case)
// changes nothing and is skipped.
func clampFloat32(dst []float32, lo, hi float32) {
	if !(lo < -maxFloat32) {
		for i, v := range dst {
			dst[i] = max(v, lo)
		}
	}
	if !(hi > maxFloat32) {
		for i, v := range dst {
			dst[i] = min(v, hi)
		}
	}
}

const maxFloat32 = 0x1p127 * (1 + (1 - 0x1p-23))
