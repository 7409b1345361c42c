// The pair-row requantization of the 16-channel tiles that accumulate
// A = 2*(acc - bias) with doubled weights: the rows kernel
// (conv_stem_amd64.s) and the AVX2 GEMM tiles' pair form
// (gemm_avx2_amd64.s); constants laid out by putPairLane (gemm_pair.go).
// R11 points at the Output block (int8 ActMin +320, ActMax +352).

// RQ_PAIR(X, H) requantizes the 8 lanes of X (A = 2*(acc - bias)) with
// the constants of the half block at H(BX): h'' = hi32(A*m + Ke) for the
// even lanes (moved down by VPSRLQ) and the odd ones (in place), then
// (h'' + [h'' > CMP]) >> r, which holds the zero point already. Y12 is
// clobbered.
#define RQ_PAIR(X, H) \
	VPMULDQ  0+H(BX), X, Y12 \
	VPSHUFD  $0xf5, X, X \
	VPMULDQ  32+H(BX), X, X \
	VPADDQ   64+H(BX), Y12, Y12 \
	VPADDQ   96+H(BX), X, X \
	VPSRLQ   $32, Y12, Y12 \
	VPBLENDD $0xaa, X, Y12, X \
	VPCMPGTD 128+H(BX), X, Y12 \
	VPSUBD   Y12, X, X \
	VPSRAVD  160+H(BX), X, X

// PACK_PAIR narrows RQ_PAIR's X0 and X1 (8 lanes each, in that order) to
// 16 int8 in X12 with saturating packs and clamps them to [ActMin,
// ActMax]; Y13 is clobbered. Exact for any int32: a value that saturates
// int16 is outside int8 either way.
#define PACK_PAIR(X0, X1) \
	VPACKSSDW    X1, X0, Y12 \
	VPERMQ       $0xd8, Y12, Y12 \
	VEXTRACTI128 $1, Y12, X13 \
	VPACKSSWB    X13, X12, X12 \
	VPMAXSB      320(R11), X12, X12 \
	VPMINSB      352(R11), X12, X12

// RQ_STORE_PAIR requantizes X0 (channels 0-7, constants at H(BX)) and X1
// (8-15, at H+192(BX)) and stores the 16 bytes at (R9); R9 += R10.
#define RQ_STORE_PAIR(X0, X1, H) \
	RQ_PAIR(X0, H) \
	RQ_PAIR(X1, H+192) \
	PACK_PAIR(X0, X1) \
	VMOVDQU X12, (R9) \
	ADDQ    R10, R9

// RQ_STORE_PAIR_6x16 requantizes and stores the 6 rows of a 6 x 16 tile
// (row m in Y(2m), Y(2m+1)) with the constants at H(BX), one row at (R9)
// after another (R9 += 6*R10). Clobbers Y0-Y13.
#define RQ_STORE_PAIR_6x16(H) \
	RQ_STORE_PAIR(Y0, Y1, H) \
	RQ_STORE_PAIR(Y2, Y3, H) \
	RQ_STORE_PAIR(Y4, Y5, H) \
	RQ_STORE_PAIR(Y6, Y7, H) \
	RQ_STORE_PAIR(Y8, Y9, H) \
	RQ_STORE_PAIR(Y10, Y11, H)
