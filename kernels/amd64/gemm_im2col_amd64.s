//go:build gc && !purego

#include "textflag.h"

// func im2colInt16(dst *int16, src *int8, pixels, pixStep, kh, rowStride, seg, kp int)
//
// Im2colInt16Go's rows, 16 activations at a time: each window row
// segment is widened in blocks of 16 (VPMOVSXBW), the last block running
// past the segment into the next one (written next) or past the window
// (zeroed next); after a pixel's kh segments, 16 zero elements at k =
// kh*seg clear the row's padding up to kp (kp - k < 16) and run into the
// next pixel's row (written next) or, after the last pixel, into the
// caller's slack.
//
// Register contract:
//   DI   row of the current pixel (dst), R13 = 2*kp bytes per row
//   SI   window of the current pixel (src), R9 = pixStep
//   R8   pixels left, R10 = kh, R11 = rowStride, R12 = seg elements
//   R14  2*k: byte offset of the row's padding
//   AX   source window row, BX its destination, CX window rows left
//   DX   element offset within the segment
//   Y0   widened block, Y1 zero
TEXT ·im2colInt16(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ pixels+16(FP), R8
	MOVQ pixStep+24(FP), R9
	MOVQ kh+32(FP), R10
	MOVQ rowStride+40(FP), R11
	MOVQ seg+48(FP), R12
	MOVQ kp+56(FP), R13
	TESTQ R8, R8
	JZ    done
	VPXOR Y1, Y1, Y1
	MOVQ  R10, R14
	IMULQ R12, R14
	SHLQ  $1, R14
	SHLQ  $1, R13

pixel:
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ R10, CX

row:
	XORQ DX, DX

block:
	VPMOVSXBW (AX)(DX*1), Y0
	VMOVDQU   Y0, (BX)(DX*2)
	ADDQ      $16, DX
	CMPQ      DX, R12
	JB        block
	ADDQ      R11, AX
	LEAQ      (BX)(R12*2), BX
	DECQ      CX
	JNZ       row

	VMOVDQU Y1, (DI)(R14*1)
	ADDQ    R9, SI
	ADDQ    R13, DI
	DECQ    R8
	JNZ     pixel
	VZEROUPPER

done:
	RET
