//go:build gc && !purego

#include "textflag.h"

// The loops below are peak.c's (work/shared/tools/peak.c) in Go assembly:
// each iteration runs four steps of independent chains of one instruction
// sequence, so throughput, not latency, bounds them. Register contract:
// CX iterations left; Y12-Y14 (Z12-Z13) inputs; the rest accumulators.

// func maddwdLoop(n int)
// Step: 3 x (VPMADDWD + VPADDD) = 48 MACs (the AVX2 GEMM's sequence).
TEXT ·maddwdLoop(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VPXOR Y12, Y12, Y12
	VPXOR Y13, Y13, Y13
	VPXOR Y14, Y14, Y14
loop:
#define STEP_WD \
	VPMADDWD Y12, Y13, Y0 \
	VPMADDWD Y12, Y14, Y1 \
	VPMADDWD Y13, Y14, Y2 \
	VPADDD Y0, Y4, Y4 \
	VPADDD Y1, Y5, Y5 \
	VPADDD Y2, Y6, Y6
	STEP_WD
	STEP_WD
	STEP_WD
	STEP_WD
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func maddubswLoop(n int)
// Step: 3 x (VPMADDUBSW + VPMADDWD by ones + VPADDD) = 96 MACs.
TEXT ·maddubswLoop(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VPXOR Y12, Y12, Y12
	VPXOR Y13, Y13, Y13
	VPXOR Y14, Y14, Y14
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15
loop:
#define STEP_UBSW \
	VPMADDUBSW Y12, Y13, Y0 \
	VPMADDUBSW Y12, Y14, Y1 \
	VPMADDUBSW Y13, Y14, Y2 \
	VPMADDWD Y15, Y0, Y0 \
	VPMADDWD Y15, Y1, Y1 \
	VPMADDWD Y15, Y2, Y2 \
	VPADDD Y0, Y4, Y4 \
	VPADDD Y1, Y5, Y5 \
	VPADDD Y2, Y6, Y6
	STEP_UBSW
	STEP_UBSW
	STEP_UBSW
	STEP_UBSW
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func dpbusdYmmLoop(n int)
// Step: 12 VEX VPDPBUSD ymm = 384 MACs. Go's assembler encodes VPDPBUSD
// only as EVEX (AVX-512 VL), so the VEX (AVX-VNNI) form is spelled in bytes.
TEXT ·dpbusdYmmLoop(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VPXOR Y12, Y12, Y12
	VPXOR Y13, Y13, Y13
loop:
// STEP_VNNI is VPDPBUSD Y12, Y13, Yd (VEX: C4 C2 15 50 ModRM, {vex} vpdpbusd
// %ymm12,%ymm13,%ymmd in GNU syntax) for d = 0..11.
#define STEP_VNNI \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xc4 \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xcc \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xd4 \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xdc \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xe4 \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xec \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xf4 \
	BYTE $0xc4; BYTE $0xc2; BYTE $0x15; BYTE $0x50; BYTE $0xfc \
	BYTE $0xc4; BYTE $0x42; BYTE $0x15; BYTE $0x50; BYTE $0xc4 \
	BYTE $0xc4; BYTE $0x42; BYTE $0x15; BYTE $0x50; BYTE $0xcc \
	BYTE $0xc4; BYTE $0x42; BYTE $0x15; BYTE $0x50; BYTE $0xd4 \
	BYTE $0xc4; BYTE $0x42; BYTE $0x15; BYTE $0x50; BYTE $0xdc
	STEP_VNNI
	STEP_VNNI
	STEP_VNNI
	STEP_VNNI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func dpbusdZmmLoop(n int)
// Step: 12 VPDPBUSD zmm = 768 MACs.
TEXT ·dpbusdZmmLoop(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
loop:
#define STEP_VNNI512 \
	VPDPBUSD Z12, Z13, Z0 \
	VPDPBUSD Z12, Z13, Z1 \
	VPDPBUSD Z12, Z13, Z2 \
	VPDPBUSD Z12, Z13, Z3 \
	VPDPBUSD Z12, Z13, Z4 \
	VPDPBUSD Z12, Z13, Z5 \
	VPDPBUSD Z12, Z13, Z6 \
	VPDPBUSD Z12, Z13, Z7 \
	VPDPBUSD Z12, Z13, Z8 \
	VPDPBUSD Z12, Z13, Z9 \
	VPDPBUSD Z12, Z13, Z10 \
	VPDPBUSD Z12, Z13, Z11
	STEP_VNNI512
	STEP_VNNI512
	STEP_VNNI512
	STEP_VNNI512
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET

// func fmaLoop(n int)
// Step: 12 VFMADD231PS ymm = 96 float32 multiply-adds.
TEXT ·fmaLoop(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
loop:
#define STEP_FMA \
	VFMADD231PS Y12, Y13, Y0 \
	VFMADD231PS Y12, Y13, Y1 \
	VFMADD231PS Y12, Y13, Y2 \
	VFMADD231PS Y12, Y13, Y3 \
	VFMADD231PS Y12, Y13, Y4 \
	VFMADD231PS Y12, Y13, Y5 \
	VFMADD231PS Y12, Y13, Y6 \
	VFMADD231PS Y12, Y13, Y7 \
	VFMADD231PS Y12, Y13, Y8 \
	VFMADD231PS Y12, Y13, Y9 \
	VFMADD231PS Y12, Y13, Y10 \
	VFMADD231PS Y12, Y13, Y11
	STEP_FMA
	STEP_FMA
	STEP_FMA
	STEP_FMA
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET
