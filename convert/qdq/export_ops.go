package qdq

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// node writes IR node ni as ONNX (opset Opset) operators whose outputs are
// outs. The IR keeps ONNX's semantics, so most ops map one to one; fused
// clamps become a Relu or Clip after their op.
func (e *exporter) node(ni int, n *graph.Node, outs []string) error {
	// An int8 layer's weights and bias are written quantized by weights,
	// not as float initializers.
	read := n.Inputs
	switch n.Op.(type) {
	case *graph.Conv, *graph.Gemm:
		if !e.float[ni] {
			read = n.Inputs[:1]
		}
	}
	ins := make([]string, len(read))
	for k, t := range read {
		name, err := e.input(t)
		if err != nil {
			return err
		}
		ins[k] = name
	}
	name := n.Name
	if name == "" {
		name = n.Op.Type().String()
	}
	// withAct writes op, then its fused clamp into outs[0].
	withAct := func(op string, act *graph.Clip, in []string, attrs ...*onnxpb.Attribute) {
		if act == nil {
			e.add(op, name, in, outs, attrs...)
			return
		}
		pre := e.fresh(e.g.Tensors[n.Outputs[0]].Name + "_" + op)
		e.add(op, name, in, []string{pre}, attrs...)
		e.activation(name, act, pre, outs[0])
	}
	switch op := n.Op.(type) {
	case *graph.Conv:
		if !e.float[ni] {
			w, b, err := e.weights(ni, n)
			if err != nil {
				return err
			}
			ins = []string{ins[0], w}
			if b != "" {
				ins = append(ins, b)
			}
		}
		wshape := e.g.Tensors[n.Inputs[1]].Shape
		withAct("Conv", op.Act, ins,
			attrInts("kernel_shape", ints(wshape[2:])),
			attrInts("strides", ints(op.Strides)),
			attrInts("dilations", ints(op.Dilations)),
			attrInts("pads", ints(append(append([]int(nil), op.PadsBegin...), op.PadsEnd...))),
			attrInt("group", int64(op.Group)))
	case *graph.Gemm:
		if !e.float[ni] {
			if op.TransA || !op.TransB || op.Alpha != 1 || op.Beta != 1 {
				return fmt.Errorf("a Gemm not in fully connected form")
			}
			w, b, err := e.weights(ni, n)
			if err != nil {
				return err
			}
			ins = []string{ins[0], w}
			if b != "" {
				ins = append(ins, b)
			}
		}
		withAct("Gemm", op.Act, ins,
			attrInt("transA", b2i(op.TransA)), attrInt("transB", b2i(op.TransB)),
			attrFloat("alpha", op.Alpha), attrFloat("beta", op.Beta))
	case *graph.MaxPool:
		e.add("MaxPool", name, ins, outs[:1], poolAttrs(&op.Pool, true)...)
	case *graph.AveragePool:
		for _, d := range op.Dilations {
			if d != 1 {
				return fmt.Errorf("a dilated AveragePool (ONNX has dilations from opset 19)")
			}
		}
		e.add("AveragePool", name, ins, outs, append(poolAttrs(&op.Pool, false), attrInt("count_include_pad", b2i(op.CountIncludePad)))...)
	case *graph.Add:
		withAct("Add", op.Act, ins)
	case *graph.Sub:
		withAct("Sub", op.Act, ins)
	case *graph.Mul:
		withAct("Mul", op.Act, ins)
	case *graph.Div:
		e.add("Div", name, ins, outs)
	case *graph.MatMul:
		e.add("MatMul", name, ins, outs)
	case *graph.Relu:
		e.add("Relu", name, ins, outs)
	case *graph.Clip:
		e.activation(name, op, ins[0], outs[0])
	case *graph.LeakyRelu:
		e.add("LeakyRelu", name, ins, outs, attrFloat("alpha", op.Alpha))
	case *graph.PRelu:
		e.add("PRelu", name, ins, outs)
	case *graph.Sigmoid:
		e.add("Sigmoid", name, ins, outs)
	case *graph.HardSigmoid:
		e.add("HardSigmoid", name, ins, outs, attrFloat("alpha", op.Alpha), attrFloat("beta", op.Beta))
	case *graph.HardSwish:
		e.add("HardSwish", name, ins, outs)
	case *graph.Tanh:
		e.add("Tanh", name, ins, outs)
	case *graph.Softmax:
		e.add("Softmax", name, ins, outs, attrInt("axis", int64(op.Axis)))
	case *graph.LogSoftmax:
		e.add("LogSoftmax", name, ins, outs, attrInt("axis", int64(op.Axis)))
	case *graph.ReduceMean:
		e.add("ReduceMean", name, ins, outs, attrInts("axes", ints(op.Axes)), attrInt("keepdims", b2i(op.KeepDims)))
	case *graph.ReduceMax:
		e.add("ReduceMax", name, ins, outs, attrInts("axes", ints(op.Axes)), attrInt("keepdims", b2i(op.KeepDims)))
	case *graph.Reshape:
		shape := e.init(name+"_shape", onnxpb.Int64, []int64{int64(len(op.Shape))}, int64Raw(ints(op.Shape)))
		e.add("Reshape", name, []string{ins[0], shape}, outs)
	case *graph.Identity:
		e.add("Identity", name, ins, outs)
	case *graph.Transpose:
		e.add("Transpose", name, ins, outs, attrInts("perm", ints(op.Perm)))
	case *graph.Concat:
		e.add("Concat", name, ins, outs, attrInt("axis", int64(op.Axis)))
	case *graph.Split:
		split := e.init(name+"_split", onnxpb.Int64, []int64{int64(len(op.Sizes))}, int64Raw(ints(op.Sizes)))
		e.add("Split", name, []string{ins[0], split}, outs, attrInt("axis", int64(op.Axis)))
	case *graph.Slice:
		in := e.g.Tensors[n.Inputs[0]].Shape
		r := len(op.Starts)
		starts, ends, axes, steps := make([]int64, r), make([]int64, r), make([]int64, r), make([]int64, r)
		for d := range r {
			starts[d], steps[d], axes[d] = int64(op.Starts[d]), int64(op.Steps[d]), int64(d)
			ends[d] = int64(op.Starts[d] + op.Sizes[d]*op.Steps[d])
			if ends[d] < 0 {
				// Walking backwards past index 0: ONNX adds the dim to a
				// negative end, and -dim-1 becomes "before 0".
				ends[d] = int64(-in[d] - 1)
			}
		}
		e.add("Slice", name, []string{ins[0],
			e.init(name+"_starts", onnxpb.Int64, []int64{int64(r)}, int64Raw(starts)),
			e.init(name+"_ends", onnxpb.Int64, []int64{int64(r)}, int64Raw(ends)),
			e.init(name+"_axes", onnxpb.Int64, []int64{int64(r)}, int64Raw(axes)),
			e.init(name+"_steps", onnxpb.Int64, []int64{int64(r)}, int64Raw(steps)),
		}, outs)
	case *graph.Pad:
		pads := ints(append(append([]int(nil), op.PadsBegin...), op.PadsEnd...))
		p := e.init(name+"_pads", onnxpb.Int64, []int64{int64(len(pads))}, int64Raw(pads))
		v := e.init(name+"_value", onnxpb.Float, nil, float32Raw([]float32{float32(op.Value)}))
		e.add("Pad", name, []string{ins[0], p, v}, outs, attrString("mode", op.Mode.String()))
	case *graph.LRN:
		e.add("LRN", name, ins, outs, attrInt("size", int64(op.Size)),
			attrFloat("alpha", op.Alpha), attrFloat("beta", op.Beta), attrFloat("bias", op.Bias))
	case *graph.Resize:
		return e.resize(name, n, op, ins[0], outs)
	default:
		return fmt.Errorf("no ONNX export for %v", n.Op.Type())
	}
	return nil
}

func poolAttrs(p *graph.Pool, dilations bool) []*onnxpb.Attribute {
	a := []*onnxpb.Attribute{
		attrInts("kernel_shape", ints(p.Kernel)),
		attrInts("strides", ints(p.Strides)),
		attrInts("pads", ints(append(append([]int(nil), p.PadsBegin...), p.PadsEnd...))),
		attrInt("ceil_mode", b2i(p.CeilMode)),
	}
	if dilations {
		a = append(a, attrInts("dilations", ints(p.Dilations)))
	}
	return a
}

// resize writes Resize-13 with sizes, or with scales when they give the
// same sizes (the coordinate transforms then use the same scale, rounded
// to float32).
func (e *exporter) resize(name string, n *graph.Node, op *graph.Resize, in string, outs []string) error {
	nearest := op.Nearest.String()
	x := e.g.Tensors[n.Inputs[0]].Shape
	if op.Nearest == graph.NearestLegacy {
		// Upsample's rule: floor where a dim grows or keeps its size.
		for d := range x {
			if op.Sizes[d] < x[d] {
				return fmt.Errorf("a Resize with the legacy (Resize-10) nearest rounding that shrinks a dim")
			}
		}
		nearest = "floor"
	}
	if op.Coord == graph.CoordTFHalfPixelForNN || op.Coord == graph.CoordHalfPixelSymmetric {
		return fmt.Errorf("coordinate transformation %v has no Resize-13 form", op.Coord)
	}
	mode := op.Mode.String()
	attrs := []*onnxpb.Attribute{
		attrString("mode", mode),
		attrString("coordinate_transformation_mode", op.Coord.String()),
		attrString("nearest_mode", nearest),
		attrFloat("cubic_coeff_a", op.CubicCoeffA),
		attrInt("exclude_outside", b2i(op.ExcludeOutside)),
		attrFloat("extrapolation_value", op.Extrapolation),
	}
	roi := ""
	if op.Coord == graph.CoordTFCropAndResize {
		r := make([]float32, len(op.Roi))
		for i, v := range op.Roi {
			r[i] = float32(v)
		}
		roi = e.init(name+"_roi", onnxpb.Float, []int64{int64(len(r))}, float32Raw(r))
	}
	scales := make([]float32, len(x))
	exact := true
	for d := range x {
		scales[d] = float32(op.Scales[d])
		if int(math.Floor(float64(x[d])*float64(scales[d]))) != op.Sizes[d] {
			exact = false
		}
	}
	if exact {
		s := e.init(name+"_scales", onnxpb.Float, []int64{int64(len(x))}, float32Raw(scales))
		e.add("Resize", name, []string{in, roi, s}, outs, attrs...)
		return nil
	}
	sz := e.init(name+"_sizes", onnxpb.Int64, []int64{int64(len(x))}, int64Raw(ints(op.Sizes)))
	e.add("Resize", name, []string{in, roi, "", sz}, outs, attrs...)
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
