package graph

import (
	"errors"
	"fmt"
)

// CheckShapes verifies, without modifying g, that every node output has the
// dtype and shape that inference computes from the node's inputs.
func (g *Graph) CheckShapes() error {
	h := *g
	h.Tensors = make([]*Tensor, len(g.Tensors))
	for i, t := range g.Tensors {
		c := *t
		h.Tensors[i] = &c
	}
	if err := h.InferShapes(); err != nil {
		return err
	}
	for i, t := range g.Tensors {
		if c := h.Tensors[i]; c.DType != t.DType || !ShapeEqual(c.Shape, t.Shape) {
			return fmt.Errorf("tensor %d %q is %v%v, inference gives %v%v", i, t.Name, t.DType, t.Shape, c.DType, c.Shape)
		}
	}
	return nil
}

// InferShapes re-runs shape and type inference over every node in order,
// overwriting output shapes and dtypes. Graph inputs and constants keep
// theirs. Passes that rewrite the graph call it to re-establish the
// invariant that every tensor's shape is what its producer computes.
func (g *Graph) InferShapes() error {
	if err := g.Validate(); err != nil {
		return err
	}
	for i, n := range g.Nodes {
		if err := InferNode(g, n); err != nil {
			return fmt.Errorf("node %d %s: %w", i, n.Describe(), err)
		}
	}
	return nil
}

// ErrDType is wrapped by inference errors about an input element type the
// op does not support, so that callers can tell them from malformed graphs.
var ErrDType = errors.New("unsupported element type")

// InferNode checks n's arity, input types, input shapes and parameters, and
// sets the dtype and shape of its output tensors.
func InferNode(g *Graph, n *Node) error {
	c := inferCtx{g: g, n: n}
	if err := c.infer(); err != nil {
		return err
	}
	if act := FusedActivation(n.Op); act != nil {
		if y := g.Tensors[n.Outputs[0]]; y.DType != Float32 {
			return fmt.Errorf("fused activation on a %v output: %w (want float32)", y.DType, ErrDType)
		}
		if act.Min != act.Min || act.Max != act.Max || act.Min > act.Max {
			return fmt.Errorf("fused activation [%v, %v] is not an interval", act.Min, act.Max)
		}
	}
	return nil
}

type inferCtx struct {
	g *Graph
	n *Node
}

// in returns input k, or nil when it is absent or beyond the input list.
func (c *inferCtx) in(k int) *Tensor {
	if k >= len(c.n.Inputs) || c.n.Inputs[k] < 0 {
		return nil
	}
	return c.g.Tensors[c.n.Inputs[k]]
}

// arity checks that inputs [0, required) are present and that there are at
// most maxIn inputs and exactly outs outputs (extra absent outputs allowed).
func (c *inferCtx) arity(required, maxIn, minOut, maxOut int) error {
	if len(c.n.Inputs) > maxIn {
		return fmt.Errorf("%d inputs, want at most %d", len(c.n.Inputs), maxIn)
	}
	for k := range required {
		if c.in(k) == nil {
			return fmt.Errorf("required input %d is missing", k)
		}
	}
	if len(c.n.Outputs) < minOut || len(c.n.Outputs) > maxOut {
		return fmt.Errorf("%d outputs, want %d to %d", len(c.n.Outputs), minOut, maxOut)
	}
	if c.n.Outputs[0] < 0 {
		return errors.New("output 0 is missing")
	}
	return nil
}

func (c *inferCtx) set(k int, dt DType, shape []int) error {
	if k >= len(c.n.Outputs) || c.n.Outputs[k] < 0 {
		return nil
	}
	if _, err := NumElements(shape); err != nil {
		return fmt.Errorf("output %d: %w", k, err)
	}
	t := c.g.Tensors[c.n.Outputs[k]]
	t.DType = dt
	t.Shape = append([]int(nil), shape...)
	return nil
}

func wantFloat(what string, t *Tensor) error {
	if t.DType != Float32 {
		return fmt.Errorf("%s %q is %v: %w (want float32)", what, t.Name, t.DType, ErrDType)
	}
	return nil
}

func (c *inferCtx) infer() error {
	switch op := c.n.Op.(type) {
	case *Conv:
		return c.conv(op)
	case *Gemm:
		return c.gemm(op)
	case *MatMul:
		return c.matmul()
	case *Add, *Sub, *Mul, *Div:
		return c.binary()
	case *BatchNorm:
		return c.batchNorm()
	case *Relu, *Sigmoid, *Tanh, *HardSwish, *Clip, *LeakyRelu, *HardSigmoid:
		return c.unaryFloat()
	case *PRelu:
		return c.prelu()
	case *MaxPool:
		return c.pool(&op.Pool, true)
	case *AveragePool:
		return c.pool(&op.Pool, false)
	case *ReduceMean:
		return c.reduce(op.Axes, op.KeepDims)
	case *ReduceMax:
		return c.reduce(op.Axes, op.KeepDims)
	case *Reshape:
		return c.reshape(op)
	case *Transpose:
		return c.transpose(op)
	case *Concat:
		return c.concat(op)
	case *Split:
		return c.split(op)
	case *Slice:
		return c.slice(op)
	case *Pad:
		return c.pad(op)
	case *Softmax:
		return c.softmax(op.Axis)
	case *LogSoftmax:
		return c.softmax(op.Axis)
	case *LRN:
		return c.lrn(op)
	case *Resize:
		return c.resize(op)
	case *Identity:
		if err := c.arity(1, 1, 1, 1); err != nil {
			return err
		}
		x := c.in(0)
		return c.set(0, x.DType, x.Shape)
	case *Gather:
		return c.gather(op)
	case *Cast:
		if err := c.arity(1, 1, 1, 1); err != nil {
			return err
		}
		if !op.To.Valid() {
			return fmt.Errorf("cast to %v: %w", op.To, ErrDType)
		}
		return c.set(0, op.To, c.in(0).Shape)
	case *QuantizeLinear:
		return c.quantize(&op.QuantParams, true)
	case *DequantizeLinear:
		return c.quantize(&op.QuantParams, false)
	case nil:
		return errors.New("node has no op")
	}
	return fmt.Errorf("no shape inference for %T", c.n.Op)
}

// windowOut is the number of windows of size kernel (dilated) along a dim
// of size in with the given pads and stride; ceil rounds the last partial
// window up, but never lets a window start inside the end padding.
func windowOut(in, kernel, stride, dilation, padBegin, padEnd int, ceil bool) (int, error) {
	if kernel < 1 || stride < 1 || dilation < 1 {
		return 0, fmt.Errorf("kernel %d, stride %d, dilation %d: all must be positive", kernel, stride, dilation)
	}
	eff := (kernel-1)*dilation + 1
	span := in + padBegin + padEnd - eff
	if span < 0 {
		return 0, fmt.Errorf("window of %d (kernel %d, dilation %d) exceeds the padded input of %d", eff, kernel, dilation, in+padBegin+padEnd)
	}
	out := span/stride + 1
	if ceil && span%stride != 0 {
		out++
		if (out-1)*stride >= in+padBegin {
			out--
		}
	}
	return out, nil
}

func checkSpatial(name string, v []int, n int) error {
	if len(v) != n {
		return fmt.Errorf("%s has %d entries for %d spatial dims", name, len(v), n)
	}
	return nil
}

func (c *inferCtx) conv(op *Conv) error {
	if err := c.arity(2, 3, 1, 1); err != nil {
		return err
	}
	x, w, b := c.in(0), c.in(1), c.in(2)
	for _, t := range []*Tensor{x, w, b} {
		if t != nil {
			if err := wantFloat("input", t); err != nil {
				return err
			}
		}
	}
	if len(x.Shape) < 3 {
		return fmt.Errorf("input %q has rank %d, want at least 3 (N, C, spatial...)", x.Name, len(x.Shape))
	}
	if len(w.Shape) != len(x.Shape) {
		return fmt.Errorf("weights %q have shape %v, want rank %d", w.Name, w.Shape, len(x.Shape))
	}
	sp := len(x.Shape) - 2
	for _, p := range []struct {
		name string
		v    []int
	}{{"strides", op.Strides}, {"dilations", op.Dilations}, {"pads begin", op.PadsBegin}, {"pads end", op.PadsEnd}} {
		if err := checkSpatial(p.name, p.v, sp); err != nil {
			return err
		}
	}
	m, cg := w.Shape[0], w.Shape[1]
	if op.Group < 1 || m%op.Group != 0 || cg*op.Group != x.Shape[1] {
		return fmt.Errorf("group %d: weights %v do not fit input channels %d", op.Group, w.Shape, x.Shape[1])
	}
	if b != nil && !ShapeEqual(b.Shape, []int{m}) {
		return fmt.Errorf("bias %q has shape %v, want [%d]", b.Name, b.Shape, m)
	}
	out := []int{x.Shape[0], m}
	for i := range sp {
		if op.PadsBegin[i] < 0 || op.PadsEnd[i] < 0 {
			return fmt.Errorf("negative pads %v %v", op.PadsBegin, op.PadsEnd)
		}
		o, err := windowOut(x.Shape[2+i], w.Shape[2+i], op.Strides[i], op.Dilations[i], op.PadsBegin[i], op.PadsEnd[i], false)
		if err != nil {
			return fmt.Errorf("spatial dim %d: %w", i, err)
		}
		out = append(out, o)
	}
	return c.set(0, Float32, out)
}

func (c *inferCtx) gemm(op *Gemm) error {
	if err := c.arity(2, 3, 1, 1); err != nil {
		return err
	}
	a, b, cc := c.in(0), c.in(1), c.in(2)
	for _, t := range []*Tensor{a, b, cc} {
		if t != nil {
			if err := wantFloat("input", t); err != nil {
				return err
			}
		}
	}
	if len(a.Shape) != 2 || len(b.Shape) != 2 {
		return fmt.Errorf("A %v and B %v must be 2-D", a.Shape, b.Shape)
	}
	m, k := a.Shape[0], a.Shape[1]
	if op.TransA {
		m, k = k, m
	}
	kb, n := b.Shape[0], b.Shape[1]
	if op.TransB {
		kb, n = n, kb
	}
	if k != kb {
		return fmt.Errorf("inner dims differ: A %v (transA %v), B %v (transB %v)", a.Shape, op.TransA, b.Shape, op.TransB)
	}
	if cc != nil && !BroadcastsTo(cc.Shape, []int{m, n}) {
		return fmt.Errorf("C %v does not broadcast to [%d %d]", cc.Shape, m, n)
	}
	return c.set(0, Float32, []int{m, n})
}

// MatMulShape is the output shape of numpy matmul of a and b.
func MatMulShape(a, b []int) ([]int, error) {
	if len(a) == 0 || len(b) == 0 {
		return nil, fmt.Errorf("matmul of scalar shapes %v and %v", a, b)
	}
	aa, bb := a, b
	if len(aa) == 1 {
		aa = []int{1, a[0]}
	}
	if len(bb) == 1 {
		bb = []int{b[0], 1}
	}
	if aa[len(aa)-1] != bb[len(bb)-2] {
		return nil, fmt.Errorf("matmul inner dims differ: %v and %v", a, b)
	}
	batch, err := BroadcastShapes(aa[:len(aa)-2], bb[:len(bb)-2])
	if err != nil {
		return nil, err
	}
	out := batch
	if len(a) > 1 {
		out = append(out, aa[len(aa)-2])
	}
	if len(b) > 1 {
		out = append(out, bb[len(bb)-1])
	}
	return out, nil
}

func (c *inferCtx) matmul() error {
	if err := c.arity(2, 2, 1, 1); err != nil {
		return err
	}
	a, b := c.in(0), c.in(1)
	if err := wantFloat("input", a); err != nil {
		return err
	}
	if err := wantFloat("input", b); err != nil {
		return err
	}
	out, err := MatMulShape(a.Shape, b.Shape)
	if err != nil {
		return err
	}
	return c.set(0, Float32, out)
}

func (c *inferCtx) binary() error {
	if err := c.arity(2, 2, 1, 1); err != nil {
		return err
	}
	a, b := c.in(0), c.in(1)
	if a.DType != b.DType {
		return fmt.Errorf("operands %q (%v) and %q (%v) differ in type", a.Name, a.DType, b.Name, b.DType)
	}
	if a.DType == Bool {
		return fmt.Errorf("arithmetic on bool: %w", ErrDType)
	}
	out, err := BroadcastShapes(a.Shape, b.Shape)
	if err != nil {
		return err
	}
	return c.set(0, a.DType, out)
}

func (c *inferCtx) batchNorm() error {
	if err := c.arity(5, 5, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if len(x.Shape) < 2 {
		return fmt.Errorf("input %q has rank %d, want at least 2", x.Name, len(x.Shape))
	}
	for k := range 5 {
		t := c.in(k)
		if err := wantFloat("input", t); err != nil {
			return err
		}
		if k > 0 && !ShapeEqual(t.Shape, []int{x.Shape[1]}) {
			return fmt.Errorf("input %d %q has shape %v, want [%d]", k, t.Name, t.Shape, x.Shape[1])
		}
	}
	return c.set(0, Float32, x.Shape)
}

func (c *inferCtx) unaryFloat() error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	return c.set(0, Float32, x.Shape)
}

func (c *inferCtx) prelu() error {
	if err := c.arity(2, 2, 1, 1); err != nil {
		return err
	}
	x, s := c.in(0), c.in(1)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	if err := wantFloat("slope", s); err != nil {
		return err
	}
	if !BroadcastsTo(s.Shape, x.Shape) {
		return fmt.Errorf("slope %v does not broadcast to input %v", s.Shape, x.Shape)
	}
	return c.set(0, Float32, x.Shape)
}

// PoolOutput is the spatial output shape of a pooling window over in.
func PoolOutput(p *Pool, in []int) ([]int, error) {
	sp := len(in)
	for _, q := range []struct {
		name string
		v    []int
	}{{"kernel", p.Kernel}, {"strides", p.Strides}, {"dilations", p.Dilations}, {"pads begin", p.PadsBegin}, {"pads end", p.PadsEnd}} {
		if err := checkSpatial(q.name, q.v, sp); err != nil {
			return nil, err
		}
	}
	out := make([]int, sp)
	for i := range sp {
		if p.PadsBegin[i] < 0 || p.PadsEnd[i] < 0 {
			return nil, fmt.Errorf("negative pads %v %v", p.PadsBegin, p.PadsEnd)
		}
		// A pad as large as the window would create windows that see no
		// input at all.
		if eff := (p.Kernel[i]-1)*p.Dilations[i] + 1; p.PadsBegin[i] >= eff || p.PadsEnd[i] >= eff {
			return nil, fmt.Errorf("spatial dim %d: pads %d/%d not smaller than the window %d", i, p.PadsBegin[i], p.PadsEnd[i], eff)
		}
		o, err := windowOut(in[i], p.Kernel[i], p.Strides[i], p.Dilations[i], p.PadsBegin[i], p.PadsEnd[i], p.CeilMode)
		if err != nil {
			return nil, fmt.Errorf("spatial dim %d: %w", i, err)
		}
		out[i] = o
	}
	return out, nil
}

func (c *inferCtx) pool(p *Pool, withIndices bool) error {
	maxOut := 1
	if withIndices {
		maxOut = 2
	}
	if err := c.arity(1, 1, 1, maxOut); err != nil {
		return err
	}
	x := c.in(0)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	if len(x.Shape) < 3 {
		return fmt.Errorf("input %q has rank %d, want at least 3 (N, C, spatial...)", x.Name, len(x.Shape))
	}
	sp, err := PoolOutput(p, x.Shape[2:])
	if err != nil {
		return err
	}
	out := append([]int{x.Shape[0], x.Shape[1]}, sp...)
	if err := c.set(0, Float32, out); err != nil {
		return err
	}
	return c.set(1, Int64, out)
}

// ReduceShape is the shape after reducing axes (sorted, distinct).
func ReduceShape(in, axes []int, keepDims bool) ([]int, error) {
	if len(axes) == 0 {
		return nil, errors.New("no axes to reduce")
	}
	var out []int
	k := 0
	for d, n := range in {
		if k < len(axes) && axes[k] == d {
			k++
			if keepDims {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, n)
	}
	if k != len(axes) {
		return nil, fmt.Errorf("axes %v are not sorted, distinct dims of rank %d", axes, len(in))
	}
	return out, nil
}

func (c *inferCtx) reduce(axes []int, keepDims bool) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	out, err := ReduceShape(x.Shape, axes, keepDims)
	if err != nil {
		return err
	}
	return c.set(0, Float32, out)
}

func (c *inferCtx) reshape(op *Reshape) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	n, _ := NumElements(x.Shape)
	m, err := NumElements(op.Shape)
	if err != nil {
		return err
	}
	if n != m {
		return fmt.Errorf("cannot reshape %v (%d elements) to %v (%d elements)", x.Shape, n, op.Shape, m)
	}
	return c.set(0, x.DType, op.Shape)
}

// CheckPerm reports whether perm is a permutation of [0, rank).
func CheckPerm(perm []int, rank int) error {
	if len(perm) != rank {
		return fmt.Errorf("perm %v has %d entries for rank %d", perm, len(perm), rank)
	}
	seen := make([]bool, rank)
	for _, p := range perm {
		if p < 0 || p >= rank || seen[p] {
			return fmt.Errorf("perm %v is not a permutation of [0, %d)", perm, rank)
		}
		seen[p] = true
	}
	return nil
}

func (c *inferCtx) transpose(op *Transpose) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if err := CheckPerm(op.Perm, len(x.Shape)); err != nil {
		return err
	}
	out := make([]int, len(x.Shape))
	for i, p := range op.Perm {
		out[i] = x.Shape[p]
	}
	return c.set(0, x.DType, out)
}

func (c *inferCtx) concat(op *Concat) error {
	if len(c.n.Inputs) == 0 {
		return errors.New("no inputs")
	}
	if err := c.arity(len(c.n.Inputs), len(c.n.Inputs), 1, 1); err != nil {
		return err
	}
	first := c.in(0)
	r := len(first.Shape)
	if op.Axis < 0 || op.Axis >= r {
		return fmt.Errorf("axis %d out of range for rank %d", op.Axis, r)
	}
	out := append([]int(nil), first.Shape...)
	out[op.Axis] = 0
	for k := range c.n.Inputs {
		t := c.in(k)
		if t.DType != first.DType {
			return fmt.Errorf("input %d %q is %v, input 0 is %v", k, t.Name, t.DType, first.DType)
		}
		if len(t.Shape) != r {
			return fmt.Errorf("input %d %q has shape %v, input 0 has %v", k, t.Name, t.Shape, first.Shape)
		}
		for d := range r {
			if d != op.Axis && t.Shape[d] != first.Shape[d] {
				return fmt.Errorf("input %d %q has shape %v, input 0 has %v", k, t.Name, t.Shape, first.Shape)
			}
		}
		out[op.Axis] += t.Shape[op.Axis]
	}
	return c.set(0, first.DType, out)
}

func (c *inferCtx) split(op *Split) error {
	if err := c.arity(1, 1, len(op.Sizes), len(op.Sizes)); err != nil {
		return err
	}
	x := c.in(0)
	if op.Axis < 0 || op.Axis >= len(x.Shape) {
		return fmt.Errorf("axis %d out of range for rank %d", op.Axis, len(x.Shape))
	}
	sum := 0
	for _, s := range op.Sizes {
		if s < 0 {
			return fmt.Errorf("negative split size in %v", op.Sizes)
		}
		sum += s
	}
	if sum != x.Shape[op.Axis] {
		return fmt.Errorf("split sizes %v do not add up to dim %d of %v", op.Sizes, op.Axis, x.Shape)
	}
	for k, s := range op.Sizes {
		out := append([]int(nil), x.Shape...)
		out[op.Axis] = s
		if err := c.set(k, x.DType, out); err != nil {
			return err
		}
	}
	return nil
}

func (c *inferCtx) slice(op *Slice) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	r := len(x.Shape)
	if len(op.Starts) != r || len(op.Steps) != r || len(op.Sizes) != r {
		return fmt.Errorf("starts %v, steps %v, sizes %v: want %d entries each", op.Starts, op.Steps, op.Sizes, r)
	}
	for d := range r {
		start, step, size := op.Starts[d], op.Steps[d], op.Sizes[d]
		if step == 0 || size < 0 {
			return fmt.Errorf("dim %d: step %d, size %d", d, step, size)
		}
		if size == 0 {
			continue
		}
		last := start + (size-1)*step
		if start < 0 || start >= x.Shape[d] || last < 0 || last >= x.Shape[d] {
			return fmt.Errorf("dim %d: %d elements from %d by %d leave [0, %d)", d, size, start, step, x.Shape[d])
		}
	}
	return c.set(0, x.DType, op.Sizes)
}

func (c *inferCtx) pad(op *Pad) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	r := len(x.Shape)
	if len(op.PadsBegin) != r || len(op.PadsEnd) != r {
		return fmt.Errorf("pads %v %v: want %d entries each", op.PadsBegin, op.PadsEnd, r)
	}
	out := make([]int, r)
	for d := range r {
		out[d] = x.Shape[d] + op.PadsBegin[d] + op.PadsEnd[d]
		if out[d] < 0 {
			return fmt.Errorf("dim %d: pads %d/%d crop more than the %d elements", d, op.PadsBegin[d], op.PadsEnd[d], x.Shape[d])
		}
		if op.Mode != PadConstant && x.Shape[d] == 0 && out[d] > 0 {
			return fmt.Errorf("dim %d: %v padding of an empty dim", d, op.Mode)
		}
	}
	return c.set(0, x.DType, out)
}

func (c *inferCtx) softmax(axis int) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	if axis < 0 || axis >= len(x.Shape) {
		return fmt.Errorf("axis %d out of range for rank %d", axis, len(x.Shape))
	}
	return c.set(0, Float32, x.Shape)
}

func (c *inferCtx) lrn(op *LRN) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	if len(x.Shape) < 2 {
		return fmt.Errorf("input %q has rank %d, want at least 2", x.Name, len(x.Shape))
	}
	if op.Size < 1 {
		return fmt.Errorf("size %d, want at least 1", op.Size)
	}
	return c.set(0, Float32, x.Shape)
}

func (c *inferCtx) resize(op *Resize) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	if err := wantFloat("input", x); err != nil {
		return err
	}
	r := len(x.Shape)
	if len(op.Scales) != r || len(op.Sizes) != r {
		return fmt.Errorf("scales %v and sizes %v: want %d entries each", op.Scales, op.Sizes, r)
	}
	if op.Coord == CoordTFCropAndResize && len(op.Roi) != 2*r {
		return fmt.Errorf("roi %v: want %d entries", op.Roi, 2*r)
	}
	for d := range r {
		if op.Sizes[d] < 0 || op.Sizes[d] > 0 && !(op.Scales[d] > 0) {
			return fmt.Errorf("dim %d: size %d, scale %v", d, op.Sizes[d], op.Scales[d])
		}
		if x.Shape[d] == 0 && op.Sizes[d] > 0 {
			return fmt.Errorf("dim %d: resizing an empty dim to %d", d, op.Sizes[d])
		}
	}
	return c.set(0, Float32, op.Sizes)
}

func (c *inferCtx) gather(op *Gather) error {
	if err := c.arity(2, 2, 1, 1); err != nil {
		return err
	}
	data, idx := c.in(0), c.in(1)
	if !idx.DType.IsInt() || idx.DType == Bool {
		return fmt.Errorf("indices %q are %v: %w (want an integer type)", idx.Name, idx.DType, ErrDType)
	}
	if op.Axis < 0 || op.Axis >= len(data.Shape) {
		return fmt.Errorf("axis %d out of range for rank %d", op.Axis, len(data.Shape))
	}
	out := append([]int(nil), data.Shape[:op.Axis]...)
	out = append(out, idx.Shape...)
	out = append(out, data.Shape[op.Axis+1:]...)
	return c.set(0, data.DType, out)
}

func (c *inferCtx) quantize(q *QuantParams, quantize bool) error {
	if err := c.arity(1, 1, 1, 1); err != nil {
		return err
	}
	x := c.in(0)
	switch q.QType {
	case Int8, Uint8, Int16, Uint16:
	case Int32:
		if quantize {
			return fmt.Errorf("quantizing to int32: %w", ErrDType)
		}
	default:
		return fmt.Errorf("quantized type %v: %w", q.QType, ErrDType)
	}
	if len(q.Scale) == 0 || len(q.Scale) != len(q.ZeroPoint) {
		return fmt.Errorf("%d scales and %d zero points", len(q.Scale), len(q.ZeroPoint))
	}
	if q.Axis == -1 {
		if len(q.Scale) != 1 {
			return fmt.Errorf("per-tensor quantization with %d scales", len(q.Scale))
		}
	} else if q.Axis < 0 || q.Axis >= len(x.Shape) || len(q.Scale) != x.Shape[q.Axis] {
		return fmt.Errorf("axis %d of %v: %d scales", q.Axis, x.Shape, len(q.Scale))
	}
	lo, hi := q.QType.Range()
	for _, z := range q.ZeroPoint {
		if z < lo || z > hi {
			return fmt.Errorf("zero point %d outside %v", z, q.QType)
		}
	}
	for _, s := range q.Scale {
		if quantize && !(s > 0) || !quantize && !(s >= 0) {
			return fmt.Errorf("scale %v", s)
		}
	}
	if quantize {
		if err := wantFloat("input", x); err != nil {
			return err
		}
		return c.set(0, q.QType, x.Shape)
	}
	if x.DType != q.QType {
		return fmt.Errorf("input %q is %v, zero point is %v", x.Name, x.DType, q.QType)
	}
	return c.set(0, Float32, x.Shape)
}
