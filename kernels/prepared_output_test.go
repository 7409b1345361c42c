package kernels

import "testing"

// TestOutputSpans runs prepared convolutions over random unit ranges and
// checks that the bytes each range writes are exactly the bytes its
// OutputSpans name: every byte a range changes (from either of two
// sentinel fills) lies in its spans, every byte of its spans holds the
// whole run's value afterwards, and the spans of all ranges cover the
// output once.
func TestOutputSpans(t *testing.T) {
	r := newRand(11)
	type geom struct{ h, w, inC, outC, k, stride, groups int }
	cases := []geom{
		{9, 11, 8, 40, 1, 1, 1},   // pixel panels, direct 1x1, partial last block and panel
		{7, 7, 32, 72, 1, 1, 1},   // (block, panel) units: 9 panels, 5 blocks, the last partial
		{1, 1, 48, 56, 1, 1, 1},   // one pixel, (block, panel) units
		{10, 10, 16, 24, 3, 2, 1}, // im2col
		{6, 6, 16, 32, 1, 1, 2},   // two groups
		{12, 11, 32, 32, 3, 1, 1}, // 3x3 stride 1: Winograd's tile rows
		{11, 11, 24, 40, 3, 1, 1}, // ... odd output height, a partial block
		{27, 26, 16, 24, 3, 1, 1}, // F(4x4, 3x3): four-row tiles, the last cut
		{12, 9, 32, 32, 3, 1, 32}, // depthwise: output rows
		{11, 7, 48, 48, 5, 2, 48}, // depthwise 5x5/2
	}
	for _, v := range append(Variants(), gemmTestVariants(t)...) {
		for _, c := range cases {
			pad := c.k / 2
			g := ConvGeom{N: 1, InH: c.h, InW: c.w, InC: c.inC, OutH: (c.h+2*pad-c.k)/c.stride + 1, OutW: (c.w+2*pad-c.k)/c.stride + 1,
				OutC: c.outC, KH: c.k, KW: c.k, StrideH: c.stride, StrideW: c.stride, DilationH: 1, DilationW: 1,
				PadTop: pad, PadLeft: pad, Groups: c.groups}
			p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: 3, Requant: randRequant(r, c.outC, 2000, 1)}
			filter := randInt8s(r, c.outC*c.k*c.k*c.inC/c.groups, -127, 127)
			pr, ok := PrepareConv2DInt8(v, p, filter, nil)
			if !ok {
				continue
			}
			if _, _, ok := pr.OutputSpans(0, pr.Units); !ok {
				t.Errorf("%s %+v: the prepared convolution does not describe its output", v, c)
				continue
			}
			in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
			n := g.N * g.OutH * g.OutW * g.OutC
			scratch := make([]byte, pr.ScratchBytes+64)
			want := make([]int8, n)
			pr.Run(in, want, scratch, 0, pr.Units)
			covered := make([]int, n)
			for lo := 0; lo < pr.Units; {
				hi := min(pr.Units, lo+1+r.IntN(max(1, pr.Units/3)))
				inSpan := make([]bool, n)
				spans, ns, _ := pr.OutputSpans(lo, hi)
				for _, s := range spans[:ns] {
					for row := 0; row < s.Rows; row++ {
						for i := s.Offset + row*s.Stride; i < s.Offset+row*s.Stride+s.Width; i++ {
							inSpan[i] = true
							covered[i]++
						}
					}
				}
				for _, fill := range []int8{-128, 127} {
					got := make([]int8, n)
					for i := range got {
						got[i] = fill
					}
					pr.Run(in, got, scratch, lo, hi)
					for i := range got {
						if inSpan[i] && got[i] != want[i] {
							t.Fatalf("%s %+v units [%d, %d): byte %d = %d in its spans, the whole run wrote %d", v, c, lo, hi, i, got[i], want[i])
						}
						if !inSpan[i] && got[i] != fill {
							t.Fatalf("%s %+v units [%d, %d): byte %d written outside its spans %v", v, c, lo, hi, i, spans[:ns])
						}
					}
				}
				lo = hi
			}
			for i, k := range covered {
				if k != 1 {
					t.Fatalf("%s %+v: byte %d in %d ranges' spans, want 1", v, c, i, k)
				}
			}
		}
	}
}
