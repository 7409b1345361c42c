//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// Every amd64 variant runs the AVX2 MUL, ADD and table-lookup kernels: VNNI
// adds nothing to their requantization or byte shuffles.
func init() {
	for _, v := range []Variant{AVX2, AVXVNNI, AVX512VNNI} {
		mulPreparers[v] = func(p *MulInt8Params) (*PreparedBinaryInt8, bool) { return prepareMulAVX2(v, p) }
		addPreparers[v] = func(p *AddInt8Params) (*PreparedBinaryInt8, bool) { return prepareAddAVX2(v, p) }
		lutPreparers[v] = func(p *LUTParams) (*PreparedInt8, bool) { return prepareLUTAVX2(v, p) }
	}
}

// prepareLUTAVX2 runs LUTInt8 with amd64.LUTInt8AVX2 (VPSHUFB over the
// table's 16 sub-tables).
func prepareLUTAVX2(v Variant, p *LUTParams) (*PreparedInt8, bool) {
	t := amd64.NewLUTTable(p.Table)
	run := func(in, out []int8, _ []byte, lo, hi int) {
		if lo < hi {
			amd64.LUTInt8AVX2(out[lo:hi], in[lo:hi], t)
		}
	}
	return NewPreparedInt8(v, p.Units(), 0, run), true
}

// mulAVX2 runs contiguous runs with amd64.MulInt8AVX2 and the others
// (scalar or strided operands) with the reference MulInt8.
type mulAVX2 struct {
	p *MulInt8Params
	k *amd64.MulInt8Consts
}

func (m *mulAVX2) same(dst, x, y []int8) { amd64.MulInt8AVX2(dst, x, y, m.k) }
func (m *mulAVX2) reference(a, b, out []int8, lo, hi int) {
	MulInt8(m.p, a, b, out, lo, hi)
}

func prepareMulAVX2(v Variant, p *MulInt8Params) (*PreparedBinaryInt8, bool) {
	k, err := amd64.NewMulInt8Consts(p.AOffset, p.BOffset, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	m := &mulAVX2{p: p, k: k}
	run := func(a, b, out []int8, lo, hi int) { runContiguous(m, &p.Broadcast, a, b, out, lo, hi) }
	if row, aRow := rowBroadcast(&p.Broadcast); row > 0 && row <= amd64.MulRowMaxLanes {
		if r := newMulRowAVX2(p, row, aRow); r != nil {
			run = r.run
		} else if row <= rowRepeatBytes/2 {
			run = func(a, b, out []int8, lo, hi int) { m.rows(row, aRow, a, b, out, lo, hi) }
		}
	}
	return &PreparedBinaryInt8{Variant: v, Units: p.Units(), run: run}, true
}

// mulRowAVX2 runs a row-broadcast MUL (rowBroadcast) with
// amd64.MulRowInt8AVX2: per call it fills the lane constants of the row,
// repeated for as many whole pixels as a MulRowLanes holds, and hands the
// kernel that many elements at a time.
type mulRowAVX2 struct {
	k    *amd64.MulRowInt8
	c    int  // channels: the row's length
	aRow bool // a is the row
}

// newMulRowAVX2 returns the row-broadcast MUL of p with c channels, or
// nil when amd64.NewMulRowInt8 does not take its quantization (a left
// shift, a rounding threshold too large).
func newMulRowAVX2(p *MulInt8Params, c int, aRow bool) *mulRowAVX2 {
	fullOff, rowOff := p.AOffset, p.BOffset
	if aRow {
		fullOff, rowOff = rowOff, fullOff
	}
	k, err := amd64.NewMulRowInt8(fullOff, rowOff, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil
	}
	return &mulRowAVX2{k: k, c: c, aRow: aRow}
}

func (m *mulRowAVX2) run(a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	full, row := a, b
	if m.aRow {
		full, row = b, a
	}
	// A run that starts at channel lo%c: every chunk of whole pixels
	// starts at the same channel, so one filling serves them all.
	var lanes amd64.MulRowLanes
	n := min(amd64.MulRowMaxLanes/m.c*m.c, hi-lo)
	m.k.Fill(&lanes, row[:m.c], lo%m.c, n)
	for o := lo; o < hi; o += n {
		e := min(o+n, hi)
		amd64.MulRowInt8AVX2(out[o:e], full[o:e], &lanes, m.k)
	}
}

// rowRepeatBytes is the stack buffer rows repeats the broadcast row into.
const rowRepeatBytes = 4096

// rows is the run of a row-broadcast MUL (rowBroadcast): runContiguous
// would call the vector kernel once per pixel, C elements at a time, where
// the call costs as much as the work for small C. rows repeats the row
// into a stack buffer as often as fits and hands the kernel that many
// pixels per call (the operands keep their order: the row is a when aRow).
func (m *mulAVX2) rows(c int, aRow bool, a, b, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	full, row := a, b
	if aRow {
		full, row = b, a
	}
	row = row[:c]
	same := func(o, e int, r []int8) {
		if aRow {
			m.same(out[o:e], r, full[o:e])
		} else {
			m.same(out[o:e], full[o:e], r)
		}
	}
	o := lo
	if k := o % c; k != 0 { // finish the pixel lo starts in
		e := min(hi, o-k+c)
		same(o, e, row[k:k+e-o])
		o = e
	}
	if o+c > hi {
		if o < hi {
			same(o, hi, row[:hi-o])
		}
		return
	}
	var rep [rowRepeatBytes]int8
	reps := min(rowRepeatBytes/c, (hi-o)/c)
	for i := 0; i < reps; i++ {
		copy(rep[i*c:][:c], row)
	}
	for o+c <= hi {
		n := min((hi-o)/c, reps) * c
		same(o, o+n, rep[:n])
		o += n
	}
	if o < hi {
		same(o, hi, row[:hi-o])
	}
}

// addAVX2 is mulAVX2 for ADD (and SUB).
type addAVX2 struct {
	p *AddInt8Params
	k *amd64.AddInt8Consts
}

func (m *addAVX2) same(dst, x, y []int8) { amd64.AddInt8AVX2(dst, x, y, m.k) }
func (m *addAVX2) reference(a, b, out []int8, lo, hi int) {
	AddInt8(m.p, a, b, out, lo, hi)
}

func prepareAddAVX2(v Variant, p *AddInt8Params) (*PreparedBinaryInt8, bool) {
	k, err := amd64.NewAddInt8Consts(p.AOffset, p.BOffset, p.AMultiplier, p.AShift, p.BMultiplier, p.BShift,
		p.LeftShift, p.OutMultiplier, p.OutShift, p.OutZeroPoint, p.ActMin, p.ActMax)
	if err != nil {
		return nil, false
	}
	m := &addAVX2{p: p, k: k}
	run := func(a, b, out []int8, lo, hi int) { runContiguous(m, &p.Broadcast, a, b, out, lo, hi) }
	return &PreparedBinaryInt8{Variant: v, Units: p.Units(), run: run}, true
}
