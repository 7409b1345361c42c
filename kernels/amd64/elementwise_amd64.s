//go:build gc && !purego

#include "textflag.h"
#include "requant_amd64.h"

// func mulInt8AVX2(out, a, b *int8, groups int, k *MulInt8Consts)
//
// Register contract: DI out, SI a, DX b, CX groups of 8 left, BX k (its
// requantization group at 0); Y6/Y7 the offsets; Y0/Y1 (and Y2/Y4 in the
// fast loop) the widened operands and their products; macros as in
// requant_amd64.h. Without left shifts the products (|p| <= 255*255)
// requantize with REQUANT8_FAST, 16 lanes per iteration.
TEXT ·mulInt8AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ groups+24(FP), CX
	MOVQ k+32(FP), BX
	TESTQ CX, CX
	JLE  mdone
	VPBROADCASTD 208(BX), Y6
	VPBROADCASTD 212(BX), Y7
	LEAQ 192(BX), R8
	CMPL 204(BX), $0
	JNE  mslow
	REQUANT_SETUP_FAST(R8)
	CMPQ CX, $2
	JLT  mfast8

mfast16:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD (DX), Y1
	VPMOVSXBD 8(SI), Y2
	VPMOVSXBD 8(DX), Y4
	VPADDD    Y6, Y0, Y0
	VPADDD    Y7, Y1, Y1
	VPADDD    Y6, Y2, Y2
	VPADDD    Y7, Y4, Y4
	VPMULLD   Y1, Y0, Y0
	VPMULLD   Y4, Y2, Y1
	REQUANT8_FAST(Y0, BX, 0)
	REQUANT8_FAST(Y1, BX, 0)
	PACK16N(Y0, Y1, X0, X1)
	VMOVDQU X0, (DI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  mfast16
	TESTQ CX, CX
	JEQ  mdone

mfast8:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD (DX), Y1
	VPADDD    Y6, Y0, Y0
	VPADDD    Y7, Y1, Y1
	VPMULLD   Y1, Y0, Y0
	REQUANT8_FAST(Y0, BX, 0)
	PACK8(Y0, X0, X1)
	VMOVQ X0, (DI)
	JMP  mdone

mslow:
	REQUANT_SETUP(R8)

mloop:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD (DX), Y1
	VPADDD    Y6, Y0, Y0
	VPADDD    Y7, Y1, Y1
	VPMULLD   Y1, Y0, Y0
	LEFT8(Y0, BX, 0)
	REQUANT8(Y0, BX, 0)
	PACK8(Y0, X0, X1)
	VMOVQ X0, (DI)
	ADDQ $8, SI
	ADDQ $8, DX
	ADDQ $8, DI
	DECQ CX
	JNZ  mloop

mdone:
	VZEROUPPER
	RET

// func addInt8AVX2(out, a, b *int8, groups int, k *AddInt8Consts)
//
// Register contract: DI out, SI a, DX b, CX groups of 8 left, BX k (groups
// A at 0, B at 192, Out at 384), R8/R9/R10 the AnyLeft of A/B/Out; Y6/Y7
// the offsets, X5 the left shift count; Y0 a then the sum, Y1 b (and Y2/Y4
// the second 8 lanes in the fast loop); macros as in requant_amd64.h (the
// constants of REQUANT_SETUP are Out's). When k.Fast is set, 16 lanes per
// iteration with REQUANT8_FAST.
TEXT ·addInt8AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ groups+24(FP), CX
	MOVQ k+32(FP), BX
	TESTQ CX, CX
	JLE  adone
	VPBROADCASTD 624(BX), Y6
	VPBROADCASTD 628(BX), Y7
	VMOVD 632(BX), X5
	LEAQ 608(BX), R8
	CMPL 636(BX), $0
	JEQ  aslow
	REQUANT_SETUP_FAST(R8)
	CMPQ CX, $2
	JLT  afast8

afast16:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD 8(SI), Y2
	VPMOVSXBD (DX), Y1
	VPMOVSXBD 8(DX), Y4
	VPADDD    Y6, Y0, Y0
	VPADDD    Y6, Y2, Y2
	VPADDD    Y7, Y1, Y1
	VPADDD    Y7, Y4, Y4
	VPSLLD    X5, Y0, Y0
	VPSLLD    X5, Y2, Y2
	VPSLLD    X5, Y1, Y1
	VPSLLD    X5, Y4, Y4
	REQUANT8_FAST(Y0, BX, 0)
	REQUANT8_FAST(Y2, BX, 0)
	REQUANT8_FAST(Y1, BX, 192)
	REQUANT8_FAST(Y4, BX, 192)
	VPADDD    Y1, Y0, Y0
	VPADDD    Y4, Y2, Y2
	REQUANT8_FAST(Y0, BX, 384)
	REQUANT8_FAST(Y2, BX, 384)
	PACK16N(Y0, Y2, X0, X2)
	VMOVDQU   X0, (DI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  afast16
	TESTQ CX, CX
	JEQ  adone

afast8:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD (DX), Y1
	VPADDD    Y6, Y0, Y0
	VPADDD    Y7, Y1, Y1
	VPSLLD    X5, Y0, Y0
	VPSLLD    X5, Y1, Y1
	REQUANT8_FAST(Y0, BX, 0)
	REQUANT8_FAST(Y1, BX, 192)
	VPADDD    Y1, Y0, Y0
	REQUANT8_FAST(Y0, BX, 384)
	PACK8(Y0, X0, X1)
	VMOVQ X0, (DI)
	JMP  adone

aslow:
	REQUANT_SETUP(R8)
	MOVL 588(BX), R8
	MOVL 604(BX), R9
	MOVL 620(BX), R10

aloop:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD (DX), Y1
	VPADDD    Y6, Y0, Y0
	VPADDD    Y7, Y1, Y1
	VPSLLD    X5, Y0, Y0
	VPSLLD    X5, Y1, Y1
	TESTL     R8, R8
	JEQ       anoleftA
	LEFT8(Y0, BX, 0)

anoleftA:
	REQUANT8(Y0, BX, 0)
	TESTL R9, R9
	JEQ   anoleftB
	LEFT8(Y1, BX, 192)

anoleftB:
	REQUANT8(Y1, BX, 192)
	VPADDD Y1, Y0, Y0
	TESTL  R10, R10
	JEQ    anoleftOut
	LEFT8(Y0, BX, 384)

anoleftOut:
	REQUANT8(Y0, BX, 384)
	PACK8(Y0, X0, X1)
	VMOVQ X0, (DI)
	ADDQ $8, SI
	ADDQ $8, DX
	ADDQ $8, DI
	DECQ CX
	JNZ  aloop

adone:
	VZEROUPPER
	RET

// PAIR_RQ is one requantization of the pair form (elementwise_add_pair.go)
// of the 8 lanes of acc (A, twice the value): h'' = hi32(A*m + Ke) for the
// even and the odd lanes, merged by VSHUFPS (lanes 0,2,1,3 of every four),
// then q = (h'' - [h'' > CMP]) >> r with the count at rc; t is clobbered.
#define PAIR_RQ(acc, m, ke, cmp, rc, t) \
	VPMULDQ  m, acc, t; \
	VPSHUFD  $0xF5, acc, acc; \
	VPMULDQ  m, acc, acc; \
	VPADDQ   ke, t, t; \
	VPADDQ   ke, acc, acc; \
	VSHUFPS  $0xDD, acc, t, acc; \
	VPCMPGTD cmp, acc, t; \
	VPSUBD   t, acc, acc; \
	VPSRAD   rc, acc, acc

// PAIR_ADD8 computes the 8 outputs at xo(SI) and xo(DX) as int32 lanes in
// order into acc (two VSHUFPS permutations cancel); t and u are
// clobbered.
#define PAIR_ADD8(xo, acc, t, u) \
	VPMOVSXBD xo(SI), acc; \
	VPMOVSXBD xo(DX), u; \
	VPSLLD    48(BX), acc, acc; \
	VPSLLD    48(BX), u, u; \
	PAIR_RQ(acc, Y15, Y12, Y9, 64(BX), t); \
	PAIR_RQ(u, Y14, Y11, Y8, 80(BX), t); \
	VPADDD    u, acc, acc; \
	VPADDD    acc, acc, acc; \
	PAIR_RQ(acc, Y13, Y10, Y7, 96(BX), t)

// func addInt8PairAVX2(out, a, b *int8, groups int, p *AddInt8Pair)
//
// Register contract: DI out, SI a, DX b, CX groups of 8 left, BX p (shift
// counts and clamps read from it); Y15/Y14/Y13 m of a, b and out in each
// dword, Y12/Y11/Y10 their Ke in each qword, Y9/Y8/Y7 their CMP; Y0 and
// Y3 the two 8-lane results of an iteration (16 lanes), Y1/Y2 and Y4/Y5
// temporaries. The results narrow as in PACK16N without the zero point
// (it is in the output's Ke).
TEXT ·addInt8PairAVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ groups+24(FP), CX
	MOVQ p+32(FP), BX
	TESTQ CX, CX
	JLE  pdone
	VPBROADCASTD 0(BX), Y15
	VPBROADCASTD 4(BX), Y14
	VPBROADCASTD 8(BX), Y13
	VPBROADCASTQ 24(BX), Y12
	VPBROADCASTQ 32(BX), Y11
	VPBROADCASTQ 40(BX), Y10
	VPBROADCASTD 12(BX), Y9
	VPBROADCASTD 16(BX), Y8
	VPBROADCASTD 20(BX), Y7
	CMPQ CX, $2
	JLT  ploop8

ploop16:
	PAIR_ADD8(0, Y0, Y1, Y2)
	PAIR_ADD8(8, Y3, Y4, Y5)
	VPACKSSDW    Y3, Y0, Y0
	VPERMQ       $0xD8, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKSSWB    X1, X0, X0
	VPMAXSB      112(BX), X0, X0
	VPMINSB      144(BX), X0, X0
	VMOVDQU      X0, (DI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  ploop16
	TESTQ CX, CX
	JEQ  pdone

ploop8:
	PAIR_ADD8(0, Y0, Y1, Y2)
	VEXTRACTI128 $1, Y0, X1
	VPACKSSDW    X1, X0, X0
	VPACKSSWB    X0, X0, X0
	VPMAXSB      112(BX), X0, X0
	VPMINSB      144(BX), X0, X0
	VMOVQ        X0, (DI)

pdone:
	VZEROUPPER
	RET
