package amd64_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// randomRowsCase is a random depthwise convolution of a k x k window at
// stride sw along W (the rows kernel's 5x5 at stride 1 or 2, the 3x3
// stride-2 kernel's), any stride along H; widths 1-40 (groups of eight and four output pixels,
// the overlapping last group, fewer than four pixels), channel tails,
// padding 0..K-1 on each side (asymmetric, VALID and SAME), right shifts
// 0-20 (r == 0 has no rounding step), input and output zero points at
// the int8 extremes, clamps, large biases.
func randomRowsCase(r *rand.Rand, k, sw int) dwCase {
	g := kernels.ConvGeom{
		N: 1 + r.IntN(2), InH: 1 + r.IntN(9), InW: 1 + r.IntN(40),
		InC: []int{16, 19, 24, 32, 48, 58, 80, 116, 144, 200, 232}[r.IntN(11)],
		KH:  k, KW: k, StrideH: 1 + r.IntN(2), StrideW: sw, DilationH: 1, DilationW: 1,
		PadTop: r.IntN(k), PadLeft: r.IntN(k),
	}
	padB, padR := r.IntN(k), r.IntN(k)
	g.OutH = (g.InH+g.PadTop+padB-k)/g.StrideH + 1
	g.OutW = (g.InW+g.PadLeft+padR-k)/g.StrideW + 1
	if g.InH+g.PadTop+padB < k || g.InW+g.PadLeft+padR < k {
		return randomRowsCase(r, k, sw)
	}
	g.OutC, g.Groups = g.InC, g.InC
	zps := []int32{-128, 127, int32(r.IntN(256) - 128)}
	c := dwCase{p: kernels.Conv2DInt8Params{ConvGeom: g, InZeroPoint: zps[r.IntN(3)]}}
	fillRandomDepthwise(r, &c, k*k, func() int32 { return zps[r.IntN(3)] })
	return c
}

// TestDepthwiseRowsMatchReference runs the rows kernel's shapes on every
// runner and compares with kernels.Conv2DInt8, rows split at random like
// the runtime's workers (each Run call rebuilds its ring of pair rows),
// guard bands around the input, the output and the scratch.
func TestDepthwiseRowsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	for iter := range 200 {
		c := randomRowsCase(r, 5, 1+r.IntN(2))
		d := c.pack(t)
		if !amd64.UsesRowsKernel(d) {
			t.Fatalf("iter %d %+v: the rows kernel does not take it", iter, c.p.ConvGeom)
		}
		checkGuarded(t, r, fmt.Sprint("iter ", iter), c, d)
	}
}

// TestDepthwise3x3S2MatchReference is TestDepthwiseRowsMatchReference for
// 3x3 windows at stride 2 along W (dwConv3x3S2x4AVX2 on the interior in
// groups of four, dwConv3x3AVX2 on the rest).
func TestDepthwise3x3S2MatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 23))
	for iter := range 200 {
		c := randomRowsCase(r, 3, 2)
		d := c.pack(t)
		if !amd64.UsesS2x4(d) {
			t.Fatalf("iter %d %+v: the 3x3 stride-2 kernel does not take it", iter, c.p.ConvGeom)
		}
		checkGuarded(t, r, fmt.Sprint("iter ", iter), c, d)
	}
}

// checkGuarded runs c on every runner, rows split at random, with guard
// bands around the input, the output and the scratch, and compares with
// kernels.Conv2DInt8.
func checkGuarded(t *testing.T, r *rand.Rand, name string, c dwCase, d *amd64.DepthwiseInt8) {
	t.Helper()
	g := &c.p.ConvGeom
	want := make([]int8, g.N*g.OutH*g.OutW*g.OutC)
	kernels.Conv2DInt8(&c.p, c.in, c.filter, c.bias, want, 0, g.Units())
	inBuf := make([]int8, len(c.in)+128)
	in := inBuf[64 : 64+len(c.in) : 64+len(c.in)]
	copy(in, c.in)
	for _, run := range dwRunners {
		s8, checkScratch := guardedOut(t, d.ScratchBytes())
		scratch := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s8))), len(s8))
		got, check := guardedOut(t, len(want))
		for lo := 0; lo < g.Units(); {
			hi := min(g.Units(), lo+1+r.IntN(4))
			run.run(d, in, got, scratch, lo, hi)
			lo = hi
		}
		check()
		checkScratch()
		if m := depthwiseMismatch(g, got, want); m != "" {
			t.Fatalf("%s %s %+v zp %d: %s", name, run.name, *g, c.p.InZeroPoint, m)
		}
	}
}

// TestDepthwiseRowsNoAllocs checks that runs on the rows kernel allocate
// nothing, at both strides.
func TestDepthwiseRowsNoAllocs(t *testing.T) {
	for _, sh := range []struct{ hw, c, k, s int }{{14, 480, 5, 1}, {14, 672, 5, 2}} {
		c := benchDepthwiseCase(sh.hw, sh.c, sh.k, sh.s)
		d := c.pack(t)
		if !amd64.UsesRowsKernel(d) {
			t.Fatalf("%+v: the rows kernel does not take it", sh)
		}
		out := make([]int8, d.Units()*c.p.OutW*sh.c)
		scratch := make([]byte, d.ScratchBytes())
		for _, run := range dwRunners {
			if n := testing.AllocsPerRun(3, func() { run.run(d, c.in, out, scratch, 0, d.Units()) }); n != 0 {
				t.Errorf("%+v %s: %v allocations per run", sh, run.name, n)
			}
		}
	}
}
