package amd64_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
	"github.com/edgeinfer/edgeinfer/quant"
)

// dwRunner is one implementation of DepthwiseInt8's row kernel.
type dwRunner struct {
	name string
	run  func(d *amd64.DepthwiseInt8, in, out []int8, scratch []byte, lo, hi int)
}

// dwRunners are the implementations this build and CPU run; the AVX2 one
// joins from dw_ref_amd64_test.go.
var dwRunners = []dwRunner{{"generic", (*amd64.DepthwiseInt8).RunGeneric}}

// dwCase is a random depthwise convolution with its reference output.
type dwCase struct {
	p      kernels.Conv2DInt8Params
	in     []int8
	filter []int8
	bias   []int32
}

func randomDepthwise(r *rand.Rand) dwCase {
	k := []int{1, 2, 3, 3, 3, 5, 5, 7}[r.IntN(8)]
	kw := k
	if r.IntN(6) == 0 {
		kw = 1 + r.IntN(5)
	}
	g := kernels.ConvGeom{
		N: 1 + r.IntN(2), InH: 1 + r.IntN(12), InW: 1 + r.IntN(14),
		InC: []int{16, 17, 24, 31, 32, 33, 48, 58, 64, 96, 100, 116, 144, 232, 300}[r.IntN(15)],
		KH:  k, KW: kw, StrideH: 1 + r.IntN(2), StrideW: 1 + r.IntN(2),
		DilationH: 1, DilationW: 1,
	}
	if r.IntN(3) == 0 {
		g.InC = 16 + r.IntN(65) // every overlap of the last block with the full ones
	}
	if r.IntN(5) == 0 {
		g.DilationH, g.DilationW = 1+r.IntN(2), 1+r.IntN(2)
	}
	if r.IntN(8) == 0 {
		g.StrideW = 3
	}
	g.PadTop, g.PadLeft = r.IntN(g.KH), r.IntN(g.KW)
	padB, padR := r.IntN(g.KH), r.IntN(g.KW)
	g.OutH = (g.InH+g.PadTop+padB-g.DilationH*(g.KH-1)-1)/g.StrideH + 1
	g.OutW = (g.InW+g.PadLeft+padR-g.DilationW*(g.KW-1)-1)/g.StrideW + 1
	if g.OutH < 1 || g.OutW < 1 {
		return randomDepthwise(r)
	}
	g.OutC, g.Groups = g.InC, g.InC
	c := dwCase{p: kernels.Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(256) - 128)}}
	c.in = make([]int8, g.N*g.InH*g.InW*g.InC)
	for i := range c.in {
		c.in[i] = int8(r.IntN(256) - 128)
	}
	c.filter = make([]int8, g.OutC*g.KH*g.KW)
	for i := range c.filter {
		c.filter[i] = int8(r.IntN(255) - 127)
	}
	if r.IntN(4) != 0 {
		c.bias = make([]int32, g.OutC)
		huge := r.IntN(8) == 0 // accumulators near 2^30: REQUANT8_FAST is not allowed
		for i := range c.bias {
			c.bias[i] = int32(r.IntN(1<<16) - 1<<15)
			if huge && i%3 == 0 {
				c.bias[i] = int32(1<<30 + r.IntN(1<<20))
			}
		}
	}
	rq := &c.p.Requant
	rq.Multiplier, rq.Shift = make([]int32, g.OutC), make([]int32, g.OutC)
	big := r.IntN(4) == 0 // multipliers >= 1: left shifts and saturation
	for i := range rq.Multiplier {
		scale := math.Ldexp(0.5+r.Float64()/2, -7-r.IntN(6))
		if big {
			scale = math.Ldexp(0.5+r.Float64()/2, r.IntN(12))
		}
		m, s := quant.QuantizeMultiplier(scale)
		rq.Multiplier[i], rq.Shift[i] = m, int32(s)
	}
	rq.OutZeroPoint = int32(r.IntN(256) - 128)
	rq.ActMin, rq.ActMax = -128, 127
	if r.IntN(3) == 0 {
		rq.ActMin = -128 + int32(r.IntN(100))
		rq.ActMax = rq.ActMin + int32(r.IntN(int(127-rq.ActMin)+1))
	}
	return c
}

func (c *dwCase) geom() amd64.DepthwiseGeom {
	g := &c.p.ConvGeom
	return amd64.DepthwiseGeom{N: g.N, InH: g.InH, InW: g.InW, C: g.InC, OutH: g.OutH, OutW: g.OutW,
		KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW,
		DilationH: g.DilationH, DilationW: g.DilationW, PadTop: g.PadTop, PadLeft: g.PadLeft}
}

func (c *dwCase) pack(t testing.TB) *amd64.DepthwiseInt8 {
	t.Helper()
	rq := &c.p.Requant
	d, err := amd64.PackDepthwiseInt8(c.geom(), c.filter, c.bias, c.p.InZeroPoint, rq.Multiplier, rq.Shift, rq.OutZeroPoint, rq.ActMin, rq.ActMax)
	if err != nil {
		t.Fatalf("%+v: %v", c.p.ConvGeom, err)
	}
	return d
}

// guardedOut returns an output buffer with guard bands on both sides and
// a check that they are intact.
func guardedOut(t *testing.T, n int) ([]int8, func()) {
	const guard = 64
	buf := make([]int8, n+2*guard)
	for i := range buf {
		buf[i] = int8(0x33 ^ i)
	}
	return buf[guard : guard+n : guard+n], func() {
		t.Helper()
		for i := range guard {
			if buf[i] != int8(0x33^i) || buf[guard+n+i] != int8(0x33^(guard+n+i)) {
				t.Fatalf("guard band around the output overwritten")
			}
		}
	}
}

// TestDepthwiseMatchesReference compares every runner with
// kernels.Conv2DInt8 over random geometries (odd channel counts, whose
// last block overlaps the full ones, 1x1 images, strides, dilations,
// padding), splitting the rows into
// random ranges like the runtime's workers, with and without scratch.
func TestDepthwiseMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	pairRows := 0
	for iter := range 400 {
		c := randomDepthwise(r)
		g := &c.p.ConvGeom
		want := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
		kernels.Conv2DInt8(&c.p, c.in, c.filter, c.bias, want, 0, g.Units())
		d := c.pack(t)
		if d.Units() != g.Units() {
			t.Fatalf("Units %d, want %d", d.Units(), g.Units())
		}
		if amd64.UsesPairRows(d) {
			pairRows++
		}
		// The input sits between guard bytes too: reads past it would see
		// them, and mismatches would show.
		inBuf := make([]int8, len(c.in)+128)
		in := inBuf[64 : 64+len(c.in) : 64+len(c.in)]
		copy(in, c.in)
		for _, run := range dwRunners {
			for _, withScratch := range []bool{true, false} {
				var scratch []byte
				checkScratch := func() {}
				if withScratch {
					// Scratch between guard bytes: the pair rows and the
					// border copies must stay inside ScratchBytes.
					s8, check := guardedOut(t, d.ScratchBytes())
					scratch = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s8))), len(s8))
					checkScratch = check
				}
				got, check := guardedOut(t, len(want))
				for lo := 0; lo < g.Units(); {
					hi := min(g.Units(), lo+1+r.IntN(3))
					run.run(d, in, got, scratch, lo, hi)
					lo = hi
				}
				check()
				checkScratch()
				if m := depthwiseMismatch(g, got, want); m != "" {
					t.Fatalf("iter %d %s (scratch %v) %+v zp %d: %s", iter, run.name, withScratch, *g, c.p.InZeroPoint, m)
				}
			}
		}
	}
	// The pair-row kernels take 3x3 windows at stride 1 along W without
	// dilation or left shifts: about a tenth of the random shapes (the
	// shapes depend on how many runners consume the random stream).
	if pairRows < 10 {
		t.Errorf("only %d of 400 shapes ran the pair-row kernels", pairRows)
	}
	t.Logf("%d of 400 shapes ran the pair-row kernels", pairRows)
}

func TestPackDepthwiseRejects(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	c := randomDepthwise(r)
	rq := &c.p.Requant
	g := c.geom()
	g.C = 15
	if _, err := amd64.PackDepthwiseInt8(g, c.filter, c.bias, 0, rq.Multiplier, rq.Shift, 0, -128, 127); err == nil {
		t.Error("15 channels accepted")
	}
	g = c.geom()
	if _, err := amd64.PackDepthwiseInt8(g, c.filter, c.bias, 0, rq.Multiplier, rq.Shift, 0, -129, 127); err == nil {
		t.Error("activation minimum -129 accepted")
	}
}
