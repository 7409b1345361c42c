//go:build gc && !purego

#include "textflag.h"

// The pointwise depthwise kernel (dw_pointwise.go describes the method;
// dwPointwiseGeneric is the twin).

#include "dw_pair_amd64.h"

// dwPointwiseShuffle<> puts the bytes of a pixel after DWP_STORE2's VPERMD
// in channel order: they arrive as the result lanes of the lo half
// (channels 0,4,2,6 | 8,12,10,14) and the hi half (1,5,3,7 | 9,13,11,15),
// four at a time: 0,4,2,6, 1,5,3,7, 8,12,10,14, 9,13,11,15.
DATA dwPointwiseShuffle<>+0(SB)/8, $0x0703050106020400
DATA dwPointwiseShuffle<>+8(SB)/8, $0x0f0b0d090e0a0c08
DATA dwPointwiseShuffle<>+16(SB)/8, $0x0703050106020400
DATA dwPointwiseShuffle<>+24(SB)/8, $0x0f0b0d090e0a0c08
GLOBL dwPointwiseShuffle<>(SB), RODATA|NOPTR, $32

// DWPW_CONSTS loads half h's weight pairs into Y8 and its requantization
// constants into Y9 (M), Y10 (Mo), Y11 (Ke), Y12 (Ko), Y13 (CMP), Y14 (r).
#define DWPW_CONSTS(h) \
	VMOVDQU h*224+0(BX), Y8; \
	VMOVDQU h*224+96(BX), Y9; \
	VMOVDQU h*224+128(BX), Y10; \
	VMOVDQU h*224+32(BX), Y11; \
	VMOVDQU h*224+64(BX), Y12; \
	VMOVDQU h*224+160(BX), Y13; \
	VMOVDQU h*224+192(BX), Y14

// func dwPointwiseAVX2(out, in *int8, count, inStep, outStep, blocks int, packed *int32, clamp *int8)
//
// blocks blocks of 16 channels of count pixels of a 1x1 depthwise
// convolution: pixel p of block b reads in[b*16+p*inStep:][:16] and
// writes out[b*16+p*outStep:][:16]; packed holds 2*dwPointwiseHalfLen
// int32s (448 bytes) per block: per half, the 8 weight pairs ((2w, 0) for
// the lo half's even channels, (0, 2w) for the hi half's odd ones), then
// dw_pair.go's requantization constants (Ke even, Ke odd, mult even, mult
// odd, CMP, r); clamp is 32 x ActMin then 32 x ActMax. Each block runs its
// pixels in groups of four, then one at a time; a pixel's 16 channels are
// widened once for both halves.
// Register contract: R14/R15 the block's out/in, BX its constants, DI/SI
// the current pixel's out/in, R9 inStep, R10 3*inStep, R11 outStep, R13
// 3*outStep, R12 clamp, CX groups left, AX pixels left, DX blocks left.
// Groups: Y0-Y3 the four pixels' words, then their hi halves'
// accumulators; Y4-Y7 the lo halves' accumulators, whose results wait
// packed in Y4 and Y6; Y8-Y14 the current half's constants (DWPW_CONSTS);
// Y15 a temporary, then the VPERMD index of DWP_STORE2. Single pixels: Y0
// and Y4 the same way.
TEXT ·dwPointwiseAVX2(SB), NOSPLIT, $0-64
	MOVQ  count+16(FP), AX
	TESTQ AX, AX
	JLE   done
	MOVQ  blocks+40(FP), DX
	TESTQ DX, DX
	JLE   done
	MOVQ  inStep+24(FP), R9
	LEAQ  (R9)(R9*2), R10
	MOVQ  outStep+32(FP), R11
	LEAQ  (R11)(R11*2), R13
	MOVQ  packed+48(FP), BX
	MOVQ  clamp+56(FP), R12
	MOVQ  out+0(FP), R14
	MOVQ  in+8(FP), R15

block:
	MOVQ R14, DI
	MOVQ R15, SI
	MOVQ count+16(FP), AX
	MOVQ AX, CX
	SHRQ $2, CX
	JZ   single

group:
	VPMOVSXBW (SI), Y0
	VPMOVSXBW (SI)(R9*1), Y1
	VPMOVSXBW (SI)(R9*2), Y2
	VPMOVSXBW (SI)(R10*1), Y3
	DWPW_CONSTS(0)
	VPMADDWD  Y8, Y0, Y4
	VPMADDWD  Y8, Y1, Y5
	VPMADDWD  Y8, Y2, Y6
	VPMADDWD  Y8, Y3, Y7
	DWP_REQUANT4(Y4, Y5, Y6, Y7, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	VPACKSSDW Y5, Y4, Y4
	VPACKSSDW Y7, Y6, Y6
	DWPW_CONSTS(1)
	VPMADDWD  Y8, Y0, Y0
	VPMADDWD  Y8, Y1, Y1
	VPMADDWD  Y8, Y2, Y2
	VPMADDWD  Y8, Y3, Y3
	DWP_REQUANT4(Y0, Y1, Y2, Y3, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VMOVDQU   dwPairPerm<>(SB), Y15
	DWP_STORE2_SHUF(Y4, Y0, X4, Y15, dwPointwiseShuffle<>(SB), R12, (DI), (DI)(R11*1))
	DWP_STORE2_SHUF(Y6, Y2, X6, Y15, dwPointwiseShuffle<>(SB), R12, (DI)(R11*2), (DI)(R13*1))
	LEAQ      (SI)(R9*4), SI
	LEAQ      (DI)(R11*4), DI
	DECQ      CX
	JNZ       group

single:
	ANDQ $3, AX
	JZ   next

pixel:
	VPMOVSXBW (SI), Y0
	DWPW_CONSTS(0)
	VPMADDWD  Y8, Y0, Y4
	DWP_REQUANT(Y4, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	VPACKSSDW Y4, Y4, Y4
	DWPW_CONSTS(1)
	VPMADDWD  Y8, Y0, Y0
	DWP_REQUANT(Y0, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	VPACKSSDW Y0, Y0, Y0
	VMOVDQU   dwPairPerm<>(SB), Y15
	// Both pixels of the pair are this one: the two stores write the same
	// 16 bytes.
	DWP_STORE2_SHUF(Y4, Y0, X4, Y15, dwPointwiseShuffle<>(SB), R12, (DI), (DI))
	ADDQ      R9, SI
	ADDQ      R11, DI
	DECQ      AX
	JNZ       pixel

next:
	ADDQ $16, R14
	ADDQ $16, R15
	ADDQ $448, BX
	DECQ DX
	JNZ  block

done:
	VZEROUPPER
	RET
