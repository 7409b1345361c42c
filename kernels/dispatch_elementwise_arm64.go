//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/arm64"

// The arm64 MUL, ADD and table-lookup kernels (kernels/arm64/elementwise.go):
// NEON and DotProd run the same NEON code, which has nothing to gain from
// SDOT. Without them a board ran these ops in the reference kernels:
// EfficientNet-B0's sixteen squeeze-excite MULs took 13.2-17.4 ms of a
// 347-449 ms run in Go on the x86 machine, against 0.53-0.64 ms with AVX2
// (two runs of EDGEINFER_KERNELS=purego|avx2 edgeinfer bench
// benchmarks/work/efficientnet_b0/int8.einf --profile). SQRDMULH
// requantizes four lanes per instruction.
func init() {
	for _, v := range []Variant{NEON, DotProd} {
		if archSupport(v) != nil {
			continue
		}
		mulPreparers[v] = func(p *MulInt8Params) (*PreparedBinaryInt8, bool) { return prepareMulNEON(v, p) }
		addPreparers[v] = func(p *AddInt8Params) (*PreparedBinaryInt8, bool) { return prepareAddNEON(v, p) }
		lutPreparers[v] = func(p *LUTParams) (*PreparedInt8, bool) { return prepareLUTNEON(v, p) }
	}
}

// mulNEON runs contiguous runs (same shape, and the rows of a row
// broadcast) with arm64.MulInt8 and the others with the reference MulInt8.
type mulNEON struct {
	p *MulInt8Params
	c *arm64.MulConsts
}

func (m *mulNEON) same(dst, x, y []int8) { arm64.MulInt8(arm64.NEON, dst, x, y, m.c) }

// rows runs output elements [lo, hi) of a row broadcast of c channels:
// the whole pixels with arm64.MulRowInt8 (rc has the row's offset as
// BOffset), a partial first or last pixel with same.
func (m *mulNEON) rows(rc *arm64.MulConsts, c int, aRow bool, a, b, out []int8, lo, hi int) {
	full, row := a, b
	if aRow {
		full, row = b, a
	}
	part := func(o, e int) { // elements [o, e) of one pixel
		r := row[o%c : o%c+e-o]
		if aRow {
			m.same(out[o:e], r, full[o:e])
		} else {
			m.same(out[o:e], full[o:e], r)
		}
	}
	o := lo
	if k := o % c; k != 0 && o < hi {
		e := min(hi, o-k+c)
		part(o, e)
		o = e
	}
	if n := (hi - o) / c * c; n > 0 {
		arm64.MulRowInt8(arm64.NEON, out[o:o+n], full[o:o+n], row, c, rc)
		o += n
	}
	if o < hi {
		part(o, hi)
	}
}
func (m *mulNEON) reference(a, b, out []int8, lo, hi int) {
	MulInt8(m.p, a, b, out, lo, hi)
}

func prepareMulNEON(v Variant, p *MulInt8Params) (*PreparedBinaryInt8, bool) {
	c, ok := arm64.NewMulConsts(p.AOffset, p.BOffset, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
	if !ok {
		return nil, false
	}
	m := &mulNEON{p: p, c: c}
	run := func(a, b, out []int8, lo, hi int) { runContiguous(m, &p.Broadcast, a, b, out, lo, hi) }
	if row, aRow := rowBroadcast(&p.Broadcast); row >= 16 {
		// Squeeze-excite scales: whole pixels in one kernel call. The
		// product commutes, so the row always takes the b offset.
		rc := *c
		if aRow {
			rc.AOffset, rc.BOffset = c.BOffset, c.AOffset
		}
		run = func(a, b, out []int8, lo, hi int) { m.rows(&rc, row, aRow, a, b, out, lo, hi) }
	}
	return &PreparedBinaryInt8{Variant: v, Units: p.Units(), run: run}, true
}

// addNEON is mulNEON for ADD (and SUB).
type addNEON struct {
	p *AddInt8Params
	c *arm64.AddConsts
}

func (m *addNEON) same(dst, x, y []int8) { arm64.AddInt8(arm64.NEON, dst, x, y, m.c) }
func (m *addNEON) reference(a, b, out []int8, lo, hi int) {
	AddInt8(m.p, a, b, out, lo, hi)
}

func prepareAddNEON(v Variant, p *AddInt8Params) (*PreparedBinaryInt8, bool) {
	c, ok := arm64.NewAddConsts(p.AOffset, p.BOffset, p.AMultiplier, p.AShift, p.BMultiplier, p.BShift,
		p.LeftShift, p.OutMultiplier, p.OutShift, p.OutZeroPoint, p.ActMin, p.ActMax)
	if !ok {
		return nil, false
	}
	m := &addNEON{p: p, c: c}
	run := func(a, b, out []int8, lo, hi int) { runContiguous(m, &p.Broadcast, a, b, out, lo, hi) }
	return &PreparedBinaryInt8{Variant: v, Units: p.Units(), run: run}, true
}

// prepareLUTNEON runs LUTInt8 with arm64.LUTInt8 (TBL and TBX over the
// table in 16 registers).
func prepareLUTNEON(v Variant, p *LUTParams) (*PreparedInt8, bool) {
	table := (*[256]int8)(p.Table)
	run := func(in, out []int8, _ []byte, lo, hi int) {
		if lo < hi {
			arm64.LUTInt8(arm64.NEON, out[lo:hi], in[lo:hi], table)
		}
	}
	return NewPreparedInt8(v, p.Units(), 0, run), true
}
