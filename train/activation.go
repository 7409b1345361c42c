package train

import (
	"fmt"
	"math"
)

// ActKind selects an elementwise activation.
type ActKind uint8

const (
	ReLU      ActKind = iota
	ReLU6             // min(max(x, 0), 6)
	HardSwish         // x·min(max(x+3, 0), 6)/6
	Sigmoid           // 1/(1+exp(−x))
	Clip              // min(max(x, Lo), Hi)
)

var actNames = [...]string{"relu", "relu6", "hardswish", "sigmoid", "clip"}

func (k ActKind) String() string { return actNames[k] }

// Activation applies an elementwise function.
type Activation struct {
	Fn     ActKind
	Lo, Hi float32 // bounds of Clip
}

func (a *Activation) Kind() string     { return a.Fn.String() }
func (a *Activation) Params() []*Param { return nil }

func (a *Activation) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, have %d", len(in))
	}
	return in[0], nil
}

// Bounds is the clamp the activation is, for ReLU, ReLU6 and Clip
// (ok false for the others).
func (a *Activation) Bounds() (lo, hi float32, ok bool) {
	switch a.Fn {
	case ReLU:
		return 0, float32(math.Inf(1)), true
	case ReLU6:
		return 0, 6, true
	case Clip:
		return a.Lo, a.Hi, true
	}
	return 0, 0, false
}

func (a *Activation) Forward(in []*Tensor, out *Tensor, training bool) {
	x := in[0].Data
	y := out.Data
	parallelFor(len(x), func(lo, hi int) {
		switch a.Fn {
		case HardSwish:
			for i := lo; i < hi; i++ {
				v := x[i]
				y[i] = v * min(max(v+3, 0), 6) / 6
			}
		case Sigmoid:
			for i := lo; i < hi; i++ {
				y[i] = float32(1 / (1 + math.Exp(-float64(x[i]))))
			}
		default:
			l, h, _ := a.Bounds()
			for i := lo; i < hi; i++ {
				y[i] = min(max(x[i], l), h)
			}
		}
	})
}

func (a *Activation) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] == nil {
		return
	}
	x, y, g, d := in[0].Data, out.Data, dOut.Data, dIn[0].Data
	parallelFor(len(x), func(lo, hi int) {
		switch a.Fn {
		case HardSwish:
			for i := lo; i < hi; i++ {
				v := x[i]
				switch {
				case v <= -3:
				case v >= 3:
					d[i] += g[i]
				default:
					d[i] += g[i] * (2*v + 3) / 6
				}
			}
		case Sigmoid:
			for i := lo; i < hi; i++ {
				d[i] += g[i] * y[i] * (1 - y[i])
			}
		default:
			l, h, _ := a.Bounds()
			for i := lo; i < hi; i++ {
				if x[i] > l && x[i] < h {
					d[i] += g[i]
				}
			}
		}
	})
}
