package lower

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// node lowers the node being lowered and returns "" or why the model
// format cannot express it.
func (l *lowerer) node() string {
	n := l.n
	for k, t := range n.Inputs {
		if t >= 0 && l.g.Tensors[t].DType != graph.Float32 {
			return fmt.Sprintf("input %d %q is %v; the model format computes on float32 (and int8) tensors only, and the importer folds integer shape arithmetic only when it is constant", k, l.g.Tensors[t].Name, l.g.Tensors[t].DType)
		}
	}
	for k, t := range n.Outputs {
		if t >= 0 && len(l.shape(t)) > maxRank {
			return fmt.Sprintf("output %d has rank %d; the model format allows at most %d", k, len(l.shape(t)), maxRank)
		}
	}
	switch op := n.Op.(type) {
	case *graph.Conv:
		return l.conv(op)
	case *graph.Gemm:
		return l.fullyConnected(op)
	case *graph.MaxPool:
		return l.pool(&op.Pool, true, false)
	case *graph.AveragePool:
		return l.pool(&op.Pool, false, op.CountIncludePad)
	case *graph.Add, *graph.Sub, *graph.Mul:
		return l.binary()
	case *graph.Relu, *graph.Clip, *graph.LeakyRelu, *graph.Sigmoid, *graph.HardSigmoid, *graph.HardSwish, *graph.Tanh:
		return l.unary()
	case *graph.PRelu:
		return l.prelu()
	case *graph.Softmax:
		return l.softmax(op.Axis, false)
	case *graph.LogSoftmax:
		return l.softmax(op.Axis, true)
	case *graph.ReduceMean:
		return l.reduce(op.Axes, op.KeepDims, false)
	case *graph.ReduceMax:
		return l.reduce(op.Axes, op.KeepDims, true)
	case *graph.Reshape:
		return l.reshape()
	case *graph.Identity:
		return l.reshape()
	case *graph.Transpose:
		return l.transpose(op)
	case *graph.Concat:
		return l.concat(op)
	case *graph.Split:
		return l.split(op)
	case *graph.Slice:
		return l.slice(op)
	case *graph.Pad:
		return l.pad(op)
	case *graph.LRN:
		return l.lrn(op)
	case *graph.Resize:
		return l.resize(op)
	case *graph.MatMul:
		return "a product of two computed tensors; only MatMul by a constant 2-D matrix becomes FULLY_CONNECTED"
	case *graph.Div:
		return "division by a computed tensor (or a constant with zeros); only division by a constant becomes MUL"
	case *graph.BatchNorm:
		return "batch normalization with computed parameters"
	case *graph.Gather:
		return "Gather on a computed tensor (the model format has no gather; Gather on constants is folded at import)"
	case *graph.Cast:
		return "Cast of a computed tensor (casts on constants are folded at import)"
	case *graph.QuantizeLinear, *graph.DequantizeLinear:
		return "QuantizeLinear/DequantizeLinear on activations: pre-quantized (QDQ) models are not supported; convert the float model and calibrate"
	}
	return fmt.Sprintf("no lowering for %v", n.Op.Type())
}

// maxRank is the highest rank the model format's kernels take.
const maxRank = 6

// in returns the node's input k.
func (l *lowerer) in(k int) int { return l.n.Inputs[k] }

// out returns the node's output k.
func (l *lowerer) out(k int) int { return l.n.Outputs[k] }

// constant returns input k's payload, or nil when it is computed.
func (l *lowerer) constant(k int) *graph.Value {
	if k >= len(l.n.Inputs) || l.n.Inputs[k] < 0 {
		return nil
	}
	return l.g.Tensors[l.n.Inputs[k]].Const
}
