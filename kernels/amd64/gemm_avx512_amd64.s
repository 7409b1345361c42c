//go:build gc && !purego

#include "textflag.h"

// AVX-512 VNNI GEMM tile: 8 rows x 32 channels on zmm registers. The
// packed block header has NR = 32 int32 per row: bias +0, multiplier +128,
// left shift +256, right shift +384, rounding mask +512, threshold +640,
// odd-lane multiplier +768; the weights follow at +896, 128 bytes per
// k-quad (channels 0-15 then 16-31). H below is 0 for channels 0-15 and 64 for 16-31.
//
// Constant registers: Z20 = 2^30 per int64 lane, Z21 = MaxInt32,
// Z23 = zero point, Z24 = lo, Z25 = hi, Z26 = 1 per int32 lane,
// K1 = odd dword lanes. Z27-Z29 are scratch.

DATA nudge512<>+0(SB)/8, $0x40000000
GLOBL nudge512<>(SB), RODATA|NOPTR, $8

DATA maxInt32x1<>+0(SB)/4, $0x7fffffff
GLOBL maxInt32x1<>(SB), RODATA|NOPTR, $4

// SATSHIFT512: X = saturating X << left.
#define SATSHIFT512(X, H) \
	VPSLLVD   256+H(BX), X, Z27 \
	VPSRAVD   256+H(BX), Z27, Z28 \
	VPCMPD    $4, X, Z28, K2 \
	VPSRAD    $31, X, Z29 \
	VPXORD    Z21, Z29, Z29 \
	VMOVDQA32 Z29, K2, Z27 \
	VMOVDQA32 Z27, X

// SRDHM512: X = floor((X * multiplier + 2^30) / 2^31).
#define SRDHM512(X, H) \
	VPMULDQ   128+H(BX), X, Z27 \
	VPSHUFD   $0xf5, X, Z28 \
	VPMULDQ   768+H(BX), Z28, Z28 \
	VPADDQ    Z20, Z27, Z27 \
	VPADDQ    Z20, Z28, Z28 \
	VPSRLQ    $31, Z27, Z27 \
	VPSLLQ    $1, Z28, Z28 \
	VPBLENDMD Z28, Z27, K1, X

// RDBP512: X = RoundingDivideByPOT(X, right).
#define RDBP512(X, H) \
	VPANDD  512+H(BX), X, Z27 \
	VPSRAD  $31, X, Z28 \
	VPADDD  Z28, Z27, Z27 \
	VPCMPD  $6, 640+H(BX), Z27, K3 \
	VPSRAVD 384+H(BX), X, X \
	VPADDD  Z26, X, K3, X

#define REQUANT512(X, H) \
	SRDHM512(X, H) \
	RDBP512(X, H) \
	VPMAXSD Z24, X, X \
	VPMINSD Z25, X, X \
	VPADDD  Z23, X, X

// STORE32 stores row's 32 outputs (X0: channels 0-15, X1: 16-31, already
// in [-128, 127]) at (R9); R9 += R10.
#define STORE32(X0, X1) \
	VPMOVDB X0, (R9) \
	VPMOVDB X1, 16(R9) \
	ADDQ    R10, R9

#define DP512_ROW(ADDR, A0, A1) \
	VPBROADCASTD ADDR, Z18 \
	VPDPBUSD     Z16, Z18, A0 \
	VPDPBUSD     Z17, Z18, A1

// func gemm8x32VNNI512(a *byte, b *byte, kp int, c *int8, cStride int, q *Output, blocks int)
//
// Register contract:
//   AX      A panel (8 rows of kp uint8, DX = kp bytes per row)
//   SI, R8, R12  A rows 0, 3 and 6 during the k loop (1, 2 at +DX, +2*DX; 4, 5 and 7 likewise)
//   BX      block header, DI its weights, CX k-quads left
//   R9      output row, R10 = cStride, R11 = q, R13 tile's first output; blocks left in the frame
//   Z0-Z15  accumulators: row m channels 0-15 in Z(2m), 16-31 in Z(2m+1)
//   Z16-Z17 weights of one k-quad, Z18 broadcast A quad
TEXT ·gemm8x32VNNI512(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ kp+16(FP), DX
	MOVQ c+24(FP), R13
	MOVQ cStride+32(FP), R10
	MOVQ q+40(FP), R11
	CMPQ blocks+48(FP), $0
	JLE  done

	VPBROADCASTQ nudge512<>(SB), Z20
	VPBROADCASTD maxInt32x1<>(SB), Z21
	VMOVDQU32    (R11), Z23
	VMOVDQU32    64(R11), Z24
	VMOVDQU32    128(R11), Z25
	VPTERNLOGD   $0xff, Z26, Z26, Z26
	VPSRLD       $31, Z26, Z26
	MOVL         $0xaaaa, CX
	KMOVW        CX, K1

block:
	MOVQ AX, SI
	LEAQ (AX)(DX*2), R8
	ADDQ DX, R8
	LEAQ (R8)(DX*2), R12
	ADDQ DX, R12
	LEAQ 896(BX), DI
	MOVQ kp+16(FP), CX
	MOVQ R13, R9

	VMOVDQU32 (BX), Z0
	VMOVDQU32 64(BX), Z1
	VMOVDQA32 Z0, Z2
	VMOVDQA32 Z1, Z3
	VMOVDQA32 Z0, Z4
	VMOVDQA32 Z1, Z5
	VMOVDQA32 Z0, Z6
	VMOVDQA32 Z1, Z7
	VMOVDQA32 Z0, Z8
	VMOVDQA32 Z1, Z9
	VMOVDQA32 Z0, Z10
	VMOVDQA32 Z1, Z11
	VMOVDQA32 Z0, Z12
	VMOVDQA32 Z1, Z13
	VMOVDQA32 Z0, Z14
	VMOVDQA32 Z1, Z15

	SHRQ $2, CX
	JZ   requant

kloop:
	VMOVDQU32 (DI), Z16
	VMOVDQU32 64(DI), Z17
	DP512_ROW((SI), Z0, Z1)
	DP512_ROW((SI)(DX*1), Z2, Z3)
	DP512_ROW((SI)(DX*2), Z4, Z5)
	DP512_ROW((R8), Z6, Z7)
	DP512_ROW((R8)(DX*1), Z8, Z9)
	DP512_ROW((R8)(DX*2), Z10, Z11)
	DP512_ROW((R12), Z12, Z13)
	DP512_ROW((R12)(DX*1), Z14, Z15)
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R12
	ADDQ $128, DI
	DECQ CX
	JNZ  kloop

requant:
	CMPL 192(R11), $0
	JEQ  nosat
	SATSHIFT512(Z0, 0)
	SATSHIFT512(Z1, 64)
	SATSHIFT512(Z2, 0)
	SATSHIFT512(Z3, 64)
	SATSHIFT512(Z4, 0)
	SATSHIFT512(Z5, 64)
	SATSHIFT512(Z6, 0)
	SATSHIFT512(Z7, 64)
	SATSHIFT512(Z8, 0)
	SATSHIFT512(Z9, 64)
	SATSHIFT512(Z10, 0)
	SATSHIFT512(Z11, 64)
	SATSHIFT512(Z12, 0)
	SATSHIFT512(Z13, 64)
	SATSHIFT512(Z14, 0)
	SATSHIFT512(Z15, 64)

nosat:
	REQUANT512(Z0, 0)
	REQUANT512(Z1, 64)
	STORE32(Z0, Z1)
	REQUANT512(Z2, 0)
	REQUANT512(Z3, 64)
	STORE32(Z2, Z3)
	REQUANT512(Z4, 0)
	REQUANT512(Z5, 64)
	STORE32(Z4, Z5)
	REQUANT512(Z6, 0)
	REQUANT512(Z7, 64)
	STORE32(Z6, Z7)
	REQUANT512(Z8, 0)
	REQUANT512(Z9, 64)
	STORE32(Z8, Z9)
	REQUANT512(Z10, 0)
	REQUANT512(Z11, 64)
	STORE32(Z10, Z11)
	REQUANT512(Z12, 0)
	REQUANT512(Z13, 64)
	STORE32(Z12, Z13)
	REQUANT512(Z14, 0)
	REQUANT512(Z15, 64)
	STORE32(Z14, Z15)

	// The next block starts where this one's weights end.
	MOVQ DI, BX
	ADDQ $32, R13
	DECQ blocks+48(FP)
	JNZ  block
	VZEROUPPER

done:
	RET
