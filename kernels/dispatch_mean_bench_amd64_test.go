//go:build gc && !purego

package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkMeanGlobalPool times the AVX2 mean (column sums and
// requantization, all units on one thread) over the global average pools
// of EfficientNet-B0 (squeeze-excite squeezes: 112x112x32 ... 7x7x1152 and
// the final 7x7x1280) and MobileNetV2 (7x7x1280); b.SetBytes is the input.
func BenchmarkMeanGlobalPool(b *testing.B) {
	for _, s := range []struct{ hw, c int }{
		{112, 32}, {56, 96}, {56, 144}, {28, 240}, {14, 480}, {14, 672}, {7, 1152}, {7, 1280},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d", s.hw, s.hw, s.c), func(b *testing.B) {
			g := ReduceGeom{Outer: 1, Reduce: s.hw * s.hw, Inner: s.c}
			p := &MeanInt8Params{ReduceGeom: g, InZeroPoint: -3, OutZeroPoint: 5, ActMin: -128, ActMax: 127}
			p.Multiplier, p.Shift = testQuantizeMultiplier(0.7 / float64(g.Reduce))
			prep, ok := PrepareMeanInt8(AVX2, p)
			if !ok {
				b.Skip("no AVX2 mean")
			}
			in := make([]int8, g.Reduce*g.Inner)
			for i := range in {
				in[i] = int8(uint32(i) * 2654435761 >> 24)
			}
			out := make([]int8, g.Inner)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				prep.Run(in, out, nil, 0, prep.Units)
			}
		})
	}
}
