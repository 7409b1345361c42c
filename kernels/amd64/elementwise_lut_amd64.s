//go:build gc && !purego

#include "textflag.h"

// LUT_STEP(h) looks the indexes up in sub-table h and keeps the bytes
// whose high nibble is h.
#define LUT_STEP(h) \
	VMOVDQU   h*32(BX), Y4; \
	VPSHUFB   Y1, Y4, Y4; \
	VPCMPEQB  512+h*32(BX), Y2, Y5; \
	VPBLENDVB Y5, Y4, Y3, Y3

// func lutInt8AVX2(out, in *int8, blocks int, t *LUTTable)
//
// Register contract: DI out, SI in, CX blocks of 32 bytes left, BX t;
// Y0 the indexes q ^ 0x80, Y1 their low nibbles, Y2 their high nibbles,
// Y3 the result, Y4 a sub-table and its lookup, Y5 the high-nibble match.
TEXT ·lutInt8AVX2(SB), NOSPLIT, $0-32
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ t+24(FP), BX
	TESTQ CX, CX
	JLE  done

loop:
	VMOVDQU (SI), Y0
	VPXOR   1056(BX), Y0, Y0
	VPAND   1024(BX), Y0, Y1
	VPSRLW  $4, Y0, Y2
	VPAND   1024(BX), Y2, Y2
	VMOVDQU (BX), Y3
	VPSHUFB Y1, Y3, Y3
	LUT_STEP(1)
	LUT_STEP(2)
	LUT_STEP(3)
	LUT_STEP(4)
	LUT_STEP(5)
	LUT_STEP(6)
	LUT_STEP(7)
	LUT_STEP(8)
	LUT_STEP(9)
	LUT_STEP(10)
	LUT_STEP(11)
	LUT_STEP(12)
	LUT_STEP(13)
	LUT_STEP(14)
	LUT_STEP(15)
	VMOVDQU Y3, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
