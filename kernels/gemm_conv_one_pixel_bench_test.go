package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkConv2DInt8OnePixel times EfficientNet-B0's squeeze-excite
// convolutions (1x1 on one pixel) prepared for AVX2 as the fully connected
// layer with int8 weight pairs ("int8w") against the GEMM convolution's
// int16 pairs ("int16w"), weights warm in cache.
func BenchmarkConv2DInt8OnePixel(b *testing.B) {
	if gemmKernels[AVX2] == nil || fcInt8RowTiles[AVX2] == nil {
		b.Skip("no AVX2 one-row int8-weight tile")
	}
	for _, s := range [][2]int{{1152, 48}, {48, 1152}, {672, 28}, {28, 672}, {240, 10}, {10, 240}} {
		inC, outC := s[0], s[1]
		g := ConvGeom{N: 1, InH: 1, InW: 1, InC: inC, OutH: 1, OutW: 1, OutC: outC,
			KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1}
		r := newRand(9)
		p := &Conv2DInt8Params{ConvGeom: g, Requant: onePixelRequant(r, inC, outC, 2)}
		in := randInt8s(r, inC, -128, 127)
		filter := randInt8s(r, outC*inC, -127, 127)
		bias := make([]int32, outC)
		for _, tile := range []string{"int8w", "int16w"} {
			b.Run(fmt.Sprintf("%dto%d/%s", inC, outC, tile), func(b *testing.B) {
				row := fcInt8RowTiles[AVX2]
				if tile == "int16w" {
					delete(fcInt8RowTiles, AVX2)
				}
				pr, ok := PrepareConv2DInt8(AVX2, p, filter, bias)
				fcInt8RowTiles[AVX2] = row
				if !ok {
					b.Fatal("no fast path")
				}
				out := make([]int8, outC)
				scratch := make([]byte, pr.ScratchBytes+64)
				reportMACs(b, float64(inC*outC), func() { pr.Run(in, out, scratch, 0, pr.Units) })
			})
		}
	}
}
