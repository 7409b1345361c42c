//go:build gc && !purego

#include "textflag.h"
#include "pair_requant_amd64.h"
#include "gemm_tile_amd64.h"
#include "gemm_requant_amd64.h"
#include "wino_amd64.h"

// The Winograd F(2x2, 3x3) routines; wino.go states their semantics and
// the layouts of V, the packed blocks and M.

// WCOL_R computes column j of Bt d from the four patch rows' pixels at
// A0-A3 (rows at R12, R13, R14, AX, indexed by the column): r0 = d0 - d2, r1 = d1 + d2,
// r2 = d2 - d1, r3 = d1 - d3 into R0..R3, the raw int8 sign-extended
// (the zero point is taken out of V[1][1] alone: Bt 1 Bt' is 4 there and
// 0 elsewhere). Clobbers Y8-Y11.
#define WCOL_R(A0, A1, A2, A3, R0, R1, R2, R3) \
	VPMOVSXBW A0, Y8 \
	VPMOVSXBW A1, Y9 \
	VPMOVSXBW A2, Y10 \
	VPMOVSXBW A3, Y11 \
	VPSUBW    Y10, Y8, R0 \
	VPADDW    Y10, Y9, R1 \
	VPSUBW    Y9, Y10, R2 \
	VPSUBW    Y11, Y9, R3

// WSTORE stores X as the next point of this tile and channel block: at
// (R10), then R10 += R11 (one point's panel further).
#define WSTORE(X) \
	VMOVDQU X, (R10) \
	ADDQ    R11, R10

// WSUB_STORE4 stores the V column Y4-Y7 minus Y0-Y3 (Y4-Y7 are
// overwritten), one row after another: columns 0 and 3 of winoInput.
#define WSUB_STORE4 \
	VPSUBW Y0, Y4, Y4 \
	VPSUBW Y1, Y5, Y5 \
	VPSUBW Y2, Y6, Y6 \
	VPSUBW Y3, Y7, Y7 \
	WSTORE(Y4) \
	WSTORE(Y5) \
	WSTORE(Y6) \
	WSTORE(Y7)

// func winoInput(v *int16, kp int, src *int8, rowStride, pixStride, ch int, zp int, tiles int)
//
// WinoInputGo with v at the first tile's panel row (v + row*kp), ch >= 16
// (a last partial block of 16 channels overlaps the one before: the same
// values are written twice) and tiles >= 1.
//
// Register contract:
//   DI      the tile's V row (point 0, channel 0); R11 = 6*kp*2, one point's panel
//   SI      the tile's patch (row 0, pixel 0); R8 = rowStride, R9 = pixStride, BX = 3*pixStride
//   CX      ch, DX channel offset of the block
//   R12, R13, R14, AX  patch rows 0-3 at the block's channels
//   R10     V store pointer (point p of the block's channels)
//   Y15     4*zp in int16 lanes
//   Y0-Y7   columns of Bt d, Y8-Y11 loads and sums
TEXT ·winoInput(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), DI
	MOVQ kp+8(FP), R11
	MOVQ src+16(FP), SI
	MOVQ rowStride+24(FP), R8
	MOVQ pixStride+32(FP), R9
	MOVQ ch+40(FP), CX
	LEAQ (R9)(R9*2), BX
	LEAQ (R11)(R11*2), R11
	SHLQ $2, R11
	MOVQ zp+48(FP), AX
	SHLQ $2, AX
	VMOVD        AX, X15
	VPBROADCASTW X15, Y15

tile:
	XORQ DX, DX

block:
	LEAQ (SI)(DX*1), R12
	LEAQ (R12)(R8*1), R13
	LEAQ (R13)(R8*1), R14
	LEAQ (R14)(R8*1), AX
	LEAQ (DI)(DX*2), R10

	// Column 2 into Y0-Y3, column 0 into Y4-Y7: V[i][0] = r[i][0] - r[i][2].
	WCOL_R((R12)(R9*2), (R13)(R9*2), (R14)(R9*2), (AX)(R9*2), Y0, Y1, Y2, Y3)
	WCOL_R((R12), (R13), (R14), (AX), Y4, Y5, Y6, Y7)
	WSUB_STORE4

	// Column 1 into Y4-Y7: V[i][1] = r[i][1] + r[i][2] (less 4*zp at
	// i = 1), V[i][2] = r[i][2] - r[i][1].
	WCOL_R((R12)(R9*1), (R13)(R9*1), (R14)(R9*1), (AX)(R9*1), Y4, Y5, Y6, Y7)
	VPADDW Y0, Y4, Y8
	VPADDW Y1, Y5, Y9
	VPSUBW Y15, Y9, Y9
	VPADDW Y2, Y6, Y10
	VPADDW Y3, Y7, Y11
	WSTORE(Y8)
	WSTORE(Y9)
	WSTORE(Y10)
	WSTORE(Y11)
	VPSUBW Y4, Y0, Y0
	VPSUBW Y5, Y1, Y1
	VPSUBW Y6, Y2, Y2
	VPSUBW Y7, Y3, Y3
	WSTORE(Y0)
	WSTORE(Y1)
	WSTORE(Y2)
	WSTORE(Y3)

	// Column 3 into Y0-Y3: V[i][3] = r[i][1] - r[i][3].
	WCOL_R((R12)(BX*1), (R13)(BX*1), (R14)(BX*1), (AX)(BX*1), Y0, Y1, Y2, Y3)
	WSUB_STORE4

	// The next 16 channels; a partial last block overlaps.
	WINO_NEXT_BLOCK(block, nexttile)

nexttile:
	LEAQ (SI)(R9*2), SI
	MOVQ kp+8(FP), R10
	LEAQ (DI)(R10*2), DI
	DECQ tiles+56(FP)
	JNZ  tile
	VZEROUPPER
	RET

// func winoGemm6x16(v *int16, vStride, kp int, b *byte, m *int32, points, panels int)
//
// WinoGemm6x16Go: for each of the points points, and for each of the
// panels panels inside it (so the point's weights, 64 bytes per k-pair,
// come from memory once and from L1 for the other panels), the 6 x 16
// tile of the point's A panel (6 rows of kp int16, kp even) and weights,
// from zero, stored as int32 to the panel's M (384 bytes per point).
//
// Register contract:
//   AX      the point's A panel in panel 0, DX = 2*kp bytes per row, R10 = 2*vStride (next panel)
//   R14     the point's A panel in the current panel
//   SI, R8  A rows 0 and 3 during the k loop (rows 1, 2 at +DX, +2*DX; 4, 5 likewise)
//   BX      the point's weights, DI the k loop's, CX k-pairs left
//   R9      M of the point and panel, R11 = points*384 (next panel's M)
//   R12     points left, R13 panels left; m+32(FP) the point's M in panel 0
//   Y0-Y11  accumulators: row m channels 0-7 in Y(2m), 8-15 in Y(2m+1)
//   Y12-Y13 weights of one k-pair, Y14 broadcast A pair, Y15 product
TEXT ·winoGemm6x16(SB), NOSPLIT, $0-56
	MOVQ  v+0(FP), AX
	MOVQ  vStride+8(FP), R10
	SHLQ  $1, R10
	MOVQ  kp+16(FP), DX
	SHLQ  $1, DX
	MOVQ  b+24(FP), BX
	ADDQ  $448, BX
	MOVQ  points+40(FP), R12
	MOVQ  R12, R11
	IMULQ $384, R11

point:
	MOVQ AX, R14
	MOVQ m+32(FP), R9
	MOVQ panels+48(FP), R13

panel:
	MOVQ  BX, DI
	MOVQ  R14, SI
	LEAQ  (R14)(DX*2), R8
	ADDQ  DX, R8
	MOVQ  kp+16(FP), CX
	SHRQ  $1, CX
	ZERO_6x16
	CMPQ  CX, $2
	JB    ktail

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
	JZ    store
	MADD_6x16(0, 0, SI, R8, DX)
	ADDQ  $64, DI

store:
	VMOVDQU Y0, 0(R9)
	VMOVDQU Y1, 32(R9)
	VMOVDQU Y2, 64(R9)
	VMOVDQU Y3, 96(R9)
	VMOVDQU Y4, 128(R9)
	VMOVDQU Y5, 160(R9)
	VMOVDQU Y6, 192(R9)
	VMOVDQU Y7, 224(R9)
	VMOVDQU Y8, 256(R9)
	VMOVDQU Y9, 288(R9)
	VMOVDQU Y10, 320(R9)
	VMOVDQU Y11, 352(R9)

	// The next panel: its V and its M.
	ADDQ R10, R14
	ADDQ R11, R9
	DECQ R13
	JNZ  panel

	// The next point: its weights start where this one's end, its A
	// panel 6 rows further, its M 384 bytes further.
	MOVQ DI, BX
	LEAQ (DX)(DX*2), CX
	LEAQ (AX)(CX*2), AX
	ADDQ $384, m+32(FP)
	DECQ R12
	JNZ  point
	VZEROUPPER
	RET

// WOCOL adds column j of At M (points 4j..4j+3 of this tile's half at
// OFF = 4j*384 + half*32 from SI) into the half's Y = At M At'
// accumulators Y00, Y01, Y10, Y11 as column J's coefficients say
// (j = 0: Y.0 = col; 1: Y.0 += col, Y.1 = col; 2: Y.0 += col,
// Y.1 -= col; 3: Y.1 -= col). a = M0 + M1 + M2 in Y8, b = M1 - M2 - M3
// in Y9.
#define WOCOL_AB(OFF) \
	VMOVDQU OFF+384(SI), Y9 \
	VPADDD  OFF(SI), Y9, Y8 \
	VPADDD  OFF+768(SI), Y8, Y8 \
	VPSUBD  OFF+768(SI), Y9, Y9 \
	VPSUBD  OFF+1152(SI), Y9, Y9

#define WOCOL0(OFF, Y00, Y01, Y10, Y11) \
	WOCOL_AB(OFF) \
	VMOVDQA Y8, Y00 \
	VMOVDQA Y9, Y10

#define WOCOL1(OFF, Y00, Y01, Y10, Y11) \
	WOCOL_AB(OFF) \
	VPADDD  Y8, Y00, Y00 \
	VMOVDQA Y8, Y01 \
	VPADDD  Y9, Y10, Y10 \
	VMOVDQA Y9, Y11

#define WOCOL2(OFF, Y00, Y01, Y10, Y11) \
	WOCOL_AB(OFF) \
	VPADDD Y8, Y00, Y00 \
	VPSUBD Y8, Y01, Y01 \
	VPADDD Y9, Y10, Y10 \
	VPSUBD Y9, Y11, Y11

#define WOCOL3(OFF, Y00, Y01, Y10, Y11) \
	WOCOL_AB(OFF) \
	VPSUBD Y8, Y01, Y01 \
	VPSUBD Y9, Y11, Y11

// WOHALF computes the half's four outputs (channels 0-7: H = 0, 8-15:
// H = 32) of the tile at SI.
#define WOHALF(H, Y00, Y01, Y10, Y11) \
	WOCOL0(H, Y00, Y01, Y10, Y11) \
	WOCOL1(H+1536, Y00, Y01, Y10, Y11) \
	WOCOL2(H+3072, Y00, Y01, Y10, Y11) \
	WOCOL3(H+4608, Y00, Y01, Y10, Y11)

// WOPAIR stores the pixel of X0 (channels 0-7) and X1 (8-15) at ADDR in
// the pair form: A = Y>>1.
#define WOPAIR(X0, X1, ADDR) \
	VPSRAD $1, X0, X0 \
	VPSRAD $1, X1, X1 \
	RQ_PAIR(X0, 64) \
	RQ_PAIR(X1, 256) \
	PACK_PAIR(X0, X1) \
	VMOVDQU X12, ADDR

// WOTF_PRE turns the pixel's Y in X0 (channels 0-7) and X1 (8-15) into
// the TFLite form's accumulators: (Y>>2) + bias. WOTF_STORE requantizes
// them and stores the 16 bytes at ADDR (after SATSHIFT when some channel
// shifts left).
#define WOTF_PRE(X0, X1) \
	VPSRAD $2, X0, X0 \
	VPSRAD $2, X1, X1 \
	VPADDD 0(BX), X0, X0 \
	VPADDD 32(BX), X1, X1

#define WOTF_STORE(X0, X1, ADDR) \
	REQUANT(X0, 0) \
	REQUANT(X1, 32) \
	PACK16(X0, X1) \
	VMOVDQU X12, ADDR

#define WOTF_SAT(X0, X1) \
	SATSHIFT(X0, 0) \
	SATSHIFT(X1, 32)

// func winoOutput(m *int32, b *byte, q *Output, dst *int8, rowStride, pixStride, tiles int)
//
// WinoOutputGo with m at the first tile's row of M (M + t0*16) and
// tiles >= 1.
//
// Register contract:
//   SI      the tile's M (point p, channel half h at p*384 + h*32)
//   BX      block header, R11 q, DX the saturating-shift flag
//   R9      the tile's output pixel (0, 0); R10 = rowStride, R13 = pixStride, R14 = R9 + R10
//   CX      tiles left
//   Y0-Y3   channels 0-7 of Y00, Y01, Y10, Y11; Y4-Y7 channels 8-15
//   Y8-Y9   column sums; Y12-Y14 output stage scratch
TEXT ·winoOutput(SB), NOSPLIT, $0-56
	MOVQ m+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ q+16(FP), R11
	MOVQ dst+24(FP), R9
	MOVQ rowStride+32(FP), R10
	MOVQ pixStride+40(FP), R13
	MOVQ tiles+48(FP), CX
	MOVLQZX 192(R11), DX

otile:
	WOHALF(0, Y0, Y1, Y2, Y3)
	WOHALF(32, Y4, Y5, Y6, Y7)
	LEAQ (R9)(R10*1), R14
	CMPL 196(R11), $0
	JEQ  otflite
	WOPAIR(Y0, Y4, (R9))
	WOPAIR(Y1, Y5, (R9)(R13*1))
	WOPAIR(Y2, Y6, (R14))
	WOPAIR(Y3, Y7, (R14)(R13*1))
	JMP  onext

otflite:
	WOTF_PRE(Y0, Y4)
	WOTF_PRE(Y1, Y5)
	WOTF_PRE(Y2, Y6)
	WOTF_PRE(Y3, Y7)
	TESTQ DX, DX
	JZ    onosat
	WOTF_SAT(Y0, Y4)
	WOTF_SAT(Y1, Y5)
	WOTF_SAT(Y2, Y6)
	WOTF_SAT(Y3, Y7)

onosat:
	WOTF_STORE(Y0, Y4, (R9))
	WOTF_STORE(Y1, Y5, (R9)(R13*1))
	WOTF_STORE(Y2, Y6, (R14))
	WOTF_STORE(Y3, Y7, (R14)(R13*1))

onext:
	ADDQ $64, SI
	LEAQ (R9)(R13*2), R9
	DECQ CX
	JNZ  otile
	VZEROUPPER
	RET
