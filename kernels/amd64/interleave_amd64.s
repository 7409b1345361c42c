//go:build gc && !purego

#include "textflag.h"

// INTERLEAVE32(OFF) interleaves the 32 bytes of x and y at SI+OFF, DX+OFF
// into the 64 bytes at DI+2*OFF. VPUNPCKL/HBW interleave within each
// 128-bit lane, so Y2 holds pairs 0-7 | 16-23 and Y3 pairs 8-15 | 24-31;
// VPERM2I128 puts the halves back in order.
#define INTERLEAVE32(OFF) \
	VMOVDQU    (SI)(OFF*1), Y0 \
	VMOVDQU    (DX)(OFF*1), Y1 \
	VPUNPCKLBW Y1, Y0, Y2 \
	VPUNPCKHBW Y1, Y0, Y3 \
	VPERM2I128 $0x20, Y3, Y2, Y4 \
	VPERM2I128 $0x31, Y3, Y2, Y5 \
	VMOVDQU    Y4, (DI)(OFF*2) \
	VMOVDQU    Y5, 32(DI)(OFF*2)

// INTERLEAVE16(OFF) is INTERLEAVE32 on 16 bytes (no lane crossing).
#define INTERLEAVE16(OFF) \
	VMOVDQU    (SI)(OFF*1), X0 \
	VMOVDQU    (DX)(OFF*1), X1 \
	VPUNPCKLBW X1, X0, X2 \
	VPUNPCKHBW X1, X0, X3 \
	VMOVDQU    X2, (DI)(OFF*2) \
	VMOVDQU    X3, 16(DI)(OFF*2)

// func interleaveBytes(dst, x, y *byte, n int)
//
// dst[2k], dst[2k+1] = x[k], y[k] for k < n, n >= 16. Steps of 32 bytes
// (16 when n < 32) from k = 0; the last step starts at n-32 (n-16) so that
// it ends at n, rewriting some pairs of the step before with the same
// bytes: no scalar tail.
//
// Register contract:
//   DI dst, SI x, DX y, CX n
//   BX the step's first k; AX the last step's start
//   Y0, Y1 x and y bytes; Y2-Y5 interleaved pairs
TEXT ·interleaveBytes(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ BX, BX
	CMPQ CX, $32
	JB   short

	MOVQ CX, AX
	SUBQ $32, AX

loop32:
	INTERLEAVE32(BX)
	ADDQ $32, BX
	CMPQ BX, AX
	JB   loop32
	INTERLEAVE32(AX)
	VZEROUPPER
	RET

short:
	INTERLEAVE16(BX)
	MOVQ CX, AX
	SUBQ $16, AX
	INTERLEAVE16(AX)
	VZEROUPPER
	RET
