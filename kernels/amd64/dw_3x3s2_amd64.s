//go:build gc && !purego

#include "textflag.h"

// The 3x3 stride-2 depthwise kernel on groups of four output pixels
// (dw_3x3s2.go describes the method).

#include "dw_pair_amd64.h"

// Register contract of dwConv3x3S2x4AVX2: DI the group's output, SI the
// group's window origin, BX the block's constants, DX the block's window
// origin (row 0), AX row 1 or 2 (then the clamp), R9 rowStride, R10
// colStride, R11 3*colStride, R12 5*colStride, R13 7*colStride, R14
// blocks left, R15 the block's output, R8 the third pixel's output, CX
// outStep. Y0-Y3 the lo halves' accumulators of the four pixels, Y4-Y7
// the hi halves'; Y8/Y9 an input pixel pair widened, Y10/Y11 its lo and hi
// halves, Y12-Y15 products; then Y8-Y12 and Y14 the requantization
// constants, Y13 a temporary, Y15 the VPERMD index of DWP_STORE2.

// DWS_MA accumulates the multiply-add of the pair half e with the weight
// pairs at w(BX) into acc (t a product).
#define DWS_MA(e, w, acc, t) \
	VPMADDWD w(BX), e, t; \
	VPADDD   t, acc, acc

// DWS_PAIR widens the input pixels at a and b and interleaves them into
// the lo (Y10) and hi (Y11) halves of a pair-row entry.
#define DWS_PAIR(a, b) \
	VPMOVSXBW  a, Y8; \
	VPMOVSXBW  b, Y9; \
	VPUNPCKLWD Y9, Y8, Y10; \
	VPUNPCKHWD Y9, Y8, Y11

// DWS_ROW accumulates window row ky (input at r) of the four pixels:
// the pair of columns 2k and 2k+1 is pixel k's first weight pair (taps
// (ky,0), (ky,1)) and pixel k-1's second ((ky,2) and a zero weight);
// column 8 pairs with zeros.
#define DWS_ROW(r, ky) \
	DWS_PAIR((r), (r)(R10*1)); \
	DWS_MA(Y10, ky*64, Y0, Y12); \
	DWS_MA(Y11, 384+ky*64, Y4, Y13); \
	DWS_PAIR((r)(R10*2), (r)(R11*1)); \
	DWS_MA(Y10, ky*64, Y1, Y12); \
	DWS_MA(Y11, 384+ky*64, Y5, Y13); \
	DWS_MA(Y10, ky*64+32, Y0, Y14); \
	DWS_MA(Y11, 384+ky*64+32, Y4, Y15); \
	DWS_PAIR((r)(R10*4), (r)(R12*1)); \
	DWS_MA(Y10, ky*64, Y2, Y12); \
	DWS_MA(Y11, 384+ky*64, Y6, Y13); \
	DWS_MA(Y10, ky*64+32, Y1, Y14); \
	DWS_MA(Y11, 384+ky*64+32, Y5, Y15); \
	DWS_PAIR((r)(R11*2), (r)(R13*1)); \
	DWS_MA(Y10, ky*64, Y3, Y12); \
	DWS_MA(Y11, 384+ky*64, Y7, Y13); \
	DWS_MA(Y10, ky*64+32, Y2, Y14); \
	DWS_MA(Y11, 384+ky*64+32, Y6, Y15); \
	VPMOVSXBW  (r)(R10*8), Y8; \
	VPXOR      Y9, Y9, Y9; \
	VPUNPCKLWD Y9, Y8, Y10; \
	VPUNPCKHWD Y9, Y8, Y11; \
	DWS_MA(Y10, ky*64+32, Y3, Y14); \
	DWS_MA(Y11, 384+ky*64+32, Y7, Y15)

// DWS_CONSTS loads the requantization constants of the half at h bytes.
#define DWS_CONSTS(h) \
	VMOVDQU h+192+64(BX), Y8; \
	VMOVDQU h+192+96(BX), Y9; \
	VMOVDQU h+192+0(BX), Y10; \
	VMOVDQU h+192+32(BX), Y11; \
	VMOVDQU h+192+128(BX), Y12; \
	VMOVDQU h+192+160(BX), Y14

// func dwConv3x3S2x4AVX2(out, in *int8, groups, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, clamp *int8)
//
// groups groups of four output pixels of a 3x3 depthwise convolution at
// stride 2 along W (inStep == 2*colStride), read straight from the input
// (windows in bounds): the group's window origin at in, tap (ky, kx) at
// ky*rowStride + kx*colStride, the next group's 4*inStep on; outputs at
// out + k*outStep, the next group's 4*outStep on; blocks blocks of 16
// channels, packed holding 2*rowsHalfLen(3, 2) constants per block (the
// rows layout: doubled weights, the pair-row requantization), clamp 32 x
// ActMin then 32 x ActMax.
// Register contract: above.
TEXT ·dwConv3x3S2x4AVX2(SB), NOSPLIT, $0-80
	CMPQ groups+16(FP), $0
	JLE  done
	CMPQ blocks+48(FP), $0
	JLE  done
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ rowStride+56(FP), R9
	MOVQ colStride+64(FP), R10
	LEAQ (R10)(R10*2), R11
	LEAQ (R10)(R10*4), R12
	LEAQ (R11)(R10*4), R13

group:
	MOVQ packed+40(FP), BX
	MOVQ SI, DX
	MOVQ DI, R15
	MOVQ blocks+48(FP), R14

block:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	DWS_ROW(DX, 0)
	LEAQ  (DX)(R9*1), AX
	DWS_ROW(AX, 1)
	LEAQ  (DX)(R9*2), AX
	DWS_ROW(AX, 2)
	DWS_CONSTS(0)
	DWP_REQUANT4(Y0, Y1, Y2, Y3, Y8, Y9, Y10, Y11, Y12, Y14, Y13)
	DWS_CONSTS(384)
	DWP_REQUANT4(Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y14, Y13)
	DWP_PACK8
	VMOVDQU   dwPairPerm<>(SB), Y15
	MOVQ      clamp+72(FP), AX
	MOVQ      outStep+32(FP), CX
	LEAQ      (R15)(CX*2), R8
	DWP_STORE2(Y0, Y4, X0, Y15, AX, (R15), (R15)(CX*1))
	DWP_STORE2(Y2, Y6, X2, Y15, AX, (R8), (R8)(CX*1))
	ADDQ $768, BX
	ADDQ $16, DX
	ADDQ $16, R15
	DECQ R14
	JNZ  block

	MOVQ inStep+24(FP), AX
	LEAQ (SI)(AX*4), SI
	MOVQ outStep+32(FP), AX
	LEAQ (DI)(AX*4), DI
	DECQ groups+16(FP)
	JNZ  group

done:
	VZEROUPPER
	RET
