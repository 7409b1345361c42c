package kernels

// PreparedBinaryInt8 is an int8 ADD, SUB or MUL (with broadcasting) whose
// constants were prepared for one variant at load time. Its units are the
// reference kernel's (output elements), and it is read-only after
// preparation, so interpreters share it.
type PreparedBinaryInt8 struct {
	Variant Variant
	Units   int
	run     func(a, b, out []int8, lo, hi int)
}

// Run computes output elements [lo, hi) from a and b, with the reference
// kernel's aliasing rules (out may be an operand that is not broadcast).
func (p *PreparedBinaryInt8) Run(a, b, out []int8, lo, hi int) { p.run(a, b, out, lo, hi) }

// mulPreparers and addPreparers map a variant to its MUL/ADD preparation,
// or to nothing (the reference kernel stays). Filled by the init functions
// of dispatch_elementwise_<arch>.go.
var (
	mulPreparers = map[Variant]func(p *MulInt8Params) (*PreparedBinaryInt8, bool){}
	addPreparers = map[Variant]func(p *AddInt8Params) (*PreparedBinaryInt8, bool){}
)

// PrepareMulInt8 returns MulInt8 prepared for variant v, or false when v
// has no fast path for it (the caller runs MulInt8).
func PrepareMulInt8(v Variant, p *MulInt8Params) (*PreparedBinaryInt8, bool) {
	if prep := mulPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// PrepareAddInt8 returns AddInt8 (SUB: BMultiplier negated) prepared for
// variant v, or false when v has no fast path for it.
func PrepareAddInt8(v Variant, p *AddInt8Params) (*PreparedBinaryInt8, bool) {
	if prep := addPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// binaryRuns is a variant's pair of loops for runContiguous: same for a
// run where both operands advance with the output, reference for any
// other run (the reference kernel over that output range).
type binaryRuns interface {
	same(dst, x, y []int8)
	reference(a, b, out []int8, lo, hi int)
}

// runContiguous walks output elements [lo, hi) of bc one innermost run at
// a time, like the reference kernels, and hands each run to r. It is
// generic rather than taking closures so that Run allocates nothing.
func runContiguous[R binaryRuns](r R, bc *Broadcast, a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	var c broadcastCursor
	c.seek(bc, lo)
	for o := lo; o < hi; {
		n, as, bs := c.run(hi - o)
		if as == 1 && bs == 1 {
			r.same(out[o:o+n], a[c.aOff:c.aOff+n], b[c.bOff:c.bOff+n])
		} else {
			r.reference(a, b, out, o, o+n)
		}
		o += n
		c.advance(n)
	}
}

// rowBroadcast reports whether bc is [P, C] with one operand full and the
// other one row of C repeated for every P (a squeeze-excite block's
// channel scale times its feature map): it returns C and whether a is the
// row, or 0 for any other broadcast.
func rowBroadcast(bc *Broadcast) (c int, aRow bool) {
	if bc.Rank != 2 || bc.OutShape[0] < 2 {
		return 0, false
	}
	n := bc.OutShape[1]
	switch {
	case bc.AStride == [MaxRank]int{n, 1} && bc.BStride == [MaxRank]int{0, 1}:
		return n, false
	case bc.AStride == [MaxRank]int{0, 1} && bc.BStride == [MaxRank]int{n, 1}:
		return n, true
	}
	return 0, false
}

// lutPreparers maps a variant to its LUTInt8 preparation. Filled by
// dispatch_elementwise_<arch>.go.
var lutPreparers = map[Variant]func(p *LUTParams) (*PreparedInt8, bool){}

// PrepareLUTInt8 returns LUTInt8 (one table, Channels == 1) prepared for
// variant v, with LUTInt8's units and aliasing (out may be in) and no
// scratch, or false when v has no fast path (the caller runs LUTInt8).
func PrepareLUTInt8(v Variant, p *LUTParams) (*PreparedInt8, bool) {
	if prep := lutPreparers[v]; prep != nil && p.Channels <= 1 && len(p.Table) >= 256 {
		return prep(p)
	}
	return nil, false
}
