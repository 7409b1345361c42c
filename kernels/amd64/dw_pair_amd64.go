//go:build gc && !purego

package amd64

// dwConv3x3PairAVX2 is the pair-row 3x3 kernel (dw_pair_amd64.s): blocks
// blocks of 16 channels of count output pixels; see dwConv3x3PairGeneric.
//
//go:noescape
func dwConv3x3PairAVX2(out *int8, r0, r1, r2 *int16, s0, s1, s2, count, blocks, outStep int, packed *int32, clamp *int8)

// dwRowsAVX2 is the rows kernel (dw_rows_amd64.s); see dwRowsGeneric. The
// assembly has one variant per pair layout rowsTakes admits, each with
// its window row of a group of eight pixels unrolled: three pairs at
// stride 1 (pairStep 128 bytes) and at stride 2 (64).
func dwRowsAVX2(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8) {
	switch {
	case pairs == 3 && pairStep == 2*dwPairEntry:
		dwRowsP3S1AVX2(out, rows, kh, pairs, pairStep, count, blocks, outStep, packed, clamp)
	case pairs == 3 && pairStep == dwPairEntry:
		dwRowsP3S2AVX2(out, rows, kh, pairs, pairStep, count, blocks, outStep, packed, clamp)
	default:
		// Not reached while rowsTakes admits only these layouts.
		dwRowsGeneric(out, rows, kh, pairs, pairStep, count, blocks, outStep, packed, clamp)
	}
}

//go:noescape
func dwRowsP3S1AVX2(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8)

//go:noescape
func dwRowsP3S2AVX2(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8)

// dwPairRowAVX2 builds pair-row entries of adjacent pixels
// (dw_pair_amd64.s): dwPairRowGeneric with step == c.
//
//go:noescape
func dwPairRowAVX2(dst *int16, src *int8, n, blocks, c, blockStride int)

// dwPairRowStridedAVX2 builds pair-row entries whose first pixels lie
// step bytes apart (dw_rows_amd64.s); see dwPairRowGeneric.
//
//go:noescape
func dwPairRowStridedAVX2(dst *int16, src *int8, n, blocks, c, step, blockStride int)

// dwPairRowStepAVX2 is the AVX2 pair-row builder: dwPairRowAVX2, which
// widens each pixel once for two entries, at stride 1 (step == c), else
// dwPairRowStridedAVX2.
func dwPairRowStepAVX2(dst *int16, src *int8, n, blocks, c, step, blockStride int) {
	if step == c {
		dwPairRowAVX2(dst, src, n, blocks, c, blockStride)
		return
	}
	dwPairRowStridedAVX2(dst, src, n, blocks, c, step, blockStride)
}
