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
		{1, 49, 1152}, {2, 196, 40}, {1, 300, 96}, {3, 9, 17}, {1, 7, 1}, {4, 1, 64}, {1, 784, 300},
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
				if v == AVX2 && g.Inner >= 16 {
					t.Errorf("%s: not prepared", name)
				}
				continue
			}
			got := runChecked(t, r, n, prep.Units, func(i int) int { return i / g.Inner },
				func(out []int8, lo, hi int) { prep.Run(in, out, nil, lo, hi) })
			compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
			checkNoAllocs(t, name, func() { prep.Run(in, got, nil, 0, prep.Units) })
		}
	}
}
