//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// Every amd64 variant runs the AVX2 depthwise microkernel: VPDPBUSD would
// need the taps of one channel adjacent in a dword, i.e. a byte transpose
// of the input per pixel, and the AVX2 kernel is bound by its loads,
// shuffles and requantization rather than by VPMADDWD throughput.
func init() {
	for _, v := range []Variant{AVX2, AVXVNNI, AVX512VNNI} {
		depthwisePreparers[v] = func(p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
			return prepareDepthwiseAVX2(v, p, filter, bias)
		}
	}
}

// prepareDepthwiseAVX2 packs a depthwise convolution with channel
// multiplier 1 for amd64.DepthwiseInt8; other multipliers, fewer than 16
// channels and requantization constants outside the vector form keep the
// reference kernel. The prepared op's units are the reference's output rows.
func prepareDepthwiseAVX2(v Variant, p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
	g := &p.ConvGeom
	if g.OutC != g.InC || g.Groups != g.InC {
		return nil, false
	}
	r := &p.Requant
	d, err := amd64.PackDepthwiseInt8(amd64.DepthwiseGeom{
		N: g.N, InH: g.InH, InW: g.InW, C: g.InC, OutH: g.OutH, OutW: g.OutW,
		KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW,
		DilationH: g.DilationH, DilationW: g.DilationW, PadTop: g.PadTop, PadLeft: g.PadLeft,
	}, filter, bias, p.InZeroPoint, r.Multiplier, r.Shift, r.OutZeroPoint, r.ActMin, r.ActMax)
	if err != nil {
		return nil, false
	}
	pr := NewPreparedInt8(v, d.Units(), d.ScratchBytes(), d.RunAVX2)
	pr.MinGrain = d.MinRowsPerCall()
	return pr, true
}
