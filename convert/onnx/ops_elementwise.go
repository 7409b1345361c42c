package onnx

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// convertBinary handles Add, Sub, Mul and Div. Before opset 7 they
// broadcast only with broadcast=1, aligning B with A at axis (or at the
// end); the IR's numpy broadcasting matches once B gets trailing 1s.
func convertBinary(c *nodeCtx) error {
	a, err := c.input(0)
	if err != nil {
		return err
	}
	b, err := c.input(1)
	if err != nil {
		return err
	}
	if c.opset < 7 {
		bc, err := c.attrBool("broadcast", false)
		if err != nil {
			return err
		}
		as, bs := c.tensor(a).Shape, c.tensor(b).Shape
		if !bc && !graph.ShapeEqual(as, bs) {
			return c.errf("shapes %v and %v differ and broadcast is 0", as, bs)
		}
		if bc && c.pb.Attribute("axis") != nil {
			axis, err := c.attrInt("axis", 0)
			if err != nil {
				return err
			}
			if axis, err = c.normAxis(axis, len(as)); err != nil {
				return err
			}
			trail := len(as) - axis - len(bs)
			if trail < 0 {
				return c.errf("B %v does not fit A %v at axis %d", bs, as, axis)
			}
			shape := append([]int(nil), bs...)
			for range trail {
				shape = append(shape, 1)
			}
			if b, err = c.reshapeTo(b, shape); err != nil {
				return err
			}
		}
	}
	var op graph.Op
	switch c.pb.OpType {
	case "Add":
		op = &graph.Add{}
	case "Sub":
		op = &graph.Sub{}
	case "Mul":
		op = &graph.Mul{}
	default:
		op = &graph.Div{}
	}
	return c.emit1(op, a, b)
}

func convertUnary(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	var op graph.Op
	switch c.pb.OpType {
	case "Relu":
		op = &graph.Relu{}
	case "Sigmoid":
		op = &graph.Sigmoid{}
	case "Tanh":
		op = &graph.Tanh{}
	default:
		op = &graph.HardSwish{}
	}
	return c.emit1(op, x)
}

// floatInput returns required input k, reporting a non-float32 tensor as
// an unsupported element type before its parameters are parsed.
func (c *nodeCtx) floatInput(k int) (int, error) {
	x, err := c.input(k)
	if err != nil {
		return -1, err
	}
	if t := c.tensor(x); t.DType != graph.Float32 {
		return -1, c.unsupported(IssueDType, "input %q is %v (want float32)", t.Name, t.DType)
	}
	return x, nil
}

// convertClip reads the bounds from attributes before opset 11 and from
// optional scalar inputs after; absent bounds do not clip.
func convertClip(c *nodeCtx) error {
	x, err := c.floatInput(0)
	if err != nil {
		return err
	}
	op := &graph.Clip{Min: float32(math.Inf(-1)), Max: float32(math.Inf(1))}
	if c.opset < 11 {
		if op.Min, err = c.attrFloat("min", -math.MaxFloat32); err != nil {
			return err
		}
		if op.Max, err = c.attrFloat("max", math.MaxFloat32); err != nil {
			return err
		}
		return c.emit1(op, x)
	}
	for k, dst := range []*float32{&op.Min, &op.Max} {
		v, ok, err := c.constFloats(k+1, [...]string{"min", "max"}[k])
		if err != nil {
			return err
		}
		if ok {
			if len(v) != 1 {
				return c.errf("input %d has %d values, want a scalar", k+1, len(v))
			}
			*dst = v[0]
		}
	}
	return c.emit1(op, x)
}

func convertLeakyRelu(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	alpha, err := c.attrFloat("alpha", 0.01)
	if err != nil {
		return err
	}
	return c.emit1(&graph.LeakyRelu{Alpha: alpha}, x)
}

func convertHardSigmoid(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	alpha, err := c.attrFloat("alpha", 0.2)
	if err != nil {
		return err
	}
	beta, err := c.attrFloat("beta", 0.5)
	if err != nil {
		return err
	}
	return c.emit1(&graph.HardSigmoid{Alpha: alpha, Beta: beta}, x)
}

// convertPRelu: before opset 7 a 1-D slope of C values applies per channel
// (dim 1); from opset 7 the slope broadcasts numpy-style, so the legacy
// form becomes a [C, 1, ...] slope.
func convertPRelu(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	slope, err := c.input(1)
	if err != nil {
		return err
	}
	xs, ss := c.tensor(x).Shape, c.tensor(slope).Shape
	if c.opset < 7 && len(ss) == 1 && len(xs) > 2 && ss[0] == xs[1] && ss[0] != 1 {
		shape := []int{ss[0]}
		for range len(xs) - 2 {
			shape = append(shape, 1)
		}
		if slope, err = c.reshapeTo(slope, shape); err != nil {
			return err
		}
	}
	return c.emit1(&graph.PRelu{}, x, slope)
}

func convertIdentity(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	return c.emit1(&graph.Identity{}, x)
}

// convertDropout is Identity in inference. The optional mask output is all
// ones (bool from opset 10, the input's type before).
func convertDropout(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	if c.opset >= 12 {
		tm, err := c.constInput(2, "training_mode")
		if err != nil {
			return err
		}
		if tm != nil {
			if tm.DType != graph.Bool || tm.Len() != 1 {
				return c.errf("training_mode is %v%v, want a bool scalar", tm.DType, tm.Shape)
			}
			if tm.I[0] != 0 {
				return c.unsupported(IssueAttribute, "training_mode=true (training); only inference is supported")
			}
		}
	}
	if err := c.emit1(&graph.Identity{}, x); err != nil {
		return err
	}
	if len(c.pb.Outputs) > 1 {
		xt := c.tensor(x)
		dt := graph.Bool
		if c.opset < 10 {
			dt = xt.DType
		}
		if err := checkConstSize(xt.Shape); err != nil {
			return c.errf("mask: %v", err)
		}
		mask := graph.NewValue(dt, xt.Shape)
		for i := range mask.F {
			mask.F[i] = 1
		}
		for i := range mask.I {
			mask.I[i] = 1
		}
		return c.defineConst(1, mask)
	}
	return nil
}

func convertCast(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	to, err := c.attrInt("to", -1)
	if err != nil {
		return err
	}
	dt, _ := activationType(onnxpb.DataType(to)) // checked in checkCast
	return c.emit1(&graph.Cast{To: dt}, x)
}
