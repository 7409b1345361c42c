package kernels

import (
	"github.com/x448/float16"

	"github.com/edgeinfer/edgeinfer/quant"
)

// Conversions between float32 and the quantized and half-precision types.

// QuantizeFloat32ToInt8 is out = quant.Quantize(x, Scale, ZeroPoint):
// clamp(round(x/Scale) + ZeroPoint, -128, 127), the division in float32,
// rounding half away from zero, NaN to ZeroPoint.
func QuantizeFloat32ToInt8(p *QuantizeParams, in []float32, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	scale, zp := p.Scale, p.ZeroPoint
	for i, x := range in {
		out[i] = quant.Quantize(x, scale, zp)
	}
}

// DequantizeInt8ToFloat32 is out = float32(q - ZeroPoint) * Scale.
func DequantizeInt8ToFloat32(p *QuantizeParams, in []int8, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	scale, zp := p.Scale, p.ZeroPoint
	for i, q := range in {
		out[i] = quant.Dequantize(q, scale, zp)
	}
}

// DequantizeUint8ToFloat32 is out = float32(q - ZeroPoint) * Scale for
// uint8 q.
func DequantizeUint8ToFloat32(p *QuantizeParams, in []uint8, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	scale, zp := p.Scale, p.ZeroPoint
	for i, q := range in {
		out[i] = float32(float32(int32(q)-zp) * scale)
	}
}

// DequantizeFloat16ToFloat32 widens IEEE binary16 values (exactly; NaNs
// become quiet NaNs with the payload kept).
func DequantizeFloat16ToFloat32(p *QuantizeParams, in []uint16, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	for i, h := range in {
		out[i] = float16.Frombits(h).Float32()
	}
}
