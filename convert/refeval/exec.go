package refeval

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// exec runs n's kernel. in holds the input values (nil for absent optional
// inputs), out the output buffers (nil for absent outputs); both have the
// dtypes and shapes shape inference gave the node's tensors. Every kernel
// overwrites all of its outputs. A fused activation clamps the output
// after the kernel.
func exec(n *graph.Node, in, out []*graph.Value, s *scratch) error {
	if err := execKernel(n, in, out, s); err != nil {
		return err
	}
	if act := graph.FusedActivation(n.Op); act != nil {
		unary(act, out[0].F, out[0].F)
	}
	return nil
}

func execKernel(n *graph.Node, in, out []*graph.Value, s *scratch) error {
	switch op := n.Op.(type) {
	case *graph.Conv:
		conv(op, in[0], in[1], optional(in, 2), out[0], s)
	case *graph.Gemm:
		gemm(op, in[0], in[1], optional(in, 2), out[0], s)
	case *graph.MatMul:
		matmul(in[0], in[1], out[0], s)
	case *graph.Add:
		return binary(opAdd, in[0], in[1], out[0])
	case *graph.Sub:
		return binary(opSub, in[0], in[1], out[0])
	case *graph.Mul:
		return binary(opMul, in[0], in[1], out[0])
	case *graph.Div:
		return binary(opDiv, in[0], in[1], out[0])
	case *graph.BatchNorm:
		batchNorm(op, in, out[0])
	case *graph.Relu, *graph.Clip, *graph.LeakyRelu, *graph.Sigmoid, *graph.HardSigmoid, *graph.HardSwish, *graph.Tanh:
		unary(op, in[0].F, out[0].F)
	case *graph.PRelu:
		prelu(in[0], in[1], out[0])
	case *graph.MaxPool:
		maxPool(op, in[0], out[0], optional(out, 1))
	case *graph.AveragePool:
		averagePool(op, in[0], out[0])
	case *graph.ReduceMean:
		reduce(in[0], op.Axes, out[0], false)
	case *graph.ReduceMax:
		reduce(in[0], op.Axes, out[0], true)
	case *graph.Reshape, *graph.Identity:
		copy(out[0].F, in[0].F)
		copy(out[0].I, in[0].I)
	case *graph.Transpose:
		transpose(op.Perm, in[0], out[0])
	case *graph.Concat:
		concat(op.Axis, in, out[0])
	case *graph.Split:
		split(op, in[0], out)
	case *graph.Slice:
		slice(op, in[0], out[0])
	case *graph.Pad:
		pad(op, in[0], out[0])
	case *graph.Softmax:
		softmax(op.Axis, in[0], out[0], false)
	case *graph.LogSoftmax:
		softmax(op.Axis, in[0], out[0], true)
	case *graph.LRN:
		lrn(op, in[0], out[0])
	case *graph.Resize:
		resize(op, in[0], out[0], s)
	case *graph.Gather:
		return gather(op.Axis, in[0], in[1], out[0])
	case *graph.Cast:
		cast(in[0], out[0])
	case *graph.QuantizeLinear:
		quantize(&op.QuantParams, in[0], out[0])
	case *graph.DequantizeLinear:
		dequantize(&op.QuantParams, in[0], out[0])
	default:
		return fmt.Errorf("no kernel for %T", n.Op)
	}
	return nil
}

func optional(vs []*graph.Value, k int) *graph.Value {
	if k < len(vs) {
		return vs[k]
	}
	return nil
}

// odometer steps through the multi-index of a row-major shape.
type odometer struct {
	shape []int
	idx   []int
}

func newOdometer(shape []int) *odometer {
	return &odometer{shape: shape, idx: make([]int, len(shape))}
}

// next advances to the next multi-index and reports the lowest dim that
// changed, or -1 after the last one.
func (o *odometer) next() int {
	for d := len(o.shape) - 1; d >= 0; d-- {
		o.idx[d]++
		if o.idx[d] < o.shape[d] {
			return d
		}
		o.idx[d] = 0
	}
	return -1
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}
