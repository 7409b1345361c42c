package kernels

import (
	"math"

	"github.com/edgeinfer/edgeinfer/quant"
)

// Binary elementwise kernels with NumPy broadcasting. Each walks its output
// range one innermost run at a time (broadcastCursor) and picks a loop by
// the operands' strides along the run: both contiguous (same shape, or the
// [H*W, C] rows of a per-channel operand such as squeeze-excite's scale),
// one of them a repeated scalar, or the general strided loop. out may be
// an operand that is not broadcast (in place): every element is read
// before its output is written.

// AddInt8 is TFLite's int8 ADD (SUB with p.BMultiplier negated); see
// AddInt8Params. A rescaled operand depends only on its int8 value, so a
// call over many elements first tabulates both rescales (256 entries each,
// from the same formula); a scalar operand along a run is rescaled once.
func AddInt8(p *AddInt8Params, a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	var ta, tb [256]int32
	tabulate := hi-lo >= addTableMin
	if tabulate {
		for i := range ta {
			ta[i], tb[i] = p.rescaleA(int8(i-128)), p.rescaleB(int8(i-128))
		}
	}
	rq := newRequantizer(p.OutMultiplier, p.OutShift, p.OutZeroPoint, p.ActMin, p.ActMax)
	var c broadcastCursor
	c.seek(&p.Broadcast, lo)
	for o := lo; o < hi; {
		n, as, bs := c.run(hi - o)
		dst := out[o : o+n]
		switch {
		case tabulate && as == 1 && bs == 1:
			x, y := a[c.aOff:c.aOff+n], b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = rq.apply(ta[uint8(x[i])^0x80] + tb[uint8(y[i])^0x80])
			}
		case tabulate && as == 1 && bs == 0:
			x, yr := a[c.aOff:c.aOff+n], tb[uint8(b[c.bOff])^0x80]
			for i := range dst {
				dst[i] = rq.apply(ta[uint8(x[i])^0x80] + yr)
			}
		case tabulate && as == 0 && bs == 1:
			xr, y := ta[uint8(a[c.aOff])^0x80], b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = rq.apply(xr + tb[uint8(y[i])^0x80])
			}
		case tabulate:
			ai, bi := c.aOff, c.bOff
			for i := range dst {
				dst[i] = rq.apply(ta[uint8(a[ai])^0x80] + tb[uint8(b[bi])^0x80])
				ai += as
				bi += bs
			}
		default:
			ai, bi := c.aOff, c.bOff
			for i := range dst {
				dst[i] = rq.apply(p.rescaleA(a[ai]) + p.rescaleB(b[bi]))
				ai += as
				bi += bs
			}
		}
		o += n
		c.advance(n)
	}
}

// addTableMin is the least number of elements for which AddInt8 tabulates
// the rescales (512 rescales cost about as much as 256 elements).
const addTableMin = 256

// rescaleA brings an a value to the common ADD scale:
// MBQM((q + AOffset) << LeftShift, AMultiplier, AShift).
func (p *AddInt8Params) rescaleA(q int8) int32 {
	return quant.MultiplyByQuantizedMultiplier((int32(q)+p.AOffset)<<uint32(p.LeftShift), p.AMultiplier, int(p.AShift))
}

// rescaleB is rescaleA for b.
func (p *AddInt8Params) rescaleB(q int8) int32 {
	return quant.MultiplyByQuantizedMultiplier((int32(q)+p.BOffset)<<uint32(p.LeftShift), p.BMultiplier, int(p.BShift))
}

// MulInt8 is TFLite's int8 MUL; see MulInt8Params.
func MulInt8(p *MulInt8Params, a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	rq := newRequantizer(p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
	aOff, bOff := p.AOffset, p.BOffset
	var c broadcastCursor
	c.seek(&p.Broadcast, lo)
	for o := lo; o < hi; {
		n, as, bs := c.run(hi - o)
		dst := out[o : o+n]
		switch {
		case as == 1 && bs == 1:
			x, y := a[c.aOff:c.aOff+n], b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = rq.apply((int32(x[i]) + aOff) * (int32(y[i]) + bOff))
			}
		case as == 1 && bs == 0:
			x, y := a[c.aOff:c.aOff+n], int32(b[c.bOff])+bOff
			for i := range dst {
				dst[i] = rq.apply((int32(x[i]) + aOff) * y)
			}
		case as == 0 && bs == 1:
			x, y := int32(a[c.aOff])+aOff, b[c.bOff:c.bOff+n]
			for i := range dst {
				dst[i] = rq.apply(x * (int32(y[i]) + bOff))
			}
		default:
			ai, bi := c.aOff, c.bOff
			for i := range dst {
				dst[i] = rq.apply((int32(a[ai]) + aOff) * (int32(b[bi]) + bOff))
				ai += as
				bi += bs
			}
		}
		o += n
		c.advance(n)
	}
}

// requantizer is clamp(MultiplyByQuantizedMultiplier(x, mult, shift) + zp,
// actMin, actMax) prepared once per call, in branch-free int64 arithmetic
// that the compiler inlines (the sign-dependent branches of the gemmlowp
// formulation mispredict on random data):
//
//	s = clamp(x << max(shift, 0), MinInt32, MaxInt32)        saturating left shift
//	h = min((s*mult + 2^30) >> 31, MaxInt32)                 SaturatingRoundingDoublingHighMul
//	v = (h + 2^(e-1) - [h < 0]) >> e  for e = -shift > 0     RoundingDivideByPOT, ties away from 0
//
// (floor((2*s*mult + 2^31) / 2^32) is gemmlowp's nudge-and-truncate, and
// only MinInt32*MinInt32 exceeds MaxInt32.) TestRequantizerMatchesQuant
// checks it against quant.MultiplyByQuantizedMultiplier for every shift
// in [-31, 30]. The zero point is added in int64, so a saturated value
// stays saturated through the clamp, and the clamp includes the int8
// range so the narrowing is exact.
type requantizer struct {
	left, right    uint
	mult           int64
	round, adjust  int64 // 2^(right-1) and -1 when right > 0, else 0
	zp             int64
	actMin, actMax int64
}

func newRequantizer(mult, shift, zp, actMin, actMax int32) requantizer {
	r := requantizer{mult: int64(mult), zp: int64(zp), actMin: max(int64(actMin), -128), actMax: min(int64(actMax), 127)}
	if shift > 0 {
		r.left = uint(min(shift, 31)) // 31 already saturates every x != 0
	} else if shift < 0 {
		r.right = uint(-int64(shift))
		r.round, r.adjust = int64(1)<<(r.right-1), -1
	}
	return r
}

func (r *requantizer) apply(x int32) int8 {
	s := min(max(int64(x)<<r.left, math.MinInt32), math.MaxInt32)
	h := min((s*r.mult+1<<30)>>31, math.MaxInt32)
	v := (h + r.round + (h>>63)&r.adjust) >> r.right
	return int8(min(max(v+r.zp, r.actMin), r.actMax))
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
				dst[i] = applyFloatOp(op, a[ai], b[bi])
				ai += as
				bi += bs
			}
		}
		clampFloat32(dst, p.ActMin, p.ActMax)
		o += n
		c.advance(n)
	}
}

func applyFloatOp(op floatOp, x, y float32) float32 {
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
	if !(lo < -math.MaxFloat32) {
		for i, v := range dst {
			dst[i] = max(v, lo)
		}
	}
	if !(hi > math.MaxFloat32) {
		for i, v := range dst {
			dst[i] = min(v, hi)
		}
	}
}
