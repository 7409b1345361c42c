//go:build gc && !purego

#include "textflag.h"
#include "pair_requant_amd64.h"
#include "gemm_tile_amd64.h"
#include "gemm_requant_amd64.h"

// SATSHIFT_6x16 and REQUANT_STORE_6x16 are the output stage of a 6 x 16
// tile whose row m accumulates in Y(2m) (channels 0-7) and Y(2m+1)
// (8-15), shared by the AVX2 and AVX-VNNI tiles: the saturating left
// shift (only when the Output's flag says some channel shifts left), then
// the requantization and the stores of the six rows at R9, R9+R10, ...
#define SATSHIFT_6x16 \
	SATSHIFT(Y0, 0) \
	SATSHIFT(Y1, 32) \
	SATSHIFT(Y2, 0) \
	SATSHIFT(Y3, 32) \
	SATSHIFT(Y4, 0) \
	SATSHIFT(Y5, 32) \
	SATSHIFT(Y6, 0) \
	SATSHIFT(Y7, 32) \
	SATSHIFT(Y8, 0) \
	SATSHIFT(Y9, 32) \
	SATSHIFT(Y10, 0) \
	SATSHIFT(Y11, 32)

#define REQUANT_STORE_6x16 \
	REQUANT(Y0, 0) \
	REQUANT(Y1, 32) \
	STORE16(Y0, Y1) \
	REQUANT(Y2, 0) \
	REQUANT(Y3, 32) \
	STORE16(Y2, Y3) \
	REQUANT(Y4, 0) \
	REQUANT(Y5, 32) \
	STORE16(Y4, Y5) \
	REQUANT(Y6, 0) \
	REQUANT(Y7, 32) \
	STORE16(Y6, Y7) \
	REQUANT(Y8, 0) \
	REQUANT(Y9, 32) \
	STORE16(Y8, Y9) \
	REQUANT(Y10, 0) \
	REQUANT(Y11, 32) \
	STORE16(Y10, Y11)

// func gemm6x16Int16(a *int16, b *byte, kp int, c *int8, cStride int, q *Output, blocks, panels int)
//
// For each of panels consecutive A panels (panel p at a + p*6*kp, its
// outputs from row 6p of c), computes blocks consecutive 6 x 16 tiles
// that share the panel: tile j reads packed block j (they are contiguous:
// each one ends where the next begins) and writes channels 16j..16j+15 of
// the 6 output rows. Several panels per call serve the 1x1 convolutions
// whose panels are consecutive input pixels widened at once.
//
// Register contract:
//   AX      A panel (row m at AX + m*DX), DX = 2*kp bytes per row
//   SI, R8  A rows 0 and 3 during the k loop (rows 1, 2 at +DX, +2*DX; 4, 5 likewise)
//   BX      block header, DI its weights (64 bytes per k-pair), CX k-pairs left
//   R9      output row, R10 = cStride, R11 = q, R12 blocks left, R13 tile's first output
//   R14     the panel's first output row (c + 6p*cStride)
//   panels+56(FP)  panels left (counted down in place)
//   Y0-Y11  accumulators: row m channels 0-7 in Y(2m), 8-15 in Y(2m+1)
//   Y12-Y13 weights of one k-pair, Y14 broadcast A pair, Y15 product
TEXT ·gemm6x16Int16(SB), NOSPLIT, $0-64
	MOVQ a+0(FP), AX
	MOVQ kp+16(FP), DX
	MOVQ c+24(FP), R14
	MOVQ cStride+32(FP), R10
	MOVQ q+40(FP), R11
	SHLQ $1, DX
	CMPQ blocks+48(FP), $0
	JEQ  done
	CMPQ panels+56(FP), $0
	JEQ  done

panel:
	MOVQ b+8(FP), BX
	MOVQ blocks+48(FP), R12
	MOVQ R14, R13

block:
	MOVQ AX, SI
	LEAQ (AX)(DX*2), R8
	ADDQ DX, R8
	LEAQ 448(BX), DI
	MOVQ kp+16(FP), CX
	MOVQ R13, R9

	VMOVDQU (BX), Y0
	VMOVDQU 32(BX), Y1
	VMOVDQA Y0, Y2
	VMOVDQA Y1, Y3
	VMOVDQA Y0, Y4
	VMOVDQA Y1, Y5
	VMOVDQA Y0, Y6
	VMOVDQA Y1, Y7
	VMOVDQA Y0, Y8
	VMOVDQA Y1, Y9
	VMOVDQA Y0, Y10
	VMOVDQA Y1, Y11

	SHRQ $1, CX
	CMPQ CX, $2
	JB   ktail

kloop2:
	MADD_6x16(0, 0, SI, R8, DX)
	MADD_6x16(64, 4, SI, R8, DX)
	ADDQ $8, SI
	ADDQ $8, R8
	ADDQ $128, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JAE  kloop2

ktail:
	TESTQ CX, CX
	JZ    requant
	MADD_6x16(0, 0, SI, R8, DX)
	ADDQ $64, DI

requant:
	CMPL 196(R11), $0
	JEQ  tflite
	RQ_STORE_PAIR_6x16(64)

next:
	// The next block starts where this one's weights end.
	MOVQ DI, BX
	ADDQ $16, R13
	DECQ R12
	JNZ  block

	// The next panel: 6 rows of A and of the output further.
	LEAQ  (DX)(DX*2), CX
	LEAQ  (AX)(CX*2), AX
	MOVQ  R10, CX
	IMULQ $6, CX
	ADDQ  CX, R14
	DECQ  panels+56(FP)
	JNZ   panel
	VZEROUPPER

done:
	RET

tflite:
	CMPL 192(R11), $0
	JEQ  nosat
	SATSHIFT_6x16

nosat:
	REQUANT_STORE_6x16
	JMP next

// One k-pair of the single row for gemm1x16Int16: broadcast the pair at
// ADDR and multiply-add it with the weights at OFF(DI) and OFF+32(DI)
// into A0 (channels 0-7) and A1 (8-15), through T (broadcast) and U.
#define MADD_PAIR(ADDR, OFF, T, U, A0, A1) \
	VPBROADCASTD ADDR, T \
	VPMADDWD     OFF(DI), T, U \
	VPADDD       U, A0, A0 \
	VPMADDWD     OFF+32(DI), T, U \
	VPADDD       U, A1, A1

// ACC1x16_INIT starts the one-row tiles' four accumulator pairs (k-pair
// 4i+j into Y(2j), Y(2j+1)): the block's bias-derived start values at
// (BX) and 32(BX) in Y0, Y1 (channels 0-7, 8-15), zero in Y2-Y7.
// Reads BX; writes Y0-Y7.
#define ACC1x16_INIT \
	VMOVDQU (BX), Y0 \
	VMOVDQU 32(BX), Y1 \
	VPXOR   Y2, Y2, Y2 \
	VPXOR   Y3, Y3, Y3 \
	VPXOR   Y4, Y4, Y4 \
	VPXOR   Y5, Y5, Y5 \
	VPXOR   Y6, Y6, Y6 \
	VPXOR   Y7, Y7, Y7

// ACC1x16_SUM adds ACC1x16_INIT's four accumulator pairs into Y0
// (channels 0-7) and Y1 (8-15). Reads Y0-Y7; clobbers Y4, Y5.
#define ACC1x16_SUM \
	VPADDD Y2, Y0, Y0 \
	VPADDD Y3, Y1, Y1 \
	VPADDD Y6, Y4, Y4 \
	VPADDD Y7, Y5, Y5 \
	VPADDD Y4, Y0, Y0 \
	VPADDD Y5, Y1, Y1

// func gemm1x16Int16(a *int16, b *byte, kp int, c *int8, q *Output, blocks int)
//
// The one-row tile (a fully connected layer on one input vector, the
// last pixel of a convolution): blocks consecutive 1 x 16 tiles over the
// packed blocks of gemm6x16Int16, tile j writing c[16j:][:16]. With one
// row there is no A reuse, so the k loop runs four k-pairs at once into
// four accumulator pairs, summed before the output stage (int32
// wrap-around addition is associative, so the sum is the reference's).
//
// Register contract:
//   AX   the A row (kp int16), SI its current k-pair
//   BX   block header, DI its weights (64 bytes per k-pair)
//   DX   k-pairs per block, CX k-pairs left in this block
//   R9   output, R10 = 16 (STORE16's stride: the next block's channels)
//   R11  q, R12 blocks left
//   Y0-Y7  accumulators: k-pair 4i+j into Y(2j) (channels 0-7), Y(2j+1) (8-15)
//   Y8, Y10 broadcast pairs, Y9, Y11 products, Y12-Y14 output stage scratch
TEXT ·gemm1x16Int16(SB), NOSPLIT, $0-48
	MOVQ  a+0(FP), AX
	MOVQ  b+8(FP), BX
	MOVQ  kp+16(FP), DX
	MOVQ  c+24(FP), R9
	MOVQ  q+32(FP), R11
	MOVQ  blocks+40(FP), R12
	MOVQ  $16, R10
	SHRQ  $1, DX
	TESTQ R12, R12
	JZ    done

block:
	MOVQ AX, SI
	LEAQ 448(BX), DI
	MOVQ DX, CX
	ACC1x16_INIT
	CMPQ CX, $4
	JB   ktail

kloop4:
	MADD_PAIR((SI), 0, Y8, Y9, Y0, Y1)
	MADD_PAIR(4(SI), 64, Y10, Y11, Y2, Y3)
	MADD_PAIR(8(SI), 128, Y8, Y9, Y4, Y5)
	MADD_PAIR(12(SI), 192, Y10, Y11, Y6, Y7)
	ADDQ $16, SI
	ADDQ $256, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JAE  kloop4

ktail:
	TESTQ CX, CX
	JZ    sum

kloop1:
	MADD_PAIR((SI), 0, Y8, Y9, Y0, Y1)
	ADDQ $4, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  kloop1

sum:
	ACC1x16_SUM
	CMPL   196(R11), $0
	JEQ    tflite
	RQ_STORE_PAIR(Y0, Y1, 64)

next:
	// The next block starts where this one's weights end.
	MOVQ DI, BX
	DECQ R12
	JNZ  block
	VZEROUPPER

done:
	RET

tflite:
	CMPL 192(R11), $0
	JEQ  nosat
	SATSHIFT(Y0, 0)
	SATSHIFT(Y1, 32)

nosat:
	REQUANT(Y0, 0)
	REQUANT(Y1, 32)
	STORE16(Y0, Y1)
	JMP next

// One k-pair of one row for gemm6x8Int16: broadcast the row's int16 pair
// ADDR and multiply-add it with the weights of channels 0-7 (Y12).
#define MADD_ROW8(ADDR, A) \
	VPBROADCASTD ADDR, Y14 \
	VPMADDWD     Y12, Y14, Y15 \
	VPADDD       Y15, A, A

// STORE8x2 stores the 16 bytes of X12 (PACK16 or PACK_PAIR of two rows
// of channels 0-7) as 8 bytes at (R9) and 8 at (R9)(R10*1);
// R9 += 2*R10.
#define STORE8x2 \
	MOVQ    X12, (R9) \
	VPEXTRQ $1, X12, (R9)(R10*1) \
	LEAQ    (R9)(R10*2), R9

// RQ_STORE8x2_PAIR is the pair form's requantization and STORE8x2 of rows
// X0 and X1.
#define RQ_STORE8x2_PAIR(X0, X1) \
	RQ_PAIR(X0, 64) \
	RQ_PAIR(X1, 64) \
	PACK_PAIR(X0, X1) \
	STORE8x2

// func gemm6x8Int16(a *int16, b *byte, kp int, c *int8, cStride int, q *Output)
//
// The 6 x 8 tile: channels 0-7 of one packed block of gemm6x16Int16
// (its header and weights as laid out for 16 channels), for a last block
// with at most 8 real channels (24, 40, ... output channels), whose other
// half would be computed for nothing. Writes 8 bytes of each of the 6
// output rows.
//
// Register contract:
//   AX      A panel (row m at AX + m*DX), DX = 2*kp bytes per row
//   SI, R8  A rows 0 and 3 during the k loop (rows 1, 2 at +DX, +2*DX; 4, 5 likewise)
//   BX      block header, DI its weights (64 bytes per k-pair), CX k-pairs left
//   R9      output row, R10 = cStride, R11 = q
//   Y0, Y2, ..., Y10  accumulators of rows 0-5 (channels 0-7)
//   Y12 weights of one k-pair, Y14 broadcast A pair, Y15 product, Y12-Y14 output stage
TEXT ·gemm6x8Int16(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ kp+16(FP), CX
	MOVQ c+24(FP), R9
	MOVQ cStride+32(FP), R10
	MOVQ q+40(FP), R11
	MOVQ CX, DX
	SHLQ $1, DX
	SHRQ $1, CX
	MOVQ AX, SI
	LEAQ (AX)(DX*2), R8
	ADDQ DX, R8
	LEAQ 448(BX), DI

	VMOVDQU (BX), Y0
	VMOVDQA Y0, Y2
	VMOVDQA Y0, Y4
	VMOVDQA Y0, Y6
	VMOVDQA Y0, Y8
	VMOVDQA Y0, Y10
	TESTQ   CX, CX
	JZ      requant

kloop:
	VMOVDQU (DI), Y12
	MADD_ROW8((SI), Y0)
	MADD_ROW8((SI)(DX*1), Y2)
	MADD_ROW8((SI)(DX*2), Y4)
	MADD_ROW8((R8), Y6)
	MADD_ROW8((R8)(DX*1), Y8)
	MADD_ROW8((R8)(DX*2), Y10)
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $64, DI
	DECQ CX
	JNZ  kloop

requant:
	CMPL 196(R11), $0
	JEQ  tflite
	RQ_STORE8x2_PAIR(Y0, Y2)
	RQ_STORE8x2_PAIR(Y4, Y6)
	RQ_STORE8x2_PAIR(Y8, Y10)
	VZEROUPPER
	RET

tflite:
	CMPL 192(R11), $0
	JEQ  nosat
	SATSHIFT(Y0, 0)
	SATSHIFT(Y2, 0)
	SATSHIFT(Y4, 0)
	SATSHIFT(Y6, 0)
	SATSHIFT(Y8, 0)
	SATSHIFT(Y10, 0)

nosat:
	REQUANT(Y0, 0)
	REQUANT(Y2, 0)
	PACK16(Y0, Y2)
	STORE8x2
	REQUANT(Y4, 0)
	REQUANT(Y6, 0)
	PACK16(Y4, Y6)
	STORE8x2
	REQUANT(Y8, 0)
	REQUANT(Y10, 0)
	PACK16(Y8, Y10)
	STORE8x2
	VZEROUPPER
	RET

// func widenRowsInt16(dst *int16, src *int8, srcStride, rows, n, kp int)
//
// For r < rows: dst[r*kp+i] = int16(src[r*srcStride+i]) for i < n, n a
// multiple of 8. AX rows left, SI/DI the row's source and destination,
// CX blocks of 16 left in the row, Y0 the widened block.
TEXT ·widenRowsInt16(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), R8
	MOVQ src+8(FP), R9
	MOVQ srcStride+16(FP), R10
	MOVQ rows+24(FP), AX
	MOVQ n+32(FP), R11
	MOVQ kp+40(FP), R12
	SHLQ $1, R12
	TESTQ AX, AX
	JZ   done

row:
	MOVQ R9, SI
	MOVQ R8, DI
	MOVQ R11, CX
	SHRQ $4, CX
	JZ   eight

loop:
	VPMOVSXBW (SI), Y0
	VMOVDQU   Y0, (DI)
	ADDQ      $16, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       loop

eight:
	TESTQ $8, R11
	JZ    next
	VPMOVSXBW (SI), X0
	VMOVDQU   X0, (DI)

next:
	ADDQ R10, R9
	ADDQ R12, R8
	DECQ AX
	JNZ  row
	VZEROUPPER

done:
	RET

// func xor80(dst *byte, src *int8, n int)
//
// dst[i] = byte(src[i]) ^ 0x80 (x + 128 as uint8) for i < n, n a multiple
// of 32. SI src, DI dst, CX blocks of 32 left, Y1 = 0x80 bytes.
TEXT ·xor80(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	SHRQ         $5, CX
	JZ           done
	MOVL         $0x80808080, AX
	MOVD         AX, X1
	VPBROADCASTD X1, Y1

loop:
	VPXOR   (SI), Y1, Y0
	VMOVDQU Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loop
	VZEROUPPER

done:
	RET


// VPDPBUSD_Yd is VPDPBUSD Yd += Y14 (uint8, broadcast A) x Y12 or Y13
// (int8 weights of channels 0-7 for even d, 8-15 for odd d), VEX-encoded
// (AVX-VNNI): Go's assembler encodes VPDPBUSD only as EVEX, which
// AVX-VNNI-only CPUs (Alder Lake and later client parts) reject. Bytes
// from GNU as: {vex} vpdpbusd %ymm12|13, %ymm14, %ymmd.
//
// Assembled with -D=EDGEINFER_EMULATE_VNNI (scripts/test-vnni-emulated.sh),
// each one is instead the exact AVX2 sequence VPDPBUSD_EMU, so that the
// AVX-VNNI tile runs, and is tested, on CPUs without AVX-VNNI; the macro
// bytes themselves are checked by disassembly in the same script.
#ifdef EDGEINFER_EMULATE_VNNI
#define VPDPBUSD_Y0 VPDPBUSD_EMU(Y12, Y0)
#define VPDPBUSD_Y1 VPDPBUSD_EMU(Y13, Y1)
#define VPDPBUSD_Y2 VPDPBUSD_EMU(Y12, Y2)
#define VPDPBUSD_Y3 VPDPBUSD_EMU(Y13, Y3)
#define VPDPBUSD_Y4 VPDPBUSD_EMU(Y12, Y4)
#define VPDPBUSD_Y5 VPDPBUSD_EMU(Y13, Y5)
#define VPDPBUSD_Y6 VPDPBUSD_EMU(Y12, Y6)
#define VPDPBUSD_Y7 VPDPBUSD_EMU(Y13, Y7)
#define VPDPBUSD_Y8 VPDPBUSD_EMU(Y12, Y8)
#define VPDPBUSD_Y9 VPDPBUSD_EMU(Y13, Y9)
#define VPDPBUSD_Y10 VPDPBUSD_EMU(Y12, Y10)
#define VPDPBUSD_Y11 VPDPBUSD_EMU(Y13, Y11)

// VPDPBUSD_EMU(W, D) adds to each int32 lane of D the four products of
// Y14's uint8 bytes and W's int8 bytes, as VPDPBUSD does (wrapping int32
// sums, no saturation), through Y15 only. Each uint8 byte u splits into
// nibbles, u = 16h + l: a VPMADDUBSW pair sum of 4-bit by int8 products
// is at most 2*15*128 = 3840 in magnitude, far from int16 saturation, and
// VPMADDWD by 1 (low nibbles) or 16 (high nibbles) widens the pair sums
// to the int32 lane sums.
#define VPDPBUSD_EMU(W, D) \
	VPAND      vnniNibbles<>(SB), Y14, Y15 \
	VPMADDUBSW W, Y15, Y15 \
	VPMADDWD   vnniOnes<>(SB), Y15, Y15 \
	VPADDD     Y15, D, D \
	VPSRLW     $4, Y14, Y15 \
	VPAND      vnniNibbles<>(SB), Y15, Y15 \
	VPMADDUBSW W, Y15, Y15 \
	VPMADDWD   vnniSixteens<>(SB), Y15, Y15 \
	VPADDD     Y15, D, D

DATA vnniNibbles<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA vnniNibbles<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA vnniNibbles<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA vnniNibbles<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL vnniNibbles<>(SB), RODATA|NOPTR, $32
DATA vnniOnes<>+0(SB)/8, $0x0001000100010001
DATA vnniOnes<>+8(SB)/8, $0x0001000100010001
DATA vnniOnes<>+16(SB)/8, $0x0001000100010001
DATA vnniOnes<>+24(SB)/8, $0x0001000100010001
GLOBL vnniOnes<>(SB), RODATA|NOPTR, $32
DATA vnniSixteens<>+0(SB)/8, $0x0010001000100010
DATA vnniSixteens<>+8(SB)/8, $0x0010001000100010
DATA vnniSixteens<>+16(SB)/8, $0x0010001000100010
DATA vnniSixteens<>+24(SB)/8, $0x0010001000100010
GLOBL vnniSixteens<>(SB), RODATA|NOPTR, $32

// func vnniEmulated() bool
TEXT ·vnniEmulated(SB), NOSPLIT, $0-1
	MOVB $1, ret+0(FP)
	RET
#else
#define VPDPBUSD_Y0 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xc4
#define VPDPBUSD_Y1 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xcd
#define VPDPBUSD_Y2 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xd4
#define VPDPBUSD_Y3 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xdd
#define VPDPBUSD_Y4 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xe4
#define VPDPBUSD_Y5 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xed
#define VPDPBUSD_Y6 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xf4
#define VPDPBUSD_Y7 BYTE $0xc4; BYTE $0xc2; BYTE $0x0d; BYTE $0x50; BYTE $0xfd
#define VPDPBUSD_Y8 BYTE $0xc4; BYTE $0x42; BYTE $0x0d; BYTE $0x50; BYTE $0xc4
#define VPDPBUSD_Y9 BYTE $0xc4; BYTE $0x42; BYTE $0x0d; BYTE $0x50; BYTE $0xcd
#define VPDPBUSD_Y10 BYTE $0xc4; BYTE $0x42; BYTE $0x0d; BYTE $0x50; BYTE $0xd4
#define VPDPBUSD_Y11 BYTE $0xc4; BYTE $0x42; BYTE $0x0d; BYTE $0x50; BYTE $0xdd

// func vnniEmulated() bool
TEXT ·vnniEmulated(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	RET
#endif

// DP_ROWm broadcasts row m's four uint8 activations at ADDR and
// multiply-adds them into the row's accumulators.
#define DP_ROW0(ADDR) \
	VPBROADCASTD ADDR, Y14 \
	VPDPBUSD_Y0 \
	VPDPBUSD_Y1

#define DP_ROW1(ADDR) \
	VPBROADCASTD ADDR, Y14 \
	VPDPBUSD_Y2 \
	VPDPBUSD_Y3

#define DP_ROW2(ADDR) \
	VPBROADCASTD ADDR, Y14 \
	VPDPBUSD_Y4 \
	VPDPBUSD_Y5

#define DP_ROW3(ADDR) \
	VPBROADCASTD ADDR, Y14 \
	VPDPBUSD_Y6 \
	VPDPBUSD_Y7

#define DP_ROW4(ADDR) \
	VPBROADCASTD ADDR, Y14 \
	VPDPBUSD_Y8 \
	VPDPBUSD_Y9

#define DP_ROW5(ADDR) \
	VPBROADCASTD ADDR, Y14 \
	VPDPBUSD_Y10 \
	VPDPBUSD_Y11

// func gemm6x16VNNI(a *byte, b *byte, kp int, c *int8, cStride int, q *Output, blocks int)
//
// The AVX-VNNI twin of gemm6x16Int16: A rows are kp uint8 (x+128), the
// weights int8 quads (64 bytes per k-quad for 16 channels), and VPDPBUSD
// replaces VPMADDWD + VPADDD. The register contract is gemm6x16Int16's,
// with DX = kp bytes per A row and CX counting k-quads.
TEXT ·gemm6x16VNNI(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ kp+16(FP), DX
	MOVQ c+24(FP), R13
	MOVQ cStride+32(FP), R10
	MOVQ q+40(FP), R11
	MOVQ blocks+48(FP), R12
	TESTQ R12, R12
	JZ   done

block:
	MOVQ AX, SI
	LEAQ (AX)(DX*2), R8
	ADDQ DX, R8
	LEAQ 448(BX), DI
	MOVQ kp+16(FP), CX
	MOVQ R13, R9

	VMOVDQU (BX), Y0
	VMOVDQU 32(BX), Y1
	VMOVDQA Y0, Y2
	VMOVDQA Y1, Y3
	VMOVDQA Y0, Y4
	VMOVDQA Y1, Y5
	VMOVDQA Y0, Y6
	VMOVDQA Y1, Y7
	VMOVDQA Y0, Y8
	VMOVDQA Y1, Y9
	VMOVDQA Y0, Y10
	VMOVDQA Y1, Y11

	SHRQ $2, CX
	CMPQ CX, $2
	JB   ktail

kloop2:
	VMOVDQU (DI), Y12
	VMOVDQU 32(DI), Y13
	DP_ROW0((SI))
	DP_ROW1((SI)(DX*1))
	DP_ROW2((SI)(DX*2))
	DP_ROW3((R8))
	DP_ROW4((R8)(DX*1))
	DP_ROW5((R8)(DX*2))
	VMOVDQU 64(DI), Y12
	VMOVDQU 96(DI), Y13
	DP_ROW0(4(SI))
	DP_ROW1(4(SI)(DX*1))
	DP_ROW2(4(SI)(DX*2))
	DP_ROW3(4(R8))
	DP_ROW4(4(R8)(DX*1))
	DP_ROW5(4(R8)(DX*2))
	ADDQ $8, SI
	ADDQ $8, R8
	ADDQ $128, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JAE  kloop2

ktail:
	TESTQ CX, CX
	JZ    requant
	VMOVDQU (DI), Y12
	VMOVDQU 32(DI), Y13
	DP_ROW0((SI))
	DP_ROW1((SI)(DX*1))
	DP_ROW2((SI)(DX*2))
	DP_ROW3((R8))
	DP_ROW4((R8)(DX*1))
	DP_ROW5((R8)(DX*2))
	ADDQ $64, DI

requant:
	CMPL 192(R11), $0
	JEQ  nosat
	SATSHIFT_6x16

nosat:
	REQUANT_STORE_6x16

	MOVQ DI, BX
	ADDQ $16, R13
	DECQ R12
	JNZ  block
	VZEROUPPER

done:
	RET

// One k-pair of the single row for gemm1x16Int8W: broadcast the pair at
// ADDR, sign-extend the int8 weight pairs of channels 0-7 at OFF(DI) and
// 8-15 at OFF+16(DI) to int16 and multiply-add them into A0 and A1,
// through T (broadcast) and U.
#define MADD_PAIR8(ADDR, OFF, T, U, A0, A1) \
	VPBROADCASTD ADDR, T \
	VPMOVSXBW    OFF(DI), U \
	VPMADDWD     U, T, U \
	VPADDD       U, A0, A0 \
	VPMOVSXBW    OFF+16(DI), U \
	VPMADDWD     U, T, U \
	VPADDD       U, A1, A1

// func gemm1x16Int8W(a *int16, b *byte, kp int, c *int8, q *Output, blocks int)
//
// gemm1x16Int16 over blocks whose weight pairs are int8 (32 bytes per
// k-pair instead of 64): a fully connected layer on one input vector reads
// every weight once, so its time is the weights' bytes, and VPMOVSXBW
// restores the int16 pairs VPMADDWD takes, bit for bit. Register contract
// as gemm1x16Int16's.
TEXT ·gemm1x16Int8W(SB), NOSPLIT, $0-48
	MOVQ  a+0(FP), AX
	MOVQ  b+8(FP), BX
	MOVQ  kp+16(FP), DX
	MOVQ  c+24(FP), R9
	MOVQ  q+32(FP), R11
	MOVQ  blocks+40(FP), R12
	MOVQ  $16, R10
	SHRQ  $1, DX
	TESTQ R12, R12
	JZ    w8done

w8block:
	MOVQ AX, SI
	LEAQ 448(BX), DI
	MOVQ DX, CX
	ACC1x16_INIT
	CMPQ CX, $4
	JB   w8ktail

w8kloop4:
	MADD_PAIR8((SI), 0, Y8, Y9, Y0, Y1)
	MADD_PAIR8(4(SI), 32, Y10, Y11, Y2, Y3)
	MADD_PAIR8(8(SI), 64, Y8, Y9, Y4, Y5)
	MADD_PAIR8(12(SI), 96, Y10, Y11, Y6, Y7)
	ADDQ $16, SI
	ADDQ $128, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JAE  w8kloop4

w8ktail:
	TESTQ CX, CX
	JZ    w8sum

w8kloop1:
	MADD_PAIR8((SI), 0, Y8, Y9, Y0, Y1)
	ADDQ $4, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  w8kloop1

w8sum:
	ACC1x16_SUM
	CMPL   192(R11), $0
	JEQ    w8nosat
	SATSHIFT(Y0, 0)
	SATSHIFT(Y1, 32)

w8nosat:
	REQUANT(Y0, 0)
	REQUANT(Y1, 32)
	STORE16(Y0, Y1)

	// The next block starts where this one's weights end.
	MOVQ DI, BX
	DECQ R12
	JNZ  w8block
	VZEROUPPER

w8done:
	RET
