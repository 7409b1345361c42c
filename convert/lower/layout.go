package lower

import (
	"fmt"
	"slices"
)

// Layout relates a lowered tensor's stored order (the model file's) to its
// source order (the IR's, which is ONNX's). The zero Layout is the
// identity.
type Layout struct {
	// Perm: stored dim i holds source dim Perm[i]; nil is the identity.
	// Image activations are stored NHWC: Perm [0 2 3 1].
	Perm []int
	// Cols, for a 2-D tensor [rows, K]: stored column j holds source
	// column Cols[j]; nil keeps the order. The lowering sets it on a
	// flattened NHWC activation that only fully connected layers read,
	// which permute their weight columns instead of the data (as TFLite's
	// converters do), so no transpose is needed.
	Cols []int
}

// nhwc is the layout of image activations: source NCHW stored NHWC.
var nhwc = Layout{Perm: []int{0, 2, 3, 1}}

// IsIdentity reports whether stored order is source order.
func (l Layout) IsIdentity() bool {
	return l.Cols == nil && isIdentityPerm(l.Perm)
}

// equal reports whether two layouts store a tensor of the given rank the
// same way.
func (l Layout) equal(o Layout, rank int) bool {
	return slices.Equal(l.perm(rank), o.perm(rank)) && slices.Equal(l.Cols, o.Cols)
}

// perm returns Perm, or the identity of the given rank.
func (l Layout) perm(rank int) []int {
	if l.Perm == nil {
		return identityPerm(rank)
	}
	return l.Perm
}

func (l Layout) String() string {
	switch {
	case l.IsIdentity():
		return "source order"
	case l.Cols != nil:
		return fmt.Sprintf("columns permuted (%d)", len(l.Cols))
	case slices.Equal(l.Perm, nhwc.Perm):
		return "NHWC"
	}
	return fmt.Sprintf("perm %v", l.Perm)
}

// StoredShape is the stored shape of a tensor with source shape src.
func (l Layout) StoredShape(src []int) []int {
	p := l.perm(len(src))
	out := make([]int, len(src))
	for i, d := range p {
		out[i] = src[d]
	}
	return out
}

// ToStored rearranges values given in source order (shape src) into
// stored order.
func (l Layout) ToStored(src []int, v []float32) []float32 {
	if l.IsIdentity() {
		return slices.Clone(v)
	}
	out := make([]float32, len(v))
	if l.Cols != nil {
		k := src[len(src)-1]
		for r := 0; r < len(v)/k; r++ {
			for j, c := range l.Cols {
				out[r*k+j] = v[r*k+c]
			}
		}
		return out
	}
	p := l.perm(len(src))
	strides := strides(src)
	stored := l.StoredShape(src)
	if len(out) == 0 {
		return out
	}
	// One stored row (the last stored dim) at a time; idx steps through
	// the stored dims before it.
	r := len(stored)
	n, step := stored[r-1], strides[p[r-1]]
	idx := make([]int, r-1)
	for o := 0; o < len(out); o += n {
		off := 0
		for d, x := range idx {
			off += x * strides[p[d]]
		}
		for j := range out[o : o+n] {
			out[o+j] = v[off+j*step]
		}
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < stored[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// storedAxis is the stored position of source dim d.
func (l Layout) storedAxis(d, rank int) int {
	return slices.Index(l.perm(rank), d)
}

func identityPerm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func isIdentityPerm(p []int) bool {
	for i, d := range p {
		if d != i {
			return false
		}
	}
	return true
}

func invert(p []int) []int {
	inv := make([]int, len(p))
	for i, d := range p {
		inv[d] = i
	}
	return inv
}

func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// transposePerm is the stored-domain TRANSPOSE permutation that takes a
// tensor from layout `from` to layout `to` (both without Cols).
func transposePerm(from, to Layout, rank int) []int {
	inv := invert(from.perm(rank))
	pt := to.perm(rank)
	q := make([]int, rank)
	for j, d := range pt {
		q[j] = inv[d]
	}
	return q
}

// movesOnlyUnitDims reports whether transposing shape by perm keeps the
// dims larger than 1 in order: the data does not move, a reshape does it.
func movesOnlyUnitDims(perm, shape []int) bool {
	last := -1
	for _, p := range perm {
		if shape[p] == 1 {
			continue
		}
		if p < last {
			return false
		}
		last = p
	}
	return true
}

// reshapeLayout finds how to reshape a tensor of source shape in, stored
// with layout lay, to source shape out without moving data: possible when
// every run of source dims that the reshape merges or splits (ignoring
// unit dims) is stored contiguously and in order. It returns the output's
// layout and stored shape.
func reshapeLayout(in []int, lay Layout, out []int) (Layout, []int, bool) {
	if lay.Cols != nil {
		return Layout{}, nil, false
	}
	inG, outG, ok := reshapeGroups(in, out)
	if !ok {
		return Layout{}, nil, false
	}
	groupOf := make(map[int]int) // non-unit source input dim -> group
	for g, dims := range inG {
		for _, d := range dims {
			groupOf[d] = g
		}
	}
	// The non-unit input dims in stored order must be each group's dims,
	// contiguous and ascending.
	var order []int // groups in stored order
	var pos []int   // next expected dim index within the current group
	for _, d := range lay.perm(len(in)) {
		if in[d] == 1 {
			continue
		}
		g := groupOf[d]
		if len(order) == 0 || order[len(order)-1] != g {
			if slices.Contains(order, g) {
				return Layout{}, nil, false
			}
			order = append(order, g)
			pos = append(pos, 0)
		}
		k := len(order) - 1
		if inG[g][pos[k]] != d {
			return Layout{}, nil, false
		}
		pos[k]++
	}
	var perm []int
	for _, g := range order {
		perm = append(perm, outG[g]...)
	}
	for k, d := range out {
		if d != 1 {
			continue
		}
		at := 0
		if k > 0 {
			at = slices.Index(perm, k-1) + 1
		}
		perm = slices.Insert(perm, at, k)
	}
	l := Layout{Perm: perm}
	if isIdentityPerm(perm) {
		l = Layout{}
	}
	return l, l.StoredShape(out), true
}

// reshapeGroups pairs runs of non-unit dims of in and out whose sizes
// multiply to the same value: the reshape merges or splits each run.
func reshapeGroups(in, out []int) (inG, outG [][]int, ok bool) {
	nonUnit := func(s []int) []int {
		var ds []int
		for d, n := range s {
			if n != 1 {
				ds = append(ds, d)
			}
		}
		return ds
	}
	a, b := nonUnit(in), nonUnit(out)
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if i == len(a) || j == len(b) {
			return nil, nil, false
		}
		ga, gb := []int{a[i]}, []int{b[j]}
		pa, pb := in[a[i]], out[b[j]]
		i++
		j++
		for pa != pb {
			if pa < pb {
				if i == len(a) {
					return nil, nil, false
				}
				ga = append(ga, a[i])
				pa *= in[a[i]]
				i++
			} else {
				if j == len(b) {
					return nil, nil, false
				}
				gb = append(gb, b[j])
				pb *= out[b[j]]
				j++
			}
		}
		inG, outG = append(inG, ga), append(outG, gb)
	}
	return inG, outG, true
}

// flattenCols returns the Cols of flattening a tensor of source shape in
// [N, ...], stored with perm p (p[0] = 0), to [N, K] in stored order.
func flattenCols(in []int, p []int) []int {
	rest := in[1:]
	srcStrides := strides(rest)
	stored := make([]int, len(rest))
	for i, d := range p[1:] {
		stored[i] = in[d]
	}
	k := 1
	for _, d := range rest {
		k *= d
	}
	cols := make([]int, k)
	idx := make([]int, len(stored))
	for j := range cols {
		c := 0
		for i, x := range idx {
			c += x * srcStrides[p[1+i]-1]
		}
		cols[j] = c
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < stored[d] {
				break
			}
			idx[d] = 0
		}
	}
	return cols
}

// groupedLayout is the layout closest to lay in which reshaping source
// shape in to out moves no data: the runs of dims the reshape merges or
// splits keep the stored order of their first dim, with each run's dims in
// source order; unit dims stay where they are. A channel shuffle then
// costs one transpose of the channel groups and stays NHWC.
func groupedLayout(in []int, lay Layout, out []int) (Layout, bool) {
	inG, _, ok := reshapeGroups(in, out)
	if !ok || lay.Cols != nil {
		return Layout{}, false
	}
	groupOf := make(map[int]int)
	for g, dims := range inG {
		for _, d := range dims {
			groupOf[d] = g
		}
	}
	perm := slices.Clone(lay.perm(len(in)))
	var order []int
	var slots []int // stored positions of the non-unit dims
	for i, d := range perm {
		if in[d] == 1 {
			continue
		}
		slots = append(slots, i)
		if g := groupOf[d]; !slices.Contains(order, g) {
			order = append(order, g)
		}
	}
	k := 0
	for _, g := range order {
		for _, d := range inG[g] {
			perm[slots[k]] = d
			k++
		}
	}
	if isIdentityPerm(perm) {
		return Layout{}, true
	}
	return Layout{Perm: perm}, true
}
