package refeval

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// poolWindows lists, per spatial dim d and output position o, the input
// positions window o reads (in order of kernel offset) and how many of its
// kernel offsets fall inside the explicit padding.
type poolWindows struct {
	taps    [][][]int // [d][o] -> input positions
	padded  [][]int   // [d][o] -> offsets inside [-PadBegin, in+PadEnd) but outside the input
	inSp    []int
	outSp   []int
	inSize  int
	outSize int
}

func newPoolWindows(p *graph.Pool, inSp, outSp []int) *poolWindows {
	w := &poolWindows{inSp: inSp, outSp: outSp, inSize: prod(inSp), outSize: prod(outSp)}
	w.taps = make([][][]int, len(inSp))
	w.padded = make([][]int, len(inSp))
	for d := range inSp {
		w.taps[d] = make([][]int, outSp[d])
		w.padded[d] = make([]int, outSp[d])
		for o := range outSp[d] {
			for k := range p.Kernel[d] {
				pos := o*p.Strides[d] - p.PadsBegin[d] + k*p.Dilations[d]
				switch {
				case pos >= 0 && pos < inSp[d]:
					w.taps[d][o] = append(w.taps[d][o], pos)
				case pos >= -p.PadsBegin[d] && pos < inSp[d]+p.PadsEnd[d]:
					w.padded[d][o]++
				}
			}
		}
	}
	return w
}

// each calls fn for every output position (row-major) with the flat
// output index, the per-dim tap lists, and the window's count of input
// positions and of positions within input plus explicit padding.
func (w *poolWindows) each(fn func(out int, taps [][]int, inside, withPad int)) {
	sp := len(w.inSp)
	taps := make([][]int, sp)
	o := newOdometer(w.outSp)
	for i := range w.outSize {
		inside, withPad := 1, 1
		for d := range sp {
			t := w.taps[d][o.idx[d]]
			taps[d] = t
			inside *= len(t)
			withPad *= len(t) + w.padded[d][o.idx[d]]
		}
		fn(i, taps, inside, withPad)
		o.next()
	}
}

// visit calls fn with the flat input offset (row-major) and the spatial
// multi-index of every position in the window's cartesian product of taps.
func visit(taps [][]int, strides []int, pos []int, fn func(off int, pos []int)) {
	var rec func(d, off int)
	rec = func(d, off int) {
		if d == len(taps) {
			fn(off, pos)
			return
		}
		for _, p := range taps[d] {
			pos[d] = p
			rec(d+1, off+p*strides[d])
		}
	}
	rec(0, 0)
}

func maxPool(op *graph.MaxPool, x, y, indices *graph.Value) {
	n, c := x.Shape[0], x.Shape[1]
	w := newPoolWindows(&op.Pool, x.Shape[2:], y.Shape[2:])
	strides := graph.Strides(w.inSp)
	// Indices use row-major or column-major order within the plane.
	idxStrides := strides
	if op.StorageOrder == 1 {
		idxStrides = make([]int, len(w.inSp))
		acc := 1
		for d := range w.inSp {
			idxStrides[d] = acc
			acc *= w.inSp[d]
		}
	}
	pos := make([]int, len(w.inSp))
	for plane := range n * c {
		src := x.F[plane*w.inSize : (plane+1)*w.inSize]
		dst := y.F[plane*w.outSize : (plane+1)*w.outSize]
		w.each(func(out int, taps [][]int, inside, _ int) {
			best := float32(math.Inf(-1))
			bestIdx := -1
			visit(taps, strides, pos, func(off int, pos []int) {
				if v := src[off]; v > best || bestIdx < 0 && !(v < best) {
					best = v
					bestIdx = 0
					for d, p := range pos {
						bestIdx += p * idxStrides[d]
					}
				}
			})
			dst[out] = best
			if indices != nil {
				indices.I[plane*w.outSize+out] = int64(plane*w.inSize + max(bestIdx, 0))
			}
		})
	}
}

func averagePool(op *graph.AveragePool, x, y *graph.Value) {
	n, c := x.Shape[0], x.Shape[1]
	w := newPoolWindows(&op.Pool, x.Shape[2:], y.Shape[2:])
	strides := graph.Strides(w.inSp)
	pos := make([]int, len(w.inSp))
	for plane := range n * c {
		src := x.F[plane*w.inSize : (plane+1)*w.inSize]
		dst := y.F[plane*w.outSize : (plane+1)*w.outSize]
		w.each(func(out int, taps [][]int, inside, withPad int) {
			var sum float64
			visit(taps, strides, pos, func(off int, _ []int) {
				sum += float64(src[off])
			})
			div := inside
			if op.CountIncludePad {
				div = withPad
			}
			dst[out] = float32(sum / float64(div))
		})
	}
}
