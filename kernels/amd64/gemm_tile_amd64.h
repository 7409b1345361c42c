// The k-pair step of the 6 x 16 int16 tiles that broadcast A pairs
// against two 8-channel weight vectors: gemm6x16Int16 (gemm_avx2_amd64.s)
// and the rows convolution convRows6x16Int16 (conv_stem_amd64.s).
// Accumulators: row m channels 0-7 in Y(2m), 8-15 in Y(2m+1).

// MADD_ROW multiplies-adds one row's k-pair: broadcast the int16 pair at
// ADDR and multiply-add it with both weight vectors (Y12: channels 0-7,
// Y13: 8-15) into A0 and A1. Reads ADDR, Y12, Y13; clobbers Y14, Y15.
#define MADD_ROW(ADDR, A0, A1) \
	VPBROADCASTD ADDR, Y14 \
	VPMADDWD     Y12, Y14, Y15 \
	VPADDD       Y15, A0, A0 \
	VPMADDWD     Y13, Y14, Y15 \
	VPADDD       Y15, A1, A1

// MADD_6x16 multiplies-adds one k-pair of all 6 rows into Y0-Y11: loads
// the weights at W(DI) into Y12 and W+32(DI) into Y13, then rows 0-2 read
// their pair at D(R0), D(R0)(S*1), D(R0)(S*2) and rows 3-5 at D(R3),
// D(R3)(S*1), D(R3)(S*2). Reads DI, R0, R3, S; clobbers Y12-Y15.
#define MADD_6x16(W, D, R0, R3, S) \
	VMOVDQU W(DI), Y12 \
	VMOVDQU W+32(DI), Y13 \
	MADD_ROW(D(R0), Y0, Y1) \
	MADD_ROW(D(R0)(S*1), Y2, Y3) \
	MADD_ROW(D(R0)(S*2), Y4, Y5) \
	MADD_ROW(D(R3), Y6, Y7) \
	MADD_ROW(D(R3)(S*1), Y8, Y9) \
	MADD_ROW(D(R3)(S*2), Y10, Y11)

// ZERO_6x16 clears the 6 x 16 tile's accumulators Y0-Y11.
#define ZERO_6x16 \
	VPXOR Y0, Y0, Y0 \
	VPXOR Y1, Y1, Y1 \
	VPXOR Y2, Y2, Y2 \
	VPXOR Y3, Y3, Y3 \
	VPXOR Y4, Y4, Y4 \
	VPXOR Y5, Y5, Y5 \
	VPXOR Y6, Y6, Y6 \
	VPXOR Y7, Y7, Y7 \
	VPXOR Y8, Y8, Y8 \
	VPXOR Y9, Y9, Y9 \
	VPXOR Y10, Y10, Y10 \
	VPXOR Y11, Y11, Y11
