package amd64_test

import (
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// poolRunners and avgPoolRunners are the MaxPoolInt8 and AvgPoolInt8
// implementations this build runs; the AVX2 ones join from
// pool_ref_amd64_test.go.
var (
	poolRunners = []struct {
		name string
		run  func(p *amd64.MaxPoolInt8, in, out []int8, lo, hi int)
	}{{"generic", (*amd64.MaxPoolInt8).RunGeneric}}
	avgPoolRunners = []struct {
		name string
		run  func(p *amd64.AvgPoolInt8, in, out []int8, lo, hi int)
	}{{"generic", (*amd64.AvgPoolInt8).RunGeneric}}
)

// TestPoolMatchesReference compares every max and average pool runner
// with kernels.MaxPoolInt8 and kernels.AvgPoolInt8 over random
// geometries: channel counts around and between the vector widths (every
// count 1..80: the overlapping last steps of 32, 16, 8 and 4), 1x1 images,
// strides, dilations, padding (windows with no in-bounds tap included),
// CountIncludePad both ways, inputs at the int8 extremes, clamps, units
// split like the runtime's workers and guard bands.
func TestPoolMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for iter := range 400 {
		g := kernels.PoolGeom{N: 1 + r.IntN(2), InH: 1 + r.IntN(10), InW: 1 + r.IntN(12),
			C:  []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 58, 64, 65, 96, 100, 116, 232}[r.IntN(22)],
			KH: 1 + r.IntN(4), KW: 1 + r.IntN(4), StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3),
			DilationH: 1 + r.IntN(2)*r.IntN(2), DilationW: 1 + r.IntN(2)*r.IntN(2)}
		g.PadTop, g.PadLeft = r.IntN(g.KH+1), r.IntN(g.KW+1)
		padB, padR := r.IntN(g.KH+1), r.IntN(g.KW+1)
		g.OutH = (g.InH+g.PadTop+padB-g.DilationH*(g.KH-1)-1)/g.StrideH + 1
		g.OutW = (g.InW+g.PadLeft+padR-g.DilationW*(g.KW-1)-1)/g.StrideW + 1
		if iter%4 == 1 {
			g.C = 1 + r.IntN(80) // every width and overlap of the vector steps
		}
		if g.OutH < 1 || g.OutW < 1 {
			continue
		}
		p := &kernels.PoolInt8Params{PoolGeom: g, ZeroPoint: int32(r.IntN(256) - 128), ActMin: -128, ActMax: 127}
		if iter%3 == 0 {
			p.ActMin = int32(r.IntN(100) - 100)
			p.ActMax = p.ActMin + int32(r.IntN(int(127-p.ActMin)+1))
		}
		g.CountIncludePad = r.IntN(2) == 0
		p.CountIncludePad = g.CountIncludePad
		in := make([]int8, g.N*g.InH*g.InW*g.C)
		extreme := r.IntN(5)
		for i := range in {
			switch extreme {
			case 0:
				in[i] = -128
			case 1:
				in[i] = 127
			default:
				in[i] = int8(r.IntN(256) - 128)
			}
		}
		want := make([]int8, g.N*g.OutH*g.OutW*g.C)
		kernels.MaxPoolInt8(p, in, want, 0, g.Units())
		mp, err := amd64.NewMaxPoolInt8(amd64.PoolGeom{N: g.N, InH: g.InH, InW: g.InW, C: g.C, OutH: g.OutH, OutW: g.OutW,
			KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW, DilationH: g.DilationH, DilationW: g.DilationW,
			PadTop: g.PadTop, PadLeft: g.PadLeft}, p.ZeroPoint, p.ActMin, p.ActMax)
		if err != nil {
			t.Fatal(err)
		}
		if mp.Units() != g.Units() {
			t.Fatalf("Units %d, want %d", mp.Units(), g.Units())
		}
		for _, run := range poolRunners {
			got, check := guardedOut(t, len(want))
			for lo := 0; lo < g.Units(); {
				hi := min(g.Units(), lo+1+r.IntN(3))
				run.run(mp, in, got, lo, hi)
				lo = hi
			}
			check()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("iter %d %s %+v: output %d (pixel %d channel %d): got %d, want %d", iter, run.name, g, i, i/g.C, i%g.C, got[i], want[i])
				}
			}
		}
		kernels.AvgPoolInt8(p, in, want, 0, g.Units())
		ap, err := amd64.NewAvgPoolInt8(amd64.PoolGeom{N: g.N, InH: g.InH, InW: g.InW, C: g.C, OutH: g.OutH, OutW: g.OutW,
			KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW, DilationH: g.DilationH, DilationW: g.DilationW,
			PadTop: g.PadTop, PadLeft: g.PadLeft}, g.CountIncludePad, p.ZeroPoint, p.ActMin, p.ActMax)
		if err != nil {
			t.Fatal(err)
		}
		for _, run := range avgPoolRunners {
			got, check := guardedOut(t, len(want))
			for lo := 0; lo < g.Units(); {
				hi := min(g.Units(), lo+1+r.IntN(3))
				run.run(ap, in, got, lo, hi)
				lo = hi
			}
			check()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("iter %d average %s %+v zp %d: output %d (pixel %d channel %d): got %d, want %d", iter, run.name, g, p.ZeroPoint, i, i/g.C, i%g.C, got[i], want[i])
				}
			}
		}
	}
}
