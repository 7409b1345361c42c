package amd64_test

import (
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
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
	fillRandomDepthwise(r, &c, 9, func() int32 { return int32(r.IntN(256) - 128) })
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
			if m := depthwiseMismatch(g, got, want); m != "" {
				t.Fatalf("iter %d %s %+v: %s", iter, run.name, *g, m)
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
