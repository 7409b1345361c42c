package arm64

import (
	"math/rand/v2"
	"testing"
)

// TestMaxPool compares MaxPool on every variant with the definition over
// random windows (1-9 taps at random offsets), channel counts 1-70 (the
// 16-channel steps, the overlapping last one, and the twin below 16),
// strided pixels, clamps and guard bands around the output.
func TestMaxPool(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(8, uint64(v)))
		for iter := range 200 {
			ch := 1 + r.IntN(70)
			count := 1 + r.IntN(5)
			inStep, outStep := ch+r.IntN(20), ch+r.IntN(5)
			ntaps := 1 + r.IntN(9)
			taps := make([]int64, ntaps)
			span := 0
			for i := range taps {
				taps[i] = int64(r.IntN(200))
				span = max(span, int(taps[i]))
			}
			in := randInt8(r, (count-1)*inStep+span+ch)
			lo := int32(-128 + r.IntN(2)*r.IntN(100))
			hi := min(lo+int32(r.IntN(256)), 127)
			out, check := guarded((count-1)*outStep + ch)
			MaxPool(v, &out[0], &in[0], count, inStep, outStep, ch, &taps[0], ntaps, lo, hi)
			check(t, "output")
			for px := range count {
				for c := range ch {
					m := in[px*inStep+int(taps[0])+c]
					for _, tp := range taps[1:] {
						m = max(m, in[px*inStep+int(tp)+c])
					}
					want := min(max(m, int8(lo)), int8(hi))
					if got := out[px*outStep+c]; got != want {
						t.Fatalf("iter %d (%d channels, %d taps): pixel %d channel %d = %d, want %d", iter, ch, ntaps, px, c, got, want)
					}
				}
			}
		}
	})
}

// TestMeanSum compares MeanSum on every variant with the definition over
// column counts 1-100 (16-column blocks and the twin's tail), 1-300 rows,
// row strides wider than the columns, and starts near the int32 limits
// (the sums wrap).
func TestMeanSum(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(9, uint64(v)))
		for iter := range 100 {
			cols, rows := 1+r.IntN(100), 1+r.IntN(300)
			stride := cols + r.IntN(40)
			in := randInt8(r, (rows-1)*stride+cols)
			start := int32(r.Uint32())
			acc := make([]int32, cols+4)
			for i := range acc {
				acc[i] = 0x5a5a5a5a
			}
			MeanSum(v, acc[:cols], in, rows, stride, start)
			for i := range cols {
				want := start
				for row := range rows {
					want += int32(in[row*stride+i])
				}
				if acc[i] != want {
					t.Fatalf("iter %d (%d columns, %d rows): column %d = %d, want %d", iter, cols, rows, i, acc[i], want)
				}
			}
			for _, g := range acc[cols:] {
				if g != 0x5a5a5a5a {
					t.Fatalf("iter %d: wrote past the columns", iter)
				}
			}
		}
	})
}

// TestAvgPool32 compares AvgPool32 on every variant with the rounded
// average it computes (sum plus padding sum over a divisor of 2-64,
// rounded half away from zero, clamped) over random windows of 1-32 taps,
// 1-3 chunks of 32 channels, padding sums and clamps, with guard bands.
// The magic numbers are derived here the way amd64.NewAvgPoolInt8 does.
func TestAvgPool32(t *testing.T) {
	variants(t, func(t *testing.T, v Variant) {
		r := rand.New(rand.NewPCG(10, uint64(v)))
		for iter := range 200 {
			chunks, count := 1+r.IntN(3), 1+r.IntN(4)
			ch := 32 * chunks
			inStep, outStep := ch+r.IntN(9), ch+r.IntN(3)
			ntaps := 1 + r.IntN(32)
			d := int32(max(ntaps, 2) + r.IntN(64-max(ntaps, 2)+1)) // the window's size, padding included
			padSum := (d - int32(ntaps)) * int32(r.IntN(256)-128)
			l := int64(0)
			for int32(1)<<l < d {
				l++
			}
			magic := int32(((int64(1) << (15 + l)) + int64(d) - 1) / int64(d))
			taps := make([]int64, ntaps)
			span := 0
			for i := range taps {
				taps[i] = int64(r.IntN(300))
				span = max(span, int(taps[i]))
			}
			in := randInt8(r, (count-1)*inStep+span+ch)
			lo := int32(-128 + r.IntN(2)*r.IntN(100))
			hi := min(lo+int32(r.IntN(256)), 127)
			out, check := guarded((count-1)*outStep + ch)
			AvgPool32(v, &out[0], &in[0], count, inStep, outStep, chunks, &taps[0], ntaps, d/2, padSum, magic, l-1, lo, hi)
			check(t, "output")
			for px := range count {
				for c := range ch {
					s := padSum
					for _, tp := range taps {
						s += int32(in[px*inStep+int(tp)+c])
					}
					q := (s + d/2) / d
					if s < 0 {
						q = (s - d/2) / d
					}
					want := int8(min(max(q, lo), hi))
					if got := out[px*outStep+c]; got != want {
						t.Fatalf("iter %d (%d taps, divisor %d): pixel %d channel %d = %d, want %d", iter, ntaps, d, px, c, got, want)
					}
				}
			}
		}
	})
}
