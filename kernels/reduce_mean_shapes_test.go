package kernels

import (
	"fmt"
	"testing"
)

// TestPreparedMeanRandomShapes compares PrepareMeanInt8 of every variant
// with MeanInt8 on global average pools of random shapes: H and W 1..60,
// C 1..1300 plus the squeeze-excite and final-pool widths of
// EfficientNet-B0 and MobileNetV2 (144, 240, 672, 1152, 1280), zero points
// at the int8 extremes, multipliers from 1/8 to 8 times 1/Reduce (shifts
// both ways), fused clamps, inputs at the int8 extremes (the int16 partial
// sums' limits) and random, units split like the runtime's workers, with
// guard bytes around the output.
func TestPreparedMeanRandomShapes(t *testing.T) {
	r := newRand(45)
	widths := []int{144, 240, 672, 1152, 1280, 16, 17, 31, 33, 383, 384, 385}
	zeroPoints := []int32{-128, 127, 0}
	for k := range 48 {
		h, w := 1+r.IntN(60), 1+r.IntN(60)
		c := 1 + r.IntN(1300)
		if k < len(widths) {
			c = widths[k]
		}
		if h*w*c > 1<<20 { // keep the test fast; large shapes still reach 256+ rows
			h = max(1, (1<<20)/(w*c))
		}
		g := ReduceGeom{Outer: 1 + r.IntN(2), Reduce: h * w, Inner: c}
		p := &MeanInt8Params{ReduceGeom: g, ActMin: -128, ActMax: 127}
		p.InZeroPoint = zeroPoints[r.IntN(3)]
		p.OutZeroPoint = zeroPoints[r.IntN(3)]
		if r.IntN(3) == 0 {
			p.InZeroPoint, p.OutZeroPoint = int32(r.IntN(256)-128), int32(r.IntN(256)-128)
		}
		p.Multiplier, p.Shift = testQuantizeMultiplier((0.125 + 7.875*r.Float64()) / float64(g.Reduce))
		if r.IntN(4) == 0 {
			p.ActMin, p.ActMax = int32(-100+r.IntN(50)), int32(r.IntN(100))
		}
		n := g.Outer * g.Inner
		var in []int8
		switch fill := r.IntN(4); fill {
		case 0, 1:
			in = randInt8s(r, g.Outer*g.Reduce*g.Inner, -128+255*fill, -128+255*fill)
		default:
			in = randInt8s(r, g.Outer*g.Reduce*g.Inner, -128, 127)
		}
		want := make([]int8, n)
		MeanInt8(p, in, want, 0, g.Outer)
		for _, v := range Variants() {
			name := fmt.Sprintf("%s/%dx%dx%d outer %d zp %d/%d", v, h, w, c, g.Outer, p.InZeroPoint, p.OutZeroPoint)
			prep, ok := PrepareMeanInt8(v, p)
			if !ok {
				continue
			}
			unitOf := func(i int) int { return i / g.Inner }
			if perSlice := prep.Units / g.Outer; perSlice > 1 {
				unitOf = func(i int) int { return i/g.Inner*perSlice + min(perSlice-1, i%g.Inner/32) }
			}
			got := runChecked(t, n, prep.Units, unitOf,
				func(out []int8, lo, hi int) { prep.Run(in, out, nil, lo, hi) })
			compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
		}
	}
}
