package builder

import (
	"fmt"
	"slices"
)

// maxRank is the highest tensor rank the runtime's layout kernels accept
// (kernels.MaxRank).
const maxRank = 6

// windowOut is the output length of a convolution or pooling window along
// one axis: (in + padBefore + padAfter - dilation*(k-1) - 1)/stride + 1,
// the formula format's validator checks.
func windowOut(in, k, stride, dilation, padBefore, padAfter int) (int, error) {
	if k < 1 || stride < 1 || dilation < 1 || padBefore < 0 || padAfter < 0 {
		return 0, fmt.Errorf("kernel %d, stride %d, dilation %d, padding %d/%d: kernel, stride and dilation must be >= 1, padding >= 0",
			k, stride, dilation, padBefore, padAfter)
	}
	span := dilation*(k-1) + 1
	padded := in + padBefore + padAfter
	if padded < span {
		return 0, fmt.Errorf("window span %d is larger than the padded input %d", span, padded)
	}
	return (padded-span)/stride + 1, nil
}

// broadcastShape is NumPy broadcasting of two shapes: right-aligned, each
// dimension pair equal or one of them 1.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// normAxis maps a possibly negative axis to [0, rank).
func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// reduceShape is the shape after reducing axes (normalized, sorted,
// distinct on return).
func reduceShape(shape, axes []int, keepDims bool) (out, norm []int, err error) {
	if len(axes) == 0 {
		return nil, nil, fmt.Errorf("no axes to reduce")
	}
	for _, a := range axes {
		n, err := normAxis(a, len(shape))
		if err != nil {
			return nil, nil, err
		}
		if slices.Contains(norm, n) {
			return nil, nil, fmt.Errorf("axis %d repeated", a)
		}
		norm = append(norm, n)
	}
	slices.Sort(norm)
	for i, d := range shape {
		switch {
		case !slices.Contains(norm, i):
			out = append(out, d)
		case keepDims:
			out = append(out, 1)
		}
	}
	if len(out) == 0 {
		out = []int{1}
	}
	return out, norm, nil
}

// resolveReshape fills one -1 in shape so that it holds n elements.
func resolveReshape(shape []int, n int) ([]int, error) {
	out := slices.Clone(shape)
	known, free := 1, -1
	for i, d := range out {
		switch {
		case d == -1 && free < 0:
			free = i
		case d <= 0:
			return nil, fmt.Errorf("shape %v: dimension %d is %d", shape, i, d)
		default:
			known *= d
		}
	}
	if free >= 0 {
		if n%known != 0 {
			return nil, fmt.Errorf("shape %v cannot hold %d elements", shape, n)
		}
		out[free] = n / known
	}
	if elements(out) != n {
		return nil, fmt.Errorf("shape %v holds %d elements, input has %d", out, elements(out), n)
	}
	return out, nil
}
