package train

import (
	"fmt"
	"slices"
)

// AddOp adds two tensors of the same shape (residual connections).
type AddOp struct{}

func (AddOp) Kind() string     { return "add" }
func (AddOp) Params() []*Param { return nil }

func (AddOp) OutShape(in [][]int) ([]int, error) {
	if len(in) != 2 || !slices.Equal(in[0], in[1]) {
		return nil, fmt.Errorf("want two inputs of one shape, have %v", in)
	}
	return in[0], nil
}

func (AddOp) Forward(in []*Tensor, out *Tensor, training bool) {
	for i := range out.Data {
		out.Data[i] = in[0].Data[i] + in[1].Data[i]
	}
}

func (AddOp) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	for _, d := range dIn {
		if d != nil {
			for i, g := range dOut.Data {
				d.Data[i] += g
			}
		}
	}
}

// MulOp multiplies two tensors of the same shape, or an [N, C, H, W]
// tensor by an [N, C, 1, 1] one (channel gating, as in squeeze-excite).
type MulOp struct{}

func (MulOp) Kind() string     { return "mul" }
func (MulOp) Params() []*Param { return nil }

func (MulOp) OutShape(in [][]int) ([]int, error) {
	if len(in) == 2 && (slices.Equal(in[0], in[1]) ||
		len(in[0]) == 4 && slices.Equal(in[1], []int{in[0][0], in[0][1], 1, 1})) {
		return in[0], nil
	}
	return nil, fmt.Errorf("want two inputs of one shape or [N C H W] and [N C 1 1], have %v", in)
}

func (MulOp) Forward(in []*Tensor, out *Tensor, training bool) {
	a, b := in[0], in[1]
	inner := len(a.Data) / len(b.Data)
	for i := range out.Data {
		out.Data[i] = a.Data[i] * b.Data[i/inner]
	}
}

func (MulOp) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	a, b := in[0], in[1]
	inner := len(a.Data) / len(b.Data)
	for i, g := range dOut.Data {
		if dIn[0] != nil {
			dIn[0].Data[i] += g * b.Data[i/inner]
		}
		if dIn[1] != nil {
			dIn[1].Data[i/inner] += g * a.Data[i]
		}
	}
}

// ConcatOp joins NCHW tensors along the channels.
type ConcatOp struct{}

func (ConcatOp) Kind() string     { return "concat" }
func (ConcatOp) Params() []*Param { return nil }

func (ConcatOp) OutShape(in [][]int) ([]int, error) {
	if len(in) < 1 {
		return nil, fmt.Errorf("no inputs")
	}
	out := slices.Clone(in[0])
	for _, s := range in[1:] {
		if len(s) != len(out) || len(s) < 2 || s[0] != out[0] || !slices.Equal(s[2:], out[2:]) {
			return nil, fmt.Errorf("inputs %v differ in more than the channels", in)
		}
		out[1] += s[1]
	}
	return out, nil
}

func (ConcatOp) Forward(in []*Tensor, out *Tensor, training bool) {
	n, c := out.Shape[0], out.Shape[1]
	hw := numel(out.Shape[2:])
	for s := range n {
		off := 0
		for _, x := range in {
			ct := x.Shape[1]
			copy(out.Data[(s*c+off)*hw:(s*c+off+ct)*hw], x.Data[s*ct*hw:(s+1)*ct*hw])
			off += ct
		}
	}
}

func (ConcatOp) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	n, c := dOut.Shape[0], dOut.Shape[1]
	hw := numel(dOut.Shape[2:])
	for s := range n {
		off := 0
		for t, x := range in {
			ct := x.Shape[1]
			if dIn[t] != nil {
				d := dIn[t].Data[s*ct*hw : (s+1)*ct*hw]
				for i, g := range dOut.Data[(s*c+off)*hw : (s*c+off+ct)*hw] {
					d[i] += g
				}
			}
			off += ct
		}
	}
}

// Flatten reshapes [N, ...] to [N, features].
type Flatten struct{}

func (Flatten) Kind() string     { return "flatten" }
func (Flatten) Params() []*Param { return nil }

func (Flatten) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) < 1 {
		return nil, fmt.Errorf("want one input, have %v", in)
	}
	return []int{in[0][0], numel(in[0][1:])}, nil
}

func (Flatten) Forward(in []*Tensor, out *Tensor, training bool) { copy(out.Data, in[0].Data) }

func (Flatten) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] != nil {
		for i, g := range dOut.Data {
			dIn[0].Data[i] += g
		}
	}
}
