package refeval

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// The data-movement kernels work on every dtype: they run the same generic
// code on Value.F or Value.I.

func transpose(perm []int, x, y *graph.Value) {
	if x.DType == graph.Float32 {
		transposeT(perm, x.Shape, x.F, y.F)
	} else {
		transposeT(perm, x.Shape, x.I, y.I)
	}
}

func transposeT[T float32 | int64](perm, inShape []int, src, dst []T) {
	r := len(perm)
	if len(dst) == 0 {
		return
	}
	inStr := graph.Strides(inShape)
	outShape := make([]int, r)
	str := make([]int, r) // input stride of each output dim
	for i, p := range perm {
		outShape[i] = inShape[p]
		str[i] = inStr[p]
	}
	if r == 0 {
		dst[0] = src[0]
		return
	}
	inner := outShape[r-1]
	s := str[r-1]
	o := newOdometer(outShape[:r-1])
	for i := 0; i < len(dst); i += inner {
		off := 0
		for d, x := range o.idx {
			off += x * str[d]
		}
		row := dst[i : i+inner]
		for j := range row {
			row[j] = src[off+j*s]
		}
		o.next()
	}
}

func concat(axis int, in []*graph.Value, y *graph.Value) {
	outer := prod(y.Shape[:axis])
	inner := prod(y.Shape[axis+1:])
	yRow := y.Shape[axis] * inner
	off := 0
	for _, x := range in {
		row := x.Shape[axis] * inner
		for o := range outer {
			if y.DType == graph.Float32 {
				copy(y.F[o*yRow+off:o*yRow+off+row], x.F[o*row:(o+1)*row])
			} else {
				copy(y.I[o*yRow+off:o*yRow+off+row], x.I[o*row:(o+1)*row])
			}
		}
		off += row
	}
}

// split cuts x along axis into pieces of op.Sizes; absent outputs still
// take their piece.
func split(op *graph.Split, x *graph.Value, out []*graph.Value) {
	outer := prod(x.Shape[:op.Axis])
	inner := prod(x.Shape[op.Axis+1:])
	xRow := x.Shape[op.Axis] * inner
	off := 0
	for k, size := range op.Sizes {
		row := size * inner
		if y := out[k]; y != nil {
			for o := range outer {
				if x.DType == graph.Float32 {
					copy(y.F[o*row:(o+1)*row], x.F[o*xRow+off:o*xRow+off+row])
				} else {
					copy(y.I[o*row:(o+1)*row], x.I[o*xRow+off:o*xRow+off+row])
				}
			}
		}
		off += row
	}
}

// indexMaps copies dst[o] = src[in(o)] where, per dim d, in_d = maps[d][o_d];
// a -1 in any dim writes fill instead.
func indexMaps[T float32 | int64](maps [][]int, inShape []int, src, dst []T, fill T) {
	r := len(maps)
	if len(dst) == 0 {
		return
	}
	if r == 0 {
		dst[0] = src[0]
		return
	}
	inStr := graph.Strides(inShape)
	outShape := make([]int, r)
	for d, m := range maps {
		outShape[d] = len(m)
	}
	inner := maps[r-1]
	s := inStr[r-1]
	o := newOdometer(outShape[:r-1])
	for i := 0; i < len(dst); i += len(inner) {
		off, valid := 0, true
		for d, x := range o.idx {
			p := maps[d][x]
			if p < 0 {
				valid = false
				break
			}
			off += p * inStr[d]
		}
		row := dst[i : i+len(inner)]
		if !valid {
			for j := range row {
				row[j] = fill
			}
		} else {
			for j, p := range inner {
				if p < 0 {
					row[j] = fill
				} else {
					row[j] = src[off+p*s]
				}
			}
		}
		o.next()
	}
}

func slice(op *graph.Slice, x, y *graph.Value) {
	maps := make([][]int, len(op.Sizes))
	for d, n := range op.Sizes {
		m := make([]int, n)
		for i := range m {
			m[i] = op.Starts[d] + i*op.Steps[d]
		}
		maps[d] = m
	}
	if x.DType == graph.Float32 {
		indexMaps(maps, x.Shape, x.F, y.F, 0)
	} else {
		indexMaps(maps, x.Shape, x.I, y.I, 0)
	}
}

// padSource maps an output position (already shifted by the begin pad) to
// the input position it copies in each mode, or -1 for the constant fill.
func padSource(p, n int, mode graph.PadMode) int {
	if p >= 0 && p < n {
		return p
	}
	switch mode {
	case graph.PadEdge:
		return min(max(p, 0), n-1)
	case graph.PadWrap:
		return ((p % n) + n) % n
	case graph.PadReflect:
		if n == 1 {
			return 0
		}
		period := 2 * (n - 1)
		p = ((p % period) + period) % period
		if p >= n {
			p = period - p
		}
		return p
	}
	return -1
}

func pad(op *graph.Pad, x, y *graph.Value) {
	maps := make([][]int, len(x.Shape))
	for d, n := range x.Shape {
		m := make([]int, y.Shape[d])
		for o := range m {
			m[o] = padSource(o-op.PadsBegin[d], n, op.Mode)
		}
		maps[d] = m
	}
	if x.DType == graph.Float32 {
		indexMaps(maps, x.Shape, x.F, y.F, float32(op.Value))
	} else {
		indexMaps(maps, x.Shape, x.I, y.I, x.DType.Wrap(int64(op.Value)))
	}
}

func gather(axis int, data, indices, y *graph.Value) error {
	outer := prod(data.Shape[:axis])
	inner := prod(data.Shape[axis+1:])
	n := data.Shape[axis]
	for k, ix := range indices.I {
		if ix < int64(-n) || ix >= int64(n) {
			return fmt.Errorf("index %d (position %d) out of range for dim %d of size %d", ix, k, axis, n)
		}
	}
	m := len(indices.I)
	for o := range outer {
		for k, ix := range indices.I {
			if ix < 0 {
				ix += int64(n)
			}
			src := (o*n + int(ix)) * inner
			dst := (o*m + k) * inner
			if data.DType == graph.Float32 {
				copy(y.F[dst:dst+inner], data.F[src:src+inner])
			} else {
				copy(y.I[dst:dst+inner], data.I[src:src+inner])
			}
		}
	}
	return nil
}

// cast converts between dtypes: floats to integers truncate toward zero
// (NaN becomes 0, values beyond int64 saturate) and then wrap, like a C
// cast through int64; anything to Bool is x != 0.
func cast(x, y *graph.Value) {
	switch {
	case x.DType == graph.Float32 && y.DType == graph.Float32:
		copy(y.F, x.F)
	case x.DType == graph.Float32:
		for i, v := range x.F {
			var n int64
			switch {
			case v != v:
				n = 0
			case y.DType == graph.Bool:
				n = 0
				if v != 0 {
					n = 1
				}
			case float64(v) >= math.MaxInt64:
				n = math.MaxInt64
			case float64(v) <= math.MinInt64:
				n = math.MinInt64
			default:
				n = int64(v)
			}
			y.I[i] = y.DType.Wrap(n)
		}
	case y.DType == graph.Float32:
		for i, v := range x.I {
			y.F[i] = float32(v)
		}
	default:
		for i, v := range x.I {
			y.I[i] = y.DType.Wrap(v)
		}
	}
}
