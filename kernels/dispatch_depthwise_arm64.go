//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/arm64"

// The arm64 depthwise kernel (kernels/arm64.PackedDepthwise): 16 channels
// per block, any window, stride and dilation through per-pixel tap
// pointers (padding taps read a row of the input zero point), channel
// multiplier 1. NEON and DotProd both run the SMULL/SMLAL kernel: a
// depthwise tap is one MAC per channel, which SDOT's four-deep sums do not
// fit.
func init() {
	for _, v := range []Variant{NEON, DotProd} {
		if archSupport(v) != nil {
			continue
		}
		depthwisePreparers[v] = func(p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
			return prepareDepthwiseArm64(v, p, filter, bias)
		}
	}
}

// depthwiseMaxPairs bounds the window (2*25 = 50 taps, 7x7 fits) so that
// the tap pointers of a chunk of pixels live on the stack.
const (
	depthwiseMaxPairs    = 25
	depthwiseChunkPixels = 16
)

type depthwiseArm64 struct {
	p      Conv2DInt8Params
	packed *arm64.PackedDepthwise
	zero   []int8 // InC bytes of the input zero point: the padding taps' row
	out    arm64.Out
}

func prepareDepthwiseArm64(v Variant, p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
	g := &p.ConvGeom
	taps := g.KH * g.KW
	r := &p.Requant
	if g.OutC != g.InC || taps < 1 || (taps+1)/2 > depthwiseMaxPairs ||
		p.InZeroPoint < -128 || p.InZeroPoint > 127 || !depthwiseRequantOK(r, g.OutC) {
		return nil, false
	}
	d := &depthwiseArm64{
		p:      *p,
		packed: arm64.PackDepthwise(filter, g.InC, taps, bias, p.InZeroPoint, r.Multiplier, r.Shift),
		zero:   make([]int8, g.InC),
		out:    arm64.Out{ZeroPoint: r.OutZeroPoint, Min: r.ActMin, Max: r.ActMax},
	}
	for i := range d.zero {
		d.zero[i] = int8(p.InZeroPoint)
	}
	av := arm64.NEON
	return NewPreparedInt8(v, g.Units(), 0, func(in, out []int8, _ []byte, lo, hi int) {
		d.run(av, in, out, lo, hi)
	}), true
}

// depthwiseRequantOK: shifts the vector form handles (any multiplier:
// SQRDMULH saturates MinInt32*MinInt32 exactly like the reference) and an
// int8 output range.
func depthwiseRequantOK(r *Requant, n int) bool {
	if len(r.Multiplier) < n || len(r.Shift) < n {
		return false
	}
	for c := 0; c < n; c++ {
		if r.Shift[c] < -31 || r.Shift[c] > 30 {
			return false
		}
	}
	return r.ActMin <= r.ActMax && r.ActMin >= -128 && r.ActMax <= 127 &&
		r.OutZeroPoint >= -128 && r.OutZeroPoint <= 127
}

// run computes output rows [lo, hi) (the reference's units) in chunks of
// pixels whose tap pointers are built on the stack.
func (d *depthwiseArm64) run(v arm64.Variant, in, out []int8, lo, hi int) {
	g := &d.p.ConvGeom
	pk := d.packed
	perPixel := 2 * pk.Pairs
	var ptrs [depthwiseChunkPixels * 2 * depthwiseMaxPairs]*int8
	zero := &d.zero[0]
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		for ox0 := 0; ox0 < g.OutW; ox0 += depthwiseChunkPixels {
			pixels := min(depthwiseChunkPixels, g.OutW-ox0)
			ind := ptrs[:pixels*perPixel]
			for i := 0; i < pixels; i++ {
				taps := ind[i*perPixel:][:perPixel]
				ox := ox0 + i
				for ky := 0; ky < g.KH; ky++ {
					iy := oy*g.StrideH - g.PadTop + ky*g.DilationH
					for kx := 0; kx < g.KW; kx++ {
						ix := ox*g.StrideW - g.PadLeft + kx*g.DilationW
						t := &taps[ky*g.KW+kx]
						*t = zero
						if iy >= 0 && iy < g.InH && ix >= 0 && ix < g.InW {
							*t = &in[((n*g.InH+iy)*g.InW+ix)*g.InC]
						}
					}
				}
				for t := g.KH * g.KW; t < perPixel; t++ {
					taps[t] = zero
				}
			}
			o := out[(u*g.OutW+ox0)*g.OutC:][:(pixels-1)*g.OutC+g.OutC]
			pk.Run(v, ind, pixels, &o[0], g.OutC, d.out)
		}
	}
}
