package distill

import (
	"fmt"
	"math"
	"os"

	ox "github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
	"github.com/edgeinfer/edgeinfer/train"
)

// ONNX input and output names of exported students.
const (
	InputName  = "input"
	OutputName = "output"
)

// ToONNX encodes m as an opset-14 ONNX model (static batch 1). Fake
// quantizers and dropouts are identities in inference and are left out;
// every other value is named after the node computing it, so the int8
// export can find each fake quantizer's tensor in the converted graph.
func ToONNX(m *train.Model) ([]byte, error) {
	shapes, err := m.Shapes(1)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(shapes))
	names[0] = InputName
	g := ox.Graph{Name: "student"}
	dims := func(s []int) []int64 {
		d := make([]int64, len(s))
		for i, v := range s {
			d[i] = int64(v)
		}
		return d
	}
	// The model's output is the last value that is not an identity in
	// inference.
	last := m.Output()
	for last > 0 && isIdentity(m.Nodes[last-1].Op) {
		last = m.Nodes[last-1].Inputs[0]
	}
	for i, n := range m.Nodes {
		v := i + 1
		out := n.Name
		if v == last {
			out = OutputName
		}
		var ins []string
		for _, in := range n.Inputs {
			ins = append(ins, names[in])
		}
		node := ox.Node{Name: n.Name, In: ins, Out: []string{out}}
		switch o := n.Op.(type) {
		case *train.FakeQuant, *train.Dropout:
			names[v] = names[n.Inputs[0]]
			continue
		case *train.Conv2D:
			node.Op = "Conv"
			node.Attrs = []ox.Attr{ox.AttrInts("kernel_shape", int64(o.KH), int64(o.KW)),
				ox.AttrInts("strides", int64(o.StrideH), int64(o.StrideW)),
				ox.AttrInts("pads", int64(o.PadT), int64(o.PadL), int64(o.PadB), int64(o.PadR)),
				ox.AttrInt("group", int64(o.Group))}
			node.In = append(node.In, o.W.Name)
			g.Inits = append(g.Inits, ox.RawFloats(o.W.Name, dims(o.W.Shape), o.W.Value...))
			if o.B != nil {
				node.In = append(node.In, o.B.Name)
				g.Inits = append(g.Inits, ox.RawFloats(o.B.Name, dims(o.B.Shape), o.B.Value...))
			}
		case *train.Linear:
			node.Op = "Gemm"
			node.Attrs = []ox.Attr{ox.AttrInt("transB", 1)}
			node.In = append(node.In, o.W.Name)
			g.Inits = append(g.Inits, ox.RawFloats(o.W.Name, dims(o.W.Shape), o.W.Value...))
			if o.B != nil {
				node.In = append(node.In, o.B.Name)
				g.Inits = append(g.Inits, ox.RawFloats(o.B.Name, dims(o.B.Shape), o.B.Value...))
			}
		case *train.BatchNorm:
			node.Op = "BatchNormalization"
			node.Attrs = []ox.Attr{ox.AttrFloat("epsilon", o.Eps)}
			for _, p := range []struct {
				suffix string
				v      []float32
			}{{".weight", o.Gamma.Value}, {".bias", o.Beta.Value}, {".running_mean", o.RunMean}, {".running_var", o.RunVar}} {
				node.In = append(node.In, n.Name+p.suffix)
				g.Inits = append(g.Inits, ox.RawFloats(n.Name+p.suffix, []int64{int64(o.C)}, p.v...))
			}
		case *train.Activation:
			switch o.Fn {
			case train.ReLU:
				node.Op = "Relu"
			case train.Sigmoid:
				node.Op = "Sigmoid"
			case train.HardSwish:
				node.Op = "HardSwish"
			default:
				lo, hi, _ := o.Bounds()
				node.Op = "Clip"
				node.In = append(node.In, n.Name+".min", n.Name+".max")
				g.Inits = append(g.Inits, ox.FloatTensor(n.Name+".min", nil, lo), ox.FloatTensor(n.Name+".max", nil, finite(hi)))
			}
		case *train.MaxPool:
			node.Op = "MaxPool"
			node.Attrs = windowAttrs(o.Window)
		case *train.AvgPool:
			node.Op = "AveragePool"
			node.Attrs = windowAttrs(o.Window)
			if o.CountIncludePad {
				node.Attrs = append(node.Attrs, ox.AttrInt("count_include_pad", 1))
			}
		case train.GlobalAvgPool:
			node.Op = "GlobalAveragePool"
		case train.Flatten:
			node.Op = "Flatten"
			node.Attrs = []ox.Attr{ox.AttrInt("axis", 1)}
		case train.AddOp:
			node.Op = "Add"
		case train.MulOp:
			node.Op = "Mul"
		case train.ConcatOp:
			node.Op = "Concat"
			node.Attrs = []ox.Attr{ox.AttrInt("axis", 1)}
		default:
			return nil, fmt.Errorf("node %q: no ONNX export for %s", n.Name, n.Op.Kind())
		}
		names[v] = out
		g.Nodes = append(g.Nodes, node)
	}
	in := make([]any, 0, 4)
	for _, d := range shapes[0] {
		in = append(in, d)
	}
	outShape := make([]any, 0, 2)
	for _, d := range shapes[len(shapes)-1] {
		outShape = append(outShape, d)
	}
	g.Inputs = []ox.ValueInfo{ox.VI(InputName, in...)}
	g.Outputs = []ox.ValueInfo{ox.VI(OutputName, outShape...)}
	model := &ox.Model{IRVersion: 8, Opsets: []ox.Opset{{Version: 14}}, Producer: "edgeinfer-distill", Graph: g}
	return model.Marshal(), nil
}

func isIdentity(op train.Op) bool {
	switch op.(type) {
	case *train.FakeQuant, *train.Dropout:
		return true
	}
	return false
}

func finite(v float32) float32 {
	if math.IsInf(float64(v), 1) {
		return math.MaxFloat32
	}
	return v
}

func windowAttrs(w train.Window) []ox.Attr {
	return []ox.Attr{ox.AttrInts("kernel_shape", int64(w.KH), int64(w.KW)),
		ox.AttrInts("strides", int64(w.StrideH), int64(w.StrideW)),
		ox.AttrInts("pads", int64(w.PadT), int64(w.PadL), int64(w.PadB), int64(w.PadR))}
}

// WriteONNX writes m as ONNX to path.
func WriteONNX(m *train.Model, path string) error {
	b, err := ToONNX(m)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
