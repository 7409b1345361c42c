package refeval

import (
	"errors"
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/quant"
)

type binaryOp uint8

const (
	opAdd binaryOp = iota
	opSub
	opMul
	opDiv
)

// binary applies an arithmetic op with numpy broadcasting. Integer results
// wrap to the output type; integer division truncates toward zero and
// fails on a zero divisor.
func binary(op binaryOp, a, b, y *graph.Value) error {
	as := graph.BroadcastStrides(a.Shape, y.Shape)
	bs := graph.BroadcastStrides(b.Shape, y.Shape)
	if y.DType == graph.Float32 {
		f := floatOps[op]
		broadcast2(y.Shape, as, bs, func(i, ia, ib int) {
			y.F[i] = f(a.F[ia], b.F[ib])
		})
		return nil
	}
	dt := y.DType
	var divByZero bool
	broadcast2(y.Shape, as, bs, func(i, ia, ib int) {
		x, z := a.I[ia], b.I[ib]
		var r int64
		switch op {
		case opAdd:
			r = x + z
		case opSub:
			r = x - z
		case opMul:
			r = x * z
		case opDiv:
			if z == 0 {
				divByZero = true
				return
			}
			if z == -1 {
				r = -x // MinInt64 / -1 overflows (and panics) in Go
			} else {
				r = x / z
			}
		}
		y.I[i] = dt.Wrap(r)
	})
	if divByZero {
		return errors.New("integer division by zero")
	}
	return nil
}

var floatOps = [...]func(x, y float32) float32{
	opAdd: func(x, y float32) float32 { return x + y },
	opSub: func(x, y float32) float32 { return x - y },
	opMul: func(x, y float32) float32 { return x * y },
	opDiv: func(x, y float32) float32 { return x / y },
}

// broadcast2 calls fn for every output element with the flat offsets of
// the two inputs read through broadcast strides. The innermost dim runs as
// a plain loop.
func broadcast2(shape, as, bs []int, fn func(i, ia, ib int)) {
	r := len(shape)
	if r == 0 {
		fn(0, 0, 0)
		return
	}
	total := prod(shape)
	if total == 0 {
		return
	}
	inner := shape[r-1]
	sa, sb := as[r-1], bs[r-1]
	outer := newOdometer(shape[:r-1])
	for i := 0; i < total; i += inner {
		ia, ib := 0, 0
		for d, x := range outer.idx {
			ia += x * as[d]
			ib += x * bs[d]
		}
		for j := range inner {
			fn(i+j, ia+j*sa, ib+j*sb)
		}
		outer.next()
	}
}

// unary applies a float activation elementwise.
func unary(op graph.Op, x, y []float32) {
	switch op := op.(type) {
	case *graph.Relu:
		clip(x, y, 0, float32(math.Inf(1)))
	case *graph.Clip:
		clip(x, y, op.Min, op.Max)
	case *graph.LeakyRelu:
		for i, v := range x {
			if v < 0 {
				v *= op.Alpha
			}
			y[i] = v
		}
	case *graph.Sigmoid:
		for i, v := range x {
			y[i] = float32(sigmoid(float64(v)))
		}
	case *graph.HardSigmoid:
		for i, v := range x {
			y[i] = max(0, min(1, float32(op.Alpha*v)+op.Beta))
		}
	case *graph.HardSwish:
		for i, v := range x {
			y[i] = v * max(0, min(1, v/6+0.5))
		}
	case *graph.Tanh:
		for i, v := range x {
			y[i] = float32(quant.Tanh(float64(v)))
		}
	}
}

// clip is max then min, as ONNX's Clip defines it (with lo > hi every
// element becomes hi; NaN and -0 pass through). The selects work on the
// bits, which the compiler turns into conditional moves: activations are
// signed at random, and a branch per element mispredicts half the time.
func clip(x, y []float32, lo, hi float32) {
	y = y[:len(x)]
	loBits, hiBits := math.Float32bits(lo), math.Float32bits(hi)
	for i, v := range x {
		b := math.Float32bits(v)
		if v < lo {
			b = loBits
		}
		if math.Float32frombits(b) > hi {
			b = hiBits
		}
		y[i] = math.Float32frombits(b)
	}
}

// sigmoid avoids exp overflow for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + quant.Exp(-x))
	}
	e := quant.Exp(x)
	return e / (1 + e)
}

func prelu(x, slope, y *graph.Value) {
	ss := graph.BroadcastStrides(slope.Shape, x.Shape)
	broadcast2(x.Shape, graph.Strides(x.Shape), ss, func(i, ix, is int) {
		v := x.F[ix]
		if v < 0 {
			v *= slope.F[is]
		}
		y.F[i] = v
	})
}

// batchNorm folds each channel's statistics into y = x·a + b, computed in
// float64.
func batchNorm(op *graph.BatchNorm, in []*graph.Value, y *graph.Value) {
	x, scale, bias, mean, variance := in[0], in[1], in[2], in[3], in[4]
	n, c := x.Shape[0], x.Shape[1]
	inner := prod(x.Shape[2:])
	for ch := range c {
		a := float64(scale.F[ch]) / math.Sqrt(float64(variance.F[ch])+float64(op.Epsilon))
		b := float64(bias.F[ch]) - float64(float64(mean.F[ch])*a)
		for img := range n {
			off := (img*c + ch) * inner
			src, dst := x.F[off:off+inner], y.F[off:off+inner]
			for i, v := range src {
				dst[i] = float32(float64(float64(v)*a) + b)
			}
		}
	}
}
