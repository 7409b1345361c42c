//go:build gc && !purego

#include "textflag.h"
#include "pair_requant_amd64.h"
#include "gemm_requant_amd64.h"
#include "wino_amd64.h"

// The F(4x4, 3x3) transforms; wino4.go states their semantics.

// inv9 is the inverse of 9 modulo 2^32 in each int32 lane.
DATA inv9<>+0(SB)/8, $0x38E38E3938E38E39
DATA inv9<>+8(SB)/8, $0x38E38E3938E38E39
DATA inv9<>+16(SB)/8, $0x38E38E3938E38E39
DATA inv9<>+24(SB)/8, $0x38E38E3938E38E39
GLOBL inv9<>(SB), RODATA|NOPTR, $32

// BT6 applies Bt along six int16 vectors d0-d5 in Y0-Y5 into Y6-Y11:
//   Y6  = 4(d0 - d2) + (d4 - d2)
//   Y7  = (d4 - 4d2) + (d3 - 4d1),  Y8 = (d4 - 4d2) - (d3 - 4d1)
//   Y9  = (d4 - d2) + 2(d3 - d1),   Y10 = (d4 - d2) - 2(d3 - d1)
//   Y11 = 4(d1 - d3) + (d5 - d3)
// Y12-Y14 are clobbered.
#define BT6 \
	VPSUBW Y2, Y0, Y12 \
	VPSLLW $2, Y12, Y12 \
	VPSUBW Y2, Y4, Y13 \
	VPADDW Y13, Y12, Y6 \
	VPSLLW $2, Y2, Y12 \
	VPSUBW Y12, Y4, Y12 \
	VPSLLW $2, Y1, Y14 \
	VPSUBW Y14, Y3, Y14 \
	VPADDW Y14, Y12, Y7 \
	VPSUBW Y14, Y12, Y8 \
	VPSUBW Y1, Y3, Y12 \
	VPADDW Y12, Y12, Y12 \
	VPADDW Y12, Y13, Y9 \
	VPSUBW Y12, Y13, Y10 \
	VPSUBW Y3, Y1, Y12 \
	VPSLLW $2, Y12, Y12 \
	VPSUBW Y3, Y5, Y13 \
	VPADDW Y13, Y12, Y11

// func winoInput4(v *int16, kp int, src *int8, rowStride, pixStride, ch int, zp int, tiles int, tmp *int16)
//
// Wino4InputGo with v at the first tile's panel row (v + row*kp), ch >= 16
// (a last partial block of 16 channels overlaps the one before: the same
// values are written twice), tiles >= 1 and tmp 36*16 int16 of scratch.
// Bt is applied along each patch row (into tmp, point (i, j) at
// (6i+j)*32), then along each column (into V, column j's six points
// 6j..6j+5 one after another), on the raw int8; 36*zp comes off V[1][1]
// alone (Bt 1 Bt' is 36 there and 0 elsewhere).
//
// Register contract:
//   DI      the tile's V row (point 0, channel 0); R11 = 6*kp*2, one point's panel
//   SI      the tile's patch (row 0, pixel 0); R9 = pixStride, BX = 3*pixStride, R13 = 5*pixStride
//   CX      ch, DX channel offset of the block
//   R12     the patch row being read (at the block's channels); R14 tmp
//   R10     V store pointer; AX scratch
//   Y15     36*zp in int16 lanes
TEXT ·winoInput4(SB), NOSPLIT, $0-72
	MOVQ v+0(FP), DI
	MOVQ kp+8(FP), R11
	MOVQ src+16(FP), SI
	MOVQ pixStride+32(FP), R9
	MOVQ ch+40(FP), CX
	MOVQ tmp+64(FP), R14
	LEAQ (R9)(R9*2), BX
	LEAQ (R9)(R9*4), R13
	LEAQ (R11)(R11*2), R11
	SHLQ $2, R11
	MOVQ zp+48(FP), AX
	IMULQ $36, AX
	VMOVD        AX, X15
	VPBROADCASTW X15, Y15

w4tile:
	XORQ DX, DX

w4block:
	// Rows: Bt along each patch row into tmp.
	LEAQ (SI)(DX*1), R12
	MOVQ $0, AX

w4row:
	VPMOVSXBW (R12), Y0
	VPMOVSXBW (R12)(R9*1), Y1
	VPMOVSXBW (R12)(R9*2), Y2
	VPMOVSXBW (R12)(BX*1), Y3
	VPMOVSXBW (R12)(R9*4), Y4
	VPMOVSXBW (R12)(R13*1), Y5
	BT6
	VMOVDQU Y6, 0(R14)(AX*1)
	VMOVDQU Y7, 32(R14)(AX*1)
	VMOVDQU Y8, 64(R14)(AX*1)
	VMOVDQU Y9, 96(R14)(AX*1)
	VMOVDQU Y10, 128(R14)(AX*1)
	VMOVDQU Y11, 160(R14)(AX*1)
	ADDQ    rowStride+24(FP), R12
	ADDQ    $192, AX
	CMPQ    AX, $1152
	JNE     w4row

	// Columns: Bt along each column of tmp into V.
	LEAQ (DI)(DX*2), R10
	MOVQ $0, AX

w4col:
	VMOVDQU 0(R14)(AX*1), Y0
	VMOVDQU 192(R14)(AX*1), Y1
	VMOVDQU 384(R14)(AX*1), Y2
	VMOVDQU 576(R14)(AX*1), Y3
	VMOVDQU 768(R14)(AX*1), Y4
	VMOVDQU 960(R14)(AX*1), Y5
	BT6
	CMPQ    AX, $32
	JNE     w4store
	VPSUBW  Y15, Y7, Y7 // V[1][1]

w4store:
	VMOVDQU Y6, (R10)
	ADDQ    R11, R10
	VMOVDQU Y7, (R10)
	ADDQ    R11, R10
	VMOVDQU Y8, (R10)
	ADDQ    R11, R10
	VMOVDQU Y9, (R10)
	ADDQ    R11, R10
	VMOVDQU Y10, (R10)
	ADDQ    R11, R10
	VMOVDQU Y11, (R10)
	ADDQ    R11, R10
	ADDQ    $32, AX
	CMPQ    AX, $192
	JNE     w4col

	// The next 16 channels; a partial last block overlaps.
	WINO_NEXT_BLOCK(w4block, w4next)

w4next:
	LEAQ (SI)(R9*4), SI
	MOVQ kp+8(FP), R10
	LEAQ (DI)(R10*2), DI
	DECQ tiles+56(FP)
	JNZ  w4tile
	VZEROUPPER
	RET

// AT6 applies At^ along six int32 vectors m0-m5 in Y8-Y13 into O0-O3:
//   O0 = 6m0 + 4(m1+m2) + (m3+m4)     O1 = 4(m1-m2) + 2(m3-m4)
//   O2 = 4(m1+m2) + 4(m3+m4)          O3 = 4(m1-m2) + 8(m3-m4) + 24m5
// O0-O3 must be outside Y8-Y14, which are clobbered.
#define AT6(O0, O1, O2, O3) \
	VPADDD Y10, Y9, Y14 \
	VPSUBD Y10, Y9, Y9 \
	VPADDD Y12, Y11, Y10 \
	VPSUBD Y12, Y11, Y11 \
	VPADDD Y10, Y14, O2 \
	VPSLLD $2, O2, O2 \
	VPSLLD $1, Y8, Y12 \
	VPSLLD $2, Y8, Y8 \
	VPADDD Y12, Y8, Y8 \
	VPSLLD $2, Y14, Y14 \
	VPADDD Y14, Y8, Y8 \
	VPADDD Y10, Y8, O0 \
	VPSLLD $2, Y9, Y9 \
	VPSLLD $1, Y11, Y12 \
	VPADDD Y12, Y9, O1 \
	VPSLLD $3, Y11, Y11 \
	VPADDD Y11, Y9, Y9 \
	VPSLLD $3, Y13, Y12 \
	VPSLLD $4, Y13, Y13 \
	VPADDD Y13, Y12, Y12 \
	VPADDD Y12, Y9, O3

// AT_COL applies At^ to column j of the tile's M (points 6j..6j+5 of the
// half at OFF = 6j*384 + half*32 from SI) and stores t_k (k = 0..3) to
// tmp at T + k*192 (R14); Y0-Y3 are clobbered.
#define AT_COL(OFF, T) \
	VMOVDQU OFF(SI), Y8 \
	VMOVDQU OFF+384(SI), Y9 \
	VMOVDQU OFF+768(SI), Y10 \
	VMOVDQU OFF+1152(SI), Y11 \
	VMOVDQU OFF+1536(SI), Y12 \
	VMOVDQU OFF+1920(SI), Y13 \
	AT6(Y0, Y1, Y2, Y3) \
	VMOVDQU Y0, T(R14) \
	VMOVDQU Y1, T+192(R14) \
	VMOVDQU Y2, T+384(R14) \
	VMOVDQU Y3, T+576(R14)

// AT_HALF runs AT_COL over the six columns of one half (channels 0-7:
// H = 0, T0 = 0; 8-15: H = 32, T0 = 768).
#define AT_HALF(H, T0) \
	AT_COL(H, T0) \
	AT_COL(H+2304, T0+32) \
	AT_COL(H+4608, T0+64) \
	AT_COL(H+6912, T0+96) \
	AT_COL(H+9216, T0+128) \
	AT_COL(H+11520, T0+160)

// AT_ROW applies At^ along output row k's t_k0..t_k5 of one half (tmp at
// T = k*192 + half*768) into O0-O3, the half's pixels (k, 0..3).
#define AT_ROW(T, O0, O1, O2, O3) \
	VMOVDQU T(R14), Y8 \
	VMOVDQU T+32(R14), Y9 \
	VMOVDQU T+64(R14), Y10 \
	VMOVDQU T+96(R14), Y11 \
	VMOVDQU T+128(R14), Y12 \
	VMOVDQU T+160(R14), Y13 \
	AT6(O0, O1, O2, O3)

// W4PAIR stores the pixel of X0 (channels 0-7) and X1 (8-15), each 576
// times the sum, at ADDR in the pair form: A = (Y * 9^-1) >> 5.
#define W4PAIR(X0, X1, ADDR) \
	VPMULLD Y15, X0, X0 \
	VPMULLD Y15, X1, X1 \
	VPSRAD  $5, X0, X0 \
	VPSRAD  $5, X1, X1 \
	RQ_PAIR(X0, 64) \
	RQ_PAIR(X1, 256) \
	PACK_PAIR(X0, X1) \
	VMOVDQU X12, ADDR

// W4TF_PRE turns the pixel's Y in X0 and X1 into the TFLite form's
// accumulators ((Y * 9^-1) >> 6) + bias; W4TF_SAT applies the saturating
// left shift, WOTF_STORE-like W4TF_STORE requantizes and stores.
#define W4TF_PRE(X0, X1) \
	VPMULLD Y15, X0, X0 \
	VPMULLD Y15, X1, X1 \
	VPSRAD  $6, X0, X0 \
	VPSRAD  $6, X1, X1 \
	VPADDD  0(BX), X0, X0 \
	VPADDD  32(BX), X1, X1

#define W4TF_SAT(X0, X1) \
	SATSHIFT(X0, 0) \
	SATSHIFT(X1, 32)

#define W4TF_STORE(X0, X1, ADDR) \
	REQUANT(X0, 0) \
	REQUANT(X1, 32) \
	PACK16(X0, X1) \
	VMOVDQU X12, ADDR

// func winoOutput4(m *int32, b *byte, q *Output, dst *int8, rowStride, pixStride, tiles int, tmp *int32)
//
// Wino4OutputGo with m at the first tile's row of M (M + t0*16), tiles
// >= 1 and tmp 48*8 int32 of scratch: At^ along each column of M into tmp
// (t_k of column j at (6k+j)*32 + half*768), then along each row k of
// tmp, then the four pixels of output row k are requantized and stored.
//
// Register contract:
//   SI      the tile's M (point p, channel half h at p*384 + h*32)
//   BX      block header, R11 q, DX the saturating-shift flag, R14 tmp
//   R9      the tile's output pixel (0, 0); R10 = rowStride, R13 = pixStride, R8 = 3*pixStride
//   R12     output row k's pixel 0; AX = k*192 (tmp offset of row k)
//   CX      tiles left
//   Y0-Y3   channels 0-7 of row k's pixels; Y4-Y7 channels 8-15
//   Y15     9^-1 mod 2^32; Y8-Y14 transform and output stage scratch
TEXT ·winoOutput4(SB), NOSPLIT, $0-64
	MOVQ    m+0(FP), SI
	MOVQ    b+8(FP), BX
	MOVQ    q+16(FP), R11
	MOVQ    dst+24(FP), R9
	MOVQ    rowStride+32(FP), R10
	MOVQ    pixStride+40(FP), R13
	MOVQ    tiles+48(FP), CX
	MOVQ    tmp+56(FP), R14
	LEAQ    (R13)(R13*2), R8
	MOVLQZX 192(R11), DX
	VMOVDQU inv9<>(SB), Y15

o4tile:
	AT_HALF(0, 0)
	AT_HALF(32, 768)
	MOVQ R9, R12
	XORQ AX, AX

o4row:
	// Rows of tmp: both halves of output row k, then its four pixels.
	LEAQ (R14)(AX*1), R14
	AT_ROW(0, Y0, Y1, Y2, Y3)
	AT_ROW(768, Y4, Y5, Y6, Y7)
	SUBQ AX, R14
	CMPL 196(R11), $0
	JEQ  o4tflite
	W4PAIR(Y0, Y4, (R12))
	W4PAIR(Y1, Y5, (R12)(R13*1))
	W4PAIR(Y2, Y6, (R12)(R13*2))
	W4PAIR(Y3, Y7, (R12)(R8*1))
	JMP  o4nextrow

o4tflite:
	W4TF_PRE(Y0, Y4)
	W4TF_PRE(Y1, Y5)
	W4TF_PRE(Y2, Y6)
	W4TF_PRE(Y3, Y7)
	TESTQ DX, DX
	JZ    o4nosat
	W4TF_SAT(Y0, Y4)
	W4TF_SAT(Y1, Y5)
	W4TF_SAT(Y2, Y6)
	W4TF_SAT(Y3, Y7)

o4nosat:
	W4TF_STORE(Y0, Y4, (R12))
	W4TF_STORE(Y1, Y5, (R12)(R13*1))
	W4TF_STORE(Y2, Y6, (R12)(R13*2))
	W4TF_STORE(Y3, Y7, (R12)(R8*1))

o4nextrow:
	ADDQ R10, R12
	ADDQ $192, AX
	CMPQ AX, $768
	JNE  o4row

	ADDQ $64, SI
	LEAQ (R9)(R13*4), R9
	DECQ CX
	JNZ  o4tile
	VZEROUPPER
	RET
