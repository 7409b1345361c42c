package kernels

import (
	"fmt"
	"testing"
)

// TestPreparedMeanMatchesReference compares PrepareMeanInt8 of every
// variant with MeanInt8: global average pools of squeeze-excite shapes
// (inner channels with and without a 32-column tail, more than 256 rows,
// more than 256 channels), a mean over the last axis (kept on the
// reference), units split like the runtime's workers, no allocations.
func TestPreparedMeanMatchesReference(t *testing.T) {
	r := newRand(44)
	for _, g := range []ReduceGeom{
		{1, 49, 1152}, {2, 196, 40}, {1, 300, 96}, {3, 9, 17}, {1, 7, 1}, {4, 1, 64}, {1, 784, 300}, {2, 9, 400},
	} {
		p := &MeanInt8Params{ReduceGeom: g, InZeroPoint: int32(r.IntN(256) - 128), OutZeroPoint: int32(r.IntN(256) - 128),
			ActMin: -128, ActMax: 127}
		m, s := testQuantizeMultiplier((0.5 + r.Float64()) / float64(g.Reduce))
		p.Multiplier, p.Shift = m, s
		if g.Outer == 3 {
			p.ActMin, p.ActMax = -20, 90
		}
		// Per-channel levels plus noise, so that the means spread.
		in := randInt8s(r, g.Outer*g.Reduce*g.Inner, -20, 20)
		level := randInt8s(r, g.Inner, -100, 100)
		for i := range in {
			in[i] += level[i%g.Inner]
		}
		n := g.Outer * g.Inner
		want := make([]int8, n)
		MeanInt8(p, in, want, 0, g.Outer)
		checkSpread(t, want, min(n, 3))
		for _, v := range Variants() {
			name := fmt.Sprintf("%s/%v", v, g)
			prep, ok := PrepareMeanInt8(v, p)
			if !ok {
				if (v == AVX2 || v == NEON || v == DotProd) && g.Inner >= 16 {
					t.Errorf("%s: not prepared", name)
				}
				continue
			}
			// Units: one per outer slice, or runs of meanUnitColumns
			// channels numbered slice-major (the vector means; the last run
			// of a slice takes the tail).
			unitOf := func(i int) int { return i / g.Inner }
			if perSlice := prep.Units / g.Outer; perSlice > 1 {
				unitOf = func(i int) int { return i/g.Inner*perSlice + min(perSlice-1, i%g.Inner/32) }
			}
			got := runChecked(t, n, prep.Units, unitOf,
				func(out []int8, lo, hi int) { prep.Run(in, out, nil, lo, hi) })
			compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
			checkNoAllocs(t, name, func() { prep.Run(in, got, nil, 0, prep.Units) })
		}
	}
}

// TestPreparedPoolMatchesReference compares PrepareMaxPoolInt8 and
// PrepareAvgPoolInt8 of every variant with MaxPoolInt8 and AvgPoolInt8 on
// ResNet/GoogLeNet/DenseNet-like pools (3x3 stride 2 pad 1, 2x2 stride 2,
// 3x3 stride 1 "same" with and without counting the padding, a fused
// clamp) with channel tails, units split like the runtime's workers and no
// allocations.
func TestPreparedPoolMatchesReference(t *testing.T) {
	r := newRand(46)
	for _, s := range []struct{ h, w, c, k, stride, pad int }{
		{12, 12, 64, 3, 2, 1}, {8, 10, 40, 2, 2, 0}, {7, 7, 96, 3, 1, 1}, {5, 5, 17, 3, 2, 1}, {1, 1, 33, 3, 1, 1},
		{6, 6, 9, 3, 2, 1}, {4, 6, 16, 2, 1, 0},
	} {
		g := PoolGeom{N: 2, InH: s.h, InW: s.w, C: s.c, KH: s.k, KW: s.k, StrideH: s.stride, StrideW: s.stride,
			DilationH: 1, DilationW: 1, PadTop: s.pad, PadLeft: s.pad}
		g.OutH = (s.h+2*s.pad-s.k)/s.stride + 1
		g.OutW = (s.w+2*s.pad-s.k)/s.stride + 1
		g.CountIncludePad = s.c == 96
		p := &PoolInt8Params{PoolGeom: g, ZeroPoint: int32(r.IntN(256) - 128), ActMin: -128, ActMax: 127}
		if s.c == 40 {
			p.ActMin, p.ActMax = -10, 60
		}
		in := randInt8s(r, g.N*g.InH*g.InW*g.C, -128, 127)
		n := g.N * g.OutH * g.OutW * g.C
		for _, op := range []struct {
			name    string
			ref     func(p *PoolInt8Params, in, out []int8, lo, hi int)
			prepare func(v Variant, p *PoolInt8Params) (*PreparedInt8, bool)
		}{{"max", MaxPoolInt8, PrepareMaxPoolInt8}, {"avg", AvgPoolInt8, PrepareAvgPoolInt8}} {
			want := make([]int8, n)
			op.ref(p, in, want, 0, g.Units())
			for _, v := range Variants() {
				name := fmt.Sprintf("%s/%s/%+v", v, op.name, s)
				prep, ok := op.prepare(v, p)
				if !ok {
					if v == AVX2 || v == NEON || v == DotProd {
						t.Fatalf("%s: not prepared", name)
					}
					continue
				}
				got := runChecked(t, n, prep.Units, func(i int) int { return i / (g.OutW * g.C) },
					func(out []int8, lo, hi int) { prep.Run(in, out, nil, lo, hi) })
				compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
				checkNoAllocs(t, name, func() { prep.Run(in, got, nil, 0, prep.Units) })
			}
		}
	}
}
