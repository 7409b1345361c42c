//go:build gc && !purego

#include "textflag.h"

// LUT_STEP_REG(tab, idx, r, tmp): idx -= 16 with signed saturation, then
// r ^= VPSHUFB(tab, idx) (0 where idx < 0). LUT_STEP_MEM reads the
// difference table at off(BX) into tmp first.
#define LUT_STEP_REG(tab, idx, r, tmp) \
	VPSUBSB Y6, idx, idx; \
	VPSHUFB idx, tab, tmp; \
	VPXOR   tmp, r, r

#define LUT_STEP_MEM(off, idx, r, tmp) \
	VPSUBSB Y6, idx, idx; \
	VMOVDQU off(BX), tmp; \
	VPSHUFB idx, tmp, tmp; \
	VPXOR   tmp, r, r

// func lutInt8AVX2(out, in *int8, blocks int, t *LUTTable)
//
// Register contract: DI out, SI in, CX blocks of 32 bytes left, BX t;
// Y0 the upper half's index (q), Y1 the lower half's (q ^ 0x80), Y2 and Y4
// their lookups, Y3 and Y5 scratch, Y6 the step (16); Y7-Y10 hold the
// lower half's D_0..D_3 and Y15 its D_4, Y11-Y14 the upper half's D_0..D_3
// (see elementwise_lut.go); the other six difference tables are read
// from t every block. The two halves' steps alternate so that their
// dependency chains overlap.
TEXT ·lutInt8AVX2(SB), NOSPLIT, $0-32
	MOVQ  out+0(FP), DI
	MOVQ  in+8(FP), SI
	MOVQ  blocks+16(FP), CX
	MOVQ  t+24(FP), BX
	TESTQ CX, CX
	JLE   done
	VMOVDQU 512(BX), Y6
	VMOVDQU 0(BX), Y7
	VMOVDQU 32(BX), Y8
	VMOVDQU 64(BX), Y9
	VMOVDQU 96(BX), Y10
	VMOVDQU 128(BX), Y15
	VMOVDQU 256(BX), Y11
	VMOVDQU 288(BX), Y12
	VMOVDQU 320(BX), Y13
	VMOVDQU 352(BX), Y14

loop:
	VMOVDQU (SI), Y0
	VPXOR   544(BX), Y0, Y1
	VPSHUFB Y1, Y7, Y2
	VPSHUFB Y0, Y11, Y4
	LUT_STEP_REG(Y8, Y1, Y2, Y3)
	LUT_STEP_REG(Y12, Y0, Y4, Y5)
	LUT_STEP_REG(Y9, Y1, Y2, Y3)
	LUT_STEP_REG(Y13, Y0, Y4, Y5)
	LUT_STEP_REG(Y10, Y1, Y2, Y3)
	LUT_STEP_REG(Y14, Y0, Y4, Y5)
	LUT_STEP_REG(Y15, Y1, Y2, Y3)
	LUT_STEP_MEM(384, Y0, Y4, Y5)
	LUT_STEP_MEM(160, Y1, Y2, Y3)
	LUT_STEP_MEM(416, Y0, Y4, Y5)
	LUT_STEP_MEM(192, Y1, Y2, Y3)
	LUT_STEP_MEM(448, Y0, Y4, Y5)
	LUT_STEP_MEM(224, Y1, Y2, Y3)
	LUT_STEP_MEM(480, Y0, Y4, Y5)
	VPXOR   Y4, Y2, Y2
	VMOVDQU Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
