package refeval

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// reduce computes the mean (or max) of x over axes into y, whose element
// count is x's with the reduced dims removed (keepdims does not change the
// layout).
func reduce(x *graph.Value, axes []int, y *graph.Value, isMax bool) {
	// Output strides over x's dims: 0 along reduced axes.
	r := len(x.Shape)
	reduced := make([]bool, r)
	for _, a := range axes {
		reduced[a] = true
	}
	strides := make([]int, r)
	acc := 1
	for d := r - 1; d >= 0; d-- {
		if !reduced[d] {
			strides[d] = acc
			acc *= x.Shape[d]
		}
	}
	count := 1
	for _, a := range axes {
		count *= x.Shape[a]
	}
	n := len(y.F)
	if isMax {
		for i := range y.F {
			y.F[i] = float32(math.Inf(-1))
		}
	}
	sum := make([]float64, n)
	o := newOdometer(x.Shape)
	for _, v := range x.F {
		out := 0
		for d, i := range o.idx {
			out += i * strides[d]
		}
		if isMax {
			if v > y.F[out] || v != v {
				y.F[out] = v
			}
		} else {
			sum[out] += float64(v)
		}
		o.next()
	}
	if !isMax {
		for i, s := range sum {
			y.F[i] = float32(s / float64(count))
		}
	}
}
