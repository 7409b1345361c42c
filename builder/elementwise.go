package builder

import "github.com/edgeinfer/edgeinfer/format"

// Add is x + y with NumPy broadcasting and a fused activation.
func (b *Builder) Add(name string, x, y Tensor, act format.Activation) Tensor {
	return b.binary(format.OpAdd, name, x, y, act)
}

// Sub is x - y with NumPy broadcasting and a fused activation.
func (b *Builder) Sub(name string, x, y Tensor, act format.Activation) Tensor {
	return b.binary(format.OpSub, name, x, y, act)
}

// Mul is x * y with NumPy broadcasting and a fused activation.
func (b *Builder) Mul(name string, x, y Tensor, act format.Activation) Tensor {
	return b.binary(format.OpMul, name, x, y, act)
}

func (b *Builder) binary(op format.OpCode, name string, x, y Tensor, act format.Activation) Tensor {
	return b.add(op, name, []Tensor{x, y}, func(n *node, in []*value) ([]int, error) {
		if err := checkAct(act); err != nil {
			return nil, err
		}
		n.options = &format.ElementwiseOptions{Act: act}
		return broadcastShape(in[0].shape, in[1].shape)
	})
}
