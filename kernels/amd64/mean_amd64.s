//go:build gc && !purego

#include "textflag.h"

// WIDEN_ADD16(acc, accX, off) adds the 16 int16 column sums in acc to the
// int32 sums at off(DI) (accX is acc's low half). Clobbers Y8, Y9.
#define WIDEN_ADD16(acc, accX, off) \
	VPMOVSXWD    accX, Y8          \
	VEXTRACTI128 $1, acc, X9       \
	VPMOVSXWD    X9, Y9            \
	VPADDD       off(DI), Y8, Y8   \
	VPADDD       off+32(DI), Y9, Y9 \
	VMOVDQU      Y8, off(DI)       \
	VMOVDQU      Y9, off+32(DI)

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

// func meanSumAVX2(acc *int32, in *int8, rows, rowStride, cols int, start int32)
//
// acc[0:cols] = start + the column sums of rows rows of in (rowStride
// bytes apart), for cols >= 16 and rows >= 1: start goes into acc first
// (8 lanes at a time, the last 8 overlapping), then the sums are added.
// Each walk of the rows sums a block of columns: blocks of 128 (eight
// int16 sums in registers, the fewest walks), then one of 64 and one of 32
// as cols has those bits, then the 0-31 left in steps of 16: a last step of
// fewer new columns covers the last 16 columns, overlapping the columns
// already added, and masks the int16 sums of those to zero before adding
// (it never reads past column cols). Rows are summed in int16 (exact for
// up to 256 rows of int8) and added into the int32 sums in acc every 256
// rows.
// Register contract: DI acc block, SI in block, R8 rows, R9 rowStride,
// R10 cols, R11 128-column blocks left, R12 columns left for the 16-column
// steps, CX rows left, DX rows in this chunk, AX walks the rows. Blocks:
// Y0-Y7 int16 sums of columns 0-15 ... 112-127 (Y0-Y3 for 64 columns,
// Y0/Y1 for 32), Y8-Y11 temporaries. 16-column steps: Y0/Y1 int32 sums,
// Y4 int16 sums, Y6/Y7 temporaries, Y8 the lanes the step keeps.
TEXT ·meanSumAVX2(SB), NOSPLIT, $0-44
	MOVQ acc+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ rowStride+24(FP), R9
	MOVQ cols+32(FP), R10
	CMPQ R10, $16
	JLT  done
	TESTQ R8, R8
	JLE  done

	MOVL         start+40(FP), AX
	VMOVD        AX, X0
	VPBROADCASTD X0, Y0
	LEAQ         -32(DI)(R10*4), AX // acc's last 8 lanes
	MOVQ         DI, CX

fill:
	VMOVDQU Y0, (CX)
	ADDQ    $32, CX
	CMPQ    CX, AX
	JLT     fill
	VMOVDQU Y0, (AX)

	MOVQ R10, R11
	SHRQ $7, R11
	JZ   block64

block128:
	MOVQ SI, AX
	MOVQ R8, CX

block128chunk:
	MOVQ    $256, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX
	VPXOR   Y0, Y0, Y0
	VPXOR   Y1, Y1, Y1
	VPXOR   Y2, Y2, Y2
	VPXOR   Y3, Y3, Y3
	VPXOR   Y4, Y4, Y4
	VPXOR   Y5, Y5, Y5
	VPXOR   Y6, Y6, Y6
	VPXOR   Y7, Y7, Y7
	PCALIGN $32

block128row:
	VPMOVSXBW 0(AX), Y8
	VPADDW    Y8, Y0, Y0
	VPMOVSXBW 16(AX), Y9
	VPADDW    Y9, Y1, Y1
	VPMOVSXBW 32(AX), Y10
	VPADDW    Y10, Y2, Y2
	VPMOVSXBW 48(AX), Y11
	VPADDW    Y11, Y3, Y3
	VPMOVSXBW 64(AX), Y8
	VPADDW    Y8, Y4, Y4
	VPMOVSXBW 80(AX), Y9
	VPADDW    Y9, Y5, Y5
	VPMOVSXBW 96(AX), Y10
	VPADDW    Y10, Y6, Y6
	VPMOVSXBW 112(AX), Y11
	VPADDW    Y11, Y7, Y7
	ADDQ      R9, AX
	DECQ      DX
	JNZ       block128row

	WIDEN_ADD16(Y0, X0, 0)
	WIDEN_ADD16(Y1, X1, 64)
	WIDEN_ADD16(Y2, X2, 128)
	WIDEN_ADD16(Y3, X3, 192)
	WIDEN_ADD16(Y4, X4, 256)
	WIDEN_ADD16(Y5, X5, 320)
	WIDEN_ADD16(Y6, X6, 384)
	WIDEN_ADD16(Y7, X7, 448)
	TESTQ        CX, CX
	JNZ          block128chunk

	ADDQ $512, DI
	ADDQ $128, SI
	DECQ R11
	JNZ  block128

block64:
	TESTQ $64, R10
	JZ    block32

sum64:
	MOVQ SI, AX
	MOVQ R8, CX

sum64chunk:
	MOVQ    $256, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX
	VPXOR   Y0, Y0, Y0
	VPXOR   Y1, Y1, Y1
	VPXOR   Y2, Y2, Y2
	VPXOR   Y3, Y3, Y3
	PCALIGN $32

sum64row:
	VPMOVSXBW 0(AX), Y8
	VPADDW    Y8, Y0, Y0
	VPMOVSXBW 16(AX), Y9
	VPADDW    Y9, Y1, Y1
	VPMOVSXBW 32(AX), Y10
	VPADDW    Y10, Y2, Y2
	VPMOVSXBW 48(AX), Y11
	VPADDW    Y11, Y3, Y3
	ADDQ      R9, AX
	DECQ      DX
	JNZ       sum64row

	WIDEN_ADD16(Y0, X0, 0)
	WIDEN_ADD16(Y1, X1, 64)
	WIDEN_ADD16(Y2, X2, 128)
	WIDEN_ADD16(Y3, X3, 192)
	TESTQ        CX, CX
	JNZ          sum64chunk

	ADDQ $256, DI
	ADDQ $64, SI

block32:
	TESTQ $32, R10
	JZ    tail

sum32:
	MOVQ SI, AX
	MOVQ R8, CX

sum32chunk:
	MOVQ    $256, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX
	VPXOR   Y0, Y0, Y0
	VPXOR   Y1, Y1, Y1
	PCALIGN $32

sum32row:
	VPMOVSXBW 0(AX), Y8
	VPADDW    Y8, Y0, Y0
	VPMOVSXBW 16(AX), Y9
	VPADDW    Y9, Y1, Y1
	ADDQ      R9, AX
	DECQ      DX
	JNZ       sum32row

	WIDEN_ADD16(Y0, X0, 0)
	WIDEN_ADD16(Y1, X1, 64)
	TESTQ        CX, CX
	JNZ          sum32chunk

	ADDQ $128, DI
	ADDQ $32, SI

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
