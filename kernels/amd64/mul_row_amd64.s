//go:build gc && !purego

#include "textflag.h"

// mulRowPerm<> is the VPERMD index that gathers the four dwords of each
// 8-lane register after VPACKSSDW/VPACKSSWB: dwords 0,4,1,5,2,6,3,7.
DATA mulRowPerm<>+0(SB)/8, $0x0000000400000000
DATA mulRowPerm<>+8(SB)/8, $0x0000000500000001
DATA mulRowPerm<>+16(SB)/8, $0x0000000600000002
DATA mulRowPerm<>+24(SB)/8, $0x0000000700000003
GLOBL mulRowPerm<>(SB), RODATA|NOPTR, $32

// mulRowShuffle<> swaps bytes 1 and 2 of every four: VSHUFPS leaves
// lanes (0,2,1,3) of every four in that order.
DATA mulRowShuffle<>+0(SB)/8, $0x0705060403010200
DATA mulRowShuffle<>+8(SB)/8, $0x0f0d0e0c0b090a08
DATA mulRowShuffle<>+16(SB)/8, $0x0705060403010200
DATA mulRowShuffle<>+24(SB)/8, $0x0f0d0e0c0b090a08
GLOBL mulRowShuffle<>(SB), RODATA|NOPTR, $32

// MUL_ROW8 computes the 8 lanes at xo(SI) with the lane multipliers at
// lo(BX) into acc, q of mul_row.go before the clamp, in lane order
// (0,2,1,3) of every four; t is clobbered.
#define MUL_ROW8(xo, lo, acc, t) \
	VPMOVSXBD xo(SI), acc; \
	VPADDD    Y8, acc, acc; \
	VPMADDWD  lo(BX), acc, acc; \
	VPMULDQ   Y15, acc, t; \
	VPSHUFD   $0xF5, acc, acc; \
	VPMULDQ   Y15, acc, acc; \
	VPADDQ    Y9, t, t; \
	VPADDQ    Y9, acc, acc; \
	VSHUFPS   $0xDD, acc, t, acc; \
	VPCMPGTD  Y14, acc, t; \
	VPSUBD    t, acc, acc; \
	VPSRAD    X13, acc, acc

// func mulRowInt8AVX2(out, x *int8, groups int, l *MulRowLanes, k *MulRowInt8)
//
// Register contract: DI out, SI x, BX l (advancing with them by 32 bytes
// of multipliers per 8 lanes), CX groups of 8 left, AX k; Y15 m in each
// dword, Y14 CMP, X13 r, Y12 ActMin and Y11 ActMax in each byte, Y10
// mulRowPerm<>, Y9 Ke in each qword, Y8 FullOffset in each dword; Y0-Y3
// the results of 32 lanes per iteration, Y4-Y7 temporaries. The 32
// results narrow with two VPACKSSDW and a VPACKSSWB (saturating: the clamp
// then gives clamp(q) exactly) to four dwords per 8-lane register spread
// over the two halves, which VPERMD gathers and VPSHUFB puts in lane
// order.
TEXT ·mulRowInt8AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ groups+16(FP), CX
	MOVQ l+24(FP), BX
	MOVQ k+32(FP), AX
	TESTQ CX, CX
	JLE  done
	VPBROADCASTD 0(AX), Y15
	VPBROADCASTD 4(AX), Y14
	VMOVD        8(AX), X13
	VPBROADCASTB 12(AX), Y12
	VPBROADCASTB 16(AX), Y11
	VPBROADCASTD 20(AX), Y8
	VPBROADCASTQ 24(AX), Y9
	VMOVDQU      mulRowPerm<>(SB), Y10
	CMPQ CX, $4
	JLT  loop8

loop32:
	MUL_ROW8(0, 0, Y0, Y4)
	MUL_ROW8(8, 32, Y1, Y5)
	MUL_ROW8(16, 64, Y2, Y6)
	MUL_ROW8(24, 96, Y3, Y7)
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKSSWB Y2, Y0, Y0
	VPERMD    Y0, Y10, Y0
	VPSHUFB   mulRowShuffle<>(SB), Y0, Y0
	VPMAXSB   Y12, Y0, Y0
	VPMINSB   Y11, Y0, Y0
	VMOVDQU   Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $128, BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop32
	TESTQ CX, CX
	JEQ  done

loop8:
	MUL_ROW8(0, 0, Y0, Y4)
	VEXTRACTI128 $1, Y0, X1
	VPACKSSDW    X1, X0, X0
	VPACKSSWB    X0, X0, X0
	VPSHUFB      mulRowShuffle<>(SB), X0, X0
	VPMAXSB      X12, X0, X0
	VPMINSB      X11, X0, X0
	VMOVQ        X0, (DI)
	ADDQ $8, SI
	ADDQ $8, DI
	ADDQ $32, BX
	DECQ CX
	JNZ  loop8

done:
	VZEROUPPER
	RET
