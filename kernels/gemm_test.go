package kernels

import (
	"fmt"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// Test-only variants that run the GEMM drivers on the pure-Go twins of the
// amd64 microkernels, so the drivers and packing are tested on every
// platform and build. The avx2 and avx512vnni twins build im2col panels
// through convertA, the avxvnni twin through int8 rows and packA.
const (
	twinAVX2    Variant = "avx2-twin"
	twinVNNI    Variant = "avxvnni-twin"
	twinVNNI512 Variant = "avx512vnni-twin"
)

func init() {
	gemmKernels[twinAVX2] = &gemmKernel{mr: 6, nr: 16, kr: 2, aElem: 2, bElem: 2,
		packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
			amd64.PackAInt16Go(int16s(dst), 6, src, srcStride, mr, k, kp)
		},
		tile: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
			amd64.Gemm6x16Int16Go(int16s(a), b, kp, blocks, c, cStride, q)
		},
		tile1: func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput) {
			amd64.Gemm1x16Int16Go(int16s(a), b, kp, blocks, c, q)
		},
		tilePanels: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput, panels int) {
			amd64.Gemm6x16Int16PanelsGo(int16s(a), b, kp, blocks, c, cStride, q, panels)
		},
		tileHalf: func(a, b []byte, kp int, c []int8, cStride int, q *gemmOutput) {
			amd64.Gemm6x8Int16Go(int16s(a), b, kp, c, cStride, q)
		},
		convertA: func(dst []byte, src []int8) { amd64.WidenInt16Go(int16s(dst), src) },
		im2colA: func(dst []byte, src []int8, pixels, pixStep, kh, rowStride, seg, kp int) {
			amd64.Im2colInt16Go(int16s(dst), src, pixels, pixStep, kh, rowStride, seg, kp)
		},
		im2colSlack: 2 * amd64.Im2colSlack, im2colReach: amd64.Im2colReach,
		pairOK: amd64.GemmPairOK, putPair: amd64.PutGemmPair}
	gemmKernels[twinVNNI] = &gemmKernel{mr: 6, nr: 16, kr: 4, aElem: 1, aOffset: 128, bElem: 1,
		packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
			amd64.PackAUint8Go(dst, 6, src, srcStride, mr, k, kp)
		},
		tile: amd64.Gemm6x16VNNIGo}
	gemmKernels[twinVNNI512] = &gemmKernel{mr: 8, nr: 32, kr: 4, aElem: 1, aOffset: 128, bElem: 1,
		packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
			amd64.PackAUint8Go(dst, 8, src, srcStride, mr, k, kp)
		},
		tile:     amd64.Gemm8x32VNNI512Go,
		convertA: amd64.Xor80Go}
	// The Winograd driver over the Go twins, on every platform.
	winoKernels[twinAVX2] = &winoKernel{input: amd64.WinoInputGo, gemm: amd64.WinoGemm6x16Go, output: amd64.WinoOutputGo,
		input4: amd64.Wino4InputGo, output4: amd64.Wino4OutputGo,
		pairOK: amd64.GemmPairOK, putPair: amd64.PutGemmPair}
}

// gemmTestVariants are the variants whose GEMM drivers the tests compare
// with the reference kernels: every assembly variant this CPU runs, and the
// twins.
func gemmTestVariants(t *testing.T) []Variant {
	var vs []Variant
	for _, v := range Variants() {
		if gemmKernels[v] != nil {
			vs = append(vs, v)
		}
	}
	t.Logf("assembly GEMM variants on this machine: %v", vs)
	return append(vs, twinAVX2, twinVNNI, twinVNNI512)
}

// gemmConvCases adds shapes with full tiles, long K and K tails to the
// reference tests' geometries.
func gemmConvCases() []convCase {
	cs := convCases()
	return append(cs,
		convCase{name: "pointwiseTiles", n: 1, inH: 6, inW: 7, inC: 48, outC: 64, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		convCase{name: "pointwiseOdd", n: 3, inH: 5, inW: 3, inC: 37, outC: 35, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		convCase{name: "pointwiseStride2", n: 1, inH: 9, inW: 9, inC: 33, outC: 17, kh: 1, kw: 1, sh: 2, sw: 2, dh: 1, dw: 1, groups: 1},
		convCase{name: "3x3winoWide", n: 1, inH: 8, inW: 9, inC: 40, outC: 48, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		// Too few tiles for Winograd: the GEMM path's im2col.
		convCase{name: "3x3fewTiles", n: 1, inH: 5, inW: 6, inC: 40, outC: 48, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		convCase{name: "3x3s2first", n: 1, inH: 17, inW: 15, inC: 3, outC: 32, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pb: 1, pl: 0, pr: 1, groups: 1},
		convCase{name: "7x7s2", n: 1, inH: 13, inW: 12, inC: 3, outC: 20, kh: 7, kw: 7, sh: 2, sw: 2, dh: 1, dw: 1, pt: 3, pb: 3, pl: 3, pr: 3, groups: 1},
		convCase{name: "groupedWide", n: 1, inH: 5, inW: 6, inC: 64, outC: 96, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 2},
		// Windows inside the input up to its last byte (im2colA's reach
		// check), and a vertically dilated window (its row stride).
		convCase{name: "3x3validBatch", n: 2, inH: 7, inW: 9, inC: 5, outC: 19, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		convCase{name: "5x3dilatedH", n: 1, inH: 12, inW: 10, inC: 4, outC: 18, kh: 5, kw: 3, sh: 1, sw: 2, dh: 2, dw: 1, pt: 2, pb: 2, pl: 1, pr: 1, groups: 1},
		// 1x1 with K == kp: panels widened in chunks (and a partial last
		// panel and channel block).
		convCase{name: "pointwiseChunks", n: 1, inH: 23, inW: 19, inC: 24, outC: 40, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		convCase{name: "pointwiseHalfBlock", n: 1, inH: 5, inW: 5, inC: 16, outC: 37, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		// 3x3 stride 1 (Winograd on AVX2): odd output sizes across a
		// batch, no padding, uneven padding, padding wider than the
		// window's reach, channel counts off the 16-channel blocks.
		convCase{name: "3x3winoBatchOdd", n: 2, inH: 9, inW: 7, inC: 17, outC: 21, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		convCase{name: "3x3winoValid", n: 1, inH: 14, inW: 13, inC: 32, outC: 32, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		convCase{name: "3x3winoUneven", n: 1, inH: 12, inW: 13, inC: 16, outC: 48, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 1, pl: 1, pr: 0, groups: 1},
		convCase{name: "3x3winoPad2", n: 1, inH: 9, inW: 10, inC: 24, outC: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2, groups: 1},
		// ... and F(4x4, 3x3) (>= 48 of its tiles): partial tiles at the
		// right and bottom, a batch without padding, uneven padding.
		convCase{name: "3x3wino4", n: 1, inH: 30, inW: 27, inC: 20, outC: 24, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
		convCase{name: "3x3wino4Batch", n: 3, inH: 20, inW: 18, inC: 16, outC: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
		convCase{name: "3x3wino4Uneven", n: 1, inH: 25, inW: 26, inC: 33, outC: 40, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 2, pl: 2, pr: 0, groups: 1},
		convCase{name: "spatial1x1Wide", n: 1, inH: 1, inW: 1, inC: 300, outC: 70, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	)
}

// runPrepared runs a prepared op through runChecked with an aligned
// scratch buffer; unitOf maps an output index to its prepared unit.
func runPrepared(t *testing.T, pr *PreparedInt8, in []int8, n int, unitOf func(int) int) []int8 {
	t.Helper()
	scratch := make([]byte, pr.ScratchBytes+64)
	return runChecked(t, n, pr.Units, unitOf, func(out []int8, lo, hi int) {
		pr.Run(in, out, scratch, lo, hi)
	})
}

func TestPrepareConv2DInt8(t *testing.T) { testPrepareConv2DInt8(t) }

// TestPrepareConv2DInt8Blocked shrinks the cache budgets so that the
// blocked path (A panels cached, weights swept in groups of blocks, several
// cache rounds per call; Winograd's chunks of one panel) runs on the same
// shapes.
func TestPrepareConv2DInt8Blocked(t *testing.T) {
	w, p, wc := gemmWeightBudget, gemmPanelBudget, winoChunkBudget
	defer func() { gemmWeightBudget, gemmPanelBudget, winoChunkBudget = w, p, wc }()
	gemmWeightBudget, gemmPanelBudget, winoChunkBudget = 1, 2*6*64*2, 1
	testPrepareConv2DInt8(t)
}

// TestPrepareConv2DInt8DirectChunks makes the 1x1 convolutions widen
// their panels two at a time (several chunks per call, odd chunk counts).
func TestPrepareConv2DInt8DirectChunks(t *testing.T) {
	d := gemmDirectBudget
	defer func() { gemmDirectBudget = d }()
	pointwise := func(c convCase) bool { return c.kh == 1 && c.kw == 1 }
	gemmDirectBudget = 1
	testPrepareConv2DInt8Cases(t, pointwise)
	gemmDirectBudget = 2 * 6 * 24 * 2 // two panels of pointwiseChunks
	testPrepareConv2DInt8Cases(t, pointwise)
}

func testPrepareConv2DInt8(t *testing.T) {
	testPrepareConv2DInt8Cases(t, func(convCase) bool { return true })
}

func testPrepareConv2DInt8Cases(t *testing.T, use func(convCase) bool) {
	for _, v := range gemmTestVariants(t) {
		gk := gemmKernels[v]
		for i, c := range gemmConvCases() {
			g, ok := c.geom()
			if !ok || g.Groups == g.InC || !use(c) {
				continue
			}
			t.Run(fmt.Sprintf("%s/%v", v, c), func(t *testing.T) {
				r := newRand(uint64(100 + i))
				icg := g.InC / g.Groups
				p := &Conv2DInt8Params{ConvGeom: g, InZeroPoint: int32(r.IntN(256) - 128),
					Requant: randRequant(r, g.OutC, 300*float64(g.KH*g.KW*icg), 1)}
				if i%4 == 1 {
					p.ActMin, p.ActMax = p.OutZeroPoint, 127 // fused ReLU
				}
				in := randInt8s(r, g.N*g.InH*g.InW*g.InC, -128, 127)
				filter := randInt8s(r, g.OutC*g.KH*g.KW*icg, -127, 127)
				var bias []int32
				if i%3 != 0 {
					bias = make([]int32, g.OutC)
					for j := range bias {
						bias[j] = int32(r.IntN(1<<16) - 1<<15)
					}
				}
				n := g.N * g.OutH * g.OutW * g.OutC
				want := make([]int8, n)
				Conv2DInt8(p, in, filter, bias, want, 0, g.Units())
				pr, ok := PrepareConv2DInt8(v, p, filter, bias)
				if !ok {
					t.Fatal("no fast path")
				}
				got := runPrepared(t, pr, in, n, convUnitOf(pr, g, gk))
				compareInt8(t, got, want, convWhere(g))
				checkRanges(t, pr, in, got, r)
			})
		}
	}
}

func TestPrepareFullyConnectedInt8(t *testing.T) {
	for _, v := range gemmTestVariants(t) {
		gk := gemmKernels[v]
		for i, s := range [][3]int{{1, 1, 1}, {1, 37, 5}, {1, 1280, 1000}, {3, 64, 16}, {7, 33, 50}, {13, 300, 70}, {2, 4, 33}} {
			g := FullyConnectedGeom{Batch: s[0], K: s[1], N: s[2]}
			t.Run(fmt.Sprintf("%s/%dx%dx%d", v, g.Batch, g.K, g.N), func(t *testing.T) {
				r := newRand(uint64(200 + i))
				p := &FullyConnectedInt8Params{FullyConnectedGeom: g, InZeroPoint: int32(r.IntN(256) - 128),
					Requant: randRequant(r, g.N, 300*float64(g.K), 1)}
				in := randInt8s(r, g.Batch*g.K, -128, 127)
				w := randInt8s(r, g.N*g.K, -127, 127)
				bias := make([]int32, g.N)
				for j := range bias {
					bias[j] = int32(r.IntN(1<<20) - 1<<19)
				}
				want := make([]int8, g.Batch*g.N)
				FullyConnectedInt8(p, in, w, bias, want, 0, g.N)
				pr, ok := PrepareFullyConnectedInt8(v, p, w, bias)
				if !ok {
					t.Fatal("no fast path")
				}
				got := runPrepared(t, pr, in, len(want), func(i int) int { return i % g.N / gk.nr })
				compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("row %d channel %d", i/g.N, i%g.N) })
			})
		}
	}
}

// TestPreparePureGo checks that the reference variant never takes a fast
// path (the runtime then runs the reference kernels).
func TestPreparePureGo(t *testing.T) {
	g := ConvGeom{N: 1, InH: 2, InW: 2, InC: 2, OutH: 2, OutW: 2, OutC: 2, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1}
	p := &Conv2DInt8Params{ConvGeom: g, Requant: randRequant(newRand(1), 2, 100, 1)}
	if _, ok := PrepareConv2DInt8(PureGo, p, make([]int8, 4), nil); ok {
		t.Error("PureGo prepared a convolution")
	}
}

// TestGemmSelfTest checks that the start-up self-test passes for every
// assembly GEMM this CPU runs, and that it catches a kernel that differs
// from its twin.
func TestGemmSelfTest(t *testing.T) {
	for v, err := range gemmSelfTestErr {
		t.Errorf("%s: %v", v, err)
	}
	good, bad := *gemmKernels[twinAVX2], *gemmKernels[twinAVX2]
	bad.tile = func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
		good.tile(a, b, kp, blocks, c, cStride, q)
		c[cStride+3]++ // one wrong output
	}
	if err := gemmSelfTest(&good, &good); err != nil {
		t.Errorf("twin against itself: %v", err)
	}
	if gemmSelfTest(&bad, &good) == nil {
		t.Error("self-test missed a wrong output")
	}
}
