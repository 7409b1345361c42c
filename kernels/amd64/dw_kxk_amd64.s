//go:build gc && !purego

#include "textflag.h"
#include "requant_amd64.h"
#include "dw_amd64.h"

// Unrolled depthwise kernels for 3x3 and 5x5 windows: dwConvAVX2 with the
// tap addresses formed from two strides instead of read from a table.
// Register contract (besides the macros'): DI output pixel, SI input window
// origin, R8 packed block 0, R10 rowStride, R11 colStride, R13 3*colStride,
// BX packed constants of the block, DX input + 16*block (row 0), AX/CX/R15/R9
// rows 1-4, R12 output + 16*block, R14 blocks left. count is decremented in
// its argument slot. The requantization is REQUANT8_FAST: RunAVX2 uses
// dwConvAVX2 when a lane has a left shift or an accumulator may reach 2^30.

// func dwConv3x3AVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)
TEXT ·dwConv3x3AVX2(SB), NOSPLIT, $0-80
	MOVQ count+16(FP), AX
	TESTQ AX, AX
	JLE  done3
	MOVQ blocks+48(FP), AX
	TESTQ AX, AX
	JLE  done3
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ packed+40(FP), R8
	MOVQ rowStride+56(FP), R10
	MOVQ colStride+64(FP), R11
	LEAQ (R11)(R11*2), R13
	MOVQ c+72(FP), DX
	REQUANT_SETUP_FAST(DX)

pixel3:
	MOVQ R8, BX
	MOVQ SI, DX
	MOVQ DI, R12
	MOVQ blocks+48(FP), R14

block3:
	LEAQ (DX)(R10*1), AX
	LEAQ (DX)(R10*2), CX
	VMOVDQU (BX), Y0
	VMOVDQU 32(BX), Y1
	DW_PAIR((DX), (DX)(R11*1), 64)
	DW_PAIR((DX)(R11*2), (AX), 128)
	DW_PAIR((AX)(R11*1), (AX)(R11*2), 192)
	DW_PAIR((CX), (CX)(R11*1), 256)
	DW_SINGLE((CX)(R11*2), 320)
	ADDQ $384, BX
	DW_STORE16(R12)
	ADDQ $384, BX
	ADDQ $16, DX
	ADDQ $16, R12
	DECQ R14
	JNZ  block3

	ADDQ inStep+24(FP), SI
	ADDQ outStep+32(FP), DI
	DECQ count+16(FP)
	JNZ  pixel3

done3:
	VZEROUPPER
	RET

// func dwConv5x5AVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, rowStride, colStride int, c *RequantConsts)
TEXT ·dwConv5x5AVX2(SB), NOSPLIT, $0-80
	MOVQ count+16(FP), AX
	TESTQ AX, AX
	JLE  done5
	MOVQ blocks+48(FP), AX
	TESTQ AX, AX
	JLE  done5
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ packed+40(FP), R8
	MOVQ rowStride+56(FP), R10
	MOVQ colStride+64(FP), R11
	LEAQ (R11)(R11*2), R13
	MOVQ c+72(FP), DX
	REQUANT_SETUP_FAST(DX)

pixel5:
	MOVQ R8, BX
	MOVQ SI, DX
	MOVQ DI, R12
	MOVQ blocks+48(FP), R14

block5:
	LEAQ (DX)(R10*1), AX
	LEAQ (DX)(R10*2), CX
	LEAQ (AX)(R10*2), R15
	LEAQ (DX)(R10*4), R9
	VMOVDQU (BX), Y0
	VMOVDQU 32(BX), Y1
	DW_PAIR((DX), (DX)(R11*1), 64)
	DW_PAIR((DX)(R11*2), (DX)(R13*1), 128)
	DW_PAIR((DX)(R11*4), (AX), 192)
	DW_PAIR((AX)(R11*1), (AX)(R11*2), 256)
	DW_PAIR((AX)(R13*1), (AX)(R11*4), 320)
	DW_PAIR((CX), (CX)(R11*1), 384)
	DW_PAIR((CX)(R11*2), (CX)(R13*1), 448)
	DW_PAIR((CX)(R11*4), (R15), 512)
	DW_PAIR((R15)(R11*1), (R15)(R11*2), 576)
	DW_PAIR((R15)(R13*1), (R15)(R11*4), 640)
	DW_PAIR((R9), (R9)(R11*1), 704)
	DW_PAIR((R9)(R11*2), (R9)(R13*1), 768)
	DW_SINGLE((R9)(R11*4), 832)
	ADDQ $896, BX
	DW_STORE16(R12)
	ADDQ $384, BX
	ADDQ $16, DX
	ADDQ $16, R12
	DECQ R14
	JNZ  block5

	ADDQ inStep+24(FP), SI
	ADDQ outStep+32(FP), DI
	DECQ count+16(FP)
	JNZ  pixel5

done5:
	VZEROUPPER
	RET
