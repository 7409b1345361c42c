//go:build gc && !purego

package amd64

// dwConvAVX2 is the depthwise microkernel (dw_amd64.s): for count pixels
// (in and out advancing by inStep and outStep bytes), blocks blocks of 16
// channels, pairs tap pairs at the byte offsets taps[0:2*pairs] from each
// pixel's window origin, constants packed as DepthwiseInt8.packed.
//
//go:noescape
func dwConvAVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, taps *int64, pairs int, c *RequantConsts)

// RunAVX2 computes output rows [lo, hi) with the AVX2 microkernel. scratch
// needs ScratchBytes bytes (with less, border pixels use the reference
// formula). The CPU must have AVX2.
func (d *DepthwiseInt8) RunAVX2(in, out []int8, scratch []byte, lo, hi int) {
	d.run(d.microAVX2(), in, out, scratch, lo, hi)
}

// microAVX2 picks the unrolled kernel for 3x3 and 5x5 windows without
// left shifts and with accumulators below 2^30, else the tap-table kernel.
func (d *DepthwiseInt8) microAVX2() dwMicro {
	m := dwMicro{taps: dwConvAVX2, pair: dwConv3x3PairAVX2, rows: dwRowsAVX2, pairRow: dwPairRowStepAVX2, pointwise: dwPointwiseAVX2}
	if d.fastRequant() && d.g.KH == d.g.KW {
		switch d.g.KH {
		case 3:
			m.kxk = dwConv3x3AVX2
			if d.packedS1 != nil {
				m.s1x2 = dwConv3x3S1x2AVX2
			}
			m.s2x4 = dwConv3x3S2x4AVX2
		case 5:
			m.kxk = dwConv5x5AVX2
		}
	}
	return m
}

// dwConv3x3AVX2 and dwConv5x5AVX2 are dwConvAVX2 unrolled for 3x3 and 5x5
// windows, tap (ky, kx) at ky*rowStride + kx*colStride (dw_kxk_amd64.s).
// They requantize with REQUANT8_FAST: AnyLeft must be 0 and d.small true.
//
//go:noescape
func dwConv3x3AVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)

//go:noescape
func dwConv5x5AVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)

// dwConv3x3S1x2AVX2 is dwConv3x3AVX2 for pairs of pixels at stride 1
// (dw_3x3s1_amd64.s): pairs*2 pixels, packed is packedS1, inStep ==
// colStride.
//
//go:noescape
func dwConv3x3S1x2AVX2(out, in *int8, pairs, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)

// dwConv3x3S2x4AVX2 is the 3x3 stride-2 kernel on groups of four pixels
// (dw_3x3s2_amd64.s, dw_3x3s2.go): packed is packedS2, clamp clampS2x4,
// inStep == 2*colStride.
//
//go:noescape
func dwConv3x3S2x4AVX2(out, in *int8, groups, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, clamp *int8)
