//go:build gc && !purego

#include "textflag.h"

// func meanSumAVX2(acc *int32, in *int8, rows, rowStride, blocks int)
//
// For blocks blocks of 32 columns: acc[0:32] += the column sums of rows
// rows of in (rowStride bytes apart). Rows are summed in int16 (exact for
// up to 256 rows of int8) and widened into the int32 sums every 256 rows.
// Register contract: DI acc block, SI in block, R8 rows, R9 rowStride,
// R10 blocks left, CX rows left, DX rows in this chunk, AX walks the rows;
// Y0-Y3 int32 sums of columns 0-7, 8-15, 16-23, 24-31; Y4/Y5 int16 sums
// of columns 0-15 and 16-31; Y6/Y7 temporaries.
TEXT ·meanSumAVX2(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ rowStride+24(FP), R9
	MOVQ blocks+32(FP), R10
	TESTQ R10, R10
	JLE  done
	TESTQ R8, R8
	JLE  done

block:
	VMOVDQU (DI), Y0
	VMOVDQU 32(DI), Y1
	VMOVDQU 64(DI), Y2
	VMOVDQU 96(DI), Y3
	MOVQ    SI, AX
	MOVQ    R8, CX

chunk:
	MOVQ  $256, DX
	CMPQ  CX, DX
	CMOVQLT CX, DX
	SUBQ  DX, CX
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5

row:
	VPMOVSXBW (AX), Y6
	VPMOVSXBW 16(AX), Y7
	VPADDW    Y6, Y4, Y4
	VPADDW    Y7, Y5, Y5
	ADDQ      R9, AX
	DECQ      DX
	JNZ       row

	VPMOVSXWD    X4, Y6
	VEXTRACTI128 $1, Y4, X7
	VPMOVSXWD    X7, Y7
	VPADDD       Y6, Y0, Y0
	VPADDD       Y7, Y1, Y1
	VPMOVSXWD    X5, Y6
	VEXTRACTI128 $1, Y5, X7
	VPMOVSXWD    X7, Y7
	VPADDD       Y6, Y2, Y2
	VPADDD       Y7, Y3, Y3
	TESTQ        CX, CX
	JNZ          chunk

	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $32, SI
	DECQ    R10
	JNZ     block

done:
	VZEROUPPER
	RET
