package kernels

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
	"github.com/edgeinfer/edgeinfer/quant"
)

// TestPrepareGEMMPairForm runs 1x1 convolutions and fully connected
// layers whose requantizations mostly have the pair form through every
// GEMM variant and compares them with the reference kernels: K from 1 to
// 600 (odd ones included), output channels with every tail of the 16
// blocks up to 48 and the EfficientNet/MobileNet widths, panel tails,
// right shifts 0-24, input and output zero points at the extremes,
// clamps, large biases. It also checks the pair-form decision itself
// against an independent computation of the bounds.
func TestPrepareGEMMPairForm(t *testing.T) {
	r := newRand(31)
	ks := []int{1, 2, 3, 16, 24, 40, 80, 96, 112, 144, 576, 599, 600}
	ns := []int{1, 7, 8, 9, 15, 16, 17, 24, 31, 33, 40, 47, 48, 96, 144, 320}
	pairs, cases := 0, 0
	for i := 0; i < 48; i++ {
		k := ks[i%len(ks)]
		if i >= 2*len(ks) {
			k = 1 + r.IntN(600)
		}
		n := ns[i%len(ns)]
		h, w := 1+r.IntN(5), 1+r.IntN(7)
		g := ConvGeom{N: 1, InH: h, InW: w, InC: k, OutH: h, OutW: w, OutC: n, KH: 1, KW: 1,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1}
		extreme := []int32{-128, 127, int32(r.IntN(256) - 128)}
		p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: extreme[r.IntN(3)],
			Requant: Requant{Multiplier: make([]int32, n), Shift: make([]int32, n),
				OutZeroPoint: extreme[r.IntN(3)], ActMin: -128, ActMax: 127}}
		if i%3 == 1 {
			p.ActMin, p.ActMax = int32(r.IntN(100)-128), int32(r.IntN(100)+27)
			p.ActMin, p.ActMax = min(p.ActMin, p.OutZeroPoint), max(p.ActMax, p.OutZeroPoint)
		}
		for c := range n {
			// Real multipliers 2^-25 .. 2^-1: right shifts 0-24.
			m, s := quant.QuantizeMultiplier(math.Exp2(-1 - 24*r.Float64()))
			p.Multiplier[c], p.Shift[c] = m, int32(s)
		}
		if i%11 == 5 {
			p.Shift[n-1] = 1 // a left shift: the TFLite form for the whole op
		}
		filter := randInt8s(r, n*k, -128, 127)
		bias := make([]int32, n)
		for c := range bias {
			bias[c] = int32(r.IntN(1<<25) - 1<<24)
		}
		in := randInt8s(r, h*w*k, -128, 127)

		// The decision, computed independently: no left shift, and every
		// channel's |bias - zp*sum w| + 128*sum|w| accepted by GemmPairOK.
		fits := true
		for c := range n {
			sum, abs := int64(0), int64(0)
			for _, v := range filter[c*k:][:k] {
				sum += int64(v)
				abs += 128 * int64(max(v, -v))
			}
			b := int64(bias[c]) - int64(p.InZeroPoint)*sum
			fits = fits && p.Shift[c] <= 0 && amd64.GemmPairOK(max(b, -b)+abs, p.Multiplier[c], p.Shift[c], p.OutZeroPoint)
		}
		if got := gemmPairFits(gemmKernels[twinAVX2], filter, k, n, k, bias, &p.Requant, 0, p.InZeroPoint); got != fits {
			t.Fatalf("case %d: gemmPairFits %v, want %v", i, got, fits)
		}
		cases++
		if fits {
			pairs++
		}

		want := make([]int8, h*w*n)
		Conv2DInt8(p, in, filter, bias, want, 0, g.Units())
		fc := &FullyConnectedInt8Params{FullyConnectedGeom: FullyConnectedGeom{Batch: h * w, K: k, N: n},
			InZeroPoint: p.InZeroPoint, Requant: p.Requant}
		for _, v := range gemmTestVariants(t) {
			gk := gemmKernels[v]
			t.Run(fmt.Sprintf("%s/%d/K%d_N%d_%dx%d", v, i, k, n, h, w), func(t *testing.T) {
				if k > 1 { // one input channel: a depthwise convolution
					pr, ok := PrepareConv2DInt8(v, p, filter, bias)
					if !ok {
						t.Fatal("no fast path")
					}
					got := runPrepared(t, pr, in, len(want), convUnitOf(pr, g, gk))
					compareInt8(t, got, want, convWhere(g))
				}
				pf, ok := PrepareFullyConnectedInt8(v, fc, filter, bias)
				if !ok {
					t.Fatal("no fully connected fast path")
				}
				got := runPrepared(t, pf, in, len(want), func(i int) int { return i % n / gk.nr })
				compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("fc row %d channel %d", i/n, i%n) })
			})
		}
	}
	t.Logf("%d of %d cases in the pair form", pairs, cases)
	if pairs < cases/2 {
		t.Errorf("only %d of %d cases took the pair form", pairs, cases)
	}
}
