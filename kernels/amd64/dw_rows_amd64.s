//go:build gc && !purego

#include "textflag.h"

// The rows kernel and the strided pair-row builder (dw_rows.go describes
// the method; dwRowsGeneric and dwPairRowGeneric are the twins).

#include "dw_pair_amd64.h"

// Register contract of the rows kernels (DWR_KERNEL): DI output of the
// group's first pixel in the block, R9 the group's first entry's offset in
// the pair rows (64 bytes per pixel), R11 outStep, R12 clamp, DX pairStep,
// BX the block's constants, R13 the weights being multiplied (walking the
// half's kh*pairs vectors, then left at the half's requantization
// constants), SI the frame's row pointers, AX the window row, R8 the row's
// entry of the group's first pixel (groups of four and single pixels: of
// the current weight pair), R10 pairs left in the row (groups of four and
// single pixels), CX groups (then pixels) left, R15 pixels left after the
// groups of eight.
// Frame: [0:128) the lo halves' results of a group of eight, [128:184)
// the block's row pointers, 184 the bytes of a half's constants, 192 the
// block's output, 200 blocks left, 208 set during the overlapping last
// group of four, 216 the pixels of a partial last group of eight (0: none)
// and [224:352) its 8 pixels' outputs.
// Groups of eight, per half: Y0-Y7 the accumulators, Y8-Y10 the row's
// weight vectors, Y11 an entry, Y12-Y15 products; then Y8-Y12 and Y14 the
// requantization constants, Y13 a temporary, Y15 the VPERMD index of
// DWP_STORE2.
// Groups of four and single pixels: Y4 the weight vector, Y0-Y3 the
// accumulators, Y5-Y8 products; then Y4-Y8 and Y11 the constants, Y9 a
// temporary, Y12/Y13 the lo halves' results, Y14 the VPERMD index.

// DWR_MA accumulates the entry in Y11 times the weight pair w into acc
// (t a product).
#define DWR_MA(w, acc, t) \
	VPMADDWD Y11, w, t; \
	VPADDD   t, acc, acc

// DWR_ROW8_P3S1 is a window row of a group of eight with three weight
// pairs at stride 1 (pixel i reads entry i + 2p for pair p): the pairs at (R13) go to Y8-Y10,
// each of the 12 entries at e(R8), e+64(R8), ... is loaded once into Y11
// and multiplied into the accumulators of the pixels that read it; R13
// advances past the row's weights.
#define DWR_ROW8_P3S1(e) \
	VMOVDQU 0(R13), Y8; \
	VMOVDQU 32(R13), Y9; \
	VMOVDQU 64(R13), Y10; \
	VMOVDQU e+0(R8), Y11; \
	DWR_MA(Y8, Y0, Y12); \
	VMOVDQU e+64(R8), Y11; \
	DWR_MA(Y8, Y1, Y13); \
	VMOVDQU e+128(R8), Y11; \
	DWR_MA(Y8, Y2, Y14); \
	DWR_MA(Y9, Y0, Y15); \
	VMOVDQU e+192(R8), Y11; \
	DWR_MA(Y8, Y3, Y12); \
	DWR_MA(Y9, Y1, Y13); \
	VMOVDQU e+256(R8), Y11; \
	DWR_MA(Y8, Y4, Y14); \
	DWR_MA(Y9, Y2, Y15); \
	DWR_MA(Y10, Y0, Y12); \
	VMOVDQU e+320(R8), Y11; \
	DWR_MA(Y8, Y5, Y13); \
	DWR_MA(Y9, Y3, Y14); \
	DWR_MA(Y10, Y1, Y15); \
	VMOVDQU e+384(R8), Y11; \
	DWR_MA(Y8, Y6, Y12); \
	DWR_MA(Y9, Y4, Y13); \
	DWR_MA(Y10, Y2, Y14); \
	VMOVDQU e+448(R8), Y11; \
	DWR_MA(Y8, Y7, Y15); \
	DWR_MA(Y9, Y5, Y12); \
	DWR_MA(Y10, Y3, Y13); \
	VMOVDQU e+512(R8), Y11; \
	DWR_MA(Y9, Y6, Y14); \
	DWR_MA(Y10, Y4, Y15); \
	VMOVDQU e+576(R8), Y11; \
	DWR_MA(Y9, Y7, Y12); \
	DWR_MA(Y10, Y5, Y13); \
	VMOVDQU e+640(R8), Y11; \
	DWR_MA(Y10, Y6, Y14); \
	VMOVDQU e+704(R8), Y11; \
	DWR_MA(Y10, Y7, Y15); \
	ADDQ $96, R13

// DWR_ROW8_P3S2 is a window row of a group of eight with three weight
// pairs at stride 2 (pixel i reads entry i + p for pair p): the pairs at (R13) go to Y8-Y10,
// each of the 10 entries at e(R8), e+64(R8), ... is loaded once into Y11
// and multiplied into the accumulators of the pixels that read it; R13
// advances past the row's weights.
#define DWR_ROW8_P3S2(e) \
	VMOVDQU 0(R13), Y8; \
	VMOVDQU 32(R13), Y9; \
	VMOVDQU 64(R13), Y10; \
	VMOVDQU e+0(R8), Y11; \
	DWR_MA(Y8, Y0, Y12); \
	VMOVDQU e+64(R8), Y11; \
	DWR_MA(Y8, Y1, Y13); \
	DWR_MA(Y9, Y0, Y14); \
	VMOVDQU e+128(R8), Y11; \
	DWR_MA(Y8, Y2, Y15); \
	DWR_MA(Y9, Y1, Y12); \
	DWR_MA(Y10, Y0, Y13); \
	VMOVDQU e+192(R8), Y11; \
	DWR_MA(Y8, Y3, Y14); \
	DWR_MA(Y9, Y2, Y15); \
	DWR_MA(Y10, Y1, Y12); \
	VMOVDQU e+256(R8), Y11; \
	DWR_MA(Y8, Y4, Y13); \
	DWR_MA(Y9, Y3, Y14); \
	DWR_MA(Y10, Y2, Y15); \
	VMOVDQU e+320(R8), Y11; \
	DWR_MA(Y8, Y5, Y12); \
	DWR_MA(Y9, Y4, Y13); \
	DWR_MA(Y10, Y3, Y14); \
	VMOVDQU e+384(R8), Y11; \
	DWR_MA(Y8, Y6, Y15); \
	DWR_MA(Y9, Y5, Y12); \
	DWR_MA(Y10, Y4, Y13); \
	VMOVDQU e+448(R8), Y11; \
	DWR_MA(Y8, Y7, Y14); \
	DWR_MA(Y9, Y6, Y15); \
	DWR_MA(Y10, Y5, Y12); \
	VMOVDQU e+512(R8), Y11; \
	DWR_MA(Y9, Y7, Y13); \
	DWR_MA(Y10, Y6, Y14); \
	VMOVDQU e+576(R8), Y11; \
	DWR_MA(Y10, Y7, Y15); \
	ADDQ $96, R13

// DWR_MADD4 accumulates the weight pair in Y4 times the entries of 4
// pixels at e(R8) (64 bytes apart) into Y0-Y3.
#define DWR_MADD4(e) \
	VPMADDWD e+0(R8), Y4, Y5; \
	VPMADDWD e+64(R8), Y4, Y6; \
	VPMADDWD e+128(R8), Y4, Y7; \
	VPMADDWD e+192(R8), Y4, Y8; \
	VPADDD   Y5, Y0, Y0; \
	VPADDD   Y6, Y1, Y1; \
	VPADDD   Y7, Y2, Y2; \
	VPADDD   Y8, Y3, Y3

// DWR_CONSTS loads the requantization constants of a half from (R13).
#define DWR_CONSTS(m, mo, ke, ko, cmp, r) \
	VMOVDQU 64(R13), m; \
	VMOVDQU 96(R13), mo; \
	VMOVDQU 0(R13), ke; \
	VMOVDQU 32(R13), ko; \
	VMOVDQU 128(R13), cmp; \
	VMOVDQU 160(R13), r

// DWR_KERNEL is the body of the rows kernels, ROW8 the window row of a
// group of eight:
//
// blocks blocks of 16 channels of count output pixels of a window of kh
// rows of pairs weight pairs on pair rows: rows[ky] is window row ky's
// entry for the first pixel of block 0, advancing by rows[7+ky] bytes per
// block (0 for the row of zero points); within a block the next
// pixel's entry follows (64 bytes), the next weight pair's pairStep bytes
// on. out advances by outStep per pixel and 16 per block; packed holds
// 2*rowsHalfLen(kh, pairs) constants per block, clamp 32 x ActMin then
// 32 x ActMax.
// Groups of eight, then of four, pixels run the lo halves, then the hi
// halves. When count%8 >= 5 the last group of eight is partial: it
// computes 8 pixels (reading up to dwRowsSpare entries past the row) into
// the frame and copies count%8 of them out. Otherwise the last count%4
// pixels run as a group of four that overlaps the previous one
// (recomputing up to three pixels, with the same results), or one at a
// time when count < 4.
// Register contract: above.
#define DWR_KERNEL(ROW8) \
	CMPQ count+40(FP), $0; \
	JLE  done; \
	CMPQ blocks+48(FP), $0; \
	JLE  done; \
	MOVQ outStep+56(FP), R11; \
	MOVQ clamp+72(FP), R12; \
	MOVQ pairStep+32(FP), DX; \
	LEAQ 128(SP), SI; \
	MOVQ rows+8(FP), R8; \
	XORQ AX, AX; \
copyrows: \
	MOVQ (R8)(AX*8), R10; \
	MOVQ R10, (SI)(AX*8); \
	INCQ AX; \
	CMPQ AX, kh+16(FP); \
	JLT  copyrows; \
	MOVQ kh+16(FP), AX; \
	IMULQ pairs+24(FP), AX; \
	SHLQ $5, AX; \
	ADDQ $192, AX; \
	MOVQ AX, 184(SP); \
	MOVQ out+0(FP), AX; \
	MOVQ AX, 192(SP); \
	MOVQ blocks+48(FP), AX; \
	MOVQ AX, 200(SP); \
	MOVQ packed+64(FP), BX; \
block: \
	MOVQ 192(SP), DI; \
	XORQ R9, R9; \
	MOVQ $0, 208(SP); \
	MOVQ $0, 216(SP); \
	MOVQ count+40(FP), R15; \
	MOVQ R15, CX; \
	SHRQ $3, CX; \
	ANDQ $7, R15; \
	CMPQ R15, $5; \
	JLT  whole; \
	MOVQ R15, 216(SP); \
	XORQ R15, R15; \
	INCQ CX; \
whole: \
	TESTQ CX, CX; \
	JZ   four; \
group8: \
	MOVQ   BX, R13; \
	VPXOR  Y0, Y0, Y0; \
	VPXOR  Y1, Y1, Y1; \
	VPXOR  Y2, Y2, Y2; \
	VPXOR  Y3, Y3, Y3; \
	VPXOR  Y4, Y4, Y4; \
	VPXOR  Y5, Y5, Y5; \
	VPXOR  Y6, Y6, Y6; \
	VPXOR  Y7, Y7, Y7; \
	XORQ   AX, AX; \
row8lo: \
	MOVQ (SI)(AX*8), R8; \
	ADDQ R9, R8; \
	ROW8(0); \
	INCQ AX; \
	CMPQ AX, kh+16(FP); \
	JLT  row8lo; \
	DWR_CONSTS(Y8, Y9, Y10, Y11, Y12, Y14); \
	DWP_REQUANT(Y0, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y1, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y2, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y3, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y4, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y5, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y6, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y7, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	VPACKSSDW Y1, Y0, Y0; \
	VPACKSSDW Y3, Y2, Y2; \
	VPACKSSDW Y5, Y4, Y4; \
	VPACKSSDW Y7, Y6, Y6; \
	VMOVDQU   Y0, 0(SP); \
	VMOVDQU   Y2, 32(SP); \
	VMOVDQU   Y4, 64(SP); \
	VMOVDQU   Y6, 96(SP); \
	ADDQ      $192, R13; \
	VPXOR     Y0, Y0, Y0; \
	VPXOR     Y1, Y1, Y1; \
	VPXOR     Y2, Y2, Y2; \
	VPXOR     Y3, Y3, Y3; \
	VPXOR     Y4, Y4, Y4; \
	VPXOR     Y5, Y5, Y5; \
	VPXOR     Y6, Y6, Y6; \
	VPXOR     Y7, Y7, Y7; \
	XORQ      AX, AX; \
row8hi: \
	MOVQ (SI)(AX*8), R8; \
	ADDQ R9, R8; \
	ROW8(32); \
	INCQ AX; \
	CMPQ AX, kh+16(FP); \
	JLT  row8hi; \
	DWR_CONSTS(Y8, Y9, Y10, Y11, Y12, Y14); \
	DWP_REQUANT(Y0, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y1, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y2, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y3, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y4, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y5, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y6, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	DWP_REQUANT(Y7, Y8, Y9, Y10, Y11, Y12, Y14, Y13); \
	VPACKSSDW Y1, Y0, Y0; \
	VPACKSSDW Y3, Y2, Y2; \
	VPACKSSDW Y5, Y4, Y4; \
	VPACKSSDW Y7, Y6, Y6; \
	VMOVDQU   dwPairPerm<>(SB), Y15; \
	VMOVDQU   0(SP), Y1; \
	VMOVDQU   32(SP), Y3; \
	VMOVDQU   64(SP), Y5; \
	VMOVDQU   96(SP), Y7; \
	CMPQ      CX, $1; \
	JNE       store8; \
	CMPQ      216(SP), $0; \
	JNE       partial; \
store8: \
	LEAQ      (R11)(R11*2), R13; \
	LEAQ      (DI)(R11*4), AX; \
	DWP_STORE2(Y1, Y0, X1, Y15, R12, (DI), (DI)(R11*1)); \
	DWP_STORE2(Y3, Y2, X3, Y15, R12, (DI)(R11*2), (DI)(R13*1)); \
	DWP_STORE2(Y5, Y4, X5, Y15, R12, (AX), (AX)(R11*1)); \
	DWP_STORE2(Y7, Y6, X7, Y15, R12, (AX)(R11*2), (AX)(R13*1)); \
	ADDQ $512, R9; \
	LEAQ (DI)(R11*8), DI; \
	DECQ CX; \
	JNZ  group8; \
four: \
	VMOVDQU dwPairPerm<>(SB), Y14; \
	MOVQ    R15, CX; \
	SHRQ    $2, CX; \
	JZ      tail; \
group4: \
	MOVQ  BX, R13; \
	VPXOR Y0, Y0, Y0; \
	VPXOR Y1, Y1, Y1; \
	VPXOR Y2, Y2, Y2; \
	VPXOR Y3, Y3, Y3; \
	XORQ  AX, AX; \
row4lo: \
	MOVQ (SI)(AX*8), R8; \
	ADDQ R9, R8; \
	MOVQ pairs+24(FP), R10; \
pair4lo: \
	VMOVDQU (R13), Y4; \
	DWR_MADD4(0); \
	ADDQ    $32, R13; \
	ADDQ    DX, R8; \
	DECQ    R10; \
	JNZ     pair4lo; \
	INCQ    AX; \
	CMPQ    AX, kh+16(FP); \
	JLT     row4lo; \
	DWR_CONSTS(Y4, Y5, Y6, Y7, Y8, Y11); \
	DWP_REQUANT(Y0, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	DWP_REQUANT(Y1, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	DWP_REQUANT(Y2, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	DWP_REQUANT(Y3, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	VPACKSSDW Y1, Y0, Y12; \
	VPACKSSDW Y3, Y2, Y13; \
	ADDQ      $192, R13; \
	VPXOR     Y0, Y0, Y0; \
	VPXOR     Y1, Y1, Y1; \
	VPXOR     Y2, Y2, Y2; \
	VPXOR     Y3, Y3, Y3; \
	XORQ      AX, AX; \
row4hi: \
	MOVQ (SI)(AX*8), R8; \
	ADDQ R9, R8; \
	MOVQ pairs+24(FP), R10; \
pair4hi: \
	VMOVDQU (R13), Y4; \
	DWR_MADD4(32); \
	ADDQ    $32, R13; \
	ADDQ    DX, R8; \
	DECQ    R10; \
	JNZ     pair4hi; \
	INCQ    AX; \
	CMPQ    AX, kh+16(FP); \
	JLT     row4hi; \
	DWR_CONSTS(Y4, Y5, Y6, Y7, Y8, Y11); \
	DWP_REQUANT(Y0, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	DWP_REQUANT(Y1, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	DWP_REQUANT(Y2, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	DWP_REQUANT(Y3, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	VPACKSSDW Y1, Y0, Y0; \
	VPACKSSDW Y3, Y2, Y2; \
	LEAQ      (R11)(R11*2), R13; \
	DWP_STORE2(Y12, Y0, X12, Y14, R12, (DI), (DI)(R11*1)); \
	DWP_STORE2(Y13, Y2, X13, Y14, R12, (DI)(R11*2), (DI)(R13*1)); \
	ADDQ $256, R9; \
	LEAQ (DI)(R11*4), DI; \
	DECQ CX; \
	JNZ  group4; \
tail: \
	CMPQ  208(SP), $0; \
	JNE   next; \
	MOVQ  R15, CX; \
	ANDQ  $3, CX; \
	JZ    next; \
	CMPQ  count+40(FP), $4; \
	JLT   pixel; \
	MOVQ  $4, AX; \
	SUBQ  CX, AX; \
	MOVQ  AX, CX; \
	SHLQ  $6, CX; \
	SUBQ  CX, R9; \
	IMULQ R11, AX; \
	SUBQ  AX, DI; \
	MOVQ  $1, 208(SP); \
	MOVQ  $1, CX; \
	JMP   group4; \
pixel: \
	MOVQ  BX, R13; \
	VPXOR Y0, Y0, Y0; \
	XORQ  AX, AX; \
row1lo: \
	MOVQ (SI)(AX*8), R8; \
	ADDQ R9, R8; \
	MOVQ pairs+24(FP), R10; \
pair1lo: \
	VMOVDQU  (R13), Y4; \
	VPMADDWD 0(R8), Y4, Y5; \
	VPADDD   Y5, Y0, Y0; \
	ADDQ     $32, R13; \
	ADDQ     DX, R8; \
	DECQ     R10; \
	JNZ      pair1lo; \
	INCQ     AX; \
	CMPQ     AX, kh+16(FP); \
	JLT      row1lo; \
	DWR_CONSTS(Y4, Y5, Y6, Y7, Y8, Y11); \
	DWP_REQUANT(Y0, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	VMOVDQA Y0, Y12; \
	ADDQ    $192, R13; \
	VPXOR   Y0, Y0, Y0; \
	XORQ    AX, AX; \
row1hi: \
	MOVQ (SI)(AX*8), R8; \
	ADDQ R9, R8; \
	MOVQ pairs+24(FP), R10; \
pair1hi: \
	VMOVDQU  (R13), Y4; \
	VPMADDWD 32(R8), Y4, Y5; \
	VPADDD   Y5, Y0, Y0; \
	ADDQ     $32, R13; \
	ADDQ     DX, R8; \
	DECQ     R10; \
	JNZ      pair1hi; \
	INCQ     AX; \
	CMPQ     AX, kh+16(FP); \
	JLT      row1hi; \
	DWR_CONSTS(Y4, Y5, Y6, Y7, Y8, Y11); \
	DWP_REQUANT(Y0, Y4, Y5, Y6, Y7, Y8, Y11, Y9); \
	VPACKSSDW    Y0, Y12, Y12; \
	VEXTRACTI128 $1, Y12, X13; \
	VPACKSSWB    X13, X12, X12; \
	VPSHUFB      dwPairShuffle<>(SB), X12, X12; \
	VPMAXSB      (R12), X12, X12; \
	VPMINSB      32(R12), X12, X12; \
	VMOVDQU      X12, (DI); \
	ADDQ $64, R9; \
	ADDQ R11, DI; \
	DECQ CX; \
	JNZ  pixel; \
	JMP  next; \
partial: \
	DWP_STORE2(Y1, Y0, X1, Y15, R12, 224(SP), 240(SP)); \
	DWP_STORE2(Y3, Y2, X3, Y15, R12, 256(SP), 272(SP)); \
	DWP_STORE2(Y5, Y4, X5, Y15, R12, 288(SP), 304(SP)); \
	DWP_STORE2(Y7, Y6, X7, Y15, R12, 320(SP), 336(SP)); \
	MOVQ 216(SP), AX; \
	LEAQ 224(SP), R8; \
copyout: \
	VMOVDQU (R8), X0; \
	VMOVDQU X0, (DI); \
	ADDQ $16, R8; \
	ADDQ R11, DI; \
	DECQ AX; \
	JNZ  copyout; \
next: \
	ADDQ $16, 192(SP); \
	MOVQ rows+8(FP), R8; \
	XORQ AX, AX; \
advance: \
	MOVQ 56(R8)(AX*8), R10; \
	ADDQ R10, (SI)(AX*8); \
	INCQ AX; \
	CMPQ AX, kh+16(FP); \
	JLT  advance; \
	MOVQ 184(SP), AX; \
	LEAQ (BX)(AX*2), BX; \
	DECQ 200(SP); \
	JNZ  block; \
done: \
	VZEROUPPER; \
	RET

// func dwRowsP3S1AVX2(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8)
TEXT ·dwRowsP3S1AVX2(SB), NOSPLIT, $352-80
	DWR_KERNEL(DWR_ROW8_P3S1)

// func dwRowsP3S2AVX2(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8)
TEXT ·dwRowsP3S2AVX2(SB), NOSPLIT, $352-80
	DWR_KERNEL(DWR_ROW8_P3S2)

// func dwPairRowStridedAVX2(dst *int16, src *int8, n, blocks, c, step, blockStride int)
//
// Builds n pair-row entries for each of blocks blocks: block b's entry j
// (at dst + b*blockStride + 64*j) interleaves the 16 channels of pixels
// src + j*step and src + j*step + c (from channel 16*b), sign-extended:
// VPUNPCKLWD gives the lo half, VPUNPCKHWD the hi half.
//
// Register contract: DI entry, SI entry's first pixel, R8 block's dst, R9
// block's src, CX entries left, R10 blocks left, R11 c, R12 step, DX
// blockStride; Y0/Y1 the two pixels widened, Y2/Y3 the halves.
TEXT ·dwPairRowStridedAVX2(SB), NOSPLIT, $0-56
	MOVQ  n+16(FP), CX
	TESTQ CX, CX
	JLE   sdone
	MOVQ  blocks+24(FP), R10
	TESTQ R10, R10
	JLE   sdone
	MOVQ  dst+0(FP), R8
	MOVQ  src+8(FP), R9
	MOVQ  c+32(FP), R11
	MOVQ  step+40(FP), R12
	MOVQ  blockStride+48(FP), DX

sblock:
	MOVQ R8, DI
	MOVQ R9, SI
	MOVQ n+16(FP), CX

sentry:
	VPMOVSXBW  (SI), Y0
	VPMOVSXBW  (SI)(R11*1), Y1
	VPUNPCKLWD Y1, Y0, Y2
	VPUNPCKHWD Y1, Y0, Y3
	VMOVDQU    Y2, (DI)
	VMOVDQU    Y3, 32(DI)
	ADDQ       R12, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        sentry
	ADDQ       DX, R8
	ADDQ       $16, R9
	DECQ       R10
	JNZ        sblock

sdone:
	VZEROUPPER
	RET
