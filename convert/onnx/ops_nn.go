package onnx

import (
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// inputs drops trailing absent (-1) inputs.
func inputs(ids ...int) []int {
	for len(ids) > 0 && ids[len(ids)-1] < 0 {
		ids = ids[:len(ids)-1]
	}
	return ids
}

// spatialAttr reads a per-spatial-dim INTS attribute, defaulting to def.
func (c *nodeCtx) spatialAttr(name string, sp, def int) ([]int, error) {
	v, ok, err := c.attrInts(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		out := make([]int, sp)
		for i := range out {
			out[i] = def
		}
		return out, nil
	}
	if len(v) != sp {
		return nil, c.errf("%s %v has %d entries for %d spatial dims", name, v, len(v), sp)
	}
	for _, x := range v {
		if x < 1 {
			return nil, c.errf("%s %v must be positive", name, v)
		}
	}
	return v, nil
}

// windowPads resolves auto_pad and pads of a sliding-window op to explicit
// begin and end pads per spatial dim. SAME_* pads so that the output is
// ceil(in/stride), putting the odd element at the end (UPPER) or the
// beginning (LOWER).
func (c *nodeCtx) windowPads(in, kernel, strides, dilations []int) (begin, end []int, explicit bool, err error) {
	sp := len(in)
	autoPad, err := c.attrString("auto_pad", "NOTSET")
	if err != nil {
		return nil, nil, false, err
	}
	pads, hasPads, err := c.attrInts("pads")
	if err != nil {
		return nil, nil, false, err
	}
	begin, end = make([]int, sp), make([]int, sp)
	switch autoPad {
	case "NOTSET", "":
		if hasPads {
			if len(pads) != 2*sp {
				return nil, nil, false, c.errf("pads %v has %d entries for %d spatial dims", pads, len(pads), sp)
			}
			for _, p := range pads {
				if p < 0 {
					return nil, nil, false, c.errf("negative pads %v", pads)
				}
			}
			copy(begin, pads[:sp])
			copy(end, pads[sp:])
		}
		return begin, end, true, nil
	case "VALID":
		return begin, end, false, nil
	}
	for d := range sp {
		out := (in[d] + strides[d] - 1) / strides[d]
		eff := (kernel[d]-1)*dilations[d] + 1
		total := max(0, (out-1)*strides[d]+eff-in[d])
		if autoPad == "SAME_UPPER" {
			begin[d] = total / 2
		} else {
			begin[d] = total - total/2
		}
		end[d] = total - begin[d]
	}
	return begin, end, false, nil
}

func convertConv(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	w, err := c.input(1)
	if err != nil {
		return err
	}
	b, err := c.optInput(2)
	if err != nil {
		return err
	}
	xs, ws := c.tensor(x).Shape, c.tensor(w).Shape
	if len(xs) < 3 || len(ws) != len(xs) {
		return c.errf("input %v and weights %v: want equal ranks of at least 3", xs, ws)
	}
	sp := len(xs) - 2
	kernel := ws[2:]
	if ks, ok, err := c.attrInts("kernel_shape"); err != nil {
		return err
	} else if ok && !slices.Equal(ks, kernel) {
		return c.errf("kernel_shape %v disagrees with weights %v", ks, ws)
	}
	group, err := c.attrInt("group", 1)
	if err != nil {
		return err
	}
	strides, err := c.spatialAttr("strides", sp, 1)
	if err != nil {
		return err
	}
	dilations, err := c.spatialAttr("dilations", sp, 1)
	if err != nil {
		return err
	}
	pb, pe, _, err := c.windowPads(xs[2:], kernel, strides, dilations)
	if err != nil {
		return err
	}
	op := &graph.Conv{Strides: strides, Dilations: dilations, PadsBegin: pb, PadsEnd: pe, Group: group}
	return c.emit1(op, inputs(x, w, b)...)
}

// pool reads the window geometry shared by MaxPool and AveragePool.
func (c *nodeCtx) pool(x int) (graph.Pool, error) {
	xs := c.tensor(x).Shape
	if len(xs) < 3 {
		return graph.Pool{}, c.errf("input %v: want rank of at least 3 (N, C, spatial...)", xs)
	}
	sp := len(xs) - 2
	kernel, ok, err := c.attrInts("kernel_shape")
	if err != nil {
		return graph.Pool{}, err
	}
	if !ok || len(kernel) != sp {
		return graph.Pool{}, c.errf("kernel_shape %v: want %d entries", kernel, sp)
	}
	strides, err := c.spatialAttr("strides", sp, 1)
	if err != nil {
		return graph.Pool{}, err
	}
	dilations, err := c.spatialAttr("dilations", sp, 1)
	if err != nil {
		return graph.Pool{}, err
	}
	for _, k := range kernel {
		if k < 1 {
			return graph.Pool{}, c.errf("kernel_shape %v must be positive", kernel)
		}
	}
	pb, pe, explicit, err := c.windowPads(xs[2:], kernel, strides, dilations)
	if err != nil {
		return graph.Pool{}, err
	}
	ceil, err := c.attrBool("ceil_mode", false)
	if err != nil {
		return graph.Pool{}, err
	}
	// auto_pad output sizes are defined without ceil_mode.
	return graph.Pool{Kernel: kernel, Strides: strides, Dilations: dilations, PadsBegin: pb, PadsEnd: pe, CeilMode: ceil && explicit}, nil
}

func convertMaxPool(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	p, err := c.pool(x)
	if err != nil {
		return err
	}
	order, err := c.attrInt("storage_order", 0)
	if err != nil {
		return err
	}
	outs := c.pb.Outputs
	if len(outs) > 2 {
		return c.errf("%d outputs, want at most 2", len(outs))
	}
	_, err = c.emit(&graph.MaxPool{Pool: p, StorageOrder: order}, []int{x}, outs)
	return err
}

func convertAveragePool(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	p, err := c.pool(x)
	if err != nil {
		return err
	}
	cip, err := c.attrBool("count_include_pad", false)
	if err != nil {
		return err
	}
	return c.emit1(&graph.AveragePool{Pool: p, CountIncludePad: cip}, x)
}

// convertGlobalPool lowers GlobalAveragePool and GlobalMaxPool to a
// reduction over the spatial dims that keeps them as size-1 dims.
func convertGlobalPool(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	r := len(c.tensor(x).Shape)
	if r < 3 {
		return c.errf("input %v: want rank of at least 3 (N, C, spatial...)", c.tensor(x).Shape)
	}
	axes := make([]int, 0, r-2)
	for d := 2; d < r; d++ {
		axes = append(axes, d)
	}
	if c.pb.OpType == "GlobalMaxPool" {
		return c.emit1(&graph.ReduceMax{Axes: axes, KeepDims: true}, x)
	}
	return c.emit1(&graph.ReduceMean{Axes: axes, KeepDims: true}, x)
}

func convertGemm(c *nodeCtx) error {
	a, err := c.input(0)
	if err != nil {
		return err
	}
	b, err := c.input(1)
	if err != nil {
		return err
	}
	cc, err := c.optInput(2)
	if err != nil {
		return err
	}
	op := &graph.Gemm{}
	if op.Alpha, err = c.attrFloat("alpha", 1); err != nil {
		return err
	}
	if op.Beta, err = c.attrFloat("beta", 1); err != nil {
		return err
	}
	if op.TransA, err = c.attrBool("transA", false); err != nil {
		return err
	}
	if op.TransB, err = c.attrBool("transB", false); err != nil {
		return err
	}
	// broadcast (opset 6) only allowed C to broadcast, which later opsets
	// always allow.
	if _, err := c.attrBool("broadcast", false); err != nil {
		return err
	}
	return c.emit1(op, inputs(a, b, cc)...)
}

func convertMatMul(c *nodeCtx) error {
	a, err := c.input(0)
	if err != nil {
		return err
	}
	b, err := c.input(1)
	if err != nil {
		return err
	}
	return c.emit1(&graph.MatMul{}, a, b)
}

func convertBatchNorm(c *nodeCtx) error {
	ids := make([]int, 5)
	for k := range ids {
		id, err := c.input(k)
		if err != nil {
			return err
		}
		ids[k] = id
	}
	eps, err := c.attrFloat("epsilon", 1e-5)
	if err != nil {
		return err
	}
	// Outputs beyond Y (training statistics) were rejected by the check.
	return c.emit1(&graph.BatchNorm{Epsilon: eps}, ids...)
}

func convertLRN(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	size, err := c.attrInt("size", 0)
	if err != nil {
		return err
	}
	if c.pb.Attribute("size") == nil {
		return c.errf("required attribute size is missing")
	}
	op := &graph.LRN{Size: size}
	if op.Alpha, err = c.attrFloat("alpha", 1e-4); err != nil {
		return err
	}
	if op.Beta, err = c.attrFloat("beta", 0.75); err != nil {
		return err
	}
	if op.Bias, err = c.attrFloat("bias", 1); err != nil {
		return err
	}
	return c.emit1(op, x)
}

// convertSoftmax handles both axis semantics: from opset 13 the op
// normalizes along one axis; before, it flattens the input to 2-D at axis
// and normalizes each row, which the IR expresses as Reshape, Softmax on
// the last dim, Reshape.
func convertSoftmax(c *nodeCtx) error {
	x, err := c.input(0)
	if err != nil {
		return err
	}
	def := -1
	if c.opset < 13 {
		def = 1
	}
	axis, err := c.attrInt("axis", def)
	if err != nil {
		return err
	}
	shape := c.tensor(x).Shape
	r := len(shape)
	if axis, err = c.normAxis(axis, r); err != nil {
		return err
	}
	mk := func(a int) graph.Op {
		if c.pb.OpType == "LogSoftmax" {
			return &graph.LogSoftmax{Axis: a}
		}
		return &graph.Softmax{Axis: a}
	}
	if c.opset >= 13 || axis == r-1 {
		return c.emit1(mk(axis), x)
	}
	flat, err := c.reshapeTo(x, []int{prod(shape[:axis]), prod(shape[axis:])})
	if err != nil {
		return err
	}
	y, err := c.emitTemp(mk(1), flat)
	if err != nil {
		return err
	}
	return c.emit1(&graph.Reshape{Shape: shape}, y)
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}

// convertReduce reads axes (attribute before opset 18, input from 18); no
// axes reduces everything, or nothing with noop_with_empty_axes.
func convertReduce(c *nodeCtx) error {
	x, err := c.floatInput(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	axes, ok, err := c.attrOrInput("axes", 1)
	if err != nil {
		return err
	}
	keep, err := c.attrBool("keepdims", true)
	if err != nil {
		return err
	}
	noop, err := c.attrBool("noop_with_empty_axes", false)
	if err != nil {
		return err
	}
	if !ok || len(axes) == 0 {
		if noop {
			return c.emit1(&graph.Identity{}, x)
		}
		axes = make([]int, len(in))
		for i := range axes {
			axes[i] = i
		}
	}
	if axes, err = c.normAxes(axes, len(in), true); err != nil {
		return err
	}
	if len(axes) == 0 { // a scalar input: nothing to reduce
		return c.emit1(&graph.Identity{}, x)
	}
	if c.pb.OpType == "ReduceMax" {
		return c.emit1(&graph.ReduceMax{Axes: axes, KeepDims: keep}, x)
	}
	return c.emit1(&graph.ReduceMean{Axes: axes, KeepDims: keep}, x)
}
