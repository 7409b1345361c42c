package train

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/train/sgemm"
)

// Linear is a fully connected layer y = x·Wᵀ + b over the flattened
// sample: W is [Out, In], B (optional) [Out].
type Linear struct {
	In, Out int
	W, B    *Param

	// WeightQuant and Input: as for Conv2D.
	WeightQuant bool
	Input       *FakeQuant

	wq, bq []float32
}

// NewLinear returns a fully connected layer with zero weights (see Init).
func NewLinear(name string, in, out int, bias bool) *Linear {
	l := &Linear{In: in, Out: out, W: NewParam(name+".weight", false, out, in)}
	if bias {
		l.B = NewParam(name+".bias", true, out)
	}
	return l
}

func (l *Linear) Kind() string       { return "linear" }
func (l *Linear) Params() []*Param   { return paramList(l.W, l.B) }
func (l *Linear) macsPerOutput() int { return l.In }

func (l *Linear) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) < 2 {
		return nil, fmt.Errorf("want one input with a batch dim, have %v", in)
	}
	if f := numel(in[0][1:]); f != l.In {
		return nil, fmt.Errorf("input has %d features per sample, the layer takes %d", f, l.In)
	}
	return []int{in[0][0], l.Out}, nil
}

func (l *Linear) weights() (w, b []float32) {
	w = l.W.Value
	if l.B != nil {
		b = l.B.Value
	}
	if !l.WeightQuant {
		return w, b
	}
	l.wq = grow(l.wq, len(w))
	scales := FakeQuantWeights(w, l.Out, l.wq)
	if b != nil && l.Input != nil {
		l.bq = grow(l.bq, len(b))
		fakeQuantBias(b, l.Input.Scale(), scales, l.bq)
		b = l.bq
	}
	return l.wq, b
}

func (l *Linear) Forward(in []*Tensor, out *Tensor, training bool) {
	n := in[0].Shape[0]
	w, b := l.weights()
	if b != nil {
		for s := range n {
			copy(out.Data[s*l.Out:(s+1)*l.Out], b)
		}
	}
	sgemm.Gemm(false, true, n, l.Out, l.In, in[0].Data, l.In, w, l.In, 1, out.Data, l.Out)
}

func (l *Linear) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	n := in[0].Shape[0]
	w, _ := l.weights()
	sgemm.Gemm(true, false, l.Out, l.In, n, dOut.Data, l.Out, in[0].Data, l.In, 1, l.W.Grad, l.In)
	if l.B != nil {
		for s := range n {
			for o, g := range dOut.Data[s*l.Out : (s+1)*l.Out] {
				l.B.Grad[o] += g
			}
		}
	}
	if dIn[0] != nil {
		sgemm.Gemm(false, false, n, l.In, l.Out, dOut.Data, l.Out, w, l.In, 1, dIn[0].Data, l.In)
	}
}
