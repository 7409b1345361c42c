package amd64_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
	"github.com/edgeinfer/edgeinfer/quant"
)

// randomPairCase is a random 3x3 depthwise convolution at stride 1 along
// W, the shapes the pair-row kernels take: widths 1-40 (groups of four
// output pixels, the overlapping last group, fewer than four pixels),
// channel tails, padding 0-2 on each side, stride 1 or 2 along H, right
// shifts 0-20 (r == 0 has no rounding step), clamps, large biases.
func randomPairCase(r *rand.Rand) dwCase {
	g := kernels.ConvGeom{
		N: 1 + r.IntN(2), InH: 1 + r.IntN(9), InW: 1 + r.IntN(40),
		InC: []int{16, 19, 24, 32, 48, 58, 80, 116, 144, 200, 232}[r.IntN(11)],
		KH:  3, KW: 3, StrideH: 1 + r.IntN(2), StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: r.IntN(3), PadLeft: r.IntN(3),
	}
	padB, padR := r.IntN(3), r.IntN(3)
	g.OutH = (g.InH+g.PadTop+padB-3)/g.StrideH + 1
	g.OutW = g.InW + g.PadLeft + padR - 2
	if g.OutH < 1 || g.OutW < 1 {
		return randomPairCase(r)
	}
	g.OutC, g.Groups = g.InC, g.InC
	c := dwCase{p: kernels.Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(256) - 128)}}
	c.in = make([]int8, g.N*g.InH*g.InW*g.InC)
	for i := range c.in {
		c.in[i] = int8(r.IntN(256) - 128)
	}
	c.filter = make([]int8, g.OutC*9)
	for i := range c.filter {
		c.filter[i] = int8(r.IntN(255) - 127)
	}
	c.bias = make([]int32, g.OutC)
	for i := range c.bias {
		c.bias[i] = int32(r.IntN(1<<21) - 1<<20)
	}
	rq := &c.p.Requant
	rq.Multiplier, rq.Shift = make([]int32, g.OutC), make([]int32, g.OutC)
	for i := range rq.Multiplier {
		m, s := quant.QuantizeMultiplier(math.Ldexp(0.5+r.Float64()/2, -r.IntN(21)))
		rq.Multiplier[i], rq.Shift[i] = m, int32(s)
	}
	rq.OutZeroPoint = int32(r.IntN(256) - 128)
	rq.ActMin, rq.ActMax = -128, 127
	if r.IntN(2) == 0 {
		rq.ActMin = -128 + int32(r.IntN(100))
		rq.ActMax = rq.ActMin + int32(r.IntN(int(127-rq.ActMin)+1))
	}
	return c
}

// TestDepthwisePairRowsMatchReference runs the pair-row shapes on every
// runner and compares with kernels.Conv2DInt8, rows split at random like
// the runtime's workers (each Run call rebuilds its ring of pair rows),
// guard bands around the output.
func TestDepthwisePairRowsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	for iter := range 150 {
		c := randomPairCase(r)
		g := &c.p.ConvGeom
		want := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
		kernels.Conv2DInt8(&c.p, c.in, c.filter, c.bias, want, 0, g.Units())
		d := c.pack(t)
		if !amd64.UsesPairRows(d) {
			t.Fatalf("iter %d %+v: the pair-row kernels do not take it", iter, *g)
		}
		scratch := make([]byte, d.ScratchBytes())
		for _, run := range dwRunners {
			got, check := guardedOut(t, len(want))
			for lo := 0; lo < g.Units(); {
				hi := min(g.Units(), lo+1+r.IntN(4))
				run.run(d, c.in, got, scratch, lo, hi)
				lo = hi
			}
			check()
			for i := range want {
				if got[i] != want[i] {
					px, ch := i/g.OutC, i%g.OutC
					t.Fatalf("iter %d %s %+v: pixel %d (y %d x %d) channel %d: got %d, want %d",
						iter, run.name, *g, px, px/g.OutW%g.OutH, px%g.OutW, ch, got[i], want[i])
				}
			}
		}
	}
}

// TestDepthwisePairRowsNoAllocs checks that a run on the pair rows
// allocates nothing.
func TestDepthwisePairRowsNoAllocs(t *testing.T) {
	c := benchDepthwiseCase(28, 192, 3, 1)
	d := c.pack(t)
	if !amd64.UsesPairRows(d) {
		t.Fatal("28x28x192 3x3 stride 1: the pair-row kernels do not take it")
	}
	out := make([]int8, 28*28*192)
	scratch := make([]byte, d.ScratchBytes())
	for _, run := range dwRunners {
		if n := testing.AllocsPerRun(3, func() { run.run(d, c.in, out, scratch, 0, d.Units()) }); n != 0 {
			t.Errorf("%s: %v allocations per run", run.name, n)
		}
	}
}
