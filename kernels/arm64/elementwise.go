package arm64

import (
	"unsafe"

	"github.com/edgeinfer/edgeinfer/quant"
)

// MulConsts is an int8 MUL's quantization, read by mulNEON at these
// offsets: AOffset 0, BOffset 4, Mult 8, Left 12, Right 16, ZeroPoint 20,
// Min 24, Max 28 (Left = max(shift, 0), Right = max(-shift, 0)).
type MulConsts struct {
	AOffset, BOffset int32
	Mult, Left       int32
	Right, ZeroPoint int32
	Min, Max         int32
}

// NewMulConsts returns the constants of
//
//	out = clamp(MultiplyByQuantizedMultiplier((a+aOff)*(b+bOff), mult, shift) + zp, actMin, actMax)
//
// (kernels.MulInt8's formula) with offsets of at most 128 in magnitude,
// which keeps a+aOff and b+bOff in int16, or false.
func NewMulConsts(aOff, bOff, mult, shift, zp, actMin, actMax int32) (*MulConsts, bool) {
	if aOff < -128 || aOff > 128 || bOff < -128 || bOff > 128 || actMin < -128 || actMax > 127 || actMin > actMax {
		return nil, false
	}
	return &MulConsts{AOffset: aOff, BOffset: bOff, Mult: mult, Left: max(shift, 0), Right: max(-shift, 0),
		ZeroPoint: zp, Min: actMin, Max: actMax}, true
}

// MulInt8 computes out[i] for i < len(out) from a[i] and b[i] (each at
// least as long; out may be a or b): runs of 16 with mulNEON, the rest
// with mulGo.
func MulInt8(v Variant, out, a, b []int8, c *MulConsts) {
	n := len(out)
	a, b = a[:n], b[:n]
	if k := n &^ 15; v != Go && k > 0 {
		mulNEON(&out[0], &a[0], &b[0], k, c)
		out, a, b = out[k:], a[k:], b[k:]
	}
	mulGo(out, a, b, c)
}

// mulGo is the Go twin of mulNEON (for any length).
func mulGo(out, a, b []int8, c *MulConsts) {
	a, b = a[:len(out)], b[:len(out)]
	for i := range out {
		p := (int32(a[i]) + c.AOffset) * (int32(b[i]) + c.BOffset)
		v := int64(quant.MultiplyByQuantizedMultiplier(p, c.Mult, int(c.Left-c.Right))) + int64(c.ZeroPoint)
		out[i] = int8(max(min(v, int64(c.Max)), int64(c.Min)))
	}
}

// MulRowInt8 is MulInt8 for a row broadcast (a squeeze-excite scale):
// out[p*c+j] from full[p*c+j] (k.AOffset) and row[j] (k.BOffset) for the
// len(out)/c whole pixels of out (len(out) a multiple of c; out may be
// full). mulRowNEON takes pixels of 16 or more channels, one call for all of
// them; mulRowGo the rest.
func MulRowInt8(v Variant, out, full, row []int8, c int, k *MulConsts) {
	pixels := len(out) / c
	full, row = full[:pixels*c], row[:c]
	if v != Go && c >= 16 && pixels > 0 {
		mulRowNEON(&out[0], &full[0], &row[0], pixels, c, k)
		return
	}
	mulRowGo(out, full, row, c, k)
}

// mulRowGo is the Go twin of mulRowNEON (for any channel count).
func mulRowGo(out, full, row []int8, c int, k *MulConsts) {
	for p := 0; p+c <= len(out); p += c {
		mulGo(out[p:p+c], full[p:p+c], row, k)
	}
}

// AddConsts is an int8 ADD's (or SUB's: BMult negated) quantization, read
// by addNEON at these offsets: AOffset 0, BOffset 4, LeftShift 8, AMult 12,
// ARight 16, BMult 20, BRight 24, OutMult 28, OutLeft 32, OutRight 36,
// ZeroPoint 40, Min 44, Max 48.
type AddConsts struct {
	AOffset, BOffset, LeftShift  int32
	AMult, ARight, BMult, BRight int32
	OutMult, OutLeft, OutRight   int32
	ZeroPoint, Min, Max          int32
}

// NewAddConsts returns the constants of kernels.AddInt8's
//
//	out = clamp(MBQM(A + B, outMult, outShift) + zp, actMin, actMax)
//	A   = MBQM((a+aOff) << left, aMult, aShift), B alike
//
// or false when addNEON cannot run it: an input shift above 0 (a
// multiplier over 1), a left shift outside [0, 30], an offset beyond
// ±128 or a clamp outside int8.
func NewAddConsts(aOff, bOff, aMult, aShift, bMult, bShift, left, outMult, outShift, zp, actMin, actMax int32) (*AddConsts, bool) {
	if aShift > 0 || bShift > 0 || left < 0 || left > 30 || aOff < -128 || aOff > 128 || bOff < -128 || bOff > 128 ||
		actMin < -128 || actMax > 127 || actMin > actMax {
		return nil, false
	}
	return &AddConsts{AOffset: aOff, BOffset: bOff, LeftShift: left, AMult: aMult, ARight: -aShift, BMult: bMult, BRight: -bShift,
		OutMult: outMult, OutLeft: max(outShift, 0), OutRight: max(-outShift, 0), ZeroPoint: zp, Min: actMin, Max: actMax}, true
}

// AddInt8 computes out[i] for i < len(out) from a[i] and b[i] (each at
// least as long; out may be a or b): runs of 16 with addNEON, the rest
// with addGo.
func AddInt8(v Variant, out, a, b []int8, c *AddConsts) {
	n := len(out)
	a, b = a[:n], b[:n]
	if k := n &^ 15; v != Go && k > 0 {
		addNEON(&out[0], &a[0], &b[0], k, c)
		out, a, b = out[k:], a[k:], b[k:]
	}
	addGo(out, a, b, c)
}

// addGo is the Go twin of addNEON (for any length).
func addGo(out, a, b []int8, c *AddConsts) {
	a, b = a[:len(out)], b[:len(out)]
	for i := range out {
		x := quant.MultiplyByQuantizedMultiplier((int32(a[i])+c.AOffset)<<uint32(c.LeftShift), c.AMult, -int(c.ARight))
		y := quant.MultiplyByQuantizedMultiplier((int32(b[i])+c.BOffset)<<uint32(c.LeftShift), c.BMult, -int(c.BRight))
		v := int64(quant.MultiplyByQuantizedMultiplier(x+y, c.OutMult, int(c.OutLeft-c.OutRight))) + int64(c.ZeroPoint)
		out[i] = int8(max(min(v, int64(c.Max)), int64(c.Min)))
	}
}

// LUTInt8 is out[i] = table[uint8(in[i]) ^ 0x80] for i < len(out) (in at
// least as long; out may be in): runs of 16 with lutNEON (TBL and three
// TBX over the 256 entries in 16 registers), the rest in Go.
func LUTInt8(v Variant, out, in []int8, table *[256]int8) {
	n := len(out)
	in = in[:n]
	if k := n &^ 15; v != Go && k > 0 {
		lutNEON(&out[0], &in[0], k, table)
		out, in = out[k:], in[k:]
	}
	lutGo(out, in, table)
}

// lutGo is the Go twin of lutNEON (for any length).
func lutGo(out, in []int8, table *[256]int8) {
	in = in[:len(out)]
	for i, q := range in {
		out[i] = table[uint8(q)^0x80]
	}
}

// Compile-time checks of the layouts mulNEON and addNEON read.
var (
	_ = [1]struct{}{}[unsafe.Offsetof(MulConsts{}.Max)-28]
	_ = [1]struct{}{}[unsafe.Offsetof(AddConsts{}.Max)-48]
)
