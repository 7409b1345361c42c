package kernels

import "github.com/edgeinfer/edgeinfer/quant"

// Float32 pointwise kernels. out may be in itself (in place). The
// transcendental ones evaluate in float64 with quant's Exp and Tanh, which
// give the same bits on every GOARCH (math.Exp is per-arch assembly), and
// round once to float32.

// ClampFloat32 is out = min(max(x, Min), Max) with Go's min and max (NaN
// stays NaN, and -0 clamped at 0 becomes +0).
func ClampFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	for i, x := range in {
		out[i] = min(max(x, p.Min), p.Max)
	}
}

// LeakyReluFloat32 is out = x for x >= 0 (and NaN), Alpha*x otherwise.
func LeakyReluFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	alpha := p.Alpha
	for i, x := range in {
		if x < 0 {
			x *= alpha
		}
		out[i] = x
	}
}

// PReluFloat32 is LeakyReluFloat32 with slope Slope[i % Channels].
func PReluFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	c := lo % p.Channels
	for i := lo; i < hi; {
		n := min(p.Channels-c, hi-i)
		src, dst, slope := in[i:i+n], out[i:i+n], p.Slope[c:c+n]
		for j, x := range src {
			if x < 0 {
				x *= slope[j]
			}
			dst[j] = x
		}
		i += n
		c = 0
	}
}

// HardSwishFloat32 is out = x * min(max(x+3, 0), 6) / 6, evaluated in that
// order in float32 (TFLite's formula; quant.HardSwishLUT uses the same).
func HardSwishFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	for i, x := range in {
		out[i] = float32(x*min(max(x+3, 0), 6)) / 6
	}
}

// HardSigmoidFloat32 is out = min(max(Alpha*x + Beta, 0), 1), the product
// rounded to float32 before the addition.
func HardSigmoidFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	alpha, beta := p.Alpha, p.Beta
	for i, x := range in {
		out[i] = min(max(float32(alpha*x)+beta, 0), 1)
	}
}

// LogisticFloat32 is out = float32(1 / (1 + quant.Exp(-x))) in float64.
func LogisticFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	for i, x := range in {
		out[i] = float32(quant.Sigmoid(float64(x)))
	}
}

// TanhFloat32 is out = float32(quant.Tanh(x)) in float64.
func TanhFloat32(p *UnaryFloat32Params, in, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	in, out = in[lo:hi], out[lo:hi]
	for i, x := range in {
		out[i] = float32(quant.Tanh(float64(x)))
	}
}
