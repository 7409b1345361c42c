//go:build gc && !purego

package amd64

// dwConv3x3PairAVX2 is the pair-row 3x3 kernel (dw_pair_amd64.s): blocks
// blocks of 16 channels of count output pixels; see dwConv3x3PairGeneric.
//
//go:noescape
func dwConv3x3PairAVX2(out *int8, r0, r1, r2 *int16, s0, s1, s2, count, blocks, outStep int, packed *int32, clamp *int8)

// dwPairRowAVX2 builds pair-row entries (dw_pair_amd64.s); see
// dwPairRowGeneric.
//
//go:noescape
func dwPairRowAVX2(dst *int16, src *int8, n, blocks, c, blockStride int)
