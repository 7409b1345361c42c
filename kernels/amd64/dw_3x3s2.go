package amd64

// The 3x3 stride-2 kernel: dwConv3x3S2x4AVX2 (dw_3x3s2_amd64.s) takes
// the interior pixels of 3x3 windows at stride 2 along W in groups of
// four, reading the input directly. Across a group's window row it
// widens each of the 9 input columns once (the tap kernel dwConv3x3AVX2
// widens 3 per pixel, 12 for four) into the pairs (x[2k], x[2k+1]) of
// the rows kernel at stride 2 (dw_rows.go): pixel k multiplies pair k by
// the weights of taps (ky,0), (ky,1) and pair k+1 by (ky,2) and a zero,
// six VPMADDWD per 8 channels, with the rows layout's doubled weights
// and the pair-row requantization (9 operations per 8 lanes against
// REQUANT8_FAST's 14). Without pair rows it needs no widening pass: the
// rows kernel's pass over all input pixels cost a third of its time at
// stride 2 (see dw_rows.go). Borders and the last count%4 pixels keep
// dwConv3x3AVX2.

// packS2x4 returns the constants of dwConv3x3S2x4AVX2 (the rows layout
// of a 3x3 window, rowsHalfLen(3, 2) per half block) and its clamp
// operand, or nil when the kernel does not apply: a window other than
// 3x3, a stride other than 2 along W, dilation, or a requantization
// outside the pair-row form.
func (d *DepthwiseInt8) packS2x4(filter []int8, bias []int32, inZP int32, mult, shift []int32) []int32 {
	g := &d.g
	if g.KH != 3 || g.KW != 3 || g.StrideW != 2 || g.DilationH != 1 || g.DilationW != 1 ||
		!d.small || d.consts.AnyLeft != 0 || !d.pairRequantFits(filter, bias, shift) {
		return nil
	}
	packed := make([]int32, d.allBlocks*2*rowsHalfLen(3, 2))
	d.putRowsBlocks(packed, 2, filter, bias, inZP, mult, shift)
	d.clampS2x4 = d.pairClamp()
	return packed
}
