package train

import (
	"fmt"
	"math/rand/v2"
)

// Dropout zeroes each value with probability P in training and scales the
// others by 1/(1−P); evaluation passes values through. The mask of a batch
// comes from the stream Seed, Step: SetStep before each training Forward
// makes runs reproducible and resumable.
type Dropout struct {
	P    float32
	Seed uint64
	step uint64
	mask []float32
}

func (d *Dropout) Kind() string     { return "dropout" }
func (d *Dropout) Params() []*Param { return nil }

// SetStep selects the random stream of the next training Forward.
func (d *Dropout) SetStep(step uint64) { d.step = step }

func (d *Dropout) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 || d.P < 0 || d.P >= 1 {
		return nil, fmt.Errorf("want one input and 0 <= P < 1, have %v and P %v", in, d.P)
	}
	return in[0], nil
}

func (d *Dropout) Forward(in []*Tensor, out *Tensor, training bool) {
	if !training || d.P == 0 {
		copy(out.Data, in[0].Data)
		return
	}
	r := rand.New(rand.NewPCG(d.Seed, d.step))
	d.mask = grow(d.mask, len(out.Data))
	keep := 1 / (1 - d.P)
	for i, v := range in[0].Data {
		m := float32(0)
		if r.Float32() >= d.P {
			m = keep
		}
		d.mask[i] = m
		out.Data[i] = v * m
	}
}

func (d *Dropout) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] == nil {
		return
	}
	for i, g := range dOut.Data {
		if d.P == 0 {
			dIn[0].Data[i] += g
		} else {
			dIn[0].Data[i] += g * d.mask[i]
		}
	}
}
