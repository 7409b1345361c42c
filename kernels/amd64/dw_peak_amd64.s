//go:build gc && !purego

#include "textflag.h"

// func dwPeakMaddwd(iters int)
//
// The throughput ceiling of the depthwise kernel's arithmetic: per
// iteration 8 independent VPMADDWD ymm (16 int16 MACs each) feeding 8
// VPADDD accumulators (Y0-Y7), 128 MACs; Y8/Y9 are the operands. No loads,
// no shuffles: what peak.c calls "s16 avx2".
TEXT ·dwPeakMaddwd(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	VPCMPEQD Y8, Y8, Y8
	VPCMPEQD Y9, Y9, Y9
	TESTQ CX, CX
	JLE  done

loop:
	VPMADDWD Y8, Y9, Y10
	VPMADDWD Y8, Y9, Y11
	VPMADDWD Y8, Y9, Y12
	VPMADDWD Y8, Y9, Y13
	VPADDD   Y10, Y0, Y0
	VPADDD   Y11, Y1, Y1
	VPADDD   Y12, Y2, Y2
	VPADDD   Y13, Y3, Y3
	VPMADDWD Y8, Y9, Y10
	VPMADDWD Y8, Y9, Y11
	VPMADDWD Y8, Y9, Y12
	VPMADDWD Y8, Y9, Y13
	VPADDD   Y10, Y4, Y4
	VPADDD   Y11, Y5, Y5
	VPADDD   Y12, Y6, Y6
	VPADDD   Y13, Y7, Y7
	DECQ     CX
	JNZ      loop

done:
	VZEROUPPER
	RET

// func dwPeakPairs(iters int, x *int8, w *int32)
//
// The depthwise kernel's tap-pair sequence on L1-resident data, without
// the requantization: per iteration 4 independent pairs of
// VPMOVSXBW (load) x2, VPUNPCK[LH]WD, VPMADDWD (memory weights) x2,
// VPADDD x2: 4*32 = 128 MACs. x needs 64 bytes, w 128 bytes.
TEXT ·dwPeakPairs(SB), NOSPLIT, $0-24
	MOVQ iters+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ w+16(FP), BX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	TESTQ CX, CX
	JLE  done

loop:
	VPMOVSXBW  (SI), Y4
	VPMOVSXBW  16(SI), Y5
	VPUNPCKLWD Y5, Y4, Y6
	VPUNPCKHWD Y5, Y4, Y7
	VPMADDWD   (BX), Y6, Y6
	VPMADDWD   32(BX), Y7, Y7
	VPADDD     Y6, Y0, Y0
	VPADDD     Y7, Y1, Y1
	VPMOVSXBW  32(SI), Y4
	VPMOVSXBW  48(SI), Y5
	VPUNPCKLWD Y5, Y4, Y6
	VPUNPCKHWD Y5, Y4, Y7
	VPMADDWD   64(BX), Y6, Y6
	VPMADDWD   96(BX), Y7, Y7
	VPADDD     Y6, Y2, Y2
	VPADDD     Y7, Y3, Y3
	VPMOVSXBW  (SI), Y12
	VPMOVSXBW  16(SI), Y13
	VPUNPCKLWD Y13, Y12, Y14
	VPUNPCKHWD Y13, Y12, Y15
	VPMADDWD   (BX), Y14, Y14
	VPMADDWD   32(BX), Y15, Y15
	VPADDD     Y14, Y8, Y8
	VPADDD     Y15, Y9, Y9
	VPMOVSXBW  32(SI), Y12
	VPMOVSXBW  48(SI), Y13
	VPUNPCKLWD Y13, Y12, Y14
	VPUNPCKHWD Y13, Y12, Y15
	VPMADDWD   64(BX), Y14, Y14
	VPMADDWD   96(BX), Y15, Y15
	VPADDD     Y14, Y10, Y10
	VPADDD     Y15, Y11, Y11
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET
