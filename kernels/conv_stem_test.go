package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// twinRows runs the rows convolution on the Go twin of its kernel, so the
// driver (row widening, padding, partial groups and blocks) is tested on
// every platform and build.
const twinRows Variant = "rows-twin"

func init() {
	rowsConvKernels[twinRows] = &rowsConvKernel{tiles: amd64.ConvRows6x16Int16Go, widen: amd64.WidenInt16Go}
}

// rowsTestVariants are the variants whose rows kernel the tests compare
// with the reference: the twin and each assembly variant this CPU runs.
func rowsTestVariants(t *testing.T) []Variant {
	vs := []Variant{twinRows}
	for _, v := range Variants() {
		if rowsConvKernels[v] != nil {
			vs = append(vs, v)
		}
	}
	t.Logf("rows kernel variants: %v", vs)
	return vs
}

// randStemCase draws a convolution the rows kernel runs: 2-4 input
// channels, windows 1x1 to 7x7, strides 1-3 (independent per axis),
// padding on each side up to the window size minus one, 8-48 output
// channels, input zero points often at the extremes, right shifts 0-20
// and a random clamp.
func randStemCase(r *rand.Rand) (*Conv2DInt8Params, []int8, []int32) {
	ks := []int{1, 2, 3, 3, 3, 5, 7}
	for {
		g := ConvGeom{N: 1 + r.IntN(2), InH: 1 + r.IntN(40), InW: 1 + r.IntN(40), InC: 2 + r.IntN(3),
			OutC: 8 + r.IntN(41), KH: ks[r.IntN(len(ks))], KW: ks[r.IntN(len(ks))],
			StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3), DilationH: 1, DilationW: 1, Groups: 1}
		if r.IntN(2) == 0 {
			g.KW, g.StrideW = g.KH, g.StrideH
		}
		g.PadTop, g.PadLeft = r.IntN(g.KH), r.IntN(g.KW)
		padB, padR := r.IntN(g.KH), r.IntN(g.KW)
		g.OutH = (g.InH+g.PadTop+padB-g.KH)/g.StrideH + 1
		g.OutW = (g.InW+g.PadLeft+padR-g.KW)/g.StrideW + 1
		if g.InH+g.PadTop+padB < g.KH || g.InW+g.PadLeft+padR < g.KW {
			continue
		}
		zps := []int32{-128, 127, 0, int32(r.IntN(256) - 128)}
		p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: zps[r.IntN(len(zps))]}
		p.Multiplier, p.Shift = make([]int32, g.OutC), make([]int32, g.OutC)
		lo := int32(r.IntN(21) - 20)
		for c := range g.OutC {
			p.Multiplier[c] = int32(1<<30 + r.IntN(1<<30))
			p.Shift[c] = lo + int32(r.IntN(int(1-lo)))
		}
		p.OutZeroPoint = int32(r.IntN(256) - 128)
		p.ActMin, p.ActMax = -128, 127
		if r.IntN(2) == 0 {
			p.ActMin = int32(r.IntN(128) - 128)
			p.ActMax = p.ActMin + int32(r.IntN(int(128-p.ActMin)))
		}
		k := g.KH * g.KW * g.InC
		filter := randInt8s(r, g.OutC*k, -127, 127)
		var bias []int32
		if r.IntN(4) != 0 {
			bias = make([]int32, g.OutC)
			for c := range bias {
				bias[c] = int32(r.IntN(1<<18) - 1<<17)
			}
		}
		return p, filter, bias
	}
}

// TestRowsConvMatchesReference compares the rows convolution with the
// reference Conv2DInt8 bit for bit over random shapes, with guard bands
// around the output and random splits of its units, panels of 6 output
// pixels that may start and end inside an output row (the spans
// OutputSpans names).
func TestRowsConvMatchesReference(t *testing.T) {
	r := newRand(41)
	for _, v := range rowsTestVariants(t) {
		for trial := 0; trial < 150; trial++ {
			p, filter, bias := randStemCase(r)
			g := &p.ConvGeom
			pr, ok := PrepareConv2DInt8(v, p, filter, bias)
			if !ok {
				t.Fatalf("%s %+v: no fast path", v, *g)
			}
			pixels := g.N * g.OutH * g.OutW
			if pr.Units != (pixels+5)/6 || pr.OutputUnitBytes() != 6*g.OutC {
				t.Fatalf("%s %+v: %d units of %d bytes, want the rows convolution's %d of %d", v, *g,
					pr.Units, pr.OutputUnitBytes(), (pixels+5)/6, 6*g.OutC)
			}
			in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
			n := g.N * g.OutH * g.OutW * g.OutC
			want := make([]int8, n)
			Conv2DInt8(p, in, filter, bias, want, 0, g.Units())
			scratch := make([]byte, pr.ScratchBytes)
			got := runChecked(t, n, pr.Units, func(i int) int { return i / (6 * g.OutC) }, func(out []int8, lo, hi int) {
				pr.Run(in, out, scratch, lo, hi)
			})
			compareInt8(t, got, want, convWhere(*g))
			if t.Failed() {
				t.Fatalf("%s %+v zp %d shifts %v clamp [%d, %d]", v, *g, p.InZeroPoint, p.Shift, p.ActMin, p.ActMax)
			}
		}
	}
}

// TestRowsConvSelection checks which convolutions the rows kernel takes:
// few input channels, one group, no dilation, requantization with right
// shifts only; depthwise and the rest go elsewhere.
func TestRowsConvSelection(t *testing.T) {
	for _, c := range []struct {
		inC, groups, dil int
		shift            int32
		rows             bool
	}{
		{3, 1, 1, -7, true},
		{4, 1, 1, 0, true},
		{3, 1, 1, 1, false},   // left shift: GEMM
		{3, 1, 1, -25, false}, // right shift beyond 24: GEMM
		{5, 1, 1, -7, false},  // GEMM
		{3, 1, 2, -7, false},  // dilated: GEMM
		{4, 2, 1, -7, false},  // grouped: GEMM
		{3, 3, 1, -7, false},  // depthwise
		{32, 1, 1, -7, false}, // GEMM
	} {
		g := ConvGeom{N: 1, InH: 16, InW: 16, InC: c.inC, OutC: 16 * c.groups, KH: 3, KW: 3, StrideH: 2, StrideW: 2,
			DilationH: c.dil, DilationW: c.dil, PadTop: 1, PadLeft: 1, Groups: c.groups}
		g.OutH = (16+2-(2*c.dil+1))/2 + 1
		g.OutW = g.OutH
		p := &Conv2DInt8Params{ConvGeom: g, Requant: randRequant(newRand(2), g.OutC, 1000, 1)}
		for oc := range g.OutC {
			p.Shift[oc] = c.shift
		}
		_, ok := prepareRowsConv(twinRows, p, make([]int8, g.OutC*9*c.inC/c.groups), nil)
		if ok != c.rows {
			t.Errorf("%+v: rows kernel %v, want %v", c, ok, c.rows)
		}
	}
}
