package onnx

import (
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// convertShape produces the (static) shape as an int64 constant, sliced
// by start and end from opset 15.
func convertShape(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	r := len(in)
	start, err := c.attrInt("start", 0)
	if err != nil {
		return err
	}
	end, err := c.attrInt("end", r)
	if err != nil {
		return err
	}
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	dims := []int64{}
	for d := start; d < end; d++ {
		dims = append(dims, int64(in[d]))
	}
	return c.defineConst(0, graph.Ints(graph.Int64, []int{len(dims)}, dims))
}

func convertConstantOfShape(c *nodeCtx) error {
	shape, ok, err := c.constInts(0, "shape")
	if err != nil {
		return err
	}
	if !ok {
		return c.errf("required input 0 (shape) is missing")
	}
	for _, d := range shape {
		if d < 0 {
			return c.errf("negative dim in shape %v", shape)
		}
	}
	if err := checkConstSize(shape); err != nil {
		return c.errf("%v", err)
	}
	fill := graph.Floats([]int{1}, []float32{0})
	if a, err := c.attrTyped("value", onnxpb.AttrTensor); err != nil {
		return err
	} else if a != nil {
		if fill, err = tensorValue(a.T, c.imp.ext); err != nil {
			return c.errf("value: %v", err)
		}
		if fill.Len() != 1 {
			return c.errf("value has %d elements, want 1", fill.Len())
		}
	}
	v := graph.NewValue(fill.DType, shape)
	for i := range v.F {
		v.F[i] = fill.F[0]
	}
	for i := range v.I {
		v.I[i] = fill.I[0]
	}
	return c.defineConst(0, v)
}

func convertConstant(c *nodeCtx) error {
	var v *graph.Value
	set := 0
	for _, a := range c.pb.Attributes {
		var err error
		switch a.Name {
		case "value":
			if a.T == nil {
				return c.errf("attribute value holds no tensor")
			}
			v, err = tensorValue(a.T, c.imp.ext)
		case "value_float":
			v = graph.Floats(nil, []float32{a.F})
		case "value_floats":
			v = graph.Floats([]int{len(a.Floats)}, append([]float32(nil), a.Floats...))
		case "value_int":
			v = graph.Ints(graph.Int64, nil, []int64{a.I})
		case "value_ints":
			v = graph.Ints(graph.Int64, []int{len(a.Ints)}, append([]int64(nil), a.Ints...))
		default:
			continue
		}
		if err != nil {
			return c.errf("%v", err)
		}
		set++
	}
	if set != 1 {
		return c.errf("%d value attributes, want exactly one", set)
	}
	return c.defineConst(0, v)
}
