package amd64_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// randomPointwiseCase is a random 1x1 depthwise convolution: 1-2 images of
// 1-12 x 1-13 pixels (groups of four pixels and 1-3 left over), channel
// counts with and without a tail block, strides 1-3, and in a quarter of
// the cases bottom or right padding, whose windows leave the image (the
// pointwise path must then decline). Half of the channels of some cases
// have the multiplier 2^30, whose products with odd accumulators are
// exact rounding ties.
func randomPointwiseCase(r *rand.Rand) (c dwCase, padded bool) {
	g := kernels.ConvGeom{
		N: 1 + r.IntN(2), InH: 1 + r.IntN(12), InW: 1 + r.IntN(13),
		InC: []int{16, 17, 24, 31, 32, 40, 100, 128, 200, 1000}[r.IntN(10)],
		KH:  1, KW: 1, StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3), DilationH: 1, DilationW: 1,
	}
	if r.IntN(3) == 0 {
		g.StrideH, g.StrideW = 1, 1
	}
	padB, padR := 0, 0
	if padded = r.IntN(4) == 0; padded {
		padB, padR = r.IntN(2), 1-r.IntN(2)
		padded = padB+padR > 0
	}
	g.OutH = (g.InH+padB-1)/g.StrideH + 1
	g.OutW = (g.InW+padR-1)/g.StrideW + 1
	padded = padded && ((g.OutH-1)*g.StrideH >= g.InH || (g.OutW-1)*g.StrideW >= g.InW)
	g.OutC, g.Groups = g.InC, g.InC
	c = dwCase{p: kernels.Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(256) - 128)}}
	fillRandomDepthwise(r, &c, 1, func() int32 { return int32(r.IntN(256) - 128) })
	if r.IntN(3) == 0 {
		for i := range c.p.Requant.Multiplier {
			if r.IntN(2) == 0 {
				c.p.Requant.Multiplier[i] = 1 << 30
			}
		}
	}
	return c, padded
}

// TestDepthwisePointwiseMatchesReference runs random 1x1 depthwise
// convolutions on every runner (the generic one runs the pointwise path's
// Go twin) through checkGuarded: compared with kernels.Conv2DInt8, rows
// split at random like the runtime's workers, guard bands around the
// input, the output and the scratch.
func TestDepthwisePointwiseMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	taken := 0
	for iter := range 300 {
		c, padded := randomPointwiseCase(r)
		d := c.pack(t)
		if amd64.UsesPointwise(d) == padded {
			t.Fatalf("iter %d %+v: pointwise path taken %v with windows outside the image %v", iter, c.p.ConvGeom, amd64.UsesPointwise(d), padded)
		}
		if amd64.UsesPointwise(d) {
			taken++
		}
		checkGuarded(t, r, fmt.Sprint("iter ", iter), c, d)
	}
	if taken < 200 {
		t.Errorf("the pointwise path took %d of 300 cases", taken)
	}
}

// TestDepthwisePointwiseNoAllocs checks that a run on the pointwise path
// allocates nothing.
func TestDepthwisePointwiseNoAllocs(t *testing.T) {
	c := benchDepthwiseCase(14, 1000, 1, 1)
	d := c.pack(t)
	if !amd64.UsesPointwise(d) {
		t.Fatal("14x14x1000 1x1: the pointwise path does not take it")
	}
	out := make([]int8, 14*14*1000)
	scratch := make([]byte, d.ScratchBytes())
	for _, run := range dwRunners {
		if n := testing.AllocsPerRun(3, func() { run.run(d, c.in, out, scratch, 0, d.Units()) }); n != 0 {
			t.Errorf("%s: %v allocations per run", run.name, n)
		}
	}
}
