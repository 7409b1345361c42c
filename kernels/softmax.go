package kernels

import (
	"math"

	"github.com/edgeinfer/edgeinfer/quant"
)

// Softmax over the middle axis of [Outer][Axis][Inner]. Unit u is the
// vector of Axis elements at offset (u/Inner)*Axis*Inner + u%Inner, stride
// Inner. Sums are float64 in index order. out may be in itself.

// SoftmaxInt8 is out = clamp(round(e/sum/OutScale) + OutZeroPoint, -128, 127)
// with e = Exp[max-q], sum the sum of e over the vector and rounding half
// away from zero.
func SoftmaxInt8(p *SoftmaxInt8Params, in, out []int8, lo, hi int) {
	for u := lo; u < hi; u++ {
		base, stride, n := softmaxVector(p.Axis, p.Inner, u)
		m, sum := p.maxAndSum(in, base, stride, n)
		for k, i := 0, base; k < n; k, i = k+1, i+stride {
			e := p.Exp[uint8(m-int32(in[i]))]
			out[i] = int8(roundHalfAwayClamp(e/sum/p.OutScale, p.OutZeroPoint))
		}
	}
}

// SoftmaxInt8ToFloat32 is out = float32(e/sum), as SoftmaxInt8.
func SoftmaxInt8ToFloat32(p *SoftmaxInt8Params, in []int8, out []float32, lo, hi int) {
	for u := lo; u < hi; u++ {
		base, stride, n := softmaxVector(p.Axis, p.Inner, u)
		m, sum := p.maxAndSum(in, base, stride, n)
		for k, i := 0, base; k < n; k, i = k+1, i+stride {
			out[i] = float32(p.Exp[uint8(m-int32(in[i]))] / sum)
		}
	}
}

// LogSoftmaxInt8 is out = clamp(round((step*d - quant.Log(sum))/OutScale) +
// OutZeroPoint, -128, 127) with step = -Beta*InScale rounded to float64,
// d = max - q, the product step*d rounded before the subtraction, and
// rounding half away from zero.
func LogSoftmaxInt8(p *SoftmaxInt8Params, in, out []int8, lo, hi int) {
	step := -p.Beta * p.InScale
	for u := lo; u < hi; u++ {
		base, stride, n := softmaxVector(p.Axis, p.Inner, u)
		m, sum := p.maxAndSum(in, base, stride, n)
		logSum := quant.Log(sum)
		for k, i := 0, base; k < n; k, i = k+1, i+stride {
			d := float64(m - int32(in[i]))
			out[i] = int8(roundHalfAwayClamp((float64(step*d)-logSum)/p.OutScale, p.OutZeroPoint))
		}
	}
}

// maxAndSum returns the vector's maximum and its sum of Exp[max-q].
func (p *SoftmaxInt8Params) maxAndSum(in []int8, base, stride, n int) (m int32, sum float64) {
	m = math.MinInt8
	for k, i := 0, base; k < n; k, i = k+1, i+stride {
		m = max(m, int32(in[i]))
	}
	for k, i := 0, base; k < n; k, i = k+1, i+stride {
		sum += p.Exp[uint8(m-int32(in[i]))]
	}
	return m, sum
}

// softmaxVector returns the offset, stride and length of unit u's vector.
func softmaxVector(axis, inner, u int) (base, stride, n int) {
	return u/inner*axis*inner + u%inner, inner, axis
}

// roundClamp is clamp(round(v) + zp, -128, 127) with rounding half away
// from zero; NaN counts as 0 (it gives zp).
func roundHalfAwayClamp(v float64, zp int32) int32 {
	if v != v {
		v = 0
	}
	v = math.Round(v) + float64(zp)
	return int32(min(max(v, -128), 127))
}

// SoftmaxFloat32 is out = float32(e / sum) with e = quant.Exp(t),
// t = Beta*(x - max) computed in float64 (the difference and the product
// each rounded to float64) and sum the sum of e.
func SoftmaxFloat32(p *SoftmaxFloat32Params, in, out []float32, lo, hi int) {
	for u := lo; u < hi; u++ {
		base, stride, n := softmaxVector(p.Axis, p.Inner, u)
		m, sum := softmaxFloat32Sum(p, in, base, stride, n)
		beta := float64(p.Beta)
		for k, i := 0, base; k < n; k, i = k+1, i+stride {
			out[i] = float32(quant.Exp(float64(beta*(float64(in[i])-m))) / sum)
		}
	}
}

// LogSoftmaxFloat32 is out = float32(t - quant.Log(sum)), as SoftmaxFloat32.
func LogSoftmaxFloat32(p *SoftmaxFloat32Params, in, out []float32, lo, hi int) {
	for u := lo; u < hi; u++ {
		base, stride, n := softmaxVector(p.Axis, p.Inner, u)
		m, sum := softmaxFloat32Sum(p, in, base, stride, n)
		beta, logSum := float64(p.Beta), quant.Log(sum)
		for k, i := 0, base; k < n; k, i = k+1, i+stride {
			out[i] = float32(float64(beta*(float64(in[i])-m)) - logSum)
		}
	}
}

// softmaxFloat32Sum returns the vector's maximum (NaN if it holds one) and
// the sum of its exponentials.
func softmaxFloat32Sum(p *SoftmaxFloat32Params, in []float32, base, stride, n int) (m, sum float64) {
	m = math.Inf(-1)
	for k, i := 0, base; k < n; k, i = k+1, i+stride {
		m = max(m, float64(in[i]))
	}
	beta := float64(p.Beta)
	for k, i := 0, base; k < n; k, i = k+1, i+stride {
		sum += quant.Exp(float64(beta * (float64(in[i]) - m)))
	}
	return m, sum
}
