//go:build gc && !purego

#include "textflag.h"

// func maxPoolAVX2(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *PoolConsts)
//
// Register contract: DI output pixel, SI input window origin of the pixel,
// R8 taps, R9 ntaps, R10 chunks, R11 chunk offset, R12 taps left, R13 walks
// taps, AX a tap's offset + chunk offset; Y0 the running maximum, Y14/Y15
// ActMin/ActMax in each byte. count is decremented in its argument slot.
TEXT ·maxPoolAVX2(SB), NOSPLIT, $0-72
	MOVQ count+16(FP), AX
	TESTQ AX, AX
	JLE  done
	MOVQ chunks+40(FP), R10
	TESTQ R10, R10
	JLE  done
	MOVQ ntaps+56(FP), R9
	TESTQ R9, R9
	JLE  done
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ taps+48(FP), R8
	MOVQ c+64(FP), AX
	VPBROADCASTB 0(AX), Y14
	VPBROADCASTB 4(AX), Y15

pixel:
	XORQ R11, R11

chunk:
	MOVQ    (R8), AX
	ADDQ    R11, AX
	VMOVDQU (SI)(AX*1), Y0
	LEAQ    8(R8), R13
	MOVQ    R9, R12
	DECQ    R12
	JEQ     clamp

tap:
	MOVQ    (R13), AX
	ADDQ    R11, AX
	VPMAXSB (SI)(AX*1), Y0, Y0
	ADDQ    $8, R13
	DECQ    R12
	JNZ     tap

clamp:
	VPMAXSB Y14, Y0, Y0
	VPMINSB Y15, Y0, Y0
	VMOVDQU Y0, (DI)(R11*1)
	ADDQ    $32, R11
	MOVQ    R10, AX
	SHLQ    $5, AX
	CMPQ    R11, AX
	JLT     chunk

	ADDQ inStep+24(FP), SI
	ADDQ outStep+32(FP), DI
	DECQ count+16(FP)
	JNZ  pixel

done:
	VZEROUPPER
	RET

// func avgPoolAVX2(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts)
//
// 8 channels per step in int32 lanes: the window sum from PadSum, then
// sign * trunc(float32(|sum| + Half) / Count) (exact, see pool_avg.go),
// narrowed and clamped. Register contract: DI output pixel, SI input window
// origin, R8 taps, R9 ntaps, R10 chunks*8, R11 channel offset, R12 taps
// left, R13 walks taps, AX a tap's offset + channel offset; Y0 the sum and
// quotient, Y1 a tap's widened inputs, Y2 the sign; Y15 Count, Y14 Half,
// Y13 PadSum, X12/X11 ActMin/ActMax bytes. count is decremented in its
// argument slot.
TEXT ·avgPoolAVX2(SB), NOSPLIT, $0-72
	MOVQ count+16(FP), AX
	TESTQ AX, AX
	JLE  adone
	MOVQ chunks+40(FP), R10
	SHLQ $3, R10
	JLE  adone
	MOVQ ntaps+56(FP), R9
	TESTQ R9, R9
	JLE  adone
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ taps+48(FP), R8
	MOVQ c+64(FP), AX
	VBROADCASTSS 0(AX), Y15
	VPBROADCASTD 4(AX), Y14
	VPBROADCASTD 8(AX), Y13
	VPBROADCASTB 12(AX), X12
	VPBROADCASTB 16(AX), X11

apixel:
	XORQ R11, R11

achunk:
	VMOVDQA Y13, Y0
	MOVQ    R8, R13
	MOVQ    R9, R12

atap:
	MOVQ      (R13), AX
	ADDQ      R11, AX
	VPMOVSXBD (SI)(AX*1), Y1
	VPADDD    Y1, Y0, Y0
	ADDQ      $8, R13
	DECQ      R12
	JNZ       atap

	VPSRAD       $31, Y0, Y2
	VPABSD       Y0, Y0
	VPADDD       Y14, Y0, Y0
	VCVTDQ2PS    Y0, Y0
	VDIVPS       Y15, Y0, Y0
	VCVTTPS2DQ   Y0, Y0
	VPXOR        Y2, Y0, Y0
	VPSUBD       Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKSSDW    X1, X0, X0
	VPACKSSWB    X0, X0, X0
	VPMAXSB      X12, X0, X0
	VPMINSB      X11, X0, X0
	VMOVQ        X0, (DI)(R11*1)
	ADDQ         $8, R11
	CMPQ         R11, R10
	JLT          achunk

	ADDQ inStep+24(FP), SI
	ADDQ outStep+32(FP), DI
	DECQ count+16(FP)
	JNZ  apixel

adone:
	VZEROUPPER
	RET
