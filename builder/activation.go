package builder

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
)

// Clamp limits x to [lo, hi] (either may be infinite).
func (b *Builder) Clamp(name string, x Tensor, lo, hi float32) Tensor {
	return b.add(format.OpClamp, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		if isNaN(lo) || isNaN(hi) || lo > hi {
			return nil, fmt.Errorf("[%v, %v] is not an interval", lo, hi)
		}
		n.options = &format.ClampOptions{Min: lo, Max: hi}
		return in[0].shape, nil
	})
}

// Relu is Clamp to [0, +Inf).
func (b *Builder) Relu(name string, x Tensor) Tensor {
	return b.Clamp(name, x, 0, float32(math.Inf(1)))
}

// Relu6 is Clamp to [0, 6].
func (b *Builder) Relu6(name string, x Tensor) Tensor { return b.Clamp(name, x, 0, 6) }

// LeakyRelu is x for x >= 0, alpha*x otherwise.
func (b *Builder) LeakyRelu(name string, x Tensor, alpha float32) Tensor {
	return b.add(format.OpLeakyRelu, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		if err := checkFinite([]float32{alpha}); err != nil {
			return nil, fmt.Errorf("alpha: %v", err)
		}
		n.options = &format.LeakyReluOptions{Alpha: alpha}
		return in[0].shape, nil
	})
}

// PRelu is x for x >= 0, slope[c]*x otherwise, with one slope per channel
// (the last dimension).
func (b *Builder) PRelu(name string, x Tensor, slope []float32) Tensor {
	return b.add(format.OpPRelu, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		c := in[0].shape[len(in[0].shape)-1]
		var err error
		if n.weights, err = newArray("slope", []int{c}, slope); err != nil {
			return nil, err
		}
		return in[0].shape, nil
	})
}

// HardSwish is x * relu6(x+3) / 6.
func (b *Builder) HardSwish(name string, x Tensor) Tensor {
	return b.unary(format.OpHardSwish, name, x, nil)
}

// HardSigmoid is clamp(alpha*x + beta, 0, 1) (ONNX's defaults are 0.2 and
// 0.5; PyTorch's hardsigmoid is 1/6 and 0.5).
func (b *Builder) HardSigmoid(name string, x Tensor, alpha, beta float32) Tensor {
	if err := checkFinite([]float32{alpha, beta}); err != nil && b.err == nil {
		b.err = fmt.Errorf("builder: operator %d %q (%s): %v", len(b.nodes), name, format.OpHardSigmoid, err)
	}
	return b.unary(format.OpHardSigmoid, name, x, &format.HardSigmoidOptions{Alpha: alpha, Beta: beta})
}

// Sigmoid is the logistic function 1/(1+exp(-x)).
func (b *Builder) Sigmoid(name string, x Tensor) Tensor {
	return b.unary(format.OpLogistic, name, x, nil)
}

// Tanh is the hyperbolic tangent.
func (b *Builder) Tanh(name string, x Tensor) Tensor {
	return b.unary(format.OpTanh, name, x, nil)
}

// Softmax normalizes exp(x) along axis (-1: the last).
func (b *Builder) Softmax(name string, x Tensor, axis int) Tensor {
	return b.softmax(format.OpSoftmax, name, x, axis)
}

// LogSoftmax is log(Softmax(x)) along axis (-1: the last).
func (b *Builder) LogSoftmax(name string, x Tensor, axis int) Tensor {
	return b.softmax(format.OpLogSoftmax, name, x, axis)
}

func (b *Builder) softmax(op format.OpCode, name string, x Tensor, axis int) Tensor {
	return b.add(op, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		a, err := normAxis(axis, len(in[0].shape))
		if err != nil {
			return nil, err
		}
		n.options = &format.SoftmaxOptions{Beta: 1, Axis: a}
		return in[0].shape, nil
	})
}

// LRN is across-channel local response normalization (ONNX LRN) of an
// NHWC input.
func (b *Builder) LRN(name string, x Tensor, o format.LRNOptions) Tensor {
	return b.add(format.OpLRN, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		if err := rank4(in[0]); err != nil {
			return nil, err
		}
		if o.Size < 1 {
			return nil, fmt.Errorf("size %d < 1", o.Size)
		}
		if err := checkFinite([]float32{o.Alpha, o.Beta, o.Bias}); err != nil {
			return nil, err
		}
		n.options = &o
		return in[0].shape, nil
	})
}

// Dequantize starts a float island: in an int8 model, x (which must be
// int8 there) is converted to float32 and the ops that consume the result
// run in float32 until Quantize. In a float32 model it is the identity.
func (b *Builder) Dequantize(name string, x Tensor) Tensor {
	return b.unary(format.OpDequantize, name, x, nil)
}

// Quantize ends a float island: in an int8 model the result is int8,
// quantized over its own range (from SetRange or calibration, else the
// range of x); applied to an int8 value it requantizes. In a float32 model
// it is the identity.
func (b *Builder) Quantize(name string, x Tensor) Tensor {
	return b.unary(format.OpQuantize, name, x, nil)
}

func (b *Builder) unary(op format.OpCode, name string, x Tensor, options any) Tensor {
	return b.add(op, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		n.options = options
		return in[0].shape, nil
	})
}
