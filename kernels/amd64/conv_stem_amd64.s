//go:build gc && !purego

#include "textflag.h"
#include "pair_requant_amd64.h"
#include "gemm_tile_amd64.h"

// func convRows6x16Int16(a *int16, pixStep, rowStride, kh, pairs int, b *byte, blocks int, c *int8, cStride int, q *Output, groups int)
//
// The direct convolution of ConvRows6x16Int16Go: groups consecutive groups
// of 6 output pixels of one output row, each times blocks packed blocks of
// 16 channels (PackConvRowsInt16's layout, kp = 2*kh*pairs). Pixel m of a
// group reads its window from the widened input rows themselves: k-pair
// (ky, j) is the int16 pair at a + m*pixStep + ky*rowStride + 4j (bytes),
// broadcast as it stands, so no im2col row is built. pixStep and rowStride
// are in bytes.
//
// Register contract:
//   AX      the group's pixel 0 (window row 0, pair 0); R8 = pixStep
//   SI, DX  pixels 0 and 3 at the current (ky, j) (pixels 1, 2 at +R8, +2*R8; 4, 5 likewise)
//   BX      block's requantization constants, DI its weights (64 bytes per k-pair, at BX+384)
//   CX      pairs left in this window row, R14 window rows left
//   R9      output row, R10 = cStride, R11 = q, R12 blocks left, R13 tile's first output
//   rowStride+16(FP)  rewritten as rowStride - 4*pairs: from a window row's end to the next's start
//   c+56(FP), groups+80(FP)  the group's first output, groups left (updated in place)
//   Y0-Y11  accumulators of 2*sum(x*w): pixel m channels 0-7 in Y(2m), 8-15 in Y(2m+1)
//   Y12-Y13 weights of one k-pair, Y14 broadcast pair, Y15 product
TEXT ·convRows6x16Int16(SB), NOSPLIT, $0-88
	MOVQ a+0(FP), AX
	MOVQ pixStep+8(FP), R8
	MOVQ cStride+64(FP), R10
	MOVQ q+72(FP), R11
	MOVQ pairs+32(FP), CX
	SHLQ $2, CX
	SUBQ CX, rowStride+16(FP)
	CMPQ blocks+48(FP), $0
	JEQ  done
	CMPQ groups+80(FP), $0
	JEQ  done
	CMPQ kh+24(FP), $0
	JEQ  done
	CMPQ pairs+32(FP), $0
	JEQ  done

group:
	MOVQ b+40(FP), BX
	MOVQ blocks+48(FP), R12
	MOVQ c+56(FP), R13

block:
	MOVQ AX, SI
	LEAQ (AX)(R8*2), DX
	ADDQ R8, DX
	LEAQ 384(BX), DI
	MOVQ kh+24(FP), R14
	MOVQ R13, R9

	ZERO_6x16

row:
	MOVQ pairs+32(FP), CX

pair:
	MADD_6x16(0, 0, SI, DX, R8)
	ADDQ $4, SI
	ADDQ $4, DX
	ADDQ $64, DI
	DECQ CX
	JNZ  pair

	ADDQ rowStride+16(FP), SI
	ADDQ rowStride+16(FP), DX
	DECQ R14
	JNZ  row

	RQ_STORE_PAIR_6x16(0)

	// The next block starts where this one's weights end.
	MOVQ DI, BX
	ADDQ $16, R13
	DECQ R12
	JNZ  block

	// The next group: 6 pixels further in the input and the output.
	LEAQ  (R8)(R8*2), CX
	LEAQ  (AX)(CX*2), AX
	MOVQ  R10, CX
	IMULQ $6, CX
	ADDQ  CX, c+56(FP)
	DECQ  groups+80(FP)
	JNZ   group
	VZEROUPPER

done:
	RET
