package builder

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/format"
)

// Pool configures MaxPool and AvgPool. Zero strides and dilations mean 1.
type Pool struct {
	Kernel          [2]int // {H, W}
	Stride          [2]int
	Dilation        [2]int
	Pad             [4]int // top, left, bottom, right
	CountIncludePad bool   // average pool: divide by the full window
	Act             format.Activation
}

// MaxPool is a 2-D max pooling over NHWC.
func (b *Builder) MaxPool(name string, x Tensor, p Pool) Tensor {
	return b.add(format.OpMaxPool2D, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		return n.pool(in[0], p)
	})
}

// AvgPool is a 2-D average pooling over NHWC.
func (b *Builder) AvgPool(name string, x Tensor, p Pool) Tensor {
	return b.add(format.OpAveragePool2D, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		return n.pool(in[0], p)
	})
}

func (n *node) pool(x *value, p Pool) ([]int, error) {
	if err := rank4(x); err != nil {
		return nil, err
	}
	if err := checkAct(p.Act); err != nil {
		return nil, err
	}
	o := &format.Pool2DOptions{
		KernelH: p.Kernel[0], KernelW: p.Kernel[1],
		StrideH: one(p.Stride[0]), StrideW: one(p.Stride[1]),
		DilationH: one(p.Dilation[0]), DilationW: one(p.Dilation[1]),
		PadTop: p.Pad[0], PadLeft: p.Pad[1], PadBottom: p.Pad[2], PadRight: p.Pad[3],
		CountIncludePad: p.CountIncludePad,
		Act:             p.Act,
	}
	oh, err := windowOut(x.shape[1], o.KernelH, o.StrideH, o.DilationH, o.PadTop, o.PadBottom)
	if err != nil {
		return nil, fmt.Errorf("height: %v", err)
	}
	ow, err := windowOut(x.shape[2], o.KernelW, o.StrideW, o.DilationW, o.PadLeft, o.PadRight)
	if err != nil {
		return nil, fmt.Errorf("width: %v", err)
	}
	n.options = o
	return []int{x.shape[0], oh, ow, x.shape[3]}, nil
}

// GlobalAvgPool averages over H and W of an NHWC input: MEAN over axes
// {1, 2}, keeping them, so the output is [N, 1, 1, C].
func (b *Builder) GlobalAvgPool(name string, x Tensor) Tensor {
	return b.Mean(name, x, []int{1, 2}, true)
}

// Mean averages over axes (negative axes count from the end).
func (b *Builder) Mean(name string, x Tensor, axes []int, keepDims bool) Tensor {
	return b.add(format.OpMean, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		return n.reduce(in[0], axes, keepDims)
	})
}

// ReduceMax takes the maximum over axes (negative axes count from the end).
func (b *Builder) ReduceMax(name string, x Tensor, axes []int, keepDims bool) Tensor {
	return b.add(format.OpReduceMax, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		return n.reduce(in[0], axes, keepDims)
	})
}

func (n *node) reduce(x *value, axes []int, keepDims bool) ([]int, error) {
	out, norm, err := reduceShape(x.shape, axes, keepDims)
	if err != nil {
		return nil, err
	}
	n.options = &format.ReduceOptions{Axes: norm, KeepDims: keepDims}
	return out, nil
}
