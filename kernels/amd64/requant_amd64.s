//go:build gc && !purego

#include "textflag.h"
#include "requant_amd64.h"

// func requantRowAVX2(dst *int8, acc *int32, groups int, k *int32, c *RequantConsts)
//
// Register contract: DI = dst, SI = acc, CX = groups left, BX = constant
// group, DX = c; Y0 = the 8 accumulators of the current group, Y1 = its
// high half moved down, Y2 and Y8-Y10 temporaries, Y11-Y15 the constants
// of REQUANT_SETUP. 8 lanes per iteration: 8 bytes stored at DI.
TEXT ·requantRowAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ acc+8(FP), SI
	MOVQ groups+16(FP), CX
	MOVQ k+24(FP), BX
	MOVQ c+32(FP), DX
	TESTQ CX, CX
	JLE  done
	REQUANT_SETUP(DX)
	MOVL 12(DX), DX // AnyLeft

loop:
	VMOVDQU (SI), Y0
	TESTL   DX, DX
	JEQ     noleft
	LEFT8(Y0, BX, 0)

noleft:
	REQUANT8(Y0, BX, 0)
	PACK8(Y0, X0, X1)
	VMOVQ        X0, (DI)
	ADDQ         $32, SI
	ADDQ         $192, BX
	ADDQ         $8, DI
	DECQ         CX
	JNZ          loop

done:
	VZEROUPPER
	RET
