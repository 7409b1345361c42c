package lower

import (
	"fmt"
	"slices"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// binary lowers Add, Sub and Mul. Both operands are brought to the
// output's rank and one layout (a computed operand's own, so an NHWC
// activation stays NHWC); a constant operand is transposed at conversion
// time.
func (l *lowerer) binary() string {
	y := l.out(0)
	rank := len(l.shape(y))
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	ca, cb := l.constant(0), l.constant(1)
	if ca != nil && cb != nil {
		return "both operands are constants (the importer folds such nodes)"
	}
	lay := Layout{}
	for k := range 2 {
		t := l.in(k)
		if l.constant(k) == nil && len(l.shape(t)) == rank && l.vals[t].lay.Cols == nil {
			lay = l.vals[t].lay
			break
		}
	}
	ops := make([]builder.Tensor, 2)
	for k := range 2 {
		if l.constant(k) != nil {
			ops[k] = l.constOperand(l.in(k), lay, rank)
		} else {
			ops[k] = l.broadcastOperand(l.in(k), lay, rank, f32)
		}
	}
	var a *graph.Clip
	switch op := l.n.Op.(type) {
	case *graph.Add:
		a = op.Act
	case *graph.Sub:
		a = op.Act
	case *graph.Mul:
		a = op.Act
	}
	bt := l.define(y, lay, func(nm string) builder.Tensor {
		switch l.n.Op.(type) {
		case *graph.Add:
			return l.b.Add(nm, ops[0], ops[1], act(a))
		case *graph.Sub:
			return l.b.Sub(nm, ops[0], ops[1], act(a))
		}
		return l.b.Mul(nm, ops[0], ops[1], act(a))
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// broadcastOperand returns computed IR tensor t as an operand of rank
// rank in layout lay: a lower-rank tensor is reshaped to the rank with
// leading unit dims (in source order) and then laid out like the other
// operand.
func (l *lowerer) broadcastOperand(t int, lay Layout, rank int, f32 bool) builder.Tensor {
	s := l.shape(t)
	if len(s) == rank {
		return l.operand(t, lay, f32)
	}
	padded := padShape(s, rank)
	x := l.operand(t, Layout{}, f32)
	name := l.g.Tensors[t].Name
	x = l.b.Reshape(l.fresh(name+"/rank"), x, padded)
	l.float[x] = f32
	if lay.IsIdentity() {
		return x
	}
	perm := lay.perm(rank)
	if movesOnlyUnitDims(perm, padded) {
		x = l.b.Reshape(l.fresh(name+"/"+layoutSuffix(lay)), x, lay.StoredShape(padded))
	} else {
		x = l.b.Transpose(l.fresh(name+"/"+layoutSuffix(lay)), x, perm)
	}
	l.float[x] = f32
	return x
}

// constOperand returns constant IR tensor t as a builder constant of rank
// rank in layout lay, once per layout.
func (l *lowerer) constOperand(t int, lay Layout, rank int) builder.Tensor {
	key := fmt.Sprint(t, lay.perm(rank))
	if c, ok := l.consts[key]; ok {
		return c
	}
	c := l.g.Tensors[t].Const
	padded := padShape(c.Shape, rank)
	data := lay.ToStored(padded, c.F)
	bt := l.b.Constant(l.fresh(l.g.Tensors[t].Name), lay.StoredShape(padded), data)
	l.consts[key] = bt
	return bt
}

func padShape(s []int, rank int) []int {
	p := make([]int, rank-len(s), rank)
	for i := range p {
		p[i] = 1
	}
	return append(p, s...)
}

// unary lowers the single-input activations, in the input's layout.
func (l *lowerer) unary() string {
	x, y := l.in(0), l.out(0)
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	lay := l.vals[x].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	if c, ok := l.n.Op.(*graph.Clip); ok && !(c.Min <= c.Max) {
		return fmt.Sprintf("Clip with min %v > max %v", c.Min, c.Max)
	}
	xt := l.operand(x, lay, f32)
	bt := l.define(y, lay, func(nm string) builder.Tensor {
		switch op := l.n.Op.(type) {
		case *graph.Relu:
			return l.b.Relu(nm, xt)
		case *graph.Clip:
			return l.b.Clamp(nm, xt, op.Min, op.Max)
		case *graph.LeakyRelu:
			return l.b.LeakyRelu(nm, xt, op.Alpha)
		case *graph.Sigmoid:
			return l.b.Sigmoid(nm, xt)
		case *graph.HardSigmoid:
			return l.b.HardSigmoid(nm, xt, op.Alpha, op.Beta)
		case *graph.HardSwish:
			return l.b.HardSwish(nm, xt)
		}
		return l.b.Tanh(nm, xt)
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// prelu lowers PRelu with a constant slope that is one value or one per
// channel, where the channel is the dim stored innermost.
func (l *lowerer) prelu() string {
	x, y := l.in(0), l.out(0)
	slope := l.constant(1)
	if slope == nil {
		return "the slope is computed, not constant"
	}
	xs := l.shape(x)
	rank := len(xs)
	lay := l.vals[x].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	inner := lay.perm(rank)[rank-1]
	padded := padShape(slope.Shape, rank)
	for d, n := range padded {
		if n != 1 && d != inner {
			return fmt.Sprintf("slope of shape %v varies along dim %d; the model format's PRELU has one slope per channel (innermost dim)", slope.Shape, d)
		}
	}
	c := xs[inner]
	per := make([]float32, c)
	for i := range per {
		per[i] = slope.F[0]
		if padded[inner] != 1 {
			per[i] = slope.F[i]
		}
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, lay, f32)
	bt := l.define(y, lay, func(nm string) builder.Tensor { return l.b.PRelu(nm, xt, per) })
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// softmax lowers Softmax and LogSoftmax along the stored position of the
// axis.
func (l *lowerer) softmax(axis int, log bool) string {
	x, y := l.in(0), l.out(0)
	rank := len(l.shape(x))
	lay := l.vals[x].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, lay, f32)
	a := lay.storedAxis(axis, rank)
	bt := l.define(y, lay, func(nm string) builder.Tensor {
		if log {
			return l.b.LogSoftmax(nm, xt, a)
		}
		return l.b.Softmax(nm, xt, a)
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// reduce lowers ReduceMean and ReduceMax. The runtime reduces contiguous
// axes (after dropping unit dims): when the input's layout scatters them,
// the input is read in source order instead.
func (l *lowerer) reduce(axes []int, keep, isMax bool) string {
	x, y := l.in(0), l.out(0)
	xs := l.shape(x)
	rank := len(xs)
	if len(l.shape(y)) == 0 {
		return "reduces to a scalar; the model format's tensors have rank 1 or more"
	}
	lay := l.vals[x].lay
	if lay.Cols != nil || !contiguousAxes(lay, axes, xs) {
		lay = Layout{}
	}
	stored := make([]int, len(axes))
	for i, a := range axes {
		stored[i] = lay.storedAxis(a, rank)
	}
	outLay := lay
	if !keep {
		var perm []int
		for _, d := range lay.perm(rank) {
			if slices.Contains(axes, d) {
				continue
			}
			r := d
			for _, a := range axes {
				if a < d {
					r--
				}
			}
			perm = append(perm, r)
		}
		outLay = Layout{Perm: perm}
		if isIdentityPerm(perm) {
			outLay = Layout{}
		}
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, lay, f32)
	bt := l.define(y, outLay, func(nm string) builder.Tensor {
		if isMax {
			return l.b.ReduceMax(nm, xt, stored, keep)
		}
		return l.b.Mean(nm, xt, stored, keep)
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// contiguousAxes reports whether the stored positions of the non-unit
// source axes are adjacent once unit dims are dropped.
func contiguousAxes(lay Layout, axes, shape []int) bool {
	var kept []int // non-unit dims in stored order, as reduced or not
	for _, d := range lay.perm(len(shape)) {
		if shape[d] != 1 {
			kept = append(kept, d)
		}
	}
	first, last, count := -1, -1, 0
	for i, d := range kept {
		if slices.Contains(axes, d) {
			if first < 0 {
				first = i
			}
			last = i
			count++
		}
	}
	return count == 0 || last-first+1 == count
}
