package kernels

import (
	"math"

	"github.com/edgeinfer/edgeinfer/quant"
)

// Local response normalization across channels (ONNX LRN), one pixel's C
// channels per unit. For channel c the window is the channels
// [max(0, c-(Size-1)/2), min(C-1, c+Size/2)] (ONNX's floor and ceil of
// (Size-1)/2), and
//
//	sum  = sum of x*x over the window, in float64 in channel order
//	base = Bias + Alpha/Size*sum
//	div  = base^Beta: math.Sqrt(base) for Beta 0.5, base for Beta 1,
//	       quant.Exp(Beta * quant.Log(base)) otherwise
//	out  = x / div
//
// all in float64 (each product rounded to float64, so no fused
// multiply-add), with quant's deterministic Exp and Log (math.Sqrt is
// correctly rounded everywhere). out must not be in: a channel's window
// reads its neighbours.

// LRNFloat32 is LRN on float32, rounding out once to float32.
func LRNFloat32(p *LRNParams, in, out []float32, lo, hi int) {
	c := p.C
	for u := lo; u < hi; u++ {
		x, o := in[u*c:(u+1)*c], out[u*c:(u+1)*c]
		for k := range o {
			w0, w1 := lrnWindow(p, k)
			sum := 0.0
			for _, v := range x[w0:w1] {
				sum += float64(float64(v) * float64(v))
			}
			o[k] = float32(float64(x[k]) / lrnDivisor(p, sum))
		}
	}
}

// LRNInt8 dequantizes (x = (q - InZeroPoint) * InScale, exactly in
// float64), computes LRN and requantizes: out = clamp(round(v/OutScale) +
// OutZeroPoint, -128, 127) with rounding half away from zero.
func LRNInt8(p *LRNParams, in, out []int8, lo, hi int) {
	c := p.C
	inScale, outScale := float64(p.InScale), float64(p.OutScale)
	for u := lo; u < hi; u++ {
		q, o := in[u*c:(u+1)*c], out[u*c:(u+1)*c]
		for k := range o {
			w0, w1 := lrnWindow(p, k)
			sum := 0.0
			for _, v := range q[w0:w1] {
				x := float64(float64(int32(v)-p.InZeroPoint) * inScale)
				sum += float64(x * x)
			}
			x := float64(float64(int32(q[k])-p.InZeroPoint) * inScale)
			o[k] = int8(roundHalfAwayClamp(x/lrnDivisor(p, sum)/outScale, p.OutZeroPoint))
		}
	}
}

// lrnWindow returns channel k's window [w0, w1).
func lrnWindow(p *LRNParams, k int) (w0, w1 int) {
	return max(k-(p.Size-1)/2, 0), min(k+p.Size/2+1, p.C)
}

// lrnDivisor is (Bias + Alpha/Size*sum)^Beta.
func lrnDivisor(p *LRNParams, sum float64) float64 {
	base := float64(p.Bias) + float64(float64(p.Alpha)/float64(p.Size)*sum)
	switch p.Beta {
	case 0.5:
		return math.Sqrt(base) // exact rounding on every GOARCH
	case 1:
		return base
	}
	return quant.Exp(float64(float64(p.Beta) * quant.Log(base)))
}
