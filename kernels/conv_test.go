package kernels

import (
	"fmt"
	"math"
	"testing"
)

// convCase is a convolution geometry with explicit bottom/right padding,
// from which the output size follows.
type convCase struct {
	name             string
	n, inH, inW, inC int
	outC, kh, kw     int
	sh, sw, dh, dw   int
	pt, pb, pl, pr   int
	groups           int
}

func (c convCase) geom() (ConvGeom, bool) {
	g := ConvGeom{
		N: c.n, InH: c.inH, InW: c.inW, InC: c.inC, OutC: c.outC, KH: c.kh, KW: c.kw,
		StrideH: c.sh, StrideW: c.sw, DilationH: c.dh, DilationW: c.dw,
		PadTop: c.pt, PadLeft: c.pl, Groups: c.groups,
	}
	g.OutH = (c.inH+c.pt+c.pb-(c.kh-1)*c.dh-1)/c.sh + 1
	g.OutW = (c.inW+c.pl+c.pr-(c.kw-1)*c.dw-1)/c.sw + 1
	ok := c.inH+c.pt+c.pb >= (c.kh-1)*c.dh+1 && c.inW+c.pl+c.pr >= (c.kw-1)*c.dw+1
	return g, ok
}

func (c convCase) String() string {
	return fmt.Sprintf("%s/%dx%dx%dx%d->%d_k%dx%d_s%dx%d_d%dx%d_p%d,%d,%d,%d_g%d", c.name,
		c.n, c.inH, c.inW, c.inC, c.outC, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pt, c.pb, c.pl, c.pr, c.groups)
}

// convCases are the fixed geometries every conv test runs, plus random ones.
func convCases() []convCase {
	cs := []convCase{
		{name: "pointwise", n: 1, inH: 7, inW: 5, inC: 13, outC: 11, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		{name: "3x3same", n: 1, inH: 9, inW: 8, inC: 5, outC: 7, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		{name: "stride2asym", n: 2, inH: 10, inW: 9, inC: 6, outC: 10, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 1, pr: 0, groups: 1},
		{name: "dilation2", n: 1, inH: 11, inW: 10, inC: 4, outC: 6, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, pt: 2, pb: 2, pl: 2, pr: 2, groups: 1},
		{name: "mixed", n: 1, inH: 9, inW: 12, inC: 3, outC: 5, kh: 5, kw: 3, sh: 1, sw: 2, dh: 2, dw: 1, pt: 3, pb: 1, pl: 0, pr: 2, groups: 1},
		{name: "grouped", n: 1, inH: 7, inW: 7, inC: 12, outC: 9, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 3},
		{name: "groupedDilated", n: 2, inH: 8, inW: 7, inC: 10, outC: 15, kh: 2, kw: 3, sh: 2, sw: 1, dh: 1, dw: 2, pt: 1, pb: 0, pl: 0, pr: 2, groups: 5},
		{name: "depthwise", n: 1, inH: 9, inW: 9, inC: 7, outC: 7, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 7},
		{name: "depthwiseStride2", n: 2, inH: 10, inW: 10, inC: 5, outC: 5, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 0, pr: 1, groups: 5},
		{name: "depthwiseMult2", n: 1, inH: 8, inW: 8, inC: 5, outC: 10, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 5},
		{name: "depthwiseMult2Strided", n: 2, inH: 9, inW: 10, inC: 3, outC: 6, kh: 3, kw: 3, sh: 2, sw: 2, dh: 2, dw: 2, pt: 2, pb: 1, pl: 1, pr: 2, groups: 3},
		{name: "depthwise5x5", n: 1, inH: 9, inW: 8, inC: 6, outC: 6, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2, groups: 6},
		{name: "depthwiseNoPad", n: 1, inH: 6, inW: 7, inC: 9, outC: 9, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, groups: 9},
		{name: "singleInputChannel", n: 1, inH: 6, inW: 6, inC: 1, outC: 5, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		{name: "spatial1x1", n: 2, inH: 1, inW: 1, inC: 9, outC: 7, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		{name: "spatial1x1Depthwise", n: 1, inH: 1, inW: 1, inC: 4, outC: 8, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 4},
		{name: "windowLargerThanInput", n: 1, inH: 2, inW: 3, inC: 3, outC: 5, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2, groups: 1},
		{name: "padOnlyWindows", n: 1, inH: 2, inW: 2, inC: 2, outC: 3, kh: 1, kw: 1, sh: 3, sw: 3, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2, groups: 1},
		{name: "pointwisePadEnd", n: 2, inH: 3, inW: 4, inC: 6, outC: 5, kh: 1, kw: 1, sh: 1, sw: 2, dh: 1, dw: 1, pb: 1, pr: 2, groups: 1},
		{name: "longK", n: 1, inH: 3, inW: 3, inC: 67, outC: 6, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	}
	r := newRand(1)
	for len(cs) < 20+24 {
		c := convCase{name: "random", n: 1 + r.IntN(2), inH: 1 + r.IntN(9), inW: 1 + r.IntN(9),
			kh: 1 + r.IntN(4), kw: 1 + r.IntN(4), sh: 1 + r.IntN(3), sw: 1 + r.IntN(3),
			dh: 1 + r.IntN(2), dw: 1 + r.IntN(2)}
		c.pt, c.pb = r.IntN(c.kh), r.IntN(c.kh)
		c.pl, c.pr = r.IntN(c.kw), r.IntN(c.kw)
		if r.IntN(3) == 0 { // depthwise with multiplier 1..3
			c.inC = 1 + r.IntN(9)
			c.groups = c.inC
			c.outC = c.inC * (1 + r.IntN(3))
		} else {
			c.groups = 1 + r.IntN(3)
			c.inC = c.groups * (1 + r.IntN(7))
			c.outC = c.groups * (1 + r.IntN(7))
		}
		if _, ok := c.geom(); ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// naiveConvInt8 computes the quantized convolution from its definition:
// an int64 accumulator over every tap, skipping taps outside the image.
func naiveConvInt8(t *testing.T, p *Conv2DInt8Params, in, filter []int8, bias []int32) []int8 {
	g := p.ConvGeom
	icg, ocg := g.InC/g.Groups, g.OutC/g.Groups
	out := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
	i := 0
	for n := range g.N {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for oc := range g.OutC {
					var acc int64
					if bias != nil {
						acc = int64(bias[oc])
					}
					for ky := range g.KH {
						for kx := range g.KW {
							iy := oy*g.StrideH - g.PadTop + ky*g.DilationH
							ix := ox*g.StrideW - g.PadLeft + kx*g.DilationW
							if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
								continue
							}
							for ic := range icg {
								w := filter[((oc*g.KH+ky)*g.KW+kx)*icg+ic]
								x := in[((n*g.InH+iy)*g.InW+ix)*g.InC+oc/ocg*icg+ic]
								acc += int64(w) * (int64(x) - int64(p.InZeroPoint))
							}
						}
					}
					if acc != int64(int32(acc)) {
						t.Fatalf("test accumulator %d overflows int32", acc)
					}
					out[i] = naiveRequantize(int32(acc), p.Multiplier[oc], p.Shift[oc], p.OutZeroPoint, p.ActMin, p.ActMax)
					i++
				}
			}
		}
	}
	return out
}

// naiveConvFloat32 returns, per output, the float32 value the contract
// defines (sum from +0 in (ky, kx, ic) order of float32 products, then the
// bias, then the clamp), the exact float64 value and the sum of the terms'
// magnitudes.
func naiveConvFloat32(p *Conv2DFloat32Params, in, filter, bias []float32) (bits []float32, exact, mag []float64) {
	g := p.ConvGeom
	icg, ocg := g.InC/g.Groups, g.OutC/g.Groups
	for n := range g.N {
		for oy := range g.OutH {
			for ox := range g.OutW {
				for oc := range g.OutC {
					var a32 float32
					var a64, m float64
					for ky := range g.KH {
						for kx := range g.KW {
							iy := oy*g.StrideH - g.PadTop + ky*g.DilationH
							ix := ox*g.StrideW - g.PadLeft + kx*g.DilationW
							if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
								continue
							}
							for ic := range icg {
								w := filter[((oc*g.KH+ky)*g.KW+kx)*icg+ic]
								x := in[((n*g.InH+iy)*g.InW+ix)*g.InC+oc/ocg*icg+ic]
								a32 += float32(w * x)
								a64 += float64(w) * float64(x)
								m += math.Abs(float64(w) * float64(x))
							}
						}
					}
					if bias != nil {
						a32 += bias[oc]
						a64 += float64(bias[oc])
						m += math.Abs(float64(bias[oc]))
					}
					bits = append(bits, min(max(a32, p.ActMin), p.ActMax))
					exact = append(exact, min(max(a64, float64(p.ActMin)), float64(p.ActMax)))
					mag = append(mag, m)
				}
			}
		}
	}
	return bits, exact, mag
}

func convWhere(g ConvGeom) func(i int) string {
	return func(i int) string {
		oc := i % g.OutC
		px := i / g.OutC
		return fmt.Sprintf("out[n=%d oy=%d ox=%d oc=%d]", px/(g.OutH*g.OutW), px/g.OutW%g.OutH, px%g.OutW, oc)
	}
}

func TestConv2DInt8(t *testing.T) {
	for ci, c := range convCases() {
		t.Run(c.String(), func(t *testing.T) {
			g, _ := c.geom()
			r := newRand(uint64(100 + ci))
			icg := g.InC / g.Groups
			in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
			filter := randInt8s(r, g.OutC*g.KH*g.KW*icg, -127, 127)
			var bias []int32
			if ci%5 != 4 { // every fifth case has no bias
				bias = make([]int32, g.OutC)
				for i := range bias {
					bias[i] = int32(r.IntN(1<<14) - 1<<13)
				}
			}
			// |w| ~ 73, |x - zp| ~ 74 for a centred zero point: scale the
			// multipliers to the accumulator's standard deviation.
			k := float64(g.KH * g.KW * icg)
			p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(61) - 30),
				Requant: randRequant(r, g.OutC, 73*74*math.Sqrt(k)+1, 1)}
			switch ci % 4 {
			case 1: // ReLU: clamp at the output zero point
				p.ActMin = p.OutZeroPoint
			case 2: // ReLU6-like band
				p.ActMin, p.ActMax = p.OutZeroPoint, p.OutZeroPoint+60
			case 3: // large multipliers: positive shifts, saturation
				p.Requant = randRequant(r, g.OutC, 10, 1)
			}
			want := naiveConvInt8(t, p, in, filter, bias)
			got := runChecked(t, len(want), g.Units(), func(i int) int { return i / (g.OutW * g.OutC) },
				func(out []int8, lo, hi int) { Conv2DInt8(p, in, filter, bias, out, lo, hi) })
			compareInt8(t, got, want, convWhere(g))
			if ci%4 == 0 {
				checkSpread(t, got, 20)
			}
		})
	}
}

func TestConv2DFloat32(t *testing.T) {
	for ci, c := range convCases() {
		t.Run(c.String(), func(t *testing.T) {
			g, _ := c.geom()
			r := newRand(uint64(200 + ci))
			in := randFloat32s(r, g.N*g.InH*g.InW*g.InC)
			filter := randFloat32s(r, g.OutC*g.KH*g.KW*g.InC/g.Groups)
			var bias []float32
			if ci%5 != 4 {
				bias = randFloat32s(r, g.OutC)
			}
			p := &Conv2DFloat32Params{ConvGeom: g, ActMin: float32(math.Inf(-1)), ActMax: float32(math.Inf(1))}
			if ci%3 == 1 {
				p.ActMin, p.ActMax = 0, 1.5
			}
			bits, exact, mag := naiveConvFloat32(p, in, filter, bias)
			got := runChecked(t, len(bits), g.Units(), func(i int) int { return i / (g.OutW * g.OutC) },
				func(out []float32, lo, hi int) { Conv2DFloat32(p, in, filter, bias, out, lo, hi) })
			// A float32 sum of k terms is within (k+1)*2^-24 of the sum of magnitudes.
			compareFloat32(t, got, exact, mag, float64(g.KH*g.KW*g.InC/g.Groups+2)*0x1p-24, convWhere(g))
			compareBits(t, got, bits, convWhere(g))
		})
	}
}

// TestConv2DInt8HandWorked checks small cases computed by hand.
func TestConv2DInt8HandWorked(t *testing.T) {
	const half = 1 << 30 // 0.5 in Q31
	t.Run("2x2 valid", func(t *testing.T) {
		// Input 3x3x1 with zero point 1, so in - zp = [0 1 2; 3 4 5; 6 7 8];
		// filter [1 -1; 2 0], bias 10, multiplier 0.5, output zero point -3:
		//   (0,0): 1*0 - 1*1 + 2*3 + 0*4 = 5,  +10 = 15, *0.5 = 7.5 -> 8,  -3 = 5
		//   (0,1): 1*1 - 1*2 + 2*4 + 0*5 = 7,  +10 = 17, *0.5 = 8.5 -> 9,  -3 = 6
		//   (1,0): 1*3 - 1*4 + 2*6 + 0*7 = 11, +10 = 21, *0.5 = 10.5 -> 11, -3 = 8
		//   (1,1): 1*4 - 1*5 + 2*7 + 0*8 = 13, +10 = 23, *0.5 = 11.5 -> 12, -3 = 9
		p := &Conv2DInt8Params{
			ConvGeom:    ConvGeom{N: 1, InH: 3, InW: 3, InC: 1, OutH: 2, OutW: 2, OutC: 1, KH: 2, KW: 2, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1},
			InZeroPoint: 1,
			Requant:     Requant{Multiplier: []int32{half}, Shift: []int32{0}, OutZeroPoint: -3, ActMin: -128, ActMax: 127},
		}
		out := make([]int8, 4)
		Conv2DInt8(p, []int8{1, 2, 3, 4, 5, 6, 7, 8, 9}, []int8{1, -1, 2, 0}, []int32{10}, out, 0, 2)
		compareInt8(t, out, []int8{5, 6, 8, 9}, func(i int) string { return fmt.Sprint("out ", i) })
	})
	t.Run("depthwise padded stride 2", func(t *testing.T) {
		// Input 2x2x2 (zero point 0): channel 0 = [1 2; 3 4], channel 1 = [10 20; 30 40].
		// 3x3 depthwise, pad 1, stride 2: one output whose in-bounds taps are
		// (ky,kx) in {1,2}x{1,2}.
		//   ch 0: filter all ones: 1+2+3+4 = 10; multiplier 0.5, shift +1 (x1): 10; +5 = 15.
		//   ch 1: filter[ky][kx] = 3ky+kx: 4*10 + 5*20 + 7*30 + 8*40 = 670, bias -600 -> 70;
		//         multiplier 0.5, shift -1: 70*0.5 = 35, 35/2 = 17.5 -> 18; +5 = 23, clamped to 20.
		p := &Conv2DInt8Params{
			ConvGeom: ConvGeom{N: 1, InH: 2, InW: 2, InC: 2, OutH: 1, OutW: 1, OutC: 2, KH: 3, KW: 3,
				StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1, Groups: 2},
			Requant: Requant{Multiplier: []int32{half, half}, Shift: []int32{1, -1}, OutZeroPoint: 5, ActMin: -128, ActMax: 20},
		}
		filter := []int8{1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8}
		out := make([]int8, 2)
		Conv2DInt8(p, []int8{1, 10, 2, 20, 3, 30, 4, 40}, filter, []int32{0, -600}, out, 0, 1)
		compareInt8(t, out, []int8{15, 20}, func(i int) string { return fmt.Sprint("out ", i) })
	})
}

// TestConv2DFloat32PathsAgree checks that the depthwise paths give the bits
// of the general grouped path, which sums in the same order.
func TestConv2DFloat32PathsAgree(t *testing.T) {
	r := newRand(7)
	for _, c := range convCases() {
		if c.groups != c.inC {
			continue
		}
		g, _ := c.geom()
		p := &Conv2DFloat32Params{ConvGeom: g, ActMin: -2, ActMax: 2}
		in := randFloat32s(r, g.N*g.InH*g.InW*g.InC)
		filter := randFloat32s(r, g.OutC*g.KH*g.KW)
		bias := randFloat32s(r, g.OutC)
		n := g.N * g.OutH * g.OutW * g.OutC
		got, want := make([]float32, n), make([]float32, n)
		Conv2DFloat32(p, in, filter, bias, got, 0, g.Units())
		convFloat32(p, in, filter, bias, want, 0, g.Units())
		compareBits(t, got, want, convWhere(g))
	}
}

func TestConvAllocs(t *testing.T) {
	for _, c := range []convCase{
		{n: 1, inH: 6, inW: 6, inC: 8, outC: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		{n: 1, inH: 6, inW: 6, inC: 8, outC: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 8},
	} {
		g, _ := c.geom()
		r := newRand(3)
		n := g.N * g.OutH * g.OutW * g.OutC
		p8 := &Conv2DInt8Params{ConvGeom: g, Requant: randRequant(r, g.OutC, 1000, 1)}
		in8, f8, out8 := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127), randInt8s(r, g.OutC*g.KH*g.KW*g.InC/g.Groups, -127, 127), make([]int8, n)
		bias8 := make([]int32, g.OutC)
		checkNoAllocs(t, "Conv2DInt8 "+c.String(), func() { Conv2DInt8(p8, in8, f8, bias8, out8, 0, g.Units()) })
		pf := &Conv2DFloat32Params{ConvGeom: g, ActMin: -1, ActMax: 1}
		inF, fF, outF := randFloat32s(r, len(in8)), randFloat32s(r, len(f8)), make([]float32, n)
		checkNoAllocs(t, "Conv2DFloat32 "+c.String(), func() { Conv2DFloat32(pf, inF, fF, nil, outF, 0, g.Units()) })
	}
}

// convBench runs one convolution shape and reports MAC/s.
func convBench(b *testing.B, c convCase, float bool) {
	g, _ := c.geom()
	r := newRand(9)
	macs := float64(g.N*g.OutH*g.OutW*g.OutC) * float64(g.KH*g.KW*g.InC/g.Groups)
	n := g.N * g.OutH * g.OutW * g.OutC
	var run func()
	if float {
		p := &Conv2DFloat32Params{ConvGeom: g, ActMin: 0, ActMax: 6}
		in, f, bias, out := randFloat32s(r, g.N*g.InH*g.InW*g.InC), randFloat32s(r, g.OutC*g.KH*g.KW*g.InC/g.Groups), randFloat32s(r, g.OutC), make([]float32, n)
		run = func() { Conv2DFloat32(p, in, f, bias, out, 0, g.Units()) }
	} else {
		p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: -5, Requant: randRequant(r, g.OutC, 1e4, 1)}
		in, f, out := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127), randInt8s(r, g.OutC*g.KH*g.KW*g.InC/g.Groups, -127, 127), make([]int8, n)
		bias := make([]int32, g.OutC)
		run = func() { Conv2DInt8(p, in, f, bias, out, 0, g.Units()) }
	}
	reportMACs(b, macs, run)
}

var convBenchCases = []convCase{
	{name: "1x1_56x56x64to64", n: 1, inH: 56, inW: 56, inC: 64, outC: 64, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "3x3_28x28x64to64", n: 1, inH: 28, inW: 28, inC: 64, outC: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "3x3s2_224x224x3to32", n: 1, inH: 224, inW: 224, inC: 3, outC: 32, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 0, pr: 1, groups: 1},
	{name: "dw3x3_56x56x128", n: 1, inH: 56, inW: 56, inC: 128, outC: 128, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 128},
	{name: "dw3x3s2_112x112x64", n: 1, inH: 112, inW: 112, inC: 64, outC: 64, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 0, pr: 1, groups: 64},
}

func BenchmarkConv2DInt8(b *testing.B) {
	for _, c := range convBenchCases {
		b.Run(c.name, func(b *testing.B) { convBench(b, c, false) })
	}
}

func BenchmarkConv2DFloat32(b *testing.B) {
	for _, c := range convBenchCases {
		b.Run(c.name, func(b *testing.B) { convBench(b, c, true) })
	}
}

// TestConv2DInt8Extremes drives the accumulator and the requantization to
// their limits: full-scale inputs and weights, biases near ±2^30, and
// multipliers from saturating (shift 30) to vanishing (shift -31).
func TestConv2DInt8Extremes(t *testing.T) {
	c := convCase{n: 1, inH: 4, inW: 4, inC: 64, outC: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1}
	g, _ := c.geom()
	r := newRand(29)
	in := randInt8s(r, g.N*g.InH*g.InW*g.InC, 126, 127)
	in[5] = -128
	filter := randInt8s(r, g.OutC*g.KH*g.KW*g.InC, 126, 127)
	for i := range filter {
		if i%3 == 0 {
			filter[i] = -filter[i]
		}
	}
	bias := []int32{1 << 30, -1 << 30, 0, 1<<30 + 12345, -(1<<30 + 777), 5, -5, 1}
	p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: -128, Requant: Requant{
		Multiplier:   []int32{math.MaxInt32, 1 << 30, math.MaxInt32, 1 << 30, 1518500250, 1 << 30, math.MaxInt32, 1},
		Shift:        []int32{30, 0, -31, -31, -20, 30, 1, 0},
		OutZeroPoint: -128, ActMin: -128, ActMax: 127,
	}}
	want := naiveConvInt8(t, p, in, filter, bias)
	got := make([]int8, len(want))
	Conv2DInt8(p, in, filter, bias, got, 0, g.Units())
	compareInt8(t, got, want, convWhere(g))
}
