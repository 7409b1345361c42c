package kernels

import "fmt"

// NewBroadcast returns the Broadcast of the NumPy-style binary operation
// out = f(a, b). Shapes are right-aligned; every dimension of a and b must
// be 1 or the output's, and the output's must be what broadcasting a and b
// gives (an output that is larger than both operands is rejected). Size-1
// output dimensions are dropped and neighbouring dimensions that both
// operands read the same way are merged, so [1,56,56,24]+[1,56,56,24] is a
// single dimension of 75264 elements and [1,7,7,96]*[1,1,1,96] is
// [49,96] with b's stride 0 on the first. The merged rank must be at most
// MaxRank.
func NewBroadcast(out, a, b []int) (Broadcast, error) {
	if len(a) > len(out) || len(b) > len(out) {
		return Broadcast{}, fmt.Errorf("kernels: broadcast of %v and %v has a higher rank than the output %v", a, b, out)
	}
	empty := false
	for d, n := range out {
		da, db := dimAligned(a, d, len(out)), dimAligned(b, d, len(out))
		if n < 0 || da < 0 || db < 0 {
			return Broadcast{}, fmt.Errorf("kernels: negative dimension in broadcast of %v and %v to %v", a, b, out)
		}
		if (da != 1 && da != n) || (db != 1 && db != n) || (da == 1 && db == 1 && n != 1) {
			return Broadcast{}, fmt.Errorf("kernels: shapes %v and %v do not broadcast to %v (dimension %d)", a, b, out, d)
		}
		empty = empty || n == 0
	}
	var bc Broadcast
	if empty {
		bc.Rank = 1 // zero elements: one dimension of size 0
		return bc, nil
	}
	// Walk from the innermost dimension out, merging dimension d into the
	// run below it when each operand's stride at d is its stride there
	// times the run's size (contiguous, or broadcast on both).
	aStride, bStride := 1, 1 // element strides of a and b at dimension d
	var dims [2 * MaxRank]struct{ n, as, bs int }
	k := 0
	for d := len(out) - 1; d >= 0; d-- {
		n := out[d]
		as, bs := 0, 0
		if dimAligned(a, d, len(out)) != 1 {
			as = aStride
		}
		if dimAligned(b, d, len(out)) != 1 {
			bs = bStride
		}
		aStride *= dimAligned(a, d, len(out))
		bStride *= dimAligned(b, d, len(out))
		if n == 1 {
			continue
		}
		if k > 0 {
			in := &dims[k-1]
			if as == in.as*in.n && bs == in.bs*in.n {
				in.n *= n
				continue
			}
		}
		if k == len(dims) {
			return Broadcast{}, fmt.Errorf("kernels: broadcast of %v and %v to %v needs more than %d dimensions", a, b, out, MaxRank)
		}
		dims[k] = struct{ n, as, bs int }{n, as, bs}
		k++
	}
	if k > MaxRank {
		return Broadcast{}, fmt.Errorf("kernels: broadcast of %v and %v to %v needs %d dimensions, more than %d", a, b, out, k, MaxRank)
	}
	if k == 0 { // a single element
		dims[0] = struct{ n, as, bs int }{1, 0, 0}
		k = 1
	}
	bc.Rank = k
	for i := range k { // dims is innermost first
		j := k - 1 - i
		bc.OutShape[j], bc.AStride[j], bc.BStride[j] = dims[i].n, dims[i].as, dims[i].bs
	}
	return bc, nil
}

// dimAligned returns dimension d of shape right-aligned to rank dimensions
// (1 where shape has none).
func dimAligned(shape []int, d, rank int) int {
	if i := d - (rank - len(shape)); i >= 0 {
		return shape[i]
	}
	return 1
}

// broadcastCursor walks the output elements of a Broadcast in row-major
// order one innermost run at a time, tracking both operands' offsets.
type broadcastCursor struct {
	b          *Broadcast
	idx        [MaxRank]int
	aOff, bOff int
}

// seek positions the cursor on output element i.
func (c *broadcastCursor) seek(b *Broadcast, i int) {
	c.b = b
	c.aOff, c.bOff = 0, 0
	for d := b.Rank - 1; d >= 0; d-- {
		n := b.OutShape[d]
		k := i % n
		i /= n
		c.idx[d] = k
		c.aOff += k * b.AStride[d]
		c.bOff += k * b.BStride[d]
	}
}

// run returns the length of the innermost run starting at the cursor,
// capped at limit, and the operands' strides along it. A rank-0 Broadcast
// is one element.
func (c *broadcastCursor) run(limit int) (n, aStride, bStride int) {
	last := c.b.Rank - 1
	if last < 0 {
		return min(1, limit), 0, 0
	}
	return min(c.b.OutShape[last]-c.idx[last], limit), c.b.AStride[last], c.b.BStride[last]
}

// advance moves the cursor n elements forward along the innermost run,
// carrying into the outer dimensions at its end.
func (c *broadcastCursor) advance(n int) {
	b := c.b
	d := b.Rank - 1
	if d < 0 {
		return
	}
	c.idx[d] += n
	c.aOff += n * b.AStride[d]
	c.bOff += n * b.BStride[d]
	for d > 0 && c.idx[d] == b.OutShape[d] {
		c.aOff -= c.idx[d] * b.AStride[d]
		c.bOff -= c.idx[d] * b.BStride[d]
		c.idx[d] = 0
		d--
		c.idx[d]++
		c.aOff += b.AStride[d]
		c.bOff += b.BStride[d]
	}
}
