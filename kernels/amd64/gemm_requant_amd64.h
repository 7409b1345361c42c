// The TFLite-form output stage of the ymm GEMM tiles (gemm_avx2_amd64.s)
// and of the Winograd output transform (wino_amd64.s).

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
//
// When the Output's pair flag (+196) is set, the AVX2 tiles' blocks are in
// the pair form instead (gemm_pair.go): header row 0 is zero, the
// weights doubled, and RQ_STORE_PAIR (pair_requant_amd64.h) requantizes
// with the constants of channels 0-7 at +64 and 8-15 at +256. The
// AVX-VNNI tile never sees the flag set.

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
