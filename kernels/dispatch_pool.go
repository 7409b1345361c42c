package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// meanPreparers maps a variant to its MeanInt8 preparation (false keeps
// the reference kernel). Filled by dispatch_pool_<arch>.go.
var meanPreparers = map[Variant]func(p *MeanInt8Params) (*PreparedInt8, bool){}

// PrepareMeanInt8 returns MeanInt8 prepared for variant v (same units as
// MeanInt8, no scratch), or false when v has no fast path for it: the
// caller then runs MeanInt8.
func PrepareMeanInt8(v Variant, p *MeanInt8Params) (*PreparedInt8, bool) {
	if prep := meanPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// maxPoolPreparers maps a variant to its MaxPoolInt8 preparation. Filled
// by dispatch_pool_<arch>.go.
var maxPoolPreparers = map[Variant]func(p *PoolInt8Params) (*PreparedInt8, bool){}

// PrepareMaxPoolInt8 returns MaxPoolInt8 prepared for variant v (same
// units, no scratch), or false when v has no fast path for it.
func PrepareMaxPoolInt8(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	if prep := maxPoolPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// avgPoolPreparers maps a variant to its AvgPoolInt8 preparation. Filled
// by dispatch_pool_<arch>.go.
var avgPoolPreparers = map[Variant]func(p *PoolInt8Params) (*PreparedInt8, bool){}

// PrepareAvgPoolInt8 returns AvgPoolInt8 prepared for variant v (same
// units, no scratch), or false when v has no fast path for it.
func PrepareAvgPoolInt8(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	if prep := avgPoolPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// amd64PoolGeom is g for package amd64's pool drivers (portable Go, which
// the arm64 max pool also runs).
func amd64PoolGeom(g *PoolGeom) amd64.PoolGeom {
	return amd64.PoolGeom{N: g.N, InH: g.InH, InW: g.InW, C: g.C, OutH: g.OutH, OutW: g.OutW,
		KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW, DilationH: g.DilationH, DilationW: g.DilationW,
		PadTop: g.PadTop, PadLeft: g.PadLeft}
}

// meanVectorMin is the smallest Inner that the vector means take:
// narrower reductions (over the last axis, or a handful of channels) keep
// the reference loop.
const meanVectorMin = 16

// meanUnitColumns is the width of a vector mean's units when a slice has
// at least meanSplitMin inner positions: a global average pool has one
// outer slice, and threads split its channels. 32 columns are a whole
// block of amd64.MeanSumInt8AVX2 (it walks the rows once per 128, 64 or
// 32 columns, then in 16-column steps); the last unit of a slice also
// takes the tail. Narrower slices stay one unit: the runs of two threads
// then share most 64-byte lines of every input row, and each would read
// all of them (EfficientNet-B0 at 2 threads, measured with the earlier
// 32-column walks: the mean over 56x56x144 went from 61 to 82 us split in
// runs of 32; over 7x7x480..1280, 25-30% faster).
const (
	meanUnitColumns = 32
	meanSplitMin    = 384
)

// meanUnits is how a vector MEAN walks its work. Units are the outer
// slices or, for slices of at least meanSplitMin inner positions, runs of
// meanUnitColumns of them numbered slice-major: a global average pool
// (Outer 1) then splits across threads. Each output is the same wrapping
// int32 sum requantized alike, whatever the split.
type meanUnits struct {
	outer, red, inner int
	chunks            int   // units per outer slice
	offset            int32 // sum(q - zp) = sum(q) - Reduce*zp, modulo 2^32 like the reference
}

// newMeanUnits returns p's units, or false when the vector means do not
// take it (see meanVectorMin).
func newMeanUnits(p *MeanInt8Params) (meanUnits, bool) {
	if p.Inner < meanVectorMin || p.Reduce < 1 {
		return meanUnits{}, false
	}
	m := meanUnits{outer: p.Outer, red: p.Reduce, inner: p.Inner, chunks: 1, offset: -int32(p.Reduce) * p.InZeroPoint}
	if m.inner >= meanSplitMin {
		m.chunks = m.inner / meanUnitColumns
	}
	return m, true
}

// units is the number of work units.
func (m *meanUnits) units() int { return m.outer * m.chunks }

// column is the first inner position of unit c of a slice.
func (m *meanUnits) column(c int) int {
	if c == m.chunks {
		return m.inner
	}
	return c * meanUnitColumns
}

// each calls f for every run of at most reduceChunk inner positions of
// units [lo, hi): slab holds the run's first column of the Reduce rows
// (rows Inner apart), dst its n outputs.
func (m *meanUnits) each(in, out []int8, lo, hi int, f func(slab, dst []int8, n int)) {
	for u := lo; u < hi; {
		o, c0 := u/m.chunks, u%m.chunks
		c1 := min(m.chunks, c0+hi-u)
		u += c1 - c0
		slab := in[o*m.red*m.inner:][:m.red*m.inner]
		dst := out[o*m.inner:][:m.inner]
		for i0, end := m.column(c0), m.column(c1); i0 < end; i0 += reduceChunk {
			n := min(reduceChunk, end-i0)
			f(slab[i0:], dst[i0:][:n], n)
		}
	}
}
