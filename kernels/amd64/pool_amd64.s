//go:build gc && !purego

#include "textflag.h"

// func maxPoolAVX2(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, c *PoolConsts)
//
// channels >= 4. Every pixel's channels run in vector steps of the widest
// width that fits (32 bytes from 32 channels, else 16, 8 or 4), at
// offsets 0, w, 2w, ... and a last step ending exactly at channel
// channels-1 (overlapping the previous one: it recomputes a few channels
// with the same values). So no load or store leaves [0, channels) of a
// tap or of the output pixel.
//
// Register contract: DI output pixel, SI input window origin of the pixel,
// R8 taps, R9 ntaps, R10 the last step's offset (channels - width), R11
// step offset, R12 taps left, R13 walks taps, AX a tap's offset + step
// offset; Y0 the running maximum, Y1 a narrow tap, Y14/Y15 ActMin/ActMax
// in each byte. count is decremented in its argument slot.

// MAXPOOL_STEPS runs the steps of one pixel: LOAD0 loads the first tap
// into X0/Y0, MAXTAP folds one more tap in, STORE writes the clamped
// result; width is the step in bytes; tapl, clampl and nextl name the
// inner labels.
#define MAXPOOL_STEPS(label, tapl, clampl, nextl, width, LOAD0, MAXTAP, STORE) \
label: \
	MOVQ    (R8), AX \
	ADDQ    R11, AX \
	LOAD0 \
	LEAQ    8(R8), R13 \
	MOVQ    R9, R12 \
	DECQ    R12 \
	JEQ     clampl \
tapl: \
	MOVQ    (R13), AX \
	ADDQ    R11, AX \
	MAXTAP \
	ADDQ    $8, R13 \
	DECQ    R12 \
	JNZ     tapl \
clampl: \
	VPMAXSB Y14, Y0, Y0 \
	VPMINSB Y15, Y0, Y0 \
	STORE \
	CMPQ    R11, R10 \
	JEQ     nextl \
	ADDQ    $width, R11 \
	CMPQ    R11, R10 \
	JLE     label \
	MOVQ    R10, R11 \
	JMP     label \
nextl: \
	ADDQ inStep+24(FP), SI \
	ADDQ outStep+32(FP), DI \
	XORQ R11, R11 \
	DECQ count+16(FP) \
	JNZ  label \
	JMP  done

#define LOAD32 VMOVDQU (SI)(AX*1), Y0
#define MAX32 VPMAXSB (SI)(AX*1), Y0, Y0
#define STORE32 VMOVDQU Y0, (DI)(R11*1)
#define LOAD16 VMOVDQU (SI)(AX*1), X0
#define MAX16 VPMAXSB (SI)(AX*1), X0, X0
#define STORE16 VMOVDQU X0, (DI)(R11*1)
#define LOAD8 VMOVQ (SI)(AX*1), X0
#define MAX8 VMOVQ (SI)(AX*1), X1; VPMAXSB X1, X0, X0
#define STORE8 VMOVQ X0, (DI)(R11*1)
#define LOAD4 VMOVD (SI)(AX*1), X0
#define MAX4 VMOVD (SI)(AX*1), X1; VPMAXSB X1, X0, X0
#define STORE4 VMOVD X0, (DI)(R11*1)

// MAXPOOL_TWO runs a pixel whose channels are exactly two steps of a
// vector register (A and B: X or Y registers, LO/HI the clamp bounds of
// the same width) at offsets 0 and R10, in one walk of the taps: half the
// loop overhead of two walks. tapl and clampl name the inner labels.
#define MAXPOOL_TWO(label, tapl, clampl, A, B, LO, HI) \
label: \
	MOVQ    (R8), AX \
	LEAQ    (SI)(AX*1), DX \
	VMOVDQU (DX), A \
	VMOVDQU (DX)(R10*1), B \
	LEAQ    8(R8), R13 \
	MOVQ    R9, R12 \
	DECQ    R12 \
	JEQ     clampl \
tapl: \
	MOVQ    (R13), AX \
	LEAQ    (SI)(AX*1), DX \
	VPMAXSB (DX), A, A \
	VPMAXSB (DX)(R10*1), B, B \
	ADDQ    $8, R13 \
	DECQ    R12 \
	JNZ     tapl \
clampl: \
	VPMAXSB LO, A, A \
	VPMINSB HI, A, A \
	VPMAXSB LO, B, B \
	VPMINSB HI, B, B \
	VMOVDQU A, (DI) \
	VMOVDQU B, (DI)(R10*1) \
	ADDQ inStep+24(FP), SI \
	ADDQ outStep+32(FP), DI \
	DECQ count+16(FP) \
	JNZ  label \
	JMP  done

TEXT ·maxPoolAVX2(SB), NOSPLIT, $0-72
	MOVQ count+16(FP), AX
	TESTQ AX, AX
	JLE  done
	MOVQ ntaps+56(FP), R9
	TESTQ R9, R9
	JLE  done
	MOVQ channels+40(FP), R10
	CMPQ R10, $4
	JLT  done
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ taps+48(FP), R8
	MOVQ c+64(FP), AX
	VPBROADCASTB 0(AX), Y14
	VPBROADCASTB 4(AX), Y15
	XORQ R11, R11
	CMPQ R10, $32
	JEQ  w32
	JLT  narrow
	CMPQ R10, $64
	JGT  w32
	SUBQ $32, R10
	JMP  two32

narrow:
	CMPQ R10, $16
	JEQ  w16
	JLT  w8or4
	SUBQ $16, R10
	JMP  two16

w8or4:
	CMPQ R10, $8
	JGE  w8
	SUBQ $4, R10
	JMP  steps4

w32:
	SUBQ $32, R10
	JMP  steps32

w16:
	SUBQ $16, R10
	JMP  steps16

w8:
	SUBQ $8, R10
	JMP  steps8

	MAXPOOL_TWO(two32, tap32x2, clamp32x2, Y0, Y2, Y14, Y15)
	MAXPOOL_TWO(two16, tap16x2, clamp16x2, X0, X2, X14, X15)
	MAXPOOL_STEPS(steps32, tap32, clamp32, next32, 32, LOAD32, MAX32, STORE32)
	MAXPOOL_STEPS(steps16, tap16, clamp16, next16, 16, LOAD16, MAX16, STORE16)
	MAXPOOL_STEPS(steps8, tap8, clamp8, next8, 8, LOAD8, MAX8, STORE8)
	MAXPOOL_STEPS(steps4, tap4, clamp4, next4, 4, LOAD4, MAX4, STORE4)

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

// AVG_DIV16 divides the 16 int16 sums in s by the call's count, rounding
// half away from zero (avgPool32Generic): |s| + Half (Y15), multiply-high
// by Magic (Y11), shift right by MagicShift (X10), sign put back from t.
#define AVG_DIV16(s, t) \
	VPSRAW   $15, s, t; \
	VPABSW   s, s; \
	VPADDW   Y15, s, s; \
	VPMULHUW Y11, s, s; \
	VPSRLW   X10, s, s; \
	VPXOR    t, s, s; \
	VPSUBW   t, s, s

// func avgPool32AVX2(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts)
//
// Register contract: DI/SI the pixel's out/in, R8 taps, R9 ntaps, R10
// chunks*32, R11 the chunk's channel offset, R12/R13 the tap loop's count
// and pointer; Y0/Y1 the int16 sums of channels 0-15 and 16-31, Y2/Y3
// the widened taps, then the signs; Y15 Half, Y14 PadSum, Y13 ActMin, Y12
// ActMax (bytes), Y11 Magic (words), X10 MagicShift.
TEXT ·avgPool32AVX2(SB), NOSPLIT, $0-72
	MOVQ  count+16(FP), AX
	TESTQ AX, AX
	JLE   a32done
	MOVQ  chunks+40(FP), R10
	SHLQ  $5, R10
	JLE   a32done
	MOVQ  ntaps+56(FP), R9
	TESTQ R9, R9
	JLE   a32done
	MOVQ  out+0(FP), DI
	MOVQ  in+8(FP), SI
	MOVQ  taps+48(FP), R8
	MOVQ  c+64(FP), AX
	VPBROADCASTW 4(AX), Y15
	VPBROADCASTW 8(AX), Y14
	VPBROADCASTB 12(AX), Y13
	VPBROADCASTB 16(AX), Y12
	VPBROADCASTW 20(AX), Y11
	VMOVQ        24(AX), X10

a32pixel:
	XORQ R11, R11

a32chunk:
	VMOVDQA Y14, Y0
	VMOVDQA Y14, Y1
	MOVQ    R8, R13
	MOVQ    R9, R12

a32tap:
	MOVQ      (R13), AX
	ADDQ      R11, AX
	VPMOVSXBW (SI)(AX*1), Y2
	VPMOVSXBW 16(SI)(AX*1), Y3
	VPADDW    Y2, Y0, Y0
	VPADDW    Y3, Y1, Y1
	ADDQ      $8, R13
	DECQ      R12
	JNZ       a32tap

	AVG_DIV16(Y0, Y2)
	AVG_DIV16(Y1, Y3)
	// VPACKSSWB interleaves the halves' qwords (0-7, 16-23, 8-15, 24-31).
	VPACKSSWB Y1, Y0, Y0
	VPERMQ    $0xD8, Y0, Y0
	VPMAXSB   Y13, Y0, Y0
	VPMINSB   Y12, Y0, Y0
	VMOVDQU   Y0, (DI)(R11*1)
	ADDQ      $32, R11
	CMPQ      R11, R10
	JLT       a32chunk

	ADDQ inStep+24(FP), SI
	ADDQ outStep+32(FP), DI
	DECQ count+16(FP)
	JNZ  a32pixel

a32done:
	VZEROUPPER
	RET
