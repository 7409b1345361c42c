//go:build gc && !purego

package kernels

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// TestExpectedVariantArm64 fails when EDGEINFER_EXPECT_VARIANT names a
// variant other than the one this CPU selects: scripts/test-arm.sh sets it
// per QEMU_CPU (cortex-a53/a72: neon, cortex-a76: dotprod), which proves
// that each assembly path was the one under test.
func TestExpectedVariantArm64(t *testing.T) {
	want := os.Getenv("EDGEINFER_EXPECT_VARIANT")
	if want == "" {
		t.Skip("EDGEINFER_EXPECT_VARIANT not set")
	}
	got, err := SelectVariant()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("selected variant %q, want %q (variants here: %v)", got, want, Variants())
	}
	if gemmKernels[got] == nil || depthwisePreparers[got] == nil {
		t.Fatalf("variant %q has no GEMM or depthwise kernels registered", got)
	}
}

// arm64Variants are the assembly variants this CPU runs; the test fails if
// there are none, since NEON is arm64's baseline.
func arm64Variants(t *testing.T) []Variant {
	var vs []Variant
	for _, v := range Variants() {
		if v != PureGo && gemmKernels[v] != nil {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		t.Fatal("no arm64 assembly variant registered")
	}
	return vs
}

func arm64RandRequant(r *rand.Rand, n int) Requant {
	rq := Requant{Multiplier: make([]int32, n), Shift: make([]int32, n), OutZeroPoint: int32(r.IntN(256) - 128), ActMin: -128, ActMax: 127}
	for c := range rq.Multiplier {
		m, s := quant.QuantizeMultiplier(0.0001 + r.Float64()*0.02)
		rq.Multiplier[c], rq.Shift[c] = m, int32(s)
	}
	if r.IntN(3) == 0 {
		rq.ActMin, rq.ActMax = rq.OutZeroPoint, 127 // ReLU
	}
	return rq
}

func arm64RandInt8(r *rand.Rand, n int, lo int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(lo + r.IntN(128-lo))
	}
	return v
}

// runPrepared runs prep over its units in two ranges (as two threads
// would) into an output with guard bands and returns the output.
func arm64RunPrepared(t *testing.T, prep *PreparedInt8, in []int8, outLen int) []int8 {
	t.Helper()
	const guard = 32
	buf := make([]int8, guard+outLen+guard)
	for i := range buf {
		buf[i] = 0x5a
	}
	out := buf[guard : guard+outLen : guard+outLen]
	scratch := make([]byte, prep.ScratchBytes)
	mid := prep.Units / 2
	prep.Run(in, out, scratch, 0, mid)
	prep.Run(in, out, scratch, mid, prep.Units)
	for i := 0; i < guard; i++ {
		if buf[i] != 0x5a || buf[guard+outLen+i] != 0x5a {
			t.Fatal("guard band overwritten")
		}
	}
	return out
}

// TestConvArm64 compares the prepared arm64 convolutions (GEMM and
// depthwise) with Conv2DInt8 over random geometries: 1x1 with and without
// stride, KxK with padding and dilation, groups, depthwise 3x3/5x5 at
// stride 1 and 2, channel tails, 1x1 spatial sizes.
func TestConvArm64(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	type geo struct{ inHW, inC, outC, k, stride, dil, pad, groups int }
	geos := []geo{
		{5, 16, 16, 1, 1, 1, 0, 1}, {7, 24, 40, 1, 1, 1, 0, 1}, {1, 3, 5, 1, 1, 1, 0, 1},
		{6, 17, 9, 1, 2, 1, 0, 1}, {9, 3, 32, 3, 2, 1, 1, 1}, {8, 20, 12, 3, 1, 1, 1, 1},
		{7, 8, 8, 3, 1, 2, 2, 2}, {10, 12, 6, 5, 2, 1, 2, 3}, {1, 7, 7, 3, 1, 1, 1, 1},
		{8, 32, 32, 3, 1, 1, 1, 32}, {9, 48, 48, 3, 2, 1, 1, 48}, {11, 24, 24, 5, 1, 1, 2, 24},
		{12, 40, 40, 5, 2, 1, 2, 40}, {6, 19, 19, 3, 1, 2, 2, 19}, {1, 16, 16, 3, 1, 1, 1, 16},
		{5, 5, 10, 3, 1, 1, 1, 5}, // channel multiplier 2: reference path
	}
	for _, v := range arm64Variants(t) {
		for _, gm := range geos {
			name := fmt.Sprintf("%s/%+v", v, gm)
			t.Run(name, func(t *testing.T) {
				out := (gm.inHW+2*gm.pad-gm.dil*(gm.k-1)-1)/gm.stride + 1
				p := &Conv2DInt8Params{ConvGeom: ConvGeom{
					N: 2, InH: gm.inHW, InW: gm.inHW, InC: gm.inC, OutH: out, OutW: out, OutC: gm.outC,
					KH: gm.k, KW: gm.k, StrideH: gm.stride, StrideW: gm.stride, DilationH: gm.dil, DilationW: gm.dil,
					PadTop: gm.pad, PadLeft: gm.pad, Groups: gm.groups,
				}, InZeroPoint: int32(r.IntN(256) - 128), Requant: arm64RandRequant(r, gm.outC)}
				in := arm64RandInt8(r, 2*gm.inHW*gm.inHW*gm.inC, -128)
				filter := arm64RandInt8(r, gm.outC*gm.k*gm.k*gm.inC/gm.groups, -127)
				bias := make([]int32, gm.outC)
				for i := range bias {
					bias[i] = int32(r.IntN(20000) - 10000)
				}
				want := make([]int8, 2*out*out*gm.outC)
				Conv2DInt8(p, in, filter, bias, want, 0, p.Units())
				prep, ok := PrepareConv2DInt8(v, p, filter, bias)
				if !ok {
					if gm.groups == gm.inC && gm.outC != gm.inC {
						return // channel multiplier > 1 keeps the reference kernel
					}
					t.Fatal("no fast path")
				}
				if got := arm64RunPrepared(t, prep, in, len(want)); !slices.Equal(got, want) {
					t.Fatalf("differs from Conv2DInt8")
				}
			})
		}
	}
}

// TestFullyConnectedArm64 compares the prepared fully connected layer with
// FullyConnectedInt8 (batch tails, K and N tails).
func TestFullyConnectedArm64(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, v := range arm64Variants(t) {
		for _, s := range [][3]int{{1, 1, 1}, {1, 1280, 1000}, {3, 37, 10}, {5, 64, 17}, {4, 16, 4}} {
			batch, k, n := s[0], s[1], s[2]
			p := &FullyConnectedInt8Params{FullyConnectedGeom: FullyConnectedGeom{Batch: batch, K: k, N: n},
				InZeroPoint: int32(r.IntN(256) - 128), Requant: arm64RandRequant(r, n)}
			in := arm64RandInt8(r, batch*k, -128)
			w := arm64RandInt8(r, n*k, -127)
			want := make([]int8, batch*n)
			FullyConnectedInt8(p, in, w, nil, want, 0, p.Units())
			prep, ok := PrepareFullyConnectedInt8(v, p, w, nil)
			if !ok {
				t.Fatalf("%s %v: no fast path", v, s)
			}
			if got := arm64RunPrepared(t, prep, in, len(want)); !slices.Equal(got, want) {
				t.Fatalf("%s %v: differs from FullyConnectedInt8", v, s)
			}
		}
	}
}
