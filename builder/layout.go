package builder

import (
	"fmt"
	"slices"

	"github.com/edgeinfer/edgeinfer/format"
)

// Concat joins xs along axis (negative counts from the end); all other
// dimensions must match.
func (b *Builder) Concat(name string, axis int, xs ...Tensor) Tensor {
	return b.add(format.OpConcatenation, name, xs, func(n *node, in []*value) ([]int, error) {
		if len(in) < 1 {
			return nil, fmt.Errorf("no inputs")
		}
		rank := len(in[0].shape)
		a, err := normAxis(axis, rank)
		if err != nil {
			return nil, err
		}
		out := slices.Clone(in[0].shape)
		for i, v := range in[1:] {
			if len(v.shape) != rank {
				return nil, fmt.Errorf("input %d %q shape %v: rank differs from %v", i+1, v.name, v.shape, in[0].shape)
			}
			for d := range rank {
				if d != a && v.shape[d] != out[d] {
					return nil, fmt.Errorf("input %d %q shape %v: dimension %d differs from %v", i+1, v.name, v.shape, d, in[0].shape)
				}
			}
			out[a] += v.shape[a]
		}
		n.options = &format.ConcatOptions{Axis: a}
		return out, nil
	})
}

// Pad pads x with a constant (in real units); paddings holds a before and
// an after count per dimension.
func (b *Builder) Pad(name string, x Tensor, paddings []int, padValue float32) Tensor {
	return b.add(format.OpPad, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		shape := in[0].shape
		if len(paddings) != 2*len(shape) {
			return nil, fmt.Errorf("%d paddings for rank %d; want %d", len(paddings), len(shape), 2*len(shape))
		}
		if err := checkFinite([]float32{padValue}); err != nil {
			return nil, fmt.Errorf("pad value: %v", err)
		}
		out := make([]int, len(shape))
		for d := range shape {
			before, after := paddings[2*d], paddings[2*d+1]
			if before < 0 || after < 0 {
				return nil, fmt.Errorf("dimension %d: negative padding %d/%d", d, before, after)
			}
			out[d] = shape[d] + before + after
		}
		n.options = &format.PadOptions{Paddings: slices.Clone(paddings), Value: padValue}
		return out, nil
	})
}

// Reshape gives x a new shape with the same number of elements; one
// dimension may be -1 and is inferred. The data order is unchanged (NHWC
// row-major).
func (b *Builder) Reshape(name string, x Tensor, shape []int) Tensor {
	return b.add(format.OpReshape, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		return resolveReshape(shape, elements(in[0].shape))
	})
}

// Flatten reshapes x to [x.shape[0], rest] in its own (NHWC) element order.
func (b *Builder) Flatten(name string, x Tensor) Tensor {
	if !b.valid(x) {
		return b.Reshape(name, x, nil) // records the error
	}
	return b.Reshape(name, x, []int{b.values[x].shape[0], -1})
}

// Transpose permutes dimensions: output dimension i is input dimension perm[i].
func (b *Builder) Transpose(name string, x Tensor, perm []int) Tensor {
	return b.add(format.OpTranspose, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		shape := in[0].shape
		if len(perm) != len(shape) {
			return nil, fmt.Errorf("perm %v for rank %d", perm, len(shape))
		}
		out := make([]int, len(shape))
		seen := make([]bool, len(shape))
		for i, p := range perm {
			if p < 0 || p >= len(shape) || seen[p] {
				return nil, fmt.Errorf("perm %v is not a permutation of 0..%d", perm, len(shape)-1)
			}
			seen[p] = true
			out[i] = shape[p]
		}
		n.options = &format.TransposeOptions{Perm: slices.Clone(perm)}
		return out, nil
	})
}

// Slice takes size[d] elements from begin[d] with stride step[d] along each
// dimension. A size of -1 takes everything to the end; a nil step is all
// ones.
func (b *Builder) Slice(name string, x Tensor, begin, size, step []int) Tensor {
	return b.add(format.OpSlice, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		shape := in[0].shape
		if step == nil {
			step = slices.Repeat([]int{1}, len(shape))
		}
		if len(begin) != len(shape) || len(size) != len(shape) || len(step) != len(shape) {
			return nil, fmt.Errorf("begin %v, size %v, step %v for rank %d", begin, size, step, len(shape))
		}
		out := make([]int, len(shape))
		for d, dim := range shape {
			if step[d] < 1 || begin[d] < 0 || begin[d] >= dim {
				return nil, fmt.Errorf("dimension %d (%d): begin %d, step %d out of range", d, dim, begin[d], step[d])
			}
			s := size[d]
			if s == -1 {
				s = (dim - begin[d] + step[d] - 1) / step[d]
			}
			if s < 1 || begin[d]+(s-1)*step[d] >= dim {
				return nil, fmt.Errorf("dimension %d (%d): begin %d, size %d, step %d reads past the end", d, dim, begin[d], size[d], step[d])
			}
			out[d] = s
		}
		o := &format.SliceOptions{Begin: slices.Clone(begin), Size: slices.Clone(out)}
		if slices.ContainsFunc(step, func(s int) bool { return s != 1 }) {
			o.Step = slices.Clone(step)
		}
		n.options = o
		return out, nil
	})
}

// Split cuts x into parts equal slices along axis; the slices are named
// name/0, name/1, ...
func (b *Builder) Split(name string, x Tensor, axis, parts int) []Tensor {
	if b.err != nil {
		return nil
	}
	if !b.valid(x) || parts < 1 {
		b.err = fmt.Errorf("builder: split %q: need a tensor of this builder and parts >= 1", name)
		return nil
	}
	shape := b.values[x].shape
	a, err := normAxis(axis, len(shape))
	if err == nil && shape[a]%parts != 0 {
		err = fmt.Errorf("dimension %d of shape %v does not split into %d parts", a, shape, parts)
	}
	if err != nil {
		b.err = fmt.Errorf("builder: split %q: %v", name, err)
		return nil
	}
	outs := make([]Tensor, parts)
	for i := range parts {
		begin := make([]int, len(shape))
		size := slices.Clone(shape)
		size[a] = shape[a] / parts
		begin[a] = i * size[a]
		outs[i] = b.Slice(fmt.Sprintf("%s/%d", name, i), x, begin, size, nil)
	}
	return outs
}

// Resize scales the H and W of an NHWC input to outH×outW.
func (b *Builder) Resize(name string, x Tensor, outH, outW int, o format.ResizeOptions) Tensor {
	return b.add(format.OpResize, name, []Tensor{x}, func(n *node, in []*value) ([]int, error) {
		if err := rank4(in[0]); err != nil {
			return nil, err
		}
		if o.Mode > format.ResizeBilinear || o.Coordinate > format.CoordPytorchHalfPixel || o.Nearest > format.NearestCeil {
			return nil, fmt.Errorf("resize options %+v out of range", o)
		}
		n.options = &o
		s := in[0].shape
		return []int{s[0], outH, outW, s[3]}, nil
	})
}
