package kernels

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// withOnePixelTwin registers the pure-Go twin of the int8-weight one-row
// tile for twinAVX2 while f runs, so that the one-pixel path's packing and
// driver are tested in every build.
func withOnePixelTwin(f func()) {
	fcInt8RowTiles[twinAVX2] = func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput) {
		amd64.Gemm1x16Int8WGo(int16s(a), b, kp, blocks, c, q)
	}
	defer delete(fcInt8RowTiles, twinAVX2)
	f()
}

// TestPrepareConv2DInt8OnePixel compares 1x1 convolutions on a one-pixel
// image (the squeeze-excite layers), prepared as fully connected layers
// with int8 weights, with the reference Conv2DInt8 bit for bit: random
// channel counts with and without channel tails, per-channel multipliers,
// right shifts 0..24 and small left shifts, extreme zero points, clamps,
// strides 1 and 2, with and without bias. It also checks that OutputSpans
// names exactly the bytes each unit range writes.
func TestPrepareConv2DInt8OnePixel(t *testing.T) {
	withOnePixelTwin(func() {
		for _, v := range gemmTestVariants(t) {
			if fcInt8RowTiles[v] == nil {
				continue
			}
			nr := gemmKernels[v].nr
			r := newRand(4242)
			shapes := [][2]int{{2, 1}, {3, 16}, {1152, 48}, {48, 1152}, {96, 4}, {4, 96}, {1199, 17}, {17, 1199}, {240, 10}, {10, 240}, {64, 64}, {33, 31}}
			for range 12 {
				shapes = append(shapes, [2]int{2 + r.IntN(1199), 1 + r.IntN(1200)})
			}
			for i, s := range shapes {
				inC, outC := s[0], s[1]
				stride := 1 + i%2
				g := ConvGeom{N: 1, InH: 1, InW: 1, InC: inC, OutH: 1, OutW: 1, OutC: outC,
					KH: 1, KW: 1, StrideH: stride, StrideW: stride, DilationH: 1, DilationW: 1, Groups: 1}
				t.Run(fmt.Sprintf("%s/%dto%d", v, inC, outC), func(t *testing.T) {
					p := &Conv2DInt8Params{ConvGeom: g, Requant: onePixelRequant(r, inC, outC, i)}
					switch i % 3 {
					case 0:
						p.InZeroPoint = -128
					case 1:
						p.InZeroPoint = 127
					default:
						p.InZeroPoint = int32(r.IntN(256) - 128)
					}
					in := randInt8s(r, inC, -128, 127)
					filter := randInt8s(r, outC*inC, -127, 127)
					var bias []int32
					if i%4 != 3 {
						// About the products' spread, so that it does not
						// saturate the outputs on its own.
						span := 1 << (bits.Len(uint(inC))/2 + 15)
						bias = make([]int32, outC)
						for j := range bias {
							bias[j] = int32(r.IntN(span) - span/2)
						}
					}
					want := make([]int8, outC)
					Conv2DInt8(p, in, filter, bias, want, 0, g.Units())
					checkSpread(t, want, min(4, int(p.ActMax-p.ActMin)/2))
					pr, ok := PrepareConv2DInt8(v, p, filter, bias)
					if !ok {
						t.Fatal("no fast path")
					}
					if pr.OutputUnitBytes() != nr || pr.Units != (outC+nr-1)/nr {
						t.Fatalf("%d units of %d bytes, want the fully connected path's %d blocks of %d channels",
							pr.Units, pr.OutputUnitBytes(), (outC+nr-1)/nr, nr)
					}
					got := runPrepared(t, pr, in, outC, func(i int) int { return i / nr })
					compareInt8(t, got, want, convWhere(g))
					checkRanges(t, pr, in, got, r)
					for lo := 0; lo < pr.Units; lo++ {
						hi := lo + 1 + r.IntN(pr.Units-lo)
						spans, n, ok := pr.OutputSpans(lo, hi)
						want := OutputSpan{Offset: lo * nr, Width: min(hi*nr, outC) - lo*nr, Rows: 1}
						want.Stride = want.Width
						if !ok || n != 1 || spans[0] != want {
							t.Fatalf("OutputSpans(%d, %d) = %v, %d, %v; want %v", lo, hi, spans[:n], n, ok, want)
						}
					}
				})
			}
		}
	})
}

// onePixelRequant is randRequant for k-deep dot products with most shifts
// bringing the accumulators to a few dozen steps, one in eight anywhere in
// right shifts 0..24 and one in eight a left shift of 1..2, and the clamps and output zero point at
// their extremes on some cases.
func onePixelRequant(r interface{ IntN(int) int }, k, channels, i int) Requant {
	q := Requant{Multiplier: make([]int32, channels), Shift: make([]int32, channels), ActMin: -128, ActMax: 127}
	for c := range channels {
		q.Multiplier[c] = int32(1<<30 + r.IntN(1<<30))
		switch r.IntN(8) {
		case 0:
			q.Shift[c] = int32(-r.IntN(25))
		case 1:
			q.Shift[c] = int32(1 + r.IntN(2))
		default: // about the accumulators' spread (sqrt(k)*128*74) down to a few dozen
			q.Shift[c] = -int32(max(0, min(24, bits.Len(uint(k))/2+7+r.IntN(5)-2)))
		}
	}
	switch i % 4 {
	case 0:
		q.OutZeroPoint = -128
	case 1:
		q.OutZeroPoint = 127
	case 2:
		q.OutZeroPoint = int32(r.IntN(256) - 128)
		q.ActMin = q.OutZeroPoint // fused ReLU
	default:
		q.OutZeroPoint, q.ActMin, q.ActMax = int32(r.IntN(21)-10), -3, 3
	}
	return q
}
