package kernels

import (
	"fmt"
	"testing"
)

// TestPreparedDepthwiseMatchesReference runs PrepareConv2DInt8 on
// depthwise convolutions for every variant this build and CPU run, and
// compares the prepared op (units split like the runtime's workers, guard
// bands around the output) with Conv2DInt8. Shapes: MobileNet-like 3x3
// and 5x5 at stride 1 and 2 with "same" padding, odd channel counts (a
// tail after the 16-channel blocks), 1x1 images, dilation, channel
// multiplier 2 (kept on the reference).
func TestPreparedDepthwiseMatchesReference(t *testing.T) {
	r := newRand(41)
	type shape struct{ h, w, c, k, stride, dil, mult int }
	shapes := []shape{
		{9, 9, 32, 3, 1, 1, 1}, {10, 7, 48, 3, 2, 1, 1}, {7, 7, 96, 5, 1, 1, 1}, {8, 9, 40, 5, 2, 1, 1},
		{1, 1, 16, 3, 1, 1, 1}, {5, 6, 17, 3, 1, 2, 1}, {6, 6, 33, 3, 2, 1, 1}, {4, 4, 8, 3, 1, 1, 1},
		{5, 5, 16, 3, 1, 1, 2}, {3, 12, 160, 5, 1, 1, 1},
	}
	for _, s := range shapes {
		g := ConvGeom{N: 2, InH: s.h, InW: s.w, InC: s.c, OutC: s.c * s.mult, KH: s.k, KW: s.k,
			StrideH: s.stride, StrideW: s.stride, DilationH: s.dil, DilationW: s.dil, Groups: s.c}
		pad := s.dil * (s.k - 1) / 2
		g.PadTop, g.PadLeft = pad, pad
		g.OutH = (g.InH+2*pad-s.dil*(s.k-1)-1)/s.stride + 1
		g.OutW = (g.InW+2*pad-s.dil*(s.k-1)-1)/s.stride + 1
		p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(256) - 128),
			Requant: randRequant(r, g.OutC, 60*float64(s.k*s.k), 1)}
		in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
		filter := randInt8s(r, g.OutC*g.KH*g.KW, -127, 127)
		bias := make([]int32, g.OutC)
		for i := range bias {
			bias[i] = int32(r.IntN(4001) - 2000)
		}
		n := g.N * g.OutH * g.OutW * g.OutC
		want := make([]int8, n)
		Conv2DInt8(p, in, filter, bias, want, 0, g.Units())
		for _, v := range Variants() {
			name := fmt.Sprintf("%s/%dx%dx%d_k%d_s%d_d%d_m%d", v, s.h, s.w, s.c, s.k, s.stride, s.dil, s.mult)
			prep, ok := PrepareConv2DInt8(v, p, filter, bias)
			if !ok {
				amd64Variant := v == AVX2 || v == AVXVNNI || v == AVX512VNNI
				if amd64Variant && s.mult == 1 && s.c >= 16 {
					t.Errorf("%s: not prepared; the amd64 depthwise kernel takes it", name)
				}
				continue
			}
			if prep.Units != g.Units() {
				t.Fatalf("%s: %d units, want the reference's %d", name, prep.Units, g.Units())
			}
			scratch := make([]byte, prep.ScratchBytes)
			got := runChecked(t, n, prep.Units, func(i int) int { return i / (g.OutW * g.OutC) },
				func(out []int8, lo, hi int) { prep.Run(in, out, scratch, lo, hi) })
			compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
			checkNoAllocs(t, name, func() { prep.Run(in, got, scratch, 0, prep.Units) })
		}
	}
}
