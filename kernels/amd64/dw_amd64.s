//go:build gc && !purego

#include "textflag.h"
#include "requant_amd64.h"

// func dwConvAVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, taps *int64, pairs int, c *RequantConsts)
//
// Register contract:
//   DI  output pixel          SI  input window origin of the pixel
//   R8  packed (block 0)      R9  blocks    R10 taps    R11 pairs
//   BX  walks the current block's packed constants
//   DX  input + 16*block      R12 output + 16*block
//   R13 blocks left           R14 pairs left            R15 walks taps
//   AX, CX  the two tap offsets of a pair
//   Y0, Y1  accumulators: channels 0-3,8-11 and 4-7,12-15 of the block
//   Y4-Y7   tap inputs (int16) and their interleaved pairs / products
//   Y2, Y8-Y10 requantization temporaries; Y11-Y15 its constants
// count is decremented in its argument slot.
TEXT ·dwConvAVX2(SB), NOSPLIT, $0-80
	MOVQ count+16(FP), AX
	TESTQ AX, AX
	JLE  done
	MOVQ blocks+48(FP), R9
	TESTQ R9, R9
	JLE  done
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ packed+40(FP), R8
	MOVQ taps+56(FP), R10
	MOVQ pairs+64(FP), R11
	MOVQ c+72(FP), DX
	REQUANT_SETUP(DX)

pixel:
	MOVQ R8, BX
	MOVQ SI, DX
	MOVQ DI, R12
	MOVQ R9, R13

block:
	VMOVDQU (BX), Y0
	VMOVDQU 32(BX), Y1
	ADDQ    $64, BX
	MOVQ    R10, R15
	MOVQ    R11, R14

pair:
	MOVQ       (R15), AX
	MOVQ       8(R15), CX
	VPMOVSXBW  (DX)(AX*1), Y4
	VPMOVSXBW  (DX)(CX*1), Y5
	VPUNPCKLWD Y5, Y4, Y6
	VPUNPCKHWD Y5, Y4, Y7
	VPMADDWD   (BX), Y6, Y6
	VPMADDWD   32(BX), Y7, Y7
	VPADDD     Y6, Y0, Y0
	VPADDD     Y7, Y1, Y1
	ADDQ       $16, R15
	ADDQ       $64, BX
	DECQ       R14
	JNZ        pair

	// BX: the two requantization groups of the block.
	MOVQ c+72(FP), AX
	CMPL 12(AX), $0
	JEQ  noleft
	LEFT8(Y0, BX, 0)
	LEFT8(Y1, BX, 192)

noleft:
	REQUANT8(Y0, BX, 0)
	REQUANT8(Y1, BX, 192)
	PACK16(Y0, Y1, X0, X1)
	VMOVDQU      X0, (R12)
	ADDQ         $384, BX
	ADDQ         $16, DX
	ADDQ         $16, R12
	DECQ         R13
	JNZ          block

	ADDQ inStep+24(FP), SI
	ADDQ outStep+32(FP), DI
	DECQ count+16(FP)
	JNZ  pixel

done:
	VZEROUPPER
	RET
