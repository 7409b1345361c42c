package distill

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/train"
)

// LoadONNX imports the float ONNX model at path into the training engine
// (see FromGraph). A symbolic batch dim of the input is fixed to 1: the
// engine's batch size is free anyway.
func LoadONNX(path string) (*train.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pb, err := onnxpb.DecodeModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	opts := onnx.Options{BaseDir: filepath.Dir(path), InputShapes: map[string][]int{}}
	if pb.Graph != nil {
		for _, in := range pb.Graph.Inputs {
			if in.Type == nil || in.Type.Shape == nil || len(in.Type.Shape.Dims) != 4 || in.Type.Shape.Dims[0].HasValue {
				continue
			}
			shape := []int{1}
			for _, d := range in.Type.Shape.Dims[1:] {
				shape = append(shape, int(d.Value))
			}
			opts.InputShapes[in.Name] = shape
		}
	}
	g, err := onnx.Import(pb, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, err := FromGraph(g)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// FromGraph maps an imported (not yet optimized) float graph with one
// NCHW image input and one output onto the training engine's layers, with
// the graph's weights and batch-norm statistics. A trailing Softmax is
// dropped: distillation needs logits. Operators outside the engine's set
// give an error naming the node.
func FromGraph(g *graph.Graph) (*train.Model, error) {
	if len(g.Inputs) != 1 || len(g.Outputs) != 1 {
		return nil, fmt.Errorf("want one input and one output, the graph has %d and %d", len(g.Inputs), len(g.Outputs))
	}
	in := g.Tensors[g.Inputs[0]]
	if len(in.Shape) != 4 {
		return nil, fmt.Errorf("input %q has shape %v; want one NCHW image", in.Name, in.Shape)
	}
	m := &train.Model{Input: slices.Clone(in.Shape[1:])}
	value := map[int]int{g.Inputs[0]: 0} // IR tensor -> model value
	shape := func(t int) []int { return g.Tensors[t].Shape }
	constF := func(n *graph.Node, i int) ([]float32, error) {
		if i >= len(n.Inputs) || n.Inputs[i] < 0 {
			return nil, nil
		}
		t := g.Tensors[n.Inputs[i]]
		if t.Const == nil || t.Const.DType != graph.Float32 {
			return nil, fmt.Errorf("%s: input %d %q must be a float32 constant", n.Describe(), i, t.Name)
		}
		return t.Const.F, nil
	}
	for ni, n := range g.Nodes {
		src := func(i int) (int, error) {
			v, ok := value[n.Inputs[i]]
			if !ok {
				return 0, fmt.Errorf("%s: input %q is not computed from the model input", n.Describe(), g.Tensors[n.Inputs[i]].Name)
			}
			return v, nil
		}
		out := n.Outputs[0]
		name := g.Tensors[out].Name
		x, err := src(0)
		if err != nil && n.Op.Type() != graph.OpConcat {
			return nil, err
		}
		var v int
		switch op := n.Op.(type) {
		case *graph.Conv:
			v, err = importConv(m, g, n, op, name, x, constF)
		case *graph.BatchNorm:
			v, err = importBatchNorm(m, n, op, name, x, constF)
		case *graph.Relu:
			v = m.Add(name, &train.Activation{Fn: train.ReLU}, x)
		case *graph.Clip:
			v = m.Add(name, clipActivation(op), x)
		case *graph.Sigmoid:
			v = m.Add(name, &train.Activation{Fn: train.Sigmoid}, x)
		case *graph.HardSwish:
			v = m.Add(name, &train.Activation{Fn: train.HardSwish}, x)
		case *graph.MaxPool:
			w, werr := window(n, &op.Pool)
			if werr != nil {
				return nil, werr
			}
			v = m.Add(name, &train.MaxPool{Window: w}, x)
		case *graph.AveragePool:
			w, werr := window(n, &op.Pool)
			if werr != nil {
				return nil, werr
			}
			v = m.Add(name, &train.AvgPool{Window: w, CountIncludePad: op.CountIncludePad}, x)
		case *graph.ReduceMean:
			if !slices.Equal(op.Axes, []int{2, 3}) || len(shape(n.Inputs[0])) != 4 {
				return nil, fmt.Errorf("%s: only the mean over H and W of an NCHW tensor (global average pooling) is supported", n.Describe())
			}
			v = m.Add(name, train.GlobalAvgPool{}, x)
			if !op.KeepDims {
				v = m.Add(name+".flatten", train.Flatten{}, v)
			}
		case *graph.Reshape:
			s := shape(out)
			if len(s) != 2 {
				return nil, fmt.Errorf("%s: only reshapes to [batch, features] (Flatten) are supported, not %v", n.Describe(), s)
			}
			v = m.Add(name, train.Flatten{}, x)
		case *graph.Gemm:
			v, err = importGemm(m, g, n, op, name, x, constF)
		case *graph.Add:
			v, err = importBinary(m, n, name, train.AddOp{}, src, op.Act)
		case *graph.Mul:
			v, err = importBinary(m, n, name, train.MulOp{}, src, op.Act)
		case *graph.Concat:
			if op.Axis != 1 {
				return nil, fmt.Errorf("%s: only concatenation of channels (axis 1) is supported", n.Describe())
			}
			var ins []int
			for i := range n.Inputs {
				s, serr := src(i)
				if serr != nil {
					return nil, serr
				}
				ins = append(ins, s)
			}
			v = m.Add(name, train.ConcatOp{}, ins...)
		case *graph.Identity:
			value[out] = x
			continue
		case *graph.Softmax:
			if out != g.Outputs[0] {
				return nil, fmt.Errorf("%s: softmax is supported only as the final op (it is dropped)", n.Describe())
			}
			value[out] = x
			continue
		default:
			return nil, fmt.Errorf("node %d %s: the training engine has no %s", ni, n.Describe(), n.Op.Type())
		}
		if err != nil {
			return nil, err
		}
		value[out] = v
	}
	last, ok := value[g.Outputs[0]]
	if !ok || last != m.Output() || last == 0 {
		return nil, fmt.Errorf("output %q is not the last computed value", g.Tensors[g.Outputs[0]].Name)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func clipActivation(c *graph.Clip) *train.Activation {
	switch {
	case c.Min == 0 && math.IsInf(float64(c.Max), 1), c.Min == 0 && c.Max == math.MaxFloat32:
		return &train.Activation{Fn: train.ReLU}
	case c.Min == 0 && c.Max == 6:
		return &train.Activation{Fn: train.ReLU6}
	}
	return &train.Activation{Fn: train.Clip, Lo: c.Min, Hi: c.Max}
}

func fused(m *train.Model, name string, v int, act *graph.Clip) int {
	if act == nil {
		return v
	}
	return m.Add(name+".act", clipActivation(act), v)
}

func importBinary(m *train.Model, n *graph.Node, name string, op train.Op, src func(int) (int, error), act *graph.Clip) (int, error) {
	a, err := src(0)
	if err != nil {
		return 0, err
	}
	b, err := src(1)
	if err != nil {
		return 0, fmt.Errorf("%s: both operands must be computed tensors (constants are not supported): %w", n.Describe(), err)
	}
	return fused(m, name, m.Add(name, op, a, b), act), nil
}

func window(n *graph.Node, p *graph.Pool) (train.Window, error) {
	if len(p.Kernel) != 2 || slices.ContainsFunc(p.Dilations, func(d int) bool { return d != 1 }) || p.CeilMode {
		return train.Window{}, fmt.Errorf("%s: only 2-D pooling without dilation or ceil mode is supported", n.Describe())
	}
	return train.Window{KH: p.Kernel[0], KW: p.Kernel[1], StrideH: p.Strides[0], StrideW: p.Strides[1],
		PadT: p.PadsBegin[0], PadL: p.PadsBegin[1], PadB: p.PadsEnd[0], PadR: p.PadsEnd[1]}, nil
}

type constFunc func(n *graph.Node, i int) ([]float32, error)

func importConv(m *train.Model, g *graph.Graph, n *graph.Node, op *graph.Conv, name string, x int, constF constFunc) (int, error) {
	ws := g.Tensors[n.Inputs[1]].Shape
	if len(op.Strides) != 2 || len(ws) != 4 || slices.ContainsFunc(op.Dilations, func(d int) bool { return d != 1 }) {
		return 0, fmt.Errorf("%s: only 2-D convolutions without dilation are supported", n.Describe())
	}
	w, err := constF(n, 1)
	if err != nil {
		return 0, err
	}
	b, err := constF(n, 2)
	if err != nil {
		return 0, err
	}
	inC := g.Tensors[n.Inputs[0]].Shape[1]
	c := &train.Conv2D{InC: inC, OutC: ws[0], KH: ws[2], KW: ws[3], Group: op.Group,
		StrideH: op.Strides[0], StrideW: op.Strides[1],
		PadT: op.PadsBegin[0], PadL: op.PadsBegin[1], PadB: op.PadsEnd[0], PadR: op.PadsEnd[1],
		W: train.NewParam(name+".weight", false, ws...)}
	copy(c.W.Value, w)
	if b != nil {
		c.B = train.NewParam(name+".bias", true, ws[0])
		copy(c.B.Value, b)
	}
	return fused(m, name, m.Add(name, c, x), op.Act), nil
}

func importBatchNorm(m *train.Model, n *graph.Node, op *graph.BatchNorm, name string, x int, constF constFunc) (int, error) {
	var p [4][]float32
	for i := range p {
		v, err := constF(n, i+1)
		if err != nil {
			return 0, err
		}
		if v == nil || len(v) != len(p[0]) && i > 0 {
			return 0, fmt.Errorf("%s: scale, bias, mean and variance must be constants of one length", n.Describe())
		}
		p[i] = v
	}
	bn := train.NewBatchNorm(name, len(p[0]))
	bn.Eps = op.Epsilon
	copy(bn.Gamma.Value, p[0])
	copy(bn.Beta.Value, p[1])
	copy(bn.RunMean, p[2])
	copy(bn.RunVar, p[3])
	return m.Add(name, bn, x), nil
}

func importGemm(m *train.Model, g *graph.Graph, n *graph.Node, op *graph.Gemm, name string, x int, constF constFunc) (int, error) {
	if op.TransA || len(g.Tensors[n.Inputs[0]].Shape) != 2 {
		return 0, fmt.Errorf("%s: only x·W (+ bias) on a [batch, features] input is supported", n.Describe())
	}
	w, err := constF(n, 1)
	if err != nil {
		return 0, err
	}
	b, err := constF(n, 2)
	if err != nil {
		return 0, err
	}
	ws := g.Tensors[n.Inputs[1]].Shape
	in, out := ws[0], ws[1]
	if op.TransB {
		in, out = ws[1], ws[0]
	}
	l := train.NewLinear(name, in, out, b != nil)
	for o := range out {
		for i := range in {
			v := w[i*out+o]
			if op.TransB {
				v = w[o*in+i]
			}
			l.W.Value[o*in+i] = op.Alpha * v
		}
	}
	if b != nil {
		if len(b) != out {
			return 0, fmt.Errorf("%s: bias of %d values for %d outputs (only a per-output bias is supported)", n.Describe(), len(b), out)
		}
		for o := range out {
			l.B.Value[o] = op.Beta * b[o]
		}
	}
	return fused(m, name, m.Add(name, l, x), op.Act), nil
}
