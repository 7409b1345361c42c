//go:build gc && !purego

#include "textflag.h"

// The pair-row depthwise kernels (dw_pair.go describes the method and the
// layouts; dwConv3x3PairGeneric and dwPairRowGeneric are the twins).

#include "dw_pair_amd64.h"

// Register contract of dwConv3x3PairAVX2 (the macros below use it): DI
// output of the group's first pixel in the block, R11 outStep, R13 3*outStep, AX the
// group's fifth pixel's output, R8/R9/R10 the group's first entry in the
// pair rows of window rows 0-2, BX the block's constants, R12 clamp, CX
// groups (then pixels) left, R15 pixels left after the groups of eight,
// R14 set during the overlapping last group of four.
// Groups of eight, per half: Y8-Y12 the half's five weight vectors during
// the multiply-adds, then its requantization constants (Y8 M, Y9 Mo, Y10
// Ke, Y11 Ko, Y12 CMP, Y14 R); Y0-Y7 the accumulators; Y13 a temporary,
// Y14/Y15 row 1's entries of the current and the next pixel, alternating;
// the lo halves' results (VPACKSSDW of pixel pairs) wait in the 128-byte
// frame while the hi halves run; then Y15 the VPERMD index of DWP_STORE2.
// Groups of four and single pixels: the same with Y4-Y8 for weights and
// constants (Y11 R), Y0-Y3 accumulators, Y9 a temporary, Y10/Y11 row 1's
// entries, Y12/Y13 the lo halves' results, Y14 the VPERMD index.

// DWP_PIXEL accumulates one half (lo at entry offset 0, hi at 32) of the
// pixel whose row entries are at e into acc: the three row pairs (weights
// w0-w2; row 1's entry is already in cur), the vertical pair built by
// VPBLENDW (even words of row 0's entry e+128, odd words of row 1's entry
// e+64, which it loads into nxt: the next pixel's cur; weights wv) and
// the (w[2][2], 0) pair (ws). t is clobbered.
#define DWP_PIXEL(acc, e, w0, w1, w2, wv, ws, t, cur, nxt) \
	VPMADDWD e(R8), w0, acc; \
	VPMADDWD cur, w1, t; \
	VPADDD   t, acc, acc; \
	VPMADDWD e(R10), w2, t; \
	VPADDD   t, acc, acc; \
	VMOVDQU  e+64(R9), nxt; \
	VPBLENDW $0x55, e+128(R8), nxt, t; \
	VPMADDWD t, wv, t; \
	VPADDD   t, acc, acc; \
	VPMADDWD e+128(R10), ws, t; \
	VPADDD   t, acc, acc

// DWP_WEIGHTS loads the five weight vectors of half h (0 or 1).
#define DWP_WEIGHTS(h, w0, w1, w2, wv, ws) \
	VMOVDQU h*160+0(BX), w0; \
	VMOVDQU h*160+32(BX), w1; \
	VMOVDQU h*160+64(BX), w2; \
	VMOVDQU h*160+96(BX), wv; \
	VMOVDQU h*160+128(BX), ws

// DWP_CONSTS loads the requantization constants of half h.
#define DWP_CONSTS(h, m, mo, ke, ko, cmp, r) \
	VMOVDQU 320+h*192+64(BX), m; \
	VMOVDQU 320+h*192+96(BX), mo; \
	VMOVDQU 320+h*192+0(BX), ke; \
	VMOVDQU 320+h*192+32(BX), ko; \
	VMOVDQU 320+h*192+128(BX), cmp; \
	VMOVDQU 320+h*192+160(BX), r

// func dwConv3x3PairAVX2(out *int8, r0, r1, r2 *int16, s0, s1, s2, count, blocks, outStep int, packed *int32, clamp *int8)
//
// blocks blocks of 16 channels of count output pixels of a 3x3 depthwise
// convolution at stride 1 on pair rows: r0-r2 point at the first pixel's
// entry of block 0 in the pair rows of window rows 0-2, and advance by
// s0-s2 bytes per block (0 for the row of zero points); within a block
// the next pixel's entry follows (64 bytes). out advances by outStep per
// pixel and 16 per block; packed holds dwPairBlockLen constants per
// block, clamp 32 x ActMin then 32 x ActMax.
// Groups of eight, then of four, pixels run the lo halves, then the hi
// halves, so that each half's weights and requantization constants are
// loaded into registers once per group; the last count%4 pixels run as a
// group of four that overlaps the previous one (recomputing up to three
// pixels, with the same results), or one at a time when count < 4. The
// block's out, r0-r2 and packed advance in their argument slots, blocks
// counts down in its slot.
// Register contract: above.
TEXT ·dwConv3x3PairAVX2(SB), NOSPLIT, $128-96
	CMPQ count+56(FP), $0
	JLE  done
	CMPQ blocks+64(FP), $0
	JLE  done
	MOVQ outStep+72(FP), R11
	LEAQ (R11)(R11*2), R13
	MOVQ clamp+88(FP), R12

block:
	MOVQ out+0(FP), DI
	MOVQ r0+8(FP), R8
	MOVQ r1+16(FP), R9
	MOVQ r2+24(FP), R10
	MOVQ packed+80(FP), BX
	MOVQ count+56(FP), R15
	MOVQ R15, CX
	SHRQ $3, CX
	JZ   four
	ANDQ $7, R15

group8:
	DWP_WEIGHTS(0, Y8, Y9, Y10, Y11, Y12)
	VMOVDQU   0(R9), Y14
	DWP_PIXEL(Y0, 0, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y1, 64, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_PIXEL(Y2, 128, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y3, 192, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_PIXEL(Y4, 256, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y5, 320, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_PIXEL(Y6, 384, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y7, 448, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_CONSTS(0, Y8, Y9, Y10, Y11, Y12, Y14)
	DWP_REQUANT4(Y0, Y1, Y2, Y3, Y8, Y9, Y10, Y11, Y12, Y14, Y13)
	DWP_REQUANT4(Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y14, Y13)
	DWP_PACK8
	VMOVDQU   Y0, 0(SP)
	VMOVDQU   Y2, 32(SP)
	VMOVDQU   Y4, 64(SP)
	VMOVDQU   Y6, 96(SP)
	DWP_WEIGHTS(1, Y8, Y9, Y10, Y11, Y12)
	VMOVDQU   32(R9), Y14
	DWP_PIXEL(Y0, 32, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y1, 96, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_PIXEL(Y2, 160, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y3, 224, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_PIXEL(Y4, 288, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y5, 352, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_PIXEL(Y6, 416, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	DWP_PIXEL(Y7, 480, Y8, Y9, Y10, Y11, Y12, Y13, Y15, Y14)
	DWP_CONSTS(1, Y8, Y9, Y10, Y11, Y12, Y14)
	DWP_REQUANT4(Y0, Y1, Y2, Y3, Y8, Y9, Y10, Y11, Y12, Y14, Y13)
	DWP_REQUANT4(Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y14, Y13)
	DWP_PACK8
	VMOVDQU   dwPairPerm<>(SB), Y15
	VMOVDQU   0(SP), Y1
	VMOVDQU   32(SP), Y3
	VMOVDQU   64(SP), Y5
	VMOVDQU   96(SP), Y7
	LEAQ      (DI)(R11*4), AX
	DWP_STORE2(Y1, Y0, X1, Y15, R12, (DI), (DI)(R11*1))
	DWP_STORE2(Y3, Y2, X3, Y15, R12, (DI)(R11*2), (DI)(R13*1))
	DWP_STORE2(Y5, Y4, X5, Y15, R12, (AX), (AX)(R11*1))
	DWP_STORE2(Y7, Y6, X7, Y15, R12, (AX)(R11*2), (AX)(R13*1))
	ADDQ $512, R8
	ADDQ $512, R9
	ADDQ $512, R10
	LEAQ (DI)(R11*8), DI
	DECQ CX
	JNZ  group8

four:
	VMOVDQU dwPairPerm<>(SB), Y14
	XORQ R14, R14
	MOVQ R15, CX
	SHRQ $2, CX
	JZ   tail

group:
	DWP_WEIGHTS(0, Y4, Y5, Y6, Y7, Y8)
	VMOVDQU   0(R9), Y10
	DWP_PIXEL(Y0, 0, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	DWP_PIXEL(Y1, 64, Y4, Y5, Y6, Y7, Y8, Y9, Y11, Y10)
	DWP_PIXEL(Y2, 128, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	DWP_PIXEL(Y3, 192, Y4, Y5, Y6, Y7, Y8, Y9, Y11, Y10)
	DWP_CONSTS(0, Y4, Y5, Y6, Y7, Y8, Y11)
	DWP_REQUANT4(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y11, Y9)
	VPACKSSDW Y1, Y0, Y12
	VPACKSSDW Y3, Y2, Y13
	DWP_WEIGHTS(1, Y4, Y5, Y6, Y7, Y8)
	VMOVDQU   32(R9), Y10
	DWP_PIXEL(Y0, 32, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	DWP_PIXEL(Y1, 96, Y4, Y5, Y6, Y7, Y8, Y9, Y11, Y10)
	DWP_PIXEL(Y2, 160, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	DWP_PIXEL(Y3, 224, Y4, Y5, Y6, Y7, Y8, Y9, Y11, Y10)
	DWP_CONSTS(1, Y4, Y5, Y6, Y7, Y8, Y11)
	DWP_REQUANT4(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y11, Y9)
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	DWP_STORE2(Y12, Y0, X12, Y14, R12, (DI), (DI)(R11*1))
	DWP_STORE2(Y13, Y2, X13, Y14, R12, (DI)(R11*2), (DI)(R13*1))
	ADDQ $256, R8
	ADDQ $256, R9
	ADDQ $256, R10
	LEAQ (DI)(R11*4), DI
	DECQ CX
	JNZ  group

tail:
	TESTQ R14, R14
	JNZ   next
	MOVQ  R15, CX
	ANDQ  $3, CX
	JZ    next
	CMPQ  count+56(FP), $4
	JLT   pixel
	MOVQ  $4, AX
	SUBQ  CX, AX
	MOVQ  AX, CX
	SHLQ  $6, CX
	SUBQ  CX, R8
	SUBQ  CX, R9
	SUBQ  CX, R10
	IMULQ R11, AX
	SUBQ  AX, DI
	MOVQ  $1, R14
	MOVQ  $1, CX
	JMP   group

pixel:
	DWP_WEIGHTS(0, Y4, Y5, Y6, Y7, Y8)
	VMOVDQU   0(R9), Y10
	DWP_PIXEL(Y0, 0, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	DWP_CONSTS(0, Y4, Y5, Y6, Y7, Y8, Y11)
	DWP_REQUANT(Y0, Y4, Y5, Y6, Y7, Y8, Y11, Y9)
	VMOVDQA Y0, Y12
	DWP_WEIGHTS(1, Y4, Y5, Y6, Y7, Y8)
	VMOVDQU   32(R9), Y10
	DWP_PIXEL(Y0, 32, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	DWP_CONSTS(1, Y4, Y5, Y6, Y7, Y8, Y11)
	DWP_REQUANT(Y0, Y4, Y5, Y6, Y7, Y8, Y11, Y9)
	VPACKSSDW    Y0, Y12, Y12
	VEXTRACTI128 $1, Y12, X13
	VPACKSSWB    X13, X12, X12
	VPSHUFB      dwPairShuffle<>(SB), X12, X12
	VPMAXSB      (R12), X12, X12
	VPMINSB      32(R12), X12, X12
	VMOVDQU      X12, (DI)
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ R11, DI
	DECQ CX
	JNZ  pixel

next:
	ADDQ $16, out+0(FP)
	MOVQ s0+32(FP), AX
	ADDQ AX, r0+8(FP)
	MOVQ s1+40(FP), AX
	ADDQ AX, r1+16(FP)
	MOVQ s2+48(FP), AX
	ADDQ AX, r2+24(FP)
	ADDQ $704, packed+80(FP)
	DECQ blocks+64(FP)
	JNZ  block

done:
	VZEROUPPER
	RET

// func dwPairRowAVX2(dst *int16, src *int8, n, blocks, c, blockStride int)
//
// Builds n pair-row entries for each of blocks blocks: block b's entry j
// (at dst + b*blockStride + 64*j) interleaves the 16 channels of pixels
// src + j*c and src + (j+1)*c (from channel 16*b), sign-extended:
// VPUNPCKLWD gives the lo half, VPUNPCKHWD the hi half. Reads n+1 pixels.
//
// Register contract: DI entry, SI pixel, R8 block's dst, R9 block's src,
// CX entries left, R10 blocks left, R11 c, DX blockStride; Y0/Y1 the
// current and the next pixel widened, alternating; Y2/Y3 the halves.
TEXT ·dwPairRowAVX2(SB), NOSPLIT, $0-48
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JLE  rdone
	MOVQ blocks+24(FP), R10
	TESTQ R10, R10
	JLE  rdone
	MOVQ dst+0(FP), R8
	MOVQ src+8(FP), R9
	MOVQ c+32(FP), R11
	MOVQ blockStride+40(FP), DX

rblock:
	MOVQ R8, DI
	MOVQ R9, SI
	MOVQ n+16(FP), CX
	VPMOVSXBW (SI), Y0
	SHRQ $1, CX
	JZ   rodd

rpair:
	VPMOVSXBW  (SI)(R11*1), Y1
	VPUNPCKLWD Y1, Y0, Y2
	VPUNPCKHWD Y1, Y0, Y3
	VMOVDQU    Y2, (DI)
	VMOVDQU    Y3, 32(DI)
	VPMOVSXBW  (SI)(R11*2), Y0
	VPUNPCKLWD Y0, Y1, Y2
	VPUNPCKHWD Y0, Y1, Y3
	VMOVDQU    Y2, 64(DI)
	VMOVDQU    Y3, 96(DI)
	LEAQ       (SI)(R11*2), SI
	ADDQ       $128, DI
	DECQ       CX
	JNZ        rpair

rodd:
	TESTQ $1, n+16(FP)
	JZ    rnext
	VPMOVSXBW  (SI)(R11*1), Y1
	VPUNPCKLWD Y1, Y0, Y2
	VPUNPCKHWD Y1, Y0, Y3
	VMOVDQU    Y2, (DI)
	VMOVDQU    Y3, 32(DI)

rnext:
	ADDQ DX, R8
	ADDQ $16, R9
	DECQ R10
	JNZ  rblock

rdone:
	VZEROUPPER
	RET
