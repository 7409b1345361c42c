//go:build gc && !purego

#include "textflag.h"
#include "requant_amd64.h"

// func dwConv3x3S1x2AVX2(out, in *int8, pairs, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)
//
// The 3x3 depthwise kernel at stride 1 (no dilation) for two adjacent
// output pixels at a time: taps are paired vertically, (0,k) with (1,k)
// and (2,k) with a zero weight (packed is DepthwiseInt8.packedS1), so the
// two pixels share the interleaved columns 1 and 2 of their windows and
// every weight load: per pixel 14 shuffles and 6 weight loads instead of 19
// and 10. inStep must equal colStride. Requantization is REQUANT8_FAST.
//
// Register contract: DI output pixel pair, SI input window origin, R8
// packed block 0, R9 c, R10 rowStride, R11 colStride, R13 3*colStride,
// R15 outStep, BX packed constants of the block, DX/AX/CX rows 0-2 of the
// block, R12 output + 16*block, R14 blocks left; pairs is decremented in
// its argument slot. Y0/Y1 and Y2/Y3 the accumulators of the two pixels
// (channels 0-3,8-11 / 4-7,12-15), Y4-Y7 two interleaved columns, Y8/Y9
// a weight pair, Y10-Y13 products and widened inputs; after the MACs the
// macros of requant_amd64.h (Y11-Y13 reloaded per block, Y14/Y15 fixed).
TEXT ·dwConv3x3S1x2AVX2(SB), NOSPLIT, $0-80
	MOVQ pairs+16(FP), AX
	TESTQ AX, AX
	JLE  done
	MOVQ blocks+48(FP), AX
	TESTQ AX, AX
	JLE  done
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ packed+40(FP), R8
	MOVQ rowStride+56(FP), R10
	MOVQ colStride+64(FP), R11
	LEAQ (R11)(R11*2), R13
	MOVQ outStep+32(FP), R15
	MOVQ c+72(FP), R9
	REQUANT_SETUP_FAST(R9)

pair:
	MOVQ R8, BX
	MOVQ SI, DX
	MOVQ DI, R12
	MOVQ blocks+48(FP), R14

block:
	LEAQ (DX)(R10*1), AX
	LEAQ (DX)(R10*2), CX
	VMOVDQU (BX), Y0
	VMOVDQU 32(BX), Y1
	VMOVDQA Y0, Y2
	VMOVDQA Y1, Y3
	// rows 0 and 1
	VPMOVSXBW  (DX), Y12
	VPMOVSXBW  (AX), Y13
	VPUNPCKLWD Y13, Y12, Y4
	VPUNPCKHWD Y13, Y12, Y5
	VPMOVSXBW  (DX)(R11*1), Y12
	VPMOVSXBW  (AX)(R11*1), Y13
	VPUNPCKLWD Y13, Y12, Y6
	VPUNPCKHWD Y13, Y12, Y7
	VMOVDQU  64(BX), Y8
	VMOVDQU  96(BX), Y9
	VPMADDWD Y8, Y4, Y10
	VPMADDWD Y9, Y5, Y11
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPMADDWD Y8, Y6, Y10
	VPMADDWD Y9, Y7, Y11
	VPADDD   Y10, Y2, Y2
	VPADDD   Y11, Y3, Y3
	VPMOVSXBW  (DX)(R11*2), Y12
	VPMOVSXBW  (AX)(R11*2), Y13
	VPUNPCKLWD Y13, Y12, Y4
	VPUNPCKHWD Y13, Y12, Y5
	VMOVDQU  128(BX), Y8
	VMOVDQU  160(BX), Y9
	VPMADDWD Y8, Y6, Y10
	VPMADDWD Y9, Y7, Y11
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPMADDWD Y8, Y4, Y10
	VPMADDWD Y9, Y5, Y11
	VPADDD   Y10, Y2, Y2
	VPADDD   Y11, Y3, Y3
	VPMOVSXBW  (DX)(R13*1), Y12
	VPMOVSXBW  (AX)(R13*1), Y13
	VPUNPCKLWD Y13, Y12, Y6
	VPUNPCKHWD Y13, Y12, Y7
	VMOVDQU  192(BX), Y8
	VMOVDQU  224(BX), Y9
	VPMADDWD Y8, Y4, Y10
	VPMADDWD Y9, Y5, Y11
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPMADDWD Y8, Y6, Y10
	VPMADDWD Y9, Y7, Y11
	VPADDD   Y10, Y2, Y2
	VPADDD   Y11, Y3, Y3
	// row 2 (its partner weight is zero)
	VPMOVSXBW  (CX), Y12
	VPUNPCKLWD Y12, Y12, Y4
	VPUNPCKHWD Y12, Y12, Y5
	VPMOVSXBW  (CX)(R11*1), Y12
	VPUNPCKLWD Y12, Y12, Y6
	VPUNPCKHWD Y12, Y12, Y7
	VMOVDQU  256(BX), Y8
	VMOVDQU  288(BX), Y9
	VPMADDWD Y8, Y4, Y10
	VPMADDWD Y9, Y5, Y11
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPMADDWD Y8, Y6, Y10
	VPMADDWD Y9, Y7, Y11
	VPADDD   Y10, Y2, Y2
	VPADDD   Y11, Y3, Y3
	VPMOVSXBW  (CX)(R11*2), Y12
	VPUNPCKLWD Y12, Y12, Y4
	VPUNPCKHWD Y12, Y12, Y5
	VMOVDQU  320(BX), Y8
	VMOVDQU  352(BX), Y9
	VPMADDWD Y8, Y6, Y10
	VPMADDWD Y9, Y7, Y11
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPMADDWD Y8, Y4, Y10
	VPMADDWD Y9, Y5, Y11
	VPADDD   Y10, Y2, Y2
	VPADDD   Y11, Y3, Y3
	VPMOVSXBW  (CX)(R13*1), Y12
	VPUNPCKLWD Y12, Y12, Y6
	VPUNPCKHWD Y12, Y12, Y7
	VMOVDQU  384(BX), Y8
	VMOVDQU  416(BX), Y9
	VPMADDWD Y8, Y4, Y10
	VPMADDWD Y9, Y5, Y11
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPMADDWD Y8, Y6, Y10
	VPMADDWD Y9, Y7, Y11
	VPADDD   Y10, Y2, Y2
	VPADDD   Y11, Y3, Y3
	ADDQ $448, BX
	VPBROADCASTB 0(R9), Y13
	VPBROADCASTB 4(R9), Y12
	VPBROADCASTW 8(R9), Y11
	REQUANT8_FAST(Y0, BX, 0)
	REQUANT8_FAST(Y1, BX, 192)
	REQUANT8_FAST(Y2, BX, 0)
	REQUANT8_FAST(Y3, BX, 192)
	PACK16(Y0, Y1, X0, X1)
	PACK16(Y2, Y3, X2, X3)
	VMOVDQU X0, (R12)
	VMOVDQU X2, (R12)(R15*1)
	ADDQ $384, BX
	ADDQ $16, DX
	ADDQ $16, R12
	DECQ R14
	JNZ  block

	ADDQ inStep+24(FP), SI
	ADDQ inStep+24(FP), SI
	LEAQ (DI)(R15*2), DI
	DECQ pairs+16(FP)
	JNZ  pair

done:
	VZEROUPPER
	RET
