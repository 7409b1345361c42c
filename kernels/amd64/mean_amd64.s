//go:build gc && !purego

#include "textflag.h"

// meanTailMask is 16 zero words then 16 all-ones words: the 16 words at
// word offset r keep the last r lanes of a 16-column step (the columns
// that an overlapping last step adds) and zero the rest.
DATA meanTailMask<>+0(SB)/8, $0
DATA meanTailMask<>+8(SB)/8, $0
DATA meanTailMask<>+16(SB)/8, $0
DATA meanTailMask<>+24(SB)/8, $0
DATA meanTailMask<>+32(SB)/8, $-1
DATA meanTailMask<>+40(SB)/8, $-1
DATA meanTailMask<>+48(SB)/8, $-1
DATA meanTailMask<>+56(SB)/8, $-1
GLOBL meanTailMask<>(SB), RODATA|NOPTR, $64

// func meanSumAVX2(acc *int32, in *int8, rows, rowStride, cols int)
//
// acc[0:cols] += the column sums of rows rows of in (rowStride bytes
// apart), for cols >= 16. Blocks of 32 columns first, then the 0-31 left in
// steps of 16: a last step of fewer new columns covers the last 16
// columns, overlapping the columns already added, and masks the int16
// sums of those to zero before adding (it never reads past column cols).
// Rows are summed in int16 (exact for up to 256 rows of int8) and widened
// into the int32 sums every 256 rows.
// Register contract: DI acc block, SI in block, R8 rows, R9 rowStride,
// R10 cols, R11 blocks left, R12 columns left after the blocks, CX rows
// left, DX rows in this chunk, AX walks the rows; Y0-Y3 int32 sums of
// columns 0-7, 8-15, 16-23, 24-31; Y4/Y5 int16 sums of columns 0-15 and
// 16-31; Y6/Y7 temporaries; Y8 the lanes a 16-column step keeps.
TEXT ·meanSumAVX2(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ rowStride+24(FP), R9
	MOVQ cols+32(FP), R10
	CMPQ R10, $16
	JLT  done
	TESTQ R8, R8
	JLE  done
	MOVQ R10, R11
	SHRQ $5, R11
	JZ   tail

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

	PCALIGN $32

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
	DECQ    R11
	JNZ     block

tail:
	MOVQ R10, R12
	ANDQ $31, R12
	JZ   done

step:
	// R12 columns left (1-31) at DI/SI.
	CMPQ     R12, $16
	JLT      partial
	VPCMPEQW Y8, Y8, Y8
	JMP      sum16

partial:
	// Back up to the last 16 columns; keep the last R12 lanes.
	LEAQ    meanTailMask<>(SB), AX
	VMOVDQU (AX)(R12*2), Y8
	MOVQ    $16, AX
	SUBQ    R12, AX
	SUBQ    AX, SI
	SHLQ    $2, AX
	SUBQ    AX, DI
	MOVQ    $16, R12

sum16:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	MOVQ  SI, AX
	MOVQ  R8, CX

chunk16:
	MOVQ    $256, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX
	VPXOR   Y4, Y4, Y4

	PCALIGN $32

row16:
	VPMOVSXBW (AX), Y6
	VPADDW    Y6, Y4, Y4
	ADDQ      R9, AX
	DECQ      DX
	JNZ       row16

	VPAND        Y8, Y4, Y4
	VPMOVSXWD    X4, Y6
	VEXTRACTI128 $1, Y4, X7
	VPMOVSXWD    X7, Y7
	VPADDD       Y6, Y0, Y0
	VPADDD       Y7, Y1, Y1
	TESTQ        CX, CX
	JNZ          chunk16

	VPADDD  (DI), Y0, Y0
	VPADDD  32(DI), Y1, Y1
	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    $16, SI
	SUBQ    $16, R12
	JNZ     step

done:
	VZEROUPPER
	RET
