//go:build gc && !purego

#include "textflag.h"

// The pair-row depthwise kernels (dw_pair.go describes the method and the
// layouts; dwConv3x3PairGeneric and dwPairRowGeneric are the twins).

// dwPairShuffle<> is dwPairShuffle: channels (0,2,1,3) of every four.
DATA dwPairShuffle<>+0(SB)/8, $0x0705060403010200
DATA dwPairShuffle<>+8(SB)/8, $0x0f0d0e0c0b090a08
GLOBL dwPairShuffle<>(SB), RODATA|NOPTR, $16

// DWP_REQUANT requantizes the 8 accumulator lanes in acc (2*acc, see
// dw_pair.go) with the constants at off(BX) into 8 int32 results q + zero
// point in PACK16 order: h = hi32(A*m + 2^31) for the even and the odd
// lanes (Y4 = 2^31 per qword), merged by VSHUFPS, then
// q = (h + thr + (h >> 31)) >> r. Clobbers Y2.
#define DWP_REQUANT(acc, off) \
	VPMULDQ off(BX), acc, Y2; \
	VPSHUFD $0xF5, acc, acc; \
	VPMULDQ off+32(BX), acc, acc; \
	VPADDQ  Y4, Y2, Y2; \
	VPADDQ  Y4, acc, acc; \
	VSHUFPS $0xDD, acc, Y2, acc; \
	VPSRAD  $31, acc, Y2; \
	VPADDD  off+64(BX), acc, acc; \
	VPADDD  Y2, acc, acc; \
	VPSRAVD off+96(BX), acc, acc

// DWP_HALF accumulates one half (lo: off 0, hi: off 32) of a pixel's 16
// channels into acc: bias, the three row pairs, the vertical pair built by
// VPBLENDW (even words of row 0's entry 2, odd words of row 1's entry 1)
// and the (w[2][2], 0) pair. Weight registers: wr0-wr2 rows, wv vertical,
// ws single. Clobbers Y2, Y3.
#define DWP_HALF(acc, off, wr0, wr1, wr2, wv, ws) \
	VPMADDWD off(R8), wr0, Y2; \
	VPADDD   off(BX), Y2, acc; \
	VPMADDWD off(R9), wr1, Y2; \
	VPADDD   Y2, acc, acc; \
	VPMADDWD off(R10), wr2, Y2; \
	VPADDD   Y2, acc, acc; \
	VMOVDQU  off+64(R9), Y3; \
	VPBLENDW $0x55, off+128(R8), Y3, Y3; \
	VPMADDWD Y3, wv, Y3; \
	VPADDD   Y3, acc, acc; \
	VPMADDWD off+128(R10), ws, Y2; \
	VPADDD   Y2, acc, acc

// func dwConv3x3PairAVX2(out *int8, r0, r1, r2 *int16, count, step, outStep int, packed *int32, clamp *int8)
//
// One block of 16 channels of count output pixels of a 3x3 depthwise
// convolution on pair rows: r0-r2 point at the first pixel's entry of
// the block in the pair rows of window rows 0-2 and advance by step bytes
// per pixel, out by outStep; packed is the block's dwPairBlockLen
// constants, clamp 16 x ActMin then 16 x ActMax.
//
// Register contract: DI output, R8/R9/R10 rows 0-2, CX pixels left, DX
// step, R11 outStep, BX packed, R12 clamp. Y6-Y15 the ten weight vectors
// (rows 0-2, vertical, single; lo then hi), Y4 2^31 per qword, Y0/Y1 the
// lo/hi accumulators, Y2/Y3 temporaries.
TEXT ·dwConv3x3PairAVX2(SB), NOSPLIT, $0-72
	MOVQ count+32(FP), CX
	TESTQ CX, CX
	JLE  done
	MOVQ out+0(FP), DI
	MOVQ r0+8(FP), R8
	MOVQ r1+16(FP), R9
	MOVQ r2+24(FP), R10
	MOVQ step+40(FP), DX
	MOVQ outStep+48(FP), R11
	MOVQ packed+56(FP), BX
	MOVQ clamp+64(FP), R12
	MOVQ $0x80000000, AX
	VMOVQ AX, X4
	VPBROADCASTQ X4, Y4
	VMOVDQU 64(BX), Y6
	VMOVDQU 96(BX), Y7
	VMOVDQU 128(BX), Y8
	VMOVDQU 160(BX), Y9
	VMOVDQU 192(BX), Y10
	VMOVDQU 224(BX), Y11
	VMOVDQU 256(BX), Y12
	VMOVDQU 288(BX), Y13
	VMOVDQU 320(BX), Y14
	VMOVDQU 352(BX), Y15

pixel:
	DWP_HALF(Y0, 0, Y6, Y8, Y10, Y12, Y14)
	DWP_HALF(Y1, 32, Y7, Y9, Y11, Y13, Y15)
	DWP_REQUANT(Y0, 384)
	DWP_REQUANT(Y1, 512)
	VPACKSSDW    Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKSSWB    X1, X0, X0
	VPMAXSB      (R12), X0, X0
	VPMINSB      16(R12), X0, X0
	VMOVDQU      X0, (DI)
	ADDQ DX, R8
	ADDQ DX, R9
	ADDQ DX, R10
	ADDQ R11, DI
	DECQ CX
	JNZ  pixel

done:
	VZEROUPPER
	RET

// func dwPairRowAVX2(dst *int16, src *int8, n, blocks, c, blockStride int)
//
// Builds n pair-row entries for each of blocks blocks: block b's entry j
// (at dst + b*blockStride + 64*j) interleaves the 16 channels of pixels
// src + j*c and src + (j+1)*c (from channel 16*b), shuffled by
// dwPairShuffle and sign-extended: VPUNPCKLWD gives the lo half, VPUNPCKHWD
// the hi half. Reads n+1 pixels.
//
// Register contract: DI entry, SI pixel, R8 block's dst, R9 block's src,
// CX entries left, R10 blocks left, R11 c, DX blockStride; X5 the
// shuffle, Y0 the current pixel widened, Y1 the next, Y2/Y3 the halves.
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
	VMOVDQU dwPairShuffle<>(SB), X5

rblock:
	MOVQ R8, DI
	MOVQ R9, SI
	MOVQ n+16(FP), CX
	VMOVDQU   (SI), X0
	VPSHUFB   X5, X0, X0
	VPMOVSXBW X0, Y0

rentry:
	ADDQ       R11, SI
	VMOVDQU    (SI), X1
	VPSHUFB    X5, X1, X1
	VPMOVSXBW  X1, Y1
	VPUNPCKLWD Y1, Y0, Y2
	VPUNPCKHWD Y1, Y0, Y3
	VMOVDQU    Y2, (DI)
	VMOVDQU    Y3, 32(DI)
	VMOVDQA    Y1, Y0
	ADDQ       $64, DI
	DECQ       CX
	JNZ        rentry

	ADDQ DX, R8
	ADDQ $16, R9
	DECQ R10
	JNZ  rblock

rdone:
	VZEROUPPER
	RET
