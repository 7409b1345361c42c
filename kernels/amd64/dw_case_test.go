package amd64_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// fillRandomDepthwise draws c's input, its filter of taps weights per
// channel, biases of up to ±2^20, and per-channel requantization:
// multipliers of 2^-21..1 (right shifts 0-20), the output zero point from
// outZP, and a random clamp in half of the cases. c.p's geometry must be
// set.
func fillRandomDepthwise(r *rand.Rand, c *dwCase, taps int, outZP func() int32) {
	g := &c.p.ConvGeom
	c.in = make([]int8, g.N*g.InH*g.InW*g.InC)
	for i := range c.in {
		c.in[i] = int8(r.IntN(256) - 128)
	}
	c.filter = make([]int8, g.OutC*taps)
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
	rq.OutZeroPoint = outZP()
	rq.ActMin, rq.ActMax = -128, 127
	if r.IntN(2) == 0 {
		rq.ActMin = -128 + int32(r.IntN(100))
		rq.ActMax = rq.ActMin + int32(r.IntN(int(127-rq.ActMin)+1))
	}
}

// depthwiseMismatch describes the first output where got differs from
// want, by pixel (with its row and column) and channel, or returns "".
func depthwiseMismatch(g *kernels.ConvGeom, got, want []int8) string {
	for i := range want {
		if got[i] != want[i] {
			px, ch := i/g.OutC, i%g.OutC
			return fmt.Sprintf("pixel %d (y %d x %d) channel %d: got %d, want %d",
				px, px/g.OutW%g.OutH, px%g.OutW, ch, got[i], want[i])
		}
	}
	return ""
}
