//go:build gc && !purego

#include "textflag.h"

// Offsets of a colBlock's vectors (row.go).
#define COL_Y 0
#define COL_YSHIFT 32
#define COL_C 64
#define COL_CSHIFT 96
#define COL_VSHIFT 128
#define COL_VSTEP 160
#define COL_W 192
#define COL_SIZE 224

// Offsets of Coeffs.vec's broadcast terms (convert.go).
#define K_Y 0
#define K_RV 32
#define K_GU 64
#define K_GV 96
#define K_BU 128
#define K_ROFF 160
#define K_GOFF 192
#define K_BOFF 224

// Offsets of avx2Consts.
#define C_FF 0
#define C_FFFF 32
#define C_HALF 64
#define C_ZERO 96
#define C_255 128

// CONVERT turns the Y, U, V of one tap (Y10, Y11, Y12) into R (Y13), then
// G (Y10), with B finished first and passed to B_DONE: each channel is
// handed to its macro as soon as it is clamped, so that only Y10-Y13 are
// needed. Coeffs.RGB is the definition.
#define CONVERT(B_DONE, R_DONE, G_DONE) \
	VPMULLD K_Y(BX), Y10, Y10;    \
	VPMULLD K_BU(BX), Y11, Y13;   \
	VPADDD  Y10, Y13, Y13;        \
	VPADDD  K_BOFF(BX), Y13, Y13; \
	VPSRAD  $21, Y13, Y13;        \
	VPMAXSD C_ZERO(DX), Y13, Y13; \
	VPMINSD C_255(DX), Y13, Y13;  \
	B_DONE;                       \
	VPMULLD K_RV(BX), Y12, Y13;   \
	VPADDD  Y10, Y13, Y13;        \
	VPADDD  K_ROFF(BX), Y13, Y13; \
	VPSRAD  $21, Y13, Y13;        \
	VPMAXSD C_ZERO(DX), Y13, Y13; \
	VPMINSD C_255(DX), Y13, Y13;  \
	R_DONE;                       \
	VPMULLD K_GU(BX), Y11, Y11;   \
	VPMULLD K_GV(BX), Y12, Y12;   \
	VPSUBD  Y11, Y10, Y10;        \
	VPSUBD  Y12, Y10, Y10;        \
	VPADDD  K_GOFF(BX), Y10, Y10; \
	VPSRAD  $21, Y10, Y10;        \
	VPMAXSD C_ZERO(DX), Y10, Y10; \
	VPMINSD C_255(DX), Y10, Y10;  \
	G_DONE

// A channel value p of a tap with weight w joins the channel's linear sum
// acc (acc += p*w) and its cross term e (e += p or e -= p); p is clobbered.
#define ADD_W(p, w, e, acc) VPADDD p, e, e; VPMULLD w, p, p; VPADDD p, acc, acc
#define SUB_W(p, w, e, acc) VPSUBD p, e, e; VPMULLD w, p, p; VPADDD p, acc, acc
#define ADD_E(p, e) VPADDD p, e, e

// EXTRACT takes the Y, U, V bytes of a tap out of the gathered dwords
// Y6 (luma), Y7 (U), Y8 (V), shifting by the column vectors at ys, us, vs
// (or not shifting, for the left tap's Y and U).
#define EXTRACT_LEFT \
	VPAND   C_FF(DX), Y6, Y10;           \
	VPAND   C_FF(DX), Y7, Y11;           \
	VPSRLVD COL_VSHIFT(SI), Y8, Y12;     \
	VPAND   C_FF(DX), Y12, Y12

#define EXTRACT_RIGHT \
	VPSRLVD COL_YSHIFT(SI), Y6, Y10;     \
	VPAND   C_FF(DX), Y10, Y10;          \
	VPSRLVD COL_CSHIFT(SI), Y7, Y11;     \
	VPAND   C_FF(DX), Y11, Y11;          \
	VPSRLVD COL_VSTEP(SI), Y8, Y12;      \
	VPAND   C_FF(DX), Y12, Y12

// GATHER_YU loads the dwords at the block's left taps of luma row yrow
// and U row urow into Y6 and Y7, and copies Y7 to Y8 (V's dwords when V
// shares U's rows); GATHER_V loads V row vrow's into Y8. Y12 and Y13 are
// the mask and index; GATHER_V reuses the chroma index in Y13.
#define GATHER_YU(yrow, urow) \
	VMOVDQU    COL_Y(SI), Y13;           \
	VPCMPEQD   Y12, Y12, Y12;            \
	VPGATHERDD Y12, (yrow)(Y13*1), Y6;   \
	VMOVDQU    COL_C(SI), Y13;           \
	VPCMPEQD   Y12, Y12, Y12;            \
	VPGATHERDD Y12, (urow)(Y13*1), Y7;   \
	VMOVDQA    Y7, Y8

#define GATHER_V(vrow) \
	VPCMPEQD   Y12, Y12, Y12;            \
	VPGATHERDD Y12, (vrow)(Y13*1), Y8

// func sampleRowAVX2(a *avx2Args)
//
// Register contract: R8, R9 the top and bottom luma rows, R10, R11 the top
// and bottom U rows, R12, R13 the V rows; SI the column block, DI the
// output (24 bytes a block), CX blocks left, BX Coeffs.vec, DX avx2Consts,
// AX the packing shuffle, R14 sharedUV, R15 the widened LUT or nil.
// Y0-Y2 the R, G, B linear sums, Y3-Y5 their cross terms
// (p00 - p01 - p10 + p11); Y6-Y8 the gathered Y, U, V dwords of one source
// row; Y9 the top-left weight, then x*wy; Y10-Y13 one tap's conversion;
// Y14 2^16 - wy and Y15 wy, broadcast. At the end Y3-Y5 receive the LUT's
// entries (Y9 the gathers' mask).
//
// Per column and channel, with x, y the right and bottom weights, the sum
// p00*(2^16-x-y) + p01*x + p10*y + e*hi(x*y) + (e*lo(x*y) >> 16) + 2^15,
// shifted right 16, is Lerp2 (hi, lo the upper and lower 16 bits of x*y):
// every term fits int32, and the floor of e*x*y/2^16 splits exactly.
TEXT ·sampleRowAVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ 32(AX), R12
	MOVQ 40(AX), R13
	MOVQ 48(AX), SI
	MOVQ 56(AX), DI
	MOVQ 64(AX), CX
	MOVQ 72(AX), BX
	MOVQ 80(AX), DX
	MOVQ 104(AX), R14
	MOVQ 112(AX), R15
	VPBROADCASTD 96(AX), Y15
	VPBROADCASTD 100(AX), Y14
	MOVQ 88(AX), AX
	TESTQ CX, CX
	JLE   done

block:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5

	// Top row: the left tap with weight 2^16 - x - y, the right with x.
	GATHER_YU(R8, R10)
	TESTQ R14, R14
	JNZ   topShared
	GATHER_V(R12)

topShared:
	VPSUBD COL_W(SI), Y14, Y9
	EXTRACT_LEFT
	CONVERT(ADD_W(Y13, Y9, Y5, Y2), ADD_W(Y13, Y9, Y3, Y0), ADD_W(Y10, Y9, Y4, Y1))
	EXTRACT_RIGHT
	CONVERT(SUB_W(Y13, COL_W(SI), Y5, Y2), SUB_W(Y13, COL_W(SI), Y3, Y0), SUB_W(Y10, COL_W(SI), Y4, Y1))

	// Bottom row: the left tap with weight y, the right only in e.
	GATHER_YU(R9, R11)
	TESTQ R14, R14
	JNZ   bottomShared
	GATHER_V(R13)

bottomShared:
	EXTRACT_LEFT
	CONVERT(SUB_W(Y13, Y15, Y5, Y2), SUB_W(Y13, Y15, Y3, Y0), SUB_W(Y10, Y15, Y4, Y1))
	EXTRACT_RIGHT
	CONVERT(ADD_E(Y13, Y5), ADD_E(Y13, Y3), ADD_E(Y10, Y4))

	// acc += e*hi + (e*lo >> 16) + 2^15, then >> 16.
	VPMULLD COL_W(SI), Y15, Y9
	VPSRLD  $16, Y9, Y10
	VPAND   C_FFFF(DX), Y9, Y9
	VPMULLD Y10, Y3, Y11
	VPADDD  Y11, Y0, Y0
	VPMULLD Y9, Y3, Y3
	VPSRAD  $16, Y3, Y3
	VPADDD  Y3, Y0, Y0
	VPADDD  C_HALF(DX), Y0, Y0
	VPSRLD  $16, Y0, Y0
	VPMULLD Y10, Y4, Y11
	VPADDD  Y11, Y1, Y1
	VPMULLD Y9, Y4, Y4
	VPSRAD  $16, Y4, Y4
	VPADDD  Y4, Y1, Y1
	VPADDD  C_HALF(DX), Y1, Y1
	VPSRLD  $16, Y1, Y1
	VPMULLD Y10, Y5, Y11
	VPADDD  Y11, Y2, Y2
	VPMULLD Y9, Y5, Y5
	VPSRAD  $16, Y5, Y5
	VPADDD  Y5, Y2, Y2
	VPADDD  C_HALF(DX), Y2, Y2
	VPSRLD  $16, Y2, Y2

	// Map R, G, B through the LUT's widened tables (Y9 the mask).
	TESTQ      R15, R15
	JZ         pack
	VPCMPEQD   Y9, Y9, Y9
	VPGATHERDD Y9, (R15)(Y0*4), Y3
	VPCMPEQD   Y9, Y9, Y9
	VPGATHERDD Y9, 1024(R15)(Y1*4), Y4
	VPCMPEQD   Y9, Y9, Y9
	VPGATHERDD Y9, 2048(R15)(Y2*4), Y5
	VMOVDQA    Y3, Y0
	VMOVDQA    Y4, Y1
	VMOVDQA    Y5, Y2

pack:
	// Pack R | G<<8 | B<<16 and shuffle to 12 bytes per 128-bit half;
	// write exactly 24 bytes (the upper half overwrites the lower's
	// 4 zero bytes).
	VPSLLD      $8, Y1, Y1
	VPSLLD      $16, Y2, Y2
	VPOR        Y1, Y0, Y0
	VPOR        Y2, Y0, Y0
	VPSHUFB     (AX), Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VMOVDQU     X0, (DI)
	VMOVQ       X1, 12(DI)
	VPEXTRD     $2, X1, 20(DI)

	ADDQ $COL_SIZE, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  block

done:
	VZEROUPPER
	RET
