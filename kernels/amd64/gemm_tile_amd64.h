// Output stage of the ymm GEMM tiles, shared by gemm_avx2_amd64.s (the 6 x 16
// AVX2 and AVX-VNNI tiles) and conv_stem_amd64.s (the direct convolution
// over widened input rows, which uses the same packed blocks).

// nudge is 2^30 in each int64 lane: the rounding term of the doubling high
// multiply floor((a*b + 2^30) / 2^31).
DATA nudge<>+0(SB)/8, $0x40000000
DATA nudge<>+8(SB)/8, $0x40000000
DATA nudge<>+16(SB)/8, $0x40000000
DATA nudge<>+24(SB)/8, $0x40000000
GLOBL nudge<>(SB), RODATA|NOPTR, $32

// maxInt32 is MaxInt32 in each int32 lane; XORed with a sign mask it gives
// the saturated value of the left shift.
DATA maxInt32<>+0(SB)/8, $0x7fffffff7fffffff
DATA maxInt32<>+8(SB)/8, $0x7fffffff7fffffff
DATA maxInt32<>+16(SB)/8, $0x7fffffff7fffffff
DATA maxInt32<>+24(SB)/8, $0x7fffffff7fffffff
GLOBL maxInt32<>(SB), RODATA|NOPTR, $32

// Output stage of the ymm GEMM tiles. BX points at the packed block's
// header (NR = 16 int32 per row: bias +0, multiplier +64, left shift +128,
// right shift +192, rounding mask +256, threshold +320, odd-lane
// multiplier +384; weights at +448); H is 0 for channels 0-7 and 32 for
// channels 8-15; R11 points at the Output block (saturation flag +192,
// int16 zero point +256, int8 lo +320, int8 hi +352). Y12-Y14 are scratch.

// SATSHIFT: X = saturating X << left.
#define SATSHIFT(X, H) \
	VPSLLVD   128+H(BX), X, Y12 \
	VPSRAVD   128+H(BX), Y12, Y13 \
	VPCMPEQD  X, Y13, Y13 \
	VPSRAD    $31, X, Y14 \
	VPXOR     maxInt32<>(SB), Y14, Y14 \
	VPBLENDVB Y13, Y12, Y14, X

// SRDHM: X = floor((X * multiplier + 2^30) / 2^31), even lanes with
// VPMULDQ directly, odd lanes moved down by VPSHUFD and multiplied by the
// odd-lane multipliers.
#define SRDHM(X, H) \
	VPMULDQ  64+H(BX), X, Y12 \
	VPSHUFD  $0xf5, X, Y13 \
	VPMULDQ  384+H(BX), Y13, Y13 \
	VPADDQ   nudge<>(SB), Y12, Y12 \
	VPADDQ   nudge<>(SB), Y13, Y13 \
	VPSRLQ   $31, Y12, Y12 \
	VPSLLQ   $1, Y13, Y13 \
	VPBLENDD $0xaa, Y13, Y12, X

// RDBP: X = RoundingDivideByPOT(X, right): X>>right, plus one when
// (X & mask) + (X < 0 ? -1 : 0) > threshold.
#define RDBP(X, H) \
	VPAND    256+H(BX), X, Y12 \
	VPSRAD   $31, X, Y13 \
	VPADDD   Y13, Y12, Y12 \
	VPCMPGTD 320+H(BX), Y12, Y12 \
	VPSRAVD  192+H(BX), X, X \
	VPSUBD   Y12, X, X

#define REQUANT(X, H) \
	SRDHM(X, H) \
	RDBP(X, H)

// PACK16 adds the zero point to the 16 int32 of X0 and X1 (in that
// order), clamps them to [ActMin, ActMax] and leaves the 16 bytes in X12
// (Y13 is clobbered). Saturating packs make this exact for any int32:
// sat8(sat16(sat16(v) + zp)) is clamp(v + zp, -128, 127) because a value
// that saturates int16 is far outside int8 either way.
#define PACK16(X0, X1) \
	VPACKSSDW    X1, X0, Y12 \
	VPERMQ       $0xd8, Y12, Y12 \
	VPADDSW      256(R11), Y12, Y12 \
	VEXTRACTI128 $1, Y12, X13 \
	VPACKSSWB    X13, X12, X12 \
	VPMAXSB      320(R11), X12, X12 \
	VPMINSB      352(R11), X12, X12

// STORE16 stores PACK16 of X0 (channels 0-7) and X1 (8-15) at (R9);
// R9 += R10.
#define STORE16(X0, X1) \
	PACK16(X0, X1) \
	VMOVDQU X12, (R9) \
	ADDQ    R10, R9

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

// One k-pair of one row: broadcast the row's int16 pair ADDR and
// multiply-add it with both weight vectors (Y12: channels 0-7, Y13: 8-15).
#define MADD_ROW(ADDR, A0, A1) \
	VPBROADCASTD ADDR, Y14 \
	VPMADDWD     Y12, Y14, Y15 \
	VPADDD       Y15, A0, A0 \
	VPMADDWD     Y13, Y14, Y15 \
	VPADDD       Y15, A1, A1
