package lower

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// reshape lowers Reshape (and a leftover Identity): in stored order when
// the reshape only merges or splits runs of dims that are stored in order;
// for a flatten that only fully connected layers read, as a flatten of the
// stored order with the readers' weight columns permuted; otherwise after
// one transpose into the nearest layout that allows it (groupedLayout).
func (l *lowerer) reshape() string {
	x, y := l.in(0), l.out(0)
	xs, ys := l.shape(x), l.shape(y)
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	lay := l.vals[x].lay
	var bt builder.Tensor
	if outLay, stored, ok := reshapeLayout(xs, lay, ys); ok {
		xt := l.operand(x, lay, f32)
		bt = l.define(y, outLay, func(nm string) builder.Tensor { return l.b.Reshape(nm, xt, stored) })
	} else if l.flattensForFC(x, y) {
		xt := l.operand(x, lay, f32)
		cols := flattenCols(xs, lay.perm(len(xs)))
		bt = l.define(y, Layout{Cols: cols}, func(nm string) builder.Tensor { return l.b.Reshape(nm, xt, ys) })
	} else {
		// Move the data once, into the nearest layout the reshape can
		// read in order.
		mid, ok := groupedLayout(xs, lay, ys)
		if !ok {
			mid = Layout{}
		}
		outLay, stored, ok := reshapeLayout(xs, mid, ys)
		if !ok {
			mid, outLay, stored = Layout{}, Layout{}, ys
		}
		xt := l.operand(x, mid, f32)
		bt = l.define(y, outLay, func(nm string) builder.Tensor { return l.b.Reshape(nm, xt, stored) })
	}
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// flattensForFC reports whether reshaping x to y flattens [N, ...] to
// [N, K] with N stored first, and every reader of y is a fully connected
// Gemm taking it as its input.
func (l *lowerer) flattensForFC(x, y int) bool {
	xs, ys := l.shape(x), l.shape(y)
	lay := l.vals[x].lay
	if len(ys) != 2 || ys[0] != xs[0] || lay.Cols != nil || lay.perm(len(xs))[0] != 0 || l.isOutput[y] || len(l.consumers[y]) == 0 {
		return false
	}
	for _, c := range l.consumers[y] {
		n := l.g.Nodes[c]
		op, ok := n.Op.(*graph.Gemm)
		if !ok || n.Inputs[0] != y || n.Inputs[1] == y || op.TransA || !op.TransB || l.g.Tensors[n.Inputs[1]].Const == nil {
			return false
		}
	}
	return true
}

// transpose lowers Transpose as a relabelling: the output is the input's
// builder tensor in a layout that accounts for the permutation, so no data
// moves until a reader needs a particular layout.
func (l *lowerer) transpose(op *graph.Transpose) string {
	x, y := l.in(0), l.out(0)
	rank := len(l.shape(x))
	v := l.vals[x]
	lay, bt := v.lay, v.t
	if lay.Cols != nil {
		lay = Layout{}
		bt = l.get(x, lay)
	}
	inv := invert(op.Perm)
	perm := make([]int, rank)
	for i, d := range lay.perm(rank) {
		perm[i] = inv[d]
	}
	out := Layout{Perm: perm}
	if isIdentityPerm(perm) {
		out = Layout{}
	}
	l.alias(y, bt, out)
	return ""
}

// concat lowers Concat in the first input's layout.
func (l *lowerer) concat(op *graph.Concat) string {
	y := l.out(0)
	rank := len(l.shape(y))
	for k := range l.n.Inputs {
		if l.constant(k) != nil {
			return fmt.Sprintf("input %d is a constant; the model format concatenates computed tensors", k)
		}
	}
	lay := l.vals[l.in(0)].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xs := make([]builder.Tensor, len(l.n.Inputs))
	for k, t := range l.n.Inputs {
		xs[k] = l.operand(t, lay, f32)
	}
	axis := lay.storedAxis(op.Axis, rank)
	bt := l.defineN(y, lay, len(xs), func(nm string) builder.Tensor { return l.b.Concat(nm, axis, xs...) })
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// split lowers Split as one SLICE per used output.
func (l *lowerer) split(op *graph.Split) string {
	x := l.in(0)
	xs := l.shape(x)
	rank := len(xs)
	lay := l.vals[x].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	name := l.g.Tensors[l.out(0)].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, lay, f32)
	axis := lay.storedAxis(op.Axis, rank)
	stored := lay.StoredShape(xs)
	start := 0
	for k, o := range l.n.Outputs {
		size := op.Sizes[k]
		begin := make([]int, rank)
		sizes := append([]int(nil), stored...)
		begin[axis], sizes[axis] = start, size
		start += size
		if o < 0 {
			continue
		}
		if size == 0 {
			return fmt.Sprintf("output %d is empty", k)
		}
		bt := l.define(o, lay, func(nm string) builder.Tensor { return l.b.Slice(nm, xt, begin, sizes, nil) })
		l.float[bt] = f32
	}
	l.layer(name, f32)
	return ""
}

// slice lowers Slice with positive steps.
func (l *lowerer) slice(op *graph.Slice) string {
	x, y := l.in(0), l.out(0)
	rank := len(l.shape(x))
	for d := range rank {
		if op.Steps[d] < 1 {
			return fmt.Sprintf("step %d along dim %d; the model format slices forwards", op.Steps[d], d)
		}
		if op.Sizes[d] < 1 {
			return fmt.Sprintf("the slice is empty along dim %d", d)
		}
	}
	lay := l.vals[x].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	p := lay.perm(rank)
	begin, size, step := make([]int, rank), make([]int, rank), make([]int, rank)
	for i, d := range p {
		begin[i], size[i], step[i] = op.Starts[d], op.Sizes[d], op.Steps[d]
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, lay, f32)
	bt := l.define(y, lay, func(nm string) builder.Tensor { return l.b.Slice(nm, xt, begin, size, step) })
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// pad lowers constant padding by non-negative amounts.
func (l *lowerer) pad(op *graph.Pad) string {
	x, y := l.in(0), l.out(0)
	rank := len(l.shape(x))
	if op.Mode != graph.PadConstant {
		return fmt.Sprintf("%v padding; the model format pads with a constant", op.Mode)
	}
	v := float32(op.Value)
	if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
		return fmt.Sprintf("pad value %v (a -Inf pad folds into a following MaxPool only)", op.Value)
	}
	lay := l.vals[x].lay
	if lay.Cols != nil {
		lay = Layout{}
	}
	paddings := make([]int, 0, 2*rank)
	for _, d := range lay.perm(rank) {
		if op.PadsBegin[d] < 0 || op.PadsEnd[d] < 0 {
			return fmt.Sprintf("negative pads %v %v (cropping)", op.PadsBegin, op.PadsEnd)
		}
		paddings = append(paddings, op.PadsBegin[d], op.PadsEnd[d])
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, lay, f32)
	bt := l.define(y, lay, func(nm string) builder.Tensor { return l.b.Pad(nm, xt, paddings, v) })
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}
