package onnx

import (
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// normAxes normalizes axes against rank and rejects duplicates; sorted
// reports whether to sort the result.
func (c *nodeCtx) normAxes(axes []int, rank int, sorted bool) ([]int, error) {
	out := make([]int, len(axes))
	seen := make(map[int]bool, len(axes))
	for i, a := range axes {
		n, err := c.normAxis(a, rank)
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, c.errf("axis %d repeated in %v", a, axes)
		}
		seen[n] = true
		out[i] = n
	}
	if sorted {
		slices.Sort(out)
	}
	return out, nil
}

// convertReshape resolves the shape input: 0 copies the input dim (unless
// allowzero, where 0 is a literal size), -1 takes what remains.
func convertReshape(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	shape, ok, err := c.constInts(1, "shape")
	if err != nil {
		return err
	}
	if !ok {
		return c.errf("required input 1 (shape) is missing")
	}
	allowZero, err := c.attrBool("allowzero", false)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	total := prod(in)
	out := make([]int, len(shape))
	infer, known := -1, 1
	for i, s := range shape {
		switch {
		case s == -1:
			if infer >= 0 {
				return c.errf("shape %v has more than one -1", shape)
			}
			infer = i
			continue
		case s == 0 && !allowZero:
			if i >= len(in) {
				return c.errf("shape %v copies dim %d of the rank-%d input %v", shape, i, len(in), in)
			}
			s = in[i]
		case s < 0:
			return c.errf("shape %v has a negative size", shape)
		}
		out[i] = s
		known *= s
	}
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return c.errf("cannot infer the -1 of shape %v for input %v", shape, in)
		}
		out[infer] = total / known
	}
	return c.emit1(&graph.Reshape{Shape: out}, x)
}

func convertFlatten(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	axis, err := c.attrInt("axis", 1)
	if err != nil {
		return err
	}
	r := len(in)
	if axis < -r || axis > r {
		return c.errf("axis %d out of range for rank %d", axis, r)
	}
	if axis < 0 {
		axis += r
	}
	return c.emit1(&graph.Reshape{Shape: []int{prod(in[:axis]), prod(in[axis:])}}, x)
}

func convertSqueeze(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	axes, ok, err := c.attrOrInput("axes", 1)
	if err != nil {
		return err
	}
	drop := make([]bool, len(in))
	if ok {
		norm, err := c.normAxes(axes, len(in), false)
		if err != nil {
			return err
		}
		for _, a := range norm {
			if in[a] != 1 {
				return c.errf("cannot squeeze dim %d of size %d in %v", a, in[a], in)
			}
			drop[a] = true
		}
	} else {
		for d, n := range in {
			drop[d] = n == 1
		}
	}
	out := []int{}
	for d, n := range in {
		if !drop[d] {
			out = append(out, n)
		}
	}
	return c.emit1(&graph.Reshape{Shape: out}, x)
}

func convertUnsqueeze(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	axes, ok, err := c.attrOrInput("axes", 1)
	if err != nil {
		return err
	}
	if !ok {
		return c.errf("axes are missing")
	}
	r := len(in) + len(axes)
	norm, err := c.normAxes(axes, r, false)
	if err != nil {
		return err
	}
	insert := make([]bool, r)
	for _, a := range norm {
		insert[a] = true
	}
	out := make([]int, 0, r)
	k := 0
	for d := range r {
		if insert[d] {
			out = append(out, 1)
		} else {
			out = append(out, in[k])
			k++
		}
	}
	return c.emit1(&graph.Reshape{Shape: out}, x)
}

func convertTranspose(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	r := len(c.tensor(x).Shape)
	perm, ok, err := c.attrInts("perm")
	if err != nil {
		return err
	}
	if !ok {
		perm = make([]int, r)
		for i := range perm {
			perm[i] = r - 1 - i
		}
	}
	return c.emit1(&graph.Transpose{Perm: perm}, x)
}

func convertConcat(c *nodeCtx) error {
	if c.pb.Attribute("axis") == nil {
		return c.errf("required attribute axis is missing")
	}
	axis, err := c.attrInt("axis", 0)
	if err != nil {
		return err
	}
	ids := make([]int, len(c.pb.Inputs))
	for k := range ids {
		if ids[k], err = c.input(k); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return c.errf("no inputs")
	}
	if axis, err = c.normAxis(axis, len(c.tensor(ids[0]).Shape)); err != nil {
		return err
	}
	return c.emit1(&graph.Concat{Axis: axis}, ids...)
}

// convertSplit takes the sizes from the split attribute (before opset 13)
// or input (from 13), or num_outputs (from 18: equal pieces but a smaller
// last one), or else cuts the axis into as many equal pieces as outputs.
func convertSplit(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	axis, err := c.attrInt("axis", 0)
	if err != nil {
		return err
	}
	if axis, err = c.normAxis(axis, len(in)); err != nil {
		return err
	}
	nOut := len(c.pb.Outputs)
	if nOut == 0 {
		return c.errf("no outputs")
	}
	dim := in[axis]
	sizes, ok, err := c.attrOrInput("split", 1)
	if err != nil {
		return err
	}
	switch {
	case ok:
		if len(sizes) != nOut {
			return c.errf("split %v has %d sizes for %d outputs", sizes, len(sizes), nOut)
		}
	case c.pb.Attribute("num_outputs") != nil:
		n, err := c.attrInt("num_outputs", 0)
		if err != nil {
			return err
		}
		if n != nOut || n < 1 {
			return c.errf("num_outputs %d for %d outputs", n, nOut)
		}
		chunk := (dim + n - 1) / n
		sizes = make([]int, n)
		for i := range sizes {
			sizes[i] = max(0, min(chunk, dim-i*chunk))
		}
	default:
		if dim%nOut != 0 {
			return c.errf("dim %d of %v does not split into %d equal parts", axis, in, nOut)
		}
		sizes = make([]int, nOut)
		for i := range sizes {
			sizes[i] = dim / nOut
		}
	}
	_, err = c.emit(&graph.Split{Axis: axis, Sizes: sizes}, []int{x}, c.pb.Outputs)
	return err
}

// convertSlice resolves starts, ends, axes and steps (attributes before
// opset 10, inputs from 10) to a start, step and size per dim with the
// ONNX clamping rules, in int64 since exporters write INT64_MAX for "to
// the end".
func convertSlice(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	r := len(in)
	var starts, ends, axes64, steps []int64
	if c.opset < 10 {
		var ok1, ok2 bool
		if starts, ok1, err = c.attrInts64("starts"); err != nil {
			return err
		}
		if ends, ok2, err = c.attrInts64("ends"); err != nil {
			return err
		}
		if !ok1 || !ok2 {
			return c.errf("required attributes starts and ends")
		}
		if axes64, _, err = c.attrInts64("axes"); err != nil {
			return err
		}
	} else {
		for k, dst := range []*[]int64{&starts, &ends, &axes64, &steps} {
			v, err := c.constInput(k+1, [...]string{"starts", "ends", "axes", "steps"}[k])
			if err != nil {
				return err
			}
			if v == nil {
				if k < 2 {
					return c.errf("required input %d is missing", k+1)
				}
				continue
			}
			if !v.DType.IsInt() || v.DType == graph.Bool || len(v.Shape) != 1 {
				return c.errf("input %d is %v%v, want a 1-D integer tensor", k+1, v.DType, v.Shape)
			}
			*dst = v.I
		}
	}
	n := len(starts)
	if len(ends) != n || axes64 != nil && len(axes64) != n || steps != nil && len(steps) != n {
		return c.errf("starts %v, ends %v, axes %v, steps %v differ in length", starts, ends, axes64, steps)
	}
	op := &graph.Slice{Starts: make([]int, r), Steps: make([]int, r), Sizes: append([]int(nil), in...)}
	for d := range r {
		op.Steps[d] = 1
	}
	seen := make([]bool, r)
	for i := range n {
		a := int64(i)
		if axes64 != nil {
			a = axes64[i]
		}
		if a < int64(-r) || a >= int64(r) {
			return c.errf("axis %d out of range for rank %d", a, r)
		}
		if a < 0 {
			a += int64(r)
		}
		if seen[a] {
			return c.errf("axis %d repeated", a)
		}
		seen[a] = true
		step := int64(1)
		if steps != nil {
			step = steps[i]
		}
		if step == 0 {
			return c.errf("step 0 on axis %d", a)
		}
		start, size, stride := sliceDim(starts[i], ends[i], step, int64(in[a]))
		op.Starts[a], op.Sizes[a], op.Steps[a] = start, size, stride
	}
	return c.emit1(op, x)
}

// sliceDim applies ONNX Slice's rules to one dim of size dim: negative
// start and end count from the end, then both are clamped to [0, dim] for
// positive steps and to [0, dim-1] / [-1, dim-1] for negative ones.
func sliceDim(start, end, step, dim int64) (first, size, stride int) {
	if start < 0 {
		start += dim
	}
	if end < 0 {
		end += dim
	}
	var n int64
	if step > 0 {
		start = min(max(start, 0), dim)
		end = min(max(end, 0), dim)
		if end > start {
			n = (end-start-1)/step + 1
		}
	} else {
		start = min(max(start, 0), dim-1)
		end = min(max(end, -1), dim-1)
		if start > end {
			n = (start-end-1)/(-step) + 1
		}
	}
	if n <= 0 {
		return 0, 0, 1
	}
	if n == 1 {
		step = 1 // a single element: the stride is irrelevant and may not fit an int
	}
	return int(start), int(n), int(step)
}

// convertPad reads pads (attribute before opset 11, input from 11, with
// optional axes from 18) as [begin_0..., end_0...]; negative pads crop.
func convertPad(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	xt := c.tensor(x)
	r := len(xt.Shape)
	mode, err := c.attrString("mode", "constant")
	if err != nil {
		return err
	}
	op := &graph.Pad{Mode: map[string]graph.PadMode{"constant": graph.PadConstant, "reflect": graph.PadReflect, "edge": graph.PadEdge, "wrap": graph.PadWrap}[mode]}
	var pads []int
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if c.opset < 11 {
		p, ok, err := c.attrInts("pads")
		if err != nil {
			return err
		}
		if !ok {
			return c.errf("required attribute pads is missing")
		}
		pads = p
		v, err := c.attrFloat("value", 0)
		if err != nil {
			return err
		}
		op.Value = float64(v)
	} else {
		p, ok, err := c.constInts(1, "pads")
		if err != nil {
			return err
		}
		if !ok {
			return c.errf("required input 1 (pads) is missing")
		}
		pads = p
		v, err := c.constInput(2, "constant_value")
		if err != nil {
			return err
		}
		if v != nil {
			if v.DType != xt.DType || v.Len() != 1 {
				return c.errf("constant_value is %v%v, want one %v", v.DType, v.Shape, xt.DType)
			}
			op.Value = v.Float64At(0)
		}
		a, ok, err := c.constInts(3, "axes")
		if err != nil {
			return err
		}
		if ok {
			if axes, err = c.normAxes(a, r, false); err != nil {
				return err
			}
		}
	}
	if len(pads) != 2*len(axes) {
		return c.errf("pads %v: want %d entries", pads, 2*len(axes))
	}
	op.PadsBegin, op.PadsEnd = make([]int, r), make([]int, r)
	for i, a := range axes {
		op.PadsBegin[a] = pads[i]
		op.PadsEnd[a] = pads[len(axes)+i]
	}
	return c.emit1(op, x)
}

func convertGather(c *nodeCtx) error {
	data, err := c.input(0)
	if err != nil {
		return err
	}
	idx, err := c.input(1)
	if err != nil {
		return err
	}
	axis, err := c.attrInt("axis", 0)
	if err != nil {
		return err
	}
	if axis, err = c.normAxis(axis, len(c.tensor(data).Shape)); err != nil {
		return err
	}
	return c.emit1(&graph.Gather{Axis: axis}, data, idx)
}
