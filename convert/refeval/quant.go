package refeval

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// quantParam returns the scale and zero point that apply to flat element i
// of a tensor of the given shape.
func quantParam(q *graph.QuantParams, shape []int) func(i int) (float32, int64) {
	if q.Axis < 0 {
		s, z := q.Scale[0], q.ZeroPoint[0]
		return func(int) (float32, int64) { return s, z }
	}
	inner := prod(shape[q.Axis+1:])
	n := shape[q.Axis]
	return func(i int) (float32, int64) {
		c := i / inner % n
		return q.Scale[c], q.ZeroPoint[c]
	}
}

// quantize is saturate(round_half_even(x / scale) + zero_point), dividing
// in float32 as the ONNX definition does.
func quantize(q *graph.QuantParams, x, y *graph.Value) {
	lo, hi := q.QType.Range()
	param := quantParam(q, x.Shape)
	for i, v := range x.F {
		s, z := param(i)
		f := math.RoundToEven(float64(v/s)) + float64(z)
		switch {
		case f != f:
			f = 0
		case f < float64(lo):
			f = float64(lo)
		case f > float64(hi):
			f = float64(hi)
		}
		y.I[i] = int64(f)
	}
}

// dequantize is (q - zero_point) * scale in float32.
func dequantize(q *graph.QuantParams, x, y *graph.Value) {
	param := quantParam(q, x.Shape)
	for i, v := range x.I {
		s, z := param(i)
		y.F[i] = float32(v-z) * s
	}
}
