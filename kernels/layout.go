package kernels

import "fmt"

// Data-movement kernels. They copy raw elements of ElemSize bytes and so
// serve every dtype; a unit is one output row (the innermost dimension).
// out must not overlap the inputs.

// Concat concatenates along an axis as p describes: output slice o is the
// Chunk[i] bytes of slice o of each input i in turn.
func Concat(p *ConcatParams, ins [][]byte, out []byte, lo, hi int) {
	row := 0
	for _, n := range p.Chunk {
		row += n
	}
	for o := lo; o < hi; o++ {
		dst := out[o*row : (o+1)*row]
		for i, n := range p.Chunk {
			copy(dst[:n], ins[i][o*n:(o+1)*n])
			dst = dst[n:]
		}
	}
}

// NewConcatParams returns the parameters of concatenating tensors of the
// given shapes along axis (negative counts from the end). All shapes must
// have the same rank and agree on every dimension but axis.
func NewConcatParams(inShapes [][]int, axis, elemSize int) (ConcatParams, error) {
	if len(inShapes) == 0 {
		return ConcatParams{}, fmt.Errorf("kernels: concatenation of no inputs")
	}
	if elemSize < 1 {
		return ConcatParams{}, fmt.Errorf("kernels: concatenation of %d-byte elements", elemSize)
	}
	first := inShapes[0]
	r := len(first)
	if axis < -r || axis >= r {
		return ConcatParams{}, fmt.Errorf("kernels: concatenation axis %d is out of range for rank %d", axis, r)
	}
	if axis < 0 {
		axis += r
	}
	p := ConcatParams{Outer: 1, Chunk: make([]int, len(inShapes))}
	for d := range axis {
		p.Outer *= first[d]
	}
	for i, s := range inShapes {
		if len(s) != r {
			return ConcatParams{}, fmt.Errorf("kernels: concatenation input %d has shape %v, rank %d; input 0 has %v", i, s, len(s), first)
		}
		chunk := elemSize
		for d, n := range s {
			if n < 0 {
				return ConcatParams{}, fmt.Errorf("kernels: concatenation input %d has a negative dimension: %v", i, s)
			}
			if d != axis && n != first[d] {
				return ConcatParams{}, fmt.Errorf("kernels: concatenation input %d has shape %v, input 0 %v: dimension %d differs off the axis %d", i, s, first, d, axis)
			}
			if d >= axis {
				chunk *= n
			}
		}
		p.Chunk[i] = chunk
	}
	return p, nil
}

// Pad writes the input surrounded by Before[d] and After[d] elements of
// Value along every dimension d. Negative pads crop: output index j along d
// reads input index j - Before[d] when that is in range, and is padding
// otherwise.
func Pad(p *LayoutParams, in, out []byte, lo, hi int) {
	if lo >= hi {
		return
	}
	es, last := p.ElemSize, p.Rank-1
	inStride := elemStrides(&p.InShape, p.Rank)
	value := p.Value[:es]
	outW, inW := p.OutShape[last], p.InShape[last]
	// The input part of every non-padding row is output [j0, j1).
	j0 := min(max(p.Before[last], 0), outW)
	j1 := min(max(p.Before[last]+inW, j0), outW)
	rowBytes := outW * es
	var c rowCursor
	c.seek(&p.OutShape, last, lo)
	for row := lo; row < hi; row++ {
		dst := out[row*rowBytes : (row+1)*rowBytes]
		src, inside := 0, true
		for d := range last {
			i := c.idx[d] - p.Before[d]
			if i < 0 || i >= p.InShape[d] {
				inside = false
				break
			}
			src += i * inStride[d]
		}
		if !inside || j0 == j1 {
			fillElems(dst, value)
		} else {
			src += j0 - p.Before[last]
			fillElems(dst[:j0*es], value)
			copy(dst[j0*es:j1*es], in[src*es:(src+j1-j0)*es])
			fillElems(dst[j1*es:], value)
		}
		c.next(&p.OutShape, last)
	}
}

// Transpose writes out[o] = in[i] with i[Perm[d]] = o[d].
func Transpose(p *LayoutParams, in, out []byte, lo, hi int) {
	transpose(p, in, out, lo, hi, interleaveBytesSWAR)
}

// TransposeFor returns Transpose as variant v runs it: the channel
// shuffle's byte interleave with InterleaveFor(v). The bytes are
// Transpose's.
func TransposeFor(v Variant) func(p *LayoutParams, in, out []byte, lo, hi int) {
	interleave := InterleaveFor(v)
	return func(p *LayoutParams, in, out []byte, lo, hi int) { transpose(p, in, out, lo, hi, interleave) }
}

// InterleaveFor returns variant v's routine for dst[2k], dst[2k+1] =
// x[k], y[k] (k < len(x); dst must not overlap x or y), the channel
// shuffle's inner loop.
func InterleaveFor(v Variant) func(dst, x, y []byte) {
	if il := interleaveKernels[v]; il != nil {
		return il
	}
	return interleaveBytesSWAR
}

// HasInterleave reports whether variant v has a vector byte interleave
// (InterleaveFor otherwise returns the portable SWAR loop).
func HasInterleave(v Variant) bool { return interleaveKernels[v] != nil }

// interleaveKernels maps a variant to its routine for
// dst[2k], dst[2k+1] = x[k], y[k] (amd64.InterleaveBytesGo states it);
// filled by the dispatch files of the architectures that have one.
var interleaveKernels = map[Variant]func(dst, x, y []byte){}

func transpose(p *LayoutParams, in, out []byte, lo, hi int, interleave func(dst, x, y []byte)) {
	if lo >= hi {
		return
	}
	last := p.Rank - 1
	if p.ElemSize == 1 && last >= 1 && p.Perm[last] == last-1 && p.Perm[last-1] == last && (last == 1 || p.Perm[0] == 0) {
		transposeInnerBytes(p.InShape[last-1], p.InShape[last], in, out, lo, hi, interleave)
		return
	}
	inStride := elemStrides(&p.InShape, p.Rank)
	outW := p.OutShape[last]
	step := inStride[p.Perm[last]]
	var c rowCursor
	c.seek(&p.OutShape, last, lo)
	for row := lo; row < hi; row++ {
		src := 0
		for d := range last {
			src += c.idx[d] * inStride[p.Perm[d]]
		}
		gatherElems(out[row*outW*p.ElemSize:(row+1)*outW*p.ElemSize], in, src, step, p.ElemSize)
		c.next(&p.OutShape, last)
	}
}

// transposeInnerBytes is Transpose for 1-byte elements when the (merged)
// permutation swaps the last two dimensions of blocks of [rows, cols]
// elements: output row r (block r/cols, column r%cols) holds the block's
// column. Channel shuffles (ShuffleNet's [H*W, 2, C] to [H*W, C, 2]) and
// NHWC to NCHW land here; the row-by-row gather cost ~10 ns per output row
// of 2 elements, where this walks each input row once. Two rows (the
// channel shuffle) go to interleave.
func transposeInnerBytes(rows, cols int, in, out []byte, lo, hi int, interleave func(dst, x, y []byte)) {
	for r := lo; r < hi; {
		b, j := r/cols, r%cols
		n := min(cols-j, hi-r) // output rows left in this block
		blk := in[b*rows*cols:][:rows*cols]
		o := out[r*rows:][:n*rows]
		if rows == 2 {
			interleave(o, blk[j:][:n], blk[cols+j:][:n])
			r += n
			continue
		}
		for i := range rows {
			for k, v := range blk[i*cols+j:][:n] {
				o[k*rows+i] = v
			}
		}
		r += n
	}
}

// Slice writes out[o] = in[i] with i[d] = Begin[d] + o[d]*Step[d].
func Slice(p *LayoutParams, in, out []byte, lo, hi int) {
	if lo >= hi {
		return
	}
	last := p.Rank - 1
	inStride := elemStrides(&p.InShape, p.Rank)
	outW := p.OutShape[last]
	var c rowCursor
	c.seek(&p.OutShape, last, lo)
	for row := lo; row < hi; row++ {
		src := p.Begin[last]
		for d := range last {
			src += (p.Begin[d] + c.idx[d]*p.Step[d]) * inStride[d]
		}
		gatherElems(out[row*outW*p.ElemSize:(row+1)*outW*p.ElemSize], in, src, p.Step[last], p.ElemSize)
		c.next(&p.OutShape, last)
	}
}

// rowCursor is an odometer over the outer dimensions [0, n) of a shape:
// the output coordinates of the current row.
type rowCursor struct {
	idx [MaxRank]int
}

func (c *rowCursor) seek(shape *[MaxRank]int, n, row int) {
	for d := n - 1; d >= 0; d-- {
		c.idx[d] = row % shape[d]
		row /= shape[d]
	}
}

func (c *rowCursor) next(shape *[MaxRank]int, n int) {
	for d := n - 1; d >= 0; d-- {
		if c.idx[d]++; c.idx[d] < shape[d] {
			return
		}
		c.idx[d] = 0
	}
}

// elemStrides returns the row-major element strides of shape[:rank].
func elemStrides(shape *[MaxRank]int, rank int) [MaxRank]int {
	var s [MaxRank]int
	n := 1
	for d := rank - 1; d >= 0; d-- {
		s[d] = n
		n *= shape[d]
	}
	return s
}

// fillElems fills dst with copies of the element value, doubling the filled
// prefix with each copy.
func fillElems(dst, value []byte) {
	if len(dst) == 0 {
		return
	}
	if len(value) == 1 {
		v := value[0]
		for i := range dst {
			dst[i] = v
		}
		return
	}
	n := copy(dst, value)
	for n < len(dst) {
		n += copy(dst[n:], dst[:n])
	}
}

// gatherElems copies len(dst)/es elements of es bytes into dst, reading
// element src + j*step of in for element j.
func gatherElems(dst, in []byte, src, step, es int) {
	n := len(dst) / es
	if n == 0 {
		return
	}
	if step == 1 {
		copy(dst, in[src*es:(src+n)*es])
		return
	}
	switch es {
	case 1:
		for j := range dst {
			dst[j] = in[src]
			src += step
		}
	case 2:
		for j := 0; j < len(dst); j += 2 {
			*(*[2]byte)(dst[j:]) = *(*[2]byte)(in[src*2:])
			src += step
		}
	case 4:
		for j := 0; j < len(dst); j += 4 {
			*(*[4]byte)(dst[j:]) = *(*[4]byte)(in[src*4:])
			src += step
		}
	case 8:
		for j := 0; j < len(dst); j += 8 {
			*(*[8]byte)(dst[j:]) = *(*[8]byte)(in[src*8:])
			src += step
		}
	default:
		for j := 0; j < len(dst); j += es {
			copy(dst[j:j+es], in[src*es:(src+1)*es])
			src += step
		}
	}
}

// The constructors below check their arguments and then merge dimensions
// that the operation moves as one block (a dimension with the unpadded,
// unsliced or adjacent dimension inside it; size-1 dimensions), so the
// kernels copy longer rows. The merged InShape and OutShape describe the
// same row-major bytes as the tensors' real shapes.

// NewPadParams returns the parameters of padding a tensor of shape inShape
// with before[d] and after[d] elements along dimension d (negative values
// crop), every padding element being the elemSize bytes of value. A scalar
// (rank 0) is a one-element vector.
func NewPadParams(inShape, before, after []int, elemSize int, value []byte) (LayoutParams, error) {
	p, err := newLayoutParams("pad", inShape, elemSize)
	if err != nil {
		return p, err
	}
	if elemSize > len(p.Value) || len(value) != elemSize {
		return LayoutParams{}, fmt.Errorf("kernels: pad value has %d bytes for %d-byte elements (at most %d)", len(value), elemSize, len(p.Value))
	}
	copy(p.Value[:], value)
	if len(before) != len(inShape) || len(after) != len(inShape) {
		return LayoutParams{}, fmt.Errorf("kernels: pad of shape %v has %d before and %d after amounts", inShape, len(before), len(after))
	}
	for d := range inShape {
		n := inShape[d] + before[d] + after[d]
		if n < 0 {
			return LayoutParams{}, fmt.Errorf("kernels: pad of shape %v by %d before and %d after dimension %d crops more than it holds", inShape, before[d], after[d], d)
		}
		p.Before[d], p.After[d], p.OutShape[d] = before[d], after[d], n
	}
	mergePadDims(&p)
	return p, nil
}

// NewTransposeParams returns the parameters of the transpose whose output
// dimension d is input dimension perm[d].
func NewTransposeParams(inShape, perm []int, elemSize int) (LayoutParams, error) {
	p, err := newLayoutParams("transpose", inShape, elemSize)
	if err != nil {
		return p, err
	}
	if len(inShape) == 0 && len(perm) == 0 {
		return p, nil // the scalar's rank-1 view is its own transpose
	}
	if len(perm) != len(inShape) {
		return LayoutParams{}, fmt.Errorf("kernels: transpose permutation %v for shape %v of rank %d", perm, inShape, len(inShape))
	}
	var seen [MaxRank]bool
	for d, s := range perm {
		if s < 0 || s >= len(perm) || seen[s] {
			return LayoutParams{}, fmt.Errorf("kernels: transpose permutation %v is not a permutation of 0..%d", perm, len(perm)-1)
		}
		seen[s] = true
		p.Perm[d], p.OutShape[d] = s, inShape[s]
	}
	mergeTransposeDims(&p)
	return p, nil
}

// NewSliceParams returns the parameters of the slice whose output index j
// along dimension d reads input index begin[d] + j*step[d] for j in
// [0, size[d]). An empty step means 1 everywhere; a step may be negative
// but not zero, and every index read must lie in the input.
func NewSliceParams(inShape, begin, size, step []int, elemSize int) (LayoutParams, error) {
	p, err := newLayoutParams("slice", inShape, elemSize)
	if err != nil {
		return p, err
	}
	if len(inShape) == 0 && len(begin) == 0 && len(size) == 0 && len(step) == 0 {
		p.Step[0] = 1
		return p, nil
	}
	if len(begin) != len(inShape) || len(size) != len(inShape) || (len(step) != 0 && len(step) != len(inShape)) {
		return LayoutParams{}, fmt.Errorf("kernels: slice of shape %v has %d begins, %d sizes and %d steps", inShape, len(begin), len(size), len(step))
	}
	for d, n := range inShape {
		b, s, k := begin[d], size[d], 1
		if len(step) != 0 {
			k = step[d]
		}
		switch {
		case k == 0:
			return LayoutParams{}, fmt.Errorf("kernels: slice of shape %v has step 0 in dimension %d", inShape, d)
		case s < 0:
			return LayoutParams{}, fmt.Errorf("kernels: slice of shape %v has negative size %d in dimension %d", inShape, s, d)
		case s > 0 && (b < 0 || b >= n || b+(s-1)*k < 0 || b+(s-1)*k >= n):
			return LayoutParams{}, fmt.Errorf("kernels: slice of shape %v reads indices %d to %d (step %d) of dimension %d, which has %d", inShape, b, b+(s-1)*k, k, d, n)
		case s == 0:
			b = 0 // nothing is read
		}
		p.Begin[d], p.Step[d], p.OutShape[d] = b, k, s
	}
	mergeSliceDims(&p)
	return p, nil
}

// newLayoutParams checks what Pad, Transpose and Slice share and returns
// params with InShape and OutShape set to inShape (a scalar as [1]).
func newLayoutParams(op string, inShape []int, elemSize int) (LayoutParams, error) {
	if len(inShape) > MaxRank {
		return LayoutParams{}, fmt.Errorf("kernels: %s of shape %v: rank %d is above the maximum %d", op, inShape, len(inShape), MaxRank)
	}
	if elemSize < 1 {
		return LayoutParams{}, fmt.Errorf("kernels: %s of %d-byte elements", op, elemSize)
	}
	p := LayoutParams{Rank: len(inShape), ElemSize: elemSize}
	for d, n := range inShape {
		if n < 0 {
			return LayoutParams{}, fmt.Errorf("kernels: %s of shape %v: negative dimension %d", op, inShape, d)
		}
		p.InShape[d], p.OutShape[d] = n, n
	}
	if p.Rank == 0 {
		p.Rank, p.InShape[0], p.OutShape[0] = 1, 1, 1
	}
	return p, nil
}

// mergePadDims folds each dimension into the one inside it when that one is
// not padded: [N,H,W,C] padded in H and W becomes [N,H,W*C] with the W
// amounts times C.
func mergePadDims(p *LayoutParams) {
	var in, out, before, after [MaxRank]int // innermost first
	k := 0
	for d := p.Rank - 1; d >= 0; d-- {
		if k > 0 && before[k-1] == 0 && after[k-1] == 0 {
			w := in[k-1]
			in[k-1], out[k-1] = p.InShape[d]*w, p.OutShape[d]*w
			before[k-1], after[k-1] = p.Before[d]*w, p.After[d]*w
			continue
		}
		in[k], out[k], before[k], after[k] = p.InShape[d], p.OutShape[d], p.Before[d], p.After[d]
		k++
	}
	p.Rank, p.InShape, p.OutShape, p.Before, p.After = k, [MaxRank]int{}, [MaxRank]int{}, [MaxRank]int{}, [MaxRank]int{}
	for i := range k {
		p.InShape[k-1-i], p.OutShape[k-1-i], p.Before[k-1-i], p.After[k-1-i] = in[i], out[i], before[i], after[i]
	}
}

// mergeTransposeDims drops size-1 dimensions and merges input dimensions
// that stay neighbours in the output: NHWC to NCHW, perm [0,3,1,2], is
// [N, H*W, C] to [N, C, H*W], perm [0,2,1].
func mergeTransposeDims(p *LayoutParams) {
	var in, perm [MaxRank]int
	var renumber [MaxRank]int
	n := 0
	for d := range p.Rank {
		renumber[d] = -1
		if p.InShape[d] != 1 {
			renumber[d], in[n] = n, p.InShape[d]
			n++
		}
	}
	m := 0
	for _, s := range p.Perm[:p.Rank] {
		if renumber[s] >= 0 {
			perm[m] = renumber[s]
			m++
		}
	}
	if n == 0 { // a single element
		in[0], perm[0], n, m = 1, 0, 1, 1
	}
	// follows[s]: input dimension s comes right after s-1 in the output,
	// so the two move as one block.
	var follows [MaxRank]bool
	for i := 1; i < m; i++ {
		follows[perm[i]] = perm[i] == perm[i-1]+1
	}
	var group, size [MaxRank]int // group of each input dimension, size of each group
	g := -1
	for s := range n {
		if !follows[s] {
			g++
			size[g] = 1
		}
		size[g] *= in[s]
		group[s] = g
	}
	p.Rank, p.InShape, p.OutShape, p.Perm = g+1, size, [MaxRank]int{}, [MaxRank]int{}
	k := 0
	for _, s := range perm[:m] {
		if !follows[s] {
			p.Perm[k], p.OutShape[k] = group[s], size[group[s]]
			k++
		}
	}
}

// mergeSliceDims folds a dimension read with step 1 (or once) into the one
// inside it when that one is read whole: slicing H of [N,H,W,C] is
// [N,H,W*C] with the H begin times W*C.
func mergeSliceDims(p *LayoutParams) {
	var in, out, begin, step [MaxRank]int // innermost first
	k := 0
	for d := p.Rank - 1; d >= 0; d-- {
		whole := k > 0 && begin[k-1] == 0 && step[k-1] == 1 && out[k-1] == in[k-1]
		if whole && (p.Step[d] == 1 || p.OutShape[d] == 1) {
			w := in[k-1]
			in[k-1], out[k-1], begin[k-1] = p.InShape[d]*w, p.OutShape[d]*w, p.Begin[d]*w
			continue
		}
		in[k], out[k], begin[k], step[k] = p.InShape[d], p.OutShape[d], p.Begin[d], p.Step[d]
		k++
	}
	p.Rank, p.InShape, p.OutShape, p.Begin, p.Step = k, [MaxRank]int{}, [MaxRank]int{}, [MaxRank]int{}, [MaxRank]int{}
	for i := range k {
		p.InShape[k-1-i], p.OutShape[k-1-i], p.Begin[k-1-i], p.Step[k-1-i] = in[i], out[i], begin[i], step[i]
	}
}
