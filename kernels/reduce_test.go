package kernels

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

var reduceCases = []ReduceGeom{
	{2, 5, 7}, {3, 1, 4}, {1, 9, 1}, {4, 7, 1}, {2, 3, 300}, {1, 200, 3}, {5, 2, 2}, {2, 49, 33}, {1, 1, 1}, {3, 4, 257},
}

func reduceWhere(g ReduceGeom) func(i int) string {
	return func(i int) string { return fmt.Sprintf("out[outer=%d inner=%d]", i/g.Inner, i%g.Inner) }
}

func TestReduceInt8(t *testing.T) {
	for ci, g := range reduceCases {
		t.Run(fmt.Sprintf("%dx%dx%d", g.Outer, g.Reduce, g.Inner), func(t *testing.T) {
			r := newRand(uint64(700 + ci))
			in := randInt8s(r, g.Outer*g.Reduce*g.Inner, -128, 127)
			// The output scale is the input scale times a factor in [0.5, 2).
			mult, shift := quant.QuantizeMultiplier(1 / (float64(g.Reduce) * (0.5 + 1.5*r.Float64())))
			p := &MeanInt8Params{ReduceGeom: g, InZeroPoint: int32(r.IntN(61) - 30), OutZeroPoint: int32(r.IntN(61) - 30),
				Multiplier: mult, Shift: int32(shift), ActMin: -128, ActMax: 127}
			if ci%3 == 1 {
				p.ActMin, p.ActMax = -20, 20
			}
			n := g.Outer * g.Inner
			wantMean, wantMax := make([]int8, n), make([]int8, n)
			for o := range g.Outer {
				for i := range g.Inner {
					var acc int64
					m := int8(math.MinInt8)
					for k := range g.Reduce {
						v := in[(o*g.Reduce+k)*g.Inner+i]
						acc += int64(v) - int64(p.InZeroPoint)
						m = max(m, v)
					}
					wantMean[o*g.Inner+i] = naiveRequantize(int32(acc), p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
					wantMax[o*g.Inner+i] = m
				}
			}
			unitOf := func(i int) int { return i / g.Inner }
			got := runChecked(t, n, g.Units(), unitOf, func(out []int8, lo, hi int) { MeanInt8(p, in, out, lo, hi) })
			compareInt8(t, got, wantMean, reduceWhere(g))
			pm := &ReduceMaxInt8Params{ReduceGeom: g}
			got = runChecked(t, n, g.Units(), unitOf, func(out []int8, lo, hi int) { ReduceMaxInt8(pm, in, out, lo, hi) })
			compareInt8(t, got, wantMax, reduceWhere(g))
		})
	}
}

func TestReduceFloat32(t *testing.T) {
	for ci, g := range reduceCases {
		t.Run(fmt.Sprintf("%dx%dx%d", g.Outer, g.Reduce, g.Inner), func(t *testing.T) {
			r := newRand(uint64(800 + ci))
			in := randFloat32s(r, g.Outer*g.Reduce*g.Inner)
			p := &ReduceFloat32Params{ReduceGeom: g}
			n := g.Outer * g.Inner
			wantMean, wantMax := make([]float32, n), make([]float32, n)
			for o := range g.Outer {
				for i := range g.Inner {
					var sum float64
					m := float32(math.Inf(-1))
					for k := range g.Reduce {
						v := in[(o*g.Reduce+k)*g.Inner+i]
						sum += float64(v)
						m = max(m, v)
					}
					wantMean[o*g.Inner+i] = float32(sum / float64(g.Reduce))
					wantMax[o*g.Inner+i] = m
				}
			}
			unitOf := func(i int) int { return i / g.Inner }
			got := runChecked(t, n, g.Units(), unitOf, func(out []float32, lo, hi int) { MeanFloat32(p, in, out, lo, hi) })
			compareBits(t, got, wantMean, reduceWhere(g))
			got = runChecked(t, n, g.Units(), unitOf, func(out []float32, lo, hi int) { ReduceMaxFloat32(p, in, out, lo, hi) })
			compareBits(t, got, wantMax, reduceWhere(g))
		})
	}
}

func TestMeanInt8HandWorked(t *testing.T) {
	// Mean of [10 20 30 41] with input zero point 1: sum(q - zp) = 9+19+29+40 = 97.
	// The multiplier 1/4 is (2^30, shift -1): 97*0.5 = 48.5 -> 49, then
	// 49/2 = 24.5 -> 25 (double rounding; the exact mean 24.25 would give 24).
	// Output zero point -2: 23. Second outer slice [-128 -128 -128 -127]:
	// sum = -511 - 4 = -515 (zp 1); -257.5 -> -257; -128.5 -> -129; -2 = -131, clamped to -128.
	p := &MeanInt8Params{ReduceGeom: ReduceGeom{Outer: 2, Reduce: 4, Inner: 1}, InZeroPoint: 1, OutZeroPoint: -2,
		Multiplier: 1 << 30, Shift: -1, ActMin: -128, ActMax: 127}
	out := make([]int8, 2)
	MeanInt8(p, []int8{10, 20, 30, 41, -128, -128, -128, -127}, out, 0, 2)
	compareInt8(t, out, []int8{23, -128}, reduceWhere(p.ReduceGeom))
}

func TestReduceAllocs(t *testing.T) {
	r := newRand(19)
	for _, g := range []ReduceGeom{{2, 9, 300}, {3, 50, 1}} {
		n := g.Outer * g.Inner
		in8, out8 := randInt8s(r, g.Outer*g.Reduce*g.Inner, -128, 127), make([]int8, n)
		inF, outF := randFloat32s(r, len(in8)), make([]float32, n)
		pm := &MeanInt8Params{ReduceGeom: g, Multiplier: 1 << 30, Shift: -3, ActMin: -128, ActMax: 127}
		px := &ReduceMaxInt8Params{ReduceGeom: g}
		pf := &ReduceFloat32Params{ReduceGeom: g}
		checkNoAllocs(t, "MeanInt8", func() { MeanInt8(pm, in8, out8, 0, g.Outer) })
		checkNoAllocs(t, "ReduceMaxInt8", func() { ReduceMaxInt8(px, in8, out8, 0, g.Outer) })
		checkNoAllocs(t, "MeanFloat32", func() { MeanFloat32(pf, inF, outF, 0, g.Outer) })
		checkNoAllocs(t, "ReduceMaxFloat32", func() { ReduceMaxFloat32(pf, inF, outF, 0, g.Outer) })
	}
}

func BenchmarkReduce(b *testing.B) {
	g := ReduceGeom{Outer: 1, Reduce: 49, Inner: 1024} // global average pool of a 7x7x1024 map
	r := newRand(23)
	elems := float64(g.Outer * g.Reduce * g.Inner)
	n := g.Outer * g.Inner
	in8, out8 := randInt8s(r, g.Outer*g.Reduce*g.Inner, -128, 127), make([]int8, n)
	inF, outF := randFloat32s(r, len(in8)), make([]float32, n)
	mult, shift := quant.QuantizeMultiplier(1.0 / 49)
	pm := &MeanInt8Params{ReduceGeom: g, Multiplier: mult, Shift: int32(shift), ActMin: -128, ActMax: 127}
	px := &ReduceMaxInt8Params{ReduceGeom: g}
	pf := &ReduceFloat32Params{ReduceGeom: g}
	b.Run("MeanInt8_49x1024", func(b *testing.B) {
		reportRate(b, elems, "Gelem/s", func() { MeanInt8(pm, in8, out8, 0, g.Outer) })
	})
	b.Run("ReduceMaxInt8_49x1024", func(b *testing.B) {
		reportRate(b, elems, "Gelem/s", func() { ReduceMaxInt8(px, in8, out8, 0, g.Outer) })
	})
	b.Run("MeanFloat32_49x1024", func(b *testing.B) {
		reportRate(b, elems, "Gelem/s", func() { MeanFloat32(pf, inF, outF, 0, g.Outer) })
	})
	b.Run("ReduceMaxFloat32_49x1024", func(b *testing.B) {
		reportRate(b, elems, "Gelem/s", func() { ReduceMaxFloat32(pf, inF, outF, 0, g.Outer) })
	})
}
