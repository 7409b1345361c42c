package kernels

import "math/rand/v2"

// selfTestConv draws the operands of a start-up self-test's convolution
// of geometry g from r: filter and input over the whole int8 range, bias
// within ±2^15, multipliers in [2^30, 2^31) and right shifts of 0-11,
// input zero point -3, output zero point 5, no activation clamp.
func selfTestConv(r *rand.Rand, g ConvGeom) (p *Conv2DInt8Params, filter, in []int8, bias []int32) {
	p = &Conv2DInt8Params{ConvGeom: g, InZeroPoint: -3, Requant: Requant{OutZeroPoint: 5, ActMin: -128, ActMax: 127}}
	filter = make([]int8, g.OutC*g.KH*g.KW*g.InC/g.Groups)
	for i := range filter {
		filter[i] = int8(r.IntN(255) - 127)
	}
	in = make([]int8, g.N*g.InH*g.InW*g.InC)
	for i := range in {
		in[i] = int8(r.IntN(256) - 128)
	}
	bias = make([]int32, g.OutC)
	p.Multiplier, p.Shift = make([]int32, g.OutC), make([]int32, g.OutC)
	for c := range g.OutC {
		bias[c] = int32(r.IntN(1<<16) - 1<<15)
		p.Multiplier[c] = int32(1<<30 + r.IntN(1<<30))
		p.Shift[c] = -int32(r.IntN(12))
	}
	return p, filter, in, bias
}
