package builder

import (
	"fmt"
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/format"
)

// Weights is a float32 constant with its shape: OHWI
// [out][kernel_h][kernel_w][in/groups] for Conv2D, [out][in] for
// FullyConnected.
type Weights struct {
	Shape []int
	Data  []float32
	// Scales, when set, are the int8 model's per-output-channel weight
	// scales (one per Shape[0], each a finite float32 > 0), as an
	// imported quantized model prescribes; the weights are then rounded
	// to them and clamped to [-127, 127]. Nil: maxabs/127 per channel.
	Scales []float32
}

// Conv configures Conv2D. Zero strides, dilations and groups mean 1.
type Conv struct {
	Stride   [2]int // {H, W}
	Dilation [2]int // {H, W}
	Pad      [4]int // top, left, bottom, right
	Groups   int    // input channels for depthwise (DepthwiseConv2D sets it)
	Act      format.Activation
}

// PadSame is the symmetric padding that keeps a stride-1 convolution with
// an odd k×k kernel at its input size: (k-1)/2 on every side.
func PadSame(k int) [4]int {
	p := (k - 1) / 2
	return [4]int{p, p, p, p}
}

// Conv2D is a 2-D convolution of an NHWC input with OHWI weights; bias may
// be nil.
func (b *Builder) Conv2D(name string, x Tensor, w Weights, bias []float32, c Conv) Tensor {
	return b.add(format.OpConv2D, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		return n.conv2D(in[0], w, bias, c)
	})
}

// DepthwiseConv2D is Conv2D with one group per input channel; w is OHWI
// [C*multiplier][kh][kw][1].
func (b *Builder) DepthwiseConv2D(name string, x Tensor, w Weights, bias []float32, c Conv) Tensor {
	return b.add(format.OpConv2D, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		if err := rank4(in[0]); err != nil {
			return nil, err
		}
		c.Groups = in[0].shape[3]
		return n.conv2D(in[0], w, bias, c)
	})
}

func (n *node) conv2D(x *value, w Weights, bias []float32, c Conv) ([]int, error) {
	if err := rank4(x); err != nil {
		return nil, err
	}
	if err := checkAct(c.Act); err != nil {
		return nil, err
	}
	if len(w.Shape) != 4 {
		return nil, fmt.Errorf("weights shape %v; want OHWI (rank 4)", w.Shape)
	}
	nb, ih, iw, ic := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oc, kh, kw, kc := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	groups := one(c.Groups)
	switch {
	case groups < 1 || ic%groups != 0 || oc%groups != 0:
		return nil, fmt.Errorf("%d groups do not divide %d input and %d output channels", groups, ic, oc)
	case kc != ic/groups:
		return nil, fmt.Errorf("weights shape %v: %d input channels per group, want %d (input %v, %d groups)",
			w.Shape, kc, ic/groups, x.shape, groups)
	}
	wa, err := newWeights(w)
	if err != nil {
		return nil, err
	}
	n.weights = wa
	if bias != nil {
		if n.bias, err = newArray("bias", []int{oc}, bias); err != nil {
			return nil, err
		}
	}
	o := &format.Conv2DOptions{
		StrideH: one(c.Stride[0]), StrideW: one(c.Stride[1]),
		DilationH: one(c.Dilation[0]), DilationW: one(c.Dilation[1]),
		PadTop: c.Pad[0], PadLeft: c.Pad[1], PadBottom: c.Pad[2], PadRight: c.Pad[3],
		Groups: groups,
		Act:    c.Act,
	}
	oh, err := windowOut(ih, kh, o.StrideH, o.DilationH, o.PadTop, o.PadBottom)
	if err != nil {
		return nil, fmt.Errorf("height: %v", err)
	}
	ow, err := windowOut(iw, kw, o.StrideW, o.DilationW, o.PadLeft, o.PadRight)
	if err != nil {
		return nil, fmt.Errorf("width: %v", err)
	}
	n.options = o
	return []int{nb, oh, ow, oc}, nil
}

// FullyConnected multiplies rows of K input values by weights [N][K]: an
// input of E elements (E divisible by K) gives an output [E/K, N]. bias
// may be nil.
func (b *Builder) FullyConnected(name string, x Tensor, w Weights, bias []float32, act format.Activation) Tensor {
	return b.add(format.OpFullyConnected, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		if err := checkAct(act); err != nil {
			return nil, err
		}
		if len(w.Shape) != 2 {
			return nil, fmt.Errorf("weights shape %v; want [out, in]", w.Shape)
		}
		out, k := w.Shape[0], w.Shape[1]
		e := elements(in[0].shape)
		if k <= 0 || e%k != 0 {
			return nil, fmt.Errorf("input %q shape %v does not flatten to rows of %d (weights %v)", in[0].name, in[0].shape, k, w.Shape)
		}
		var err error
		if n.weights, err = newWeights(w); err != nil {
			return nil, err
		}
		if bias != nil {
			if n.bias, err = newArray("bias", []int{out}, bias); err != nil {
				return nil, err
			}
		}
		n.options = &format.FullyConnectedOptions{Act: act}
		return []int{e / k, out}, nil
	})
}

// newWeights copies weights and their prescribed scales, if any.
func newWeights(w Weights) (*array, error) {
	a, err := newArray("weights", w.Shape, w.Data)
	if err != nil || w.Scales == nil {
		return a, err
	}
	if len(w.Scales) != w.Shape[0] {
		return nil, fmt.Errorf("weights: %d scales for %d output channels", len(w.Scales), w.Shape[0])
	}
	for c, s := range w.Scales {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("weights: scale %v of channel %d; want a finite scale > 0", s, c)
		}
	}
	a.scales = slices.Clone(w.Scales)
	return a, nil
}

// newArray copies a constant after checking it against its shape.
func newArray(what string, shape []int, data []float32) (*array, error) {
	if err := checkShape(shape); err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	if len(data) != elements(shape) {
		return nil, fmt.Errorf("%s: %d values for shape %v (%d elements)", what, len(data), shape, elements(shape))
	}
	if err := checkFinite(data); err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	return &array{shape: slices.Clone(shape), data: slices.Clone(data)}, nil
}
