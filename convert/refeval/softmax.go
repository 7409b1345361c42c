package refeval

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/quant"
)

// softmax normalizes along axis, subtracting the maximum first so that
// exp cannot overflow; log computes log-softmax as (x - max) - log(sum).
func softmax(axis int, x, y *graph.Value, log bool) {
	outer := prod(x.Shape[:axis])
	n := x.Shape[axis]
	inner := prod(x.Shape[axis+1:])
	for o := range outer {
		for in := range inner {
			base := o*n*inner + in
			mx := math.Inf(-1)
			for i := range n {
				mx = math.Max(mx, float64(x.F[base+i*inner]))
			}
			var sum float64
			for i := range n {
				sum += quant.Exp(float64(x.F[base+i*inner]) - mx)
			}
			if log {
				ls := quant.Log(sum)
				for i := range n {
					y.F[base+i*inner] = float32(float64(x.F[base+i*inner]) - mx - ls)
				}
				continue
			}
			for i := range n {
				y.F[base+i*inner] = float32(quant.Exp(float64(x.F[base+i*inner])-mx) / sum)
			}
		}
	}
}

// pow is x^y for x > 0 through package quant's Exp and Log, which give the
// same bits on every GOARCH (math.Pow is compiled with fused
// multiply-adds on arm64); other x (LRN's base is bias + α·Σx², positive
// for the positive bias every model uses) go to math.Pow.
func pow(x, y float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Pow(x, y)
	}
	return quant.Exp(float64(y * quant.Log(x)))
}

// lrn is cross-channel local response normalization.
func lrn(op *graph.LRN, x, y *graph.Value) {
	n, c := x.Shape[0], x.Shape[1]
	inner := prod(x.Shape[2:])
	lo := (op.Size - 1) / 2
	hi := op.Size - 1 - lo // ceil((size-1)/2)
	alpha := float64(op.Alpha) / float64(op.Size)
	for img := range n {
		for ch := range c {
			c0, c1 := max(0, ch-lo), min(c-1, ch+hi)
			for i := range inner {
				var sq float64
				for k := c0; k <= c1; k++ {
					v := float64(x.F[(img*c+k)*inner+i])
					sq += float64(v * v)
				}
				off := (img*c+ch)*inner + i
				y.F[off] = float32(float64(x.F[off]) / pow(float64(op.Bias)+float64(alpha*sq), float64(op.Beta)))
			}
		}
	}
}
