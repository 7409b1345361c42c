// Macros of the unrolled depthwise kernels (dw_kxk_amd64.s), same register
// contract as dwConvAVX2 (dw_amd64.s): Y0/Y1 accumulators, BX the block's
// packed constants, Y14 zero, Y4-Y7 temporaries.

// DW_PAIR accumulates the tap pair whose inputs are at a0 and a1 (16
// channels each) with the interleaved weights at w(BX).
#define DW_PAIR(a0, a1, w) \
	VPMOVSXBW  a0, Y4; \
	VPMOVSXBW  a1, Y5; \
	VPUNPCKLWD Y5, Y4, Y6; \
	VPUNPCKHWD Y5, Y4, Y7; \
	VPMADDWD   w(BX), Y6, Y6; \
	VPMADDWD   w+32(BX), Y7, Y7; \
	VPADDD     Y6, Y0, Y0; \
	VPADDD     Y7, Y1, Y1

// DW_SINGLE is DW_PAIR for the last tap of an odd count, paired with zero.
#define DW_SINGLE(a0, w) \
	VPMOVSXBW  a0, Y4; \
	VPUNPCKLWD Y14, Y4, Y6; \
	VPUNPCKHWD Y14, Y4, Y7; \
	VPMADDWD   w(BX), Y6, Y6; \
	VPMADDWD   w+32(BX), Y7, Y7; \
	VPADDD     Y6, Y0, Y0; \
	VPADDD     Y7, Y1, Y1

// DW_STORE16 requantizes Y0/Y1 with the two groups at BX and stores the 16
// channels, in channel order, at o (REQUANT8_FAST: no left shifts and
// accumulators below 2^30 in magnitude, which PackDepthwiseInt8 checks).
#define DW_STORE16(o) \
	REQUANT8_FAST(Y0, BX, 0); \
	REQUANT8_FAST(Y1, BX, 192); \
	PACK16(Y0, Y1, X0, X1); \
	VMOVDQU      X0, (o)
