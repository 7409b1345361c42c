package onnx

import (
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// quantParams reads the constant scale (input 1) and zero point (input 2,
// default 0 of defType) of a QuantizeLinear or DequantizeLinear applied to
// a tensor of the given shape. A single scale means per-tensor; a 1-D
// scale means per-axis along the axis attribute (default 1, opset 13+).
func (c *nodeCtx) quantParams(shape []int, defType graph.DType) (graph.QuantParams, error) {
	var q graph.QuantParams
	scale, ok, err := c.constFloats(1, "scale")
	if err != nil {
		return q, err
	}
	if !ok {
		return q, c.errf("required input 1 (scale) is missing")
	}
	sv, _ := c.constInput(1, "scale")
	zp, err := c.constInput(2, "zero_point")
	if err != nil {
		return q, err
	}
	q.QType = defType
	if zp != nil {
		if !isQuantType(zp.DType) && zp.DType != graph.Int32 {
			return q, c.unsupported(IssueDType, "zero point of type %v", zp.DType)
		}
		if zp.Len() != len(scale) {
			return q, c.errf("%d zero points for %d scales", zp.Len(), len(scale))
		}
		q.QType = zp.DType
		q.ZeroPoint = append([]int64(nil), zp.I...)
	} else {
		q.ZeroPoint = make([]int64, len(scale))
	}
	q.Scale = append([]float32(nil), scale...)
	q.Axis = -1
	if len(sv.Shape) > 1 {
		return q, c.errf("scale has shape %v, want a scalar or 1-D", sv.Shape)
	}
	// One scale is per-tensor whatever its shape (a 1-element 1-D scale
	// along a size-1 axis computes the same).
	if len(scale) > 1 {
		axis, err := c.attrInt("axis", 1)
		if err != nil {
			return q, err
		}
		if q.Axis, err = c.normAxis(axis, len(shape)); err != nil {
			return q, err
		}
	}
	return q, nil
}

func convertQuantizeLinear(c *nodeCtx) error {
	x, err := c.floatInput(0)
	if err != nil {
		return err
	}
	def := graph.Uint8
	if od, err := c.attrInt("output_dtype", 0); err != nil {
		return err
	} else if od != 0 {
		def, _ = irType(onnxpb.DataType(od)) // checked in checkQuant
	}
	q, err := c.quantParams(c.tensor(x).Shape, def)
	if err != nil {
		return err
	}
	if q.QType != def && c.pb.Attribute("output_dtype") != nil {
		return c.errf("output_dtype %v disagrees with the zero point's %v", def, q.QType)
	}
	return c.emit1(&graph.QuantizeLinear{QuantParams: q}, x)
}

func convertDequantizeLinear(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	xt := c.tensor(x)
	if !isQuantType(xt.DType) && xt.DType != graph.Int32 {
		return c.unsupported(IssueDType, "dequantizing %v", xt.DType)
	}
	q, err := c.quantParams(xt.Shape, xt.DType)
	if err != nil {
		return err
	}
	return c.emit1(&graph.DequantizeLinear{QuantParams: q}, x)
}
