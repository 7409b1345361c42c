package kernels

import (
	"fmt"
	"math"
	"testing"
)

type poolCase struct {
	name            string
	n, inH, inW, c  int
	kh, kw, sh, sw  int
	dh, dw          int
	pt, pb, pl, pr  int
	countIncludePad bool
}

func (c poolCase) geom() (PoolGeom, bool) {
	g := PoolGeom{N: c.n, InH: c.inH, InW: c.inW, C: c.c, KH: c.kh, KW: c.kw, StrideH: c.sh, StrideW: c.sw,
		DilationH: c.dh, DilationW: c.dw, PadTop: c.pt, PadLeft: c.pl, CountIncludePad: c.countIncludePad}
	g.OutH = (c.inH+c.pt+c.pb-(c.kh-1)*c.dh-1)/c.sh + 1
	g.OutW = (c.inW+c.pl+c.pr-(c.kw-1)*c.dw-1)/c.sw + 1
	return g, c.inH+c.pt+c.pb >= (c.kh-1)*c.dh+1 && c.inW+c.pl+c.pr >= (c.kw-1)*c.dw+1
}

func (c poolCase) String() string {
	return fmt.Sprintf("%s/%dx%dx%dx%d_k%dx%d_s%dx%d_d%dx%d_p%d,%d,%d,%d_incl%v", c.name, c.n, c.inH, c.inW, c.c,
		c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pt, c.pb, c.pl, c.pr, c.countIncludePad)
}

func poolCases() []poolCase {
	cs := []poolCase{
		{name: "2x2s2", n: 1, inH: 8, inW: 6, c: 5, kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1},
		{name: "3x3s2asym", n: 2, inH: 9, inW: 10, c: 7, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 1, pr: 1},
		{name: "3x3s1same", n: 1, inH: 5, inW: 7, c: 3, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1},
		{name: "3x3s1sameIncl", n: 1, inH: 5, inW: 7, c: 3, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, countIncludePad: true},
		{name: "dilated", n: 1, inH: 9, inW: 9, c: 4, kh: 3, kw: 2, sh: 1, sw: 2, dh: 2, dw: 3, pt: 2, pb: 1, pl: 0, pr: 3},
		{name: "global", n: 2, inH: 7, inW: 7, c: 33, kh: 7, kw: 7, sh: 1, sw: 1, dh: 1, dw: 1},
		{name: "manyChannels", n: 1, inH: 4, inW: 3, c: 300, kh: 2, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 0, pl: 1, pr: 1, countIncludePad: true},
		{name: "spatial1x1", n: 2, inH: 1, inW: 1, c: 9, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1},
		{name: "padOnlyWindows", n: 1, inH: 2, inW: 2, c: 3, kh: 1, kw: 1, sh: 3, sw: 3, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2},
		{name: "padOnlyWindowsIncl", n: 1, inH: 2, inW: 2, c: 3, kh: 1, kw: 1, sh: 3, sw: 3, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2, countIncludePad: true},
	}
	r := newRand(2)
	for len(cs) < 10+20 {
		c := poolCase{name: "random", n: 1 + r.IntN(2), inH: 1 + r.IntN(9), inW: 1 + r.IntN(9), c: 1 + r.IntN(11),
			kh: 1 + r.IntN(4), kw: 1 + r.IntN(4), sh: 1 + r.IntN(3), sw: 1 + r.IntN(3), dh: 1 + r.IntN(2), dw: 1 + r.IntN(2),
			countIncludePad: r.IntN(2) == 0}
		c.pt, c.pb, c.pl, c.pr = r.IntN(c.kh), r.IntN(c.kh), r.IntN(c.kw), r.IntN(c.kw)
		if _, ok := c.geom(); ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// poolWindows calls f for every output with the in-bounds input offsets of its window.
func poolWindows(g PoolGeom, f func(outIndex int, taps []int)) {
	i := 0
	for n := range g.N {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for c := range g.C {
					var taps []int
					for ky := range g.KH {
						for kx := range g.KW {
							iy := oy*g.StrideH - g.PadTop + ky*g.DilationH
							ix := ox*g.StrideW - g.PadLeft + kx*g.DilationW
							if iy >= 0 && iy < g.InH && ix >= 0 && ix < g.InW {
								taps = append(taps, ((n*g.InH+iy)*g.InW+ix)*g.C+c)
							}
						}
					}
					f(i, taps)
					i++
				}
			}
		}
	}
}

func poolWhere(g PoolGeom) func(i int) string {
	return func(i int) string {
		px := i / g.C
		return fmt.Sprintf("out[n=%d oy=%d ox=%d c=%d]", px/(g.OutH*g.OutW), px/g.OutW%g.OutH, px%g.OutW, i%g.C)
	}
}

func TestPoolInt8(t *testing.T) {
	for ci, c := range poolCases() {
		t.Run(c.String(), func(t *testing.T) {
			g, _ := c.geom()
			r := newRand(uint64(500 + ci))
			in := randInt8s(r, g.N*g.InH*g.InW*g.C, -128, 127)
			p := &PoolInt8Params{PoolGeom: g, ZeroPoint: int32(r.IntN(61) - 30), ActMin: -128, ActMax: 127}
			if ci%3 == 1 {
				p.ActMin, p.ActMax = p.ZeroPoint, p.ZeroPoint+50
			}
			n := g.N * g.OutH * g.OutW * g.C
			wantMax, wantAvg := make([]int8, n), make([]int8, n)
			clamp := func(v int64) int8 { return int8(min(max(v, int64(p.ActMin)), int64(p.ActMax))) }
			poolWindows(g, func(i int, taps []int) {
				m, sum := int64(p.ZeroPoint), int64(0)
				for k, off := range taps {
					if k == 0 || int64(in[off]) > m {
						m = int64(in[off])
					}
					sum += int64(in[off])
				}
				count := int64(len(taps))
				if g.CountIncludePad {
					count = int64(g.KH * g.KW)
					sum += (count - int64(len(taps))) * int64(p.ZeroPoint)
				}
				avg := int64(p.ZeroPoint)
				if count > 0 {
					avg = int64(math.Round(float64(sum) / float64(count))) // half away from zero
				}
				wantMax[i], wantAvg[i] = clamp(m), clamp(avg)
			})
			unitOf := func(i int) int { return i / (g.OutW * g.C) }
			got := runChecked(t, n, g.Units(), unitOf, func(out []int8, lo, hi int) { MaxPoolInt8(p, in, out, lo, hi) })
			compareInt8(t, got, wantMax, poolWhere(g))
			got = runChecked(t, n, g.Units(), unitOf, func(out []int8, lo, hi int) { AvgPoolInt8(p, in, out, lo, hi) })
			compareInt8(t, got, wantAvg, poolWhere(g))
		})
	}
}

func TestPoolFloat32(t *testing.T) {
	for ci, c := range poolCases() {
		t.Run(c.String(), func(t *testing.T) {
			g, _ := c.geom()
			r := newRand(uint64(600 + ci))
			in := randFloat32s(r, g.N*g.InH*g.InW*g.C)
			p := &PoolFloat32Params{PoolGeom: g, ActMin: float32(math.Inf(-1)), ActMax: float32(math.Inf(1))}
			if ci%3 == 1 {
				p.ActMin, p.ActMax = -0.25, 0.75
			}
			n := g.N * g.OutH * g.OutW * g.C
			wantMax, avgBits := make([]float32, n), make([]float32, n)
			avgExact, avgMag := make([]float64, n), make([]float64, n)
			poolWindows(g, func(i int, taps []int) {
				m := float32(0)
				var s32 float32
				var s64, mag float64
				for k, off := range taps {
					if k == 0 || in[off] > m {
						m = in[off]
					}
					s32 += in[off]
					s64 += float64(in[off])
					mag += math.Abs(float64(in[off]))
				}
				count := len(taps)
				if g.CountIncludePad {
					count = g.KH * g.KW
				}
				wantMax[i] = min(max(m, p.ActMin), p.ActMax)
				if count > 0 {
					avgBits[i] = min(max(s32/float32(count), p.ActMin), p.ActMax)
					avgExact[i] = min(max(s64/float64(count), float64(p.ActMin)), float64(p.ActMax))
					avgMag[i] = mag / float64(count)
				} else {
					avgBits[i] = min(max(0, p.ActMin), p.ActMax)
					avgExact[i] = float64(avgBits[i])
				}
			})
			unitOf := func(i int) int { return i / (g.OutW * g.C) }
			got := runChecked(t, n, g.Units(), unitOf, func(out []float32, lo, hi int) { MaxPoolFloat32(p, in, out, lo, hi) })
			compareBits(t, got, wantMax, poolWhere(g))
			got = runChecked(t, n, g.Units(), unitOf, func(out []float32, lo, hi int) { AvgPoolFloat32(p, in, out, lo, hi) })
			compareFloat32(t, got, avgExact, avgMag, float64(g.KH*g.KW+2)*0x1p-24, poolWhere(g))
			compareBits(t, got, avgBits, poolWhere(g))
		})
	}
}

func TestPoolInt8HandWorked(t *testing.T) {
	t.Run("max", func(t *testing.T) {
		// Input [1 2 3; 4 -5 6; 7 8 -9], 2x2 windows, stride 1: maxima
		// [4 6; 8 8]; with ActMax 7 they clamp to [4 6; 7 7].
		p := &PoolInt8Params{PoolGeom: PoolGeom{N: 1, InH: 3, InW: 3, C: 1, OutH: 2, OutW: 2, KH: 2, KW: 2,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}, ZeroPoint: 0, ActMin: -128, ActMax: 7}
		out := make([]int8, 4)
		MaxPoolInt8(p, []int8{1, 2, 3, 4, -5, 6, 7, 8, -9}, out, 0, 2)
		compareInt8(t, out, []int8{4, 6, 7, 7}, poolWhere(p.PoolGeom))
	})
	// Input 1x1x3x2, channel 0 = [5 -3 8], channel 1 = [-4 -1 -6]; 1x2
	// windows, stride 1, left pad 1, zero point 2.
	//   excluding pads: ox=0: 5/1 = 5, -4/1 = -4; ox=1: 2/2 = 1, -5/2 = -2.5 -> -3;
	//                   ox=2: 5/2 = 2.5 -> 3, -7/2 = -3.5 -> -4
	//   including pads (the pad tap adds 2): ox=0: 7/2 = 3.5 -> 4, -2/2 = -1; the rest as above.
	in := []int8{5, -4, -3, -1, 8, -6}
	for _, c := range []struct {
		incl bool
		want []int8
	}{{false, []int8{5, -4, 1, -3, 3, -4}}, {true, []int8{4, -1, 1, -3, 3, -4}}} {
		t.Run(fmt.Sprint("avg incl=", c.incl), func(t *testing.T) {
			p := &PoolInt8Params{PoolGeom: PoolGeom{N: 1, InH: 1, InW: 3, C: 2, OutH: 1, OutW: 3, KH: 1, KW: 2,
				StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadLeft: 1, CountIncludePad: c.incl},
				ZeroPoint: 2, ActMin: -128, ActMax: 127}
			out := make([]int8, 6)
			AvgPoolInt8(p, in, out, 0, 1)
			compareInt8(t, out, c.want, poolWhere(p.PoolGeom))
		})
	}
}

func TestPoolAllocs(t *testing.T) {
	g, _ := poolCase{n: 1, inH: 6, inW: 6, c: 300, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1}.geom()
	r := newRand(13)
	n := g.N * g.OutH * g.OutW * g.C
	p8 := &PoolInt8Params{PoolGeom: g, ActMin: -128, ActMax: 127}
	in8, out8 := randInt8s(r, g.N*g.InH*g.InW*g.C, -128, 127), make([]int8, n)
	checkNoAllocs(t, "MaxPoolInt8", func() { MaxPoolInt8(p8, in8, out8, 0, g.Units()) })
	checkNoAllocs(t, "AvgPoolInt8", func() { AvgPoolInt8(p8, in8, out8, 0, g.Units()) })
	pf := &PoolFloat32Params{PoolGeom: g, ActMin: -1, ActMax: 1}
	inF, outF := randFloat32s(r, len(in8)), make([]float32, n)
	checkNoAllocs(t, "MaxPoolFloat32", func() { MaxPoolFloat32(pf, inF, outF, 0, g.Units()) })
	checkNoAllocs(t, "AvgPoolFloat32", func() { AvgPoolFloat32(pf, inF, outF, 0, g.Units()) })
}

func BenchmarkPool(b *testing.B) {
	for _, c := range []poolCase{
		{name: "3x3s2_112x112x64", n: 1, inH: 112, inW: 112, c: 64, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 0, pr: 1},
		{name: "global_7x7x1024", n: 1, inH: 7, inW: 7, c: 1024, kh: 7, kw: 7, sh: 1, sw: 1, dh: 1, dw: 1},
	} {
		g, _ := c.geom()
		r := newRand(17)
		taps := float64(g.N*g.OutH*g.OutW*g.C) * float64(g.KH*g.KW)
		n := g.N * g.OutH * g.OutW * g.C
		p8 := &PoolInt8Params{PoolGeom: g, ActMin: -128, ActMax: 127}
		in8, out8 := randInt8s(r, g.N*g.InH*g.InW*g.C, -128, 127), make([]int8, n)
		pf := &PoolFloat32Params{PoolGeom: g, ActMin: -1, ActMax: 1}
		inF, outF := randFloat32s(r, len(in8)), make([]float32, n)
		b.Run("MaxInt8_"+c.name, func(b *testing.B) {
			reportRate(b, taps, "Gtap/s", func() { MaxPoolInt8(p8, in8, out8, 0, g.Units()) })
		})
		b.Run("AvgInt8_"+c.name, func(b *testing.B) {
			reportRate(b, taps, "Gtap/s", func() { AvgPoolInt8(p8, in8, out8, 0, g.Units()) })
		})
		b.Run("MaxFloat32_"+c.name, func(b *testing.B) {
			reportRate(b, taps, "Gtap/s", func() { MaxPoolFloat32(pf, inF, outF, 0, g.Units()) })
		})
		b.Run("AvgFloat32_"+c.name, func(b *testing.B) {
			reportRate(b, taps, "Gtap/s", func() { AvgPoolFloat32(pf, inF, outF, 0, g.Units()) })
		})
	}
}
