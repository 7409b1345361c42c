// Requantization macros shared by requant_amd64.s and dw_amd64.s; see
// requant.go for the group layout and the lane formula.
//
// Register contract of every macro here:
//   Y15 = 2^30 in each qword          (REQUANT_SETUP)
//   Y14 = MinInt32 in each dword
//   Y13 = ActMin, Y12 = ActMax in each byte; Y11 = ZeroPoint in each word
//   Y8, Y9, Y10 (and Y2 in LEFT8) are clobbered.
// acc is a ymm register holding 8 int32 lanes; grp+off is the address of
// the lanes' 48-int32 constant group.

// REQUANT_SETUP(c) loads the constants from the RequantConsts at c (a GP
// register other than AX); clobbers AX.
#define REQUANT_SETUP(cp) \
	MOVQ         $0x40000000, AX; \
	VMOVQ        AX, X15; \
	VPBROADCASTQ X15, Y15; \
	MOVL         $0x80000000, AX; \
	VMOVD        AX, X14; \
	VPBROADCASTD X14, Y14; \
	VPBROADCASTB 0(cp), Y13; \
	VPBROADCASTB 4(cp), Y12; \
	VPBROADCASTW 8(cp), Y11

// LEFT8 is the saturating left shift by the group's left counts:
// s = x << l; if s >> l != x { s = x < 0 ? MinInt32 : MaxInt32 }.
#define LEFT8(acc, grp, off) \
	VPSLLVD   off+64(grp), acc, Y8; \
	VPSRAVD   off+64(grp), Y8, Y9; \
	VPCMPEQD  acc, Y9, Y9; \
	VPSRAD    $31, acc, Y10; \
	VPXOR     Y14, Y10, Y10; \
	VPCMPEQD  Y2, Y2, Y2; \
	VPXOR     Y2, Y10, Y10; \
	VPBLENDVB Y9, Y8, Y10, acc

// REQUANT8 maps 8 int32 lanes to q = MultiplyByQuantizedMultiplier(acc)
// (without LEFT8: for lanes whose left shift is 0), still in int32 lanes;
// PACK_* then add the zero point and clamp. The multiplier is never
// MinInt32 (NewRequantTable rejects it), so the doubling high multiply
// cannot overflow.
#define REQUANT8(acc, grp, off) \
	VPMULDQ  off+0(grp), acc, Y8; \
	VPADDQ   Y15, Y8, Y8; \
	VPSRLQ   $31, Y8, Y8; \
	VPSHUFD  $0xF5, acc, Y9; \
	VPMULDQ  off+32(grp), Y9, Y9; \
	VPADDQ   Y15, Y9, Y9; \
	VPSLLQ   $1, Y9, Y9; \
	VPBLENDD $0xAA, Y9, Y8, acc; \
	VPSRAVD  off+96(grp), acc, Y8; \
	VPAND    off+128(grp), acc, Y9; \
	VPSRAD   $31, acc, Y10; \
	VPADDD   Y10, Y9, Y9; \
	VPCMPGTD off+160(grp), Y9, Y9; \
	VPSUBD   Y9, Y8, acc

// PACK16 narrows the 16 lanes of REQUANT8's lo (lanes 0-3 and 8-11 in its
// two halves) and hi (4-7, 12-15) to the 16 int8 outputs in X(lo's
// register): saturate to int16, add the zero point saturating, saturate to
// int8, clamp to [ActMin, ActMax]. Every saturation lands outside int8, so
// the result equals clamp(q + ZeroPoint, ActMin, ActMax) computed exactly.
// xlo/xhi are the X names of lo/hi.
#define PACK16(lo, hi, xlo, xhi) \
	VPACKSSDW    hi, lo, lo; \
	VPADDSW      Y11, lo, lo; \
	VEXTRACTI128 $1, lo, xhi; \
	VPACKSSWB    xhi, xlo, xlo; \
	VPMAXSB      X13, xlo, xlo; \
	VPMINSB      X12, xlo, xlo

// PACK8 is PACK16 for the 8 lanes of acc in channel order; the 8 int8
// outputs are the low 8 bytes of xacc (xtmp is clobbered).
#define PACK8(acc, xacc, xtmp) \
	VEXTRACTI128 $1, acc, xtmp; \
	VPACKSSDW    xtmp, xacc, xacc; \
	VPADDSW      X11, xacc, xacc; \
	VPACKSSWB    xacc, xacc, xacc; \
	VPMAXSB      X13, xacc, xacc; \
	VPMINSB      X12, xacc, xacc

// REQUANT_SETUP_FAST is REQUANT_SETUP for REQUANT8_FAST: Y15 = 2^31 in each
// qword, Y14 = 0; Y13/Y12/Y11 as in REQUANT_SETUP.
#define REQUANT_SETUP_FAST(cp) \
	MOVQ         $0x80000000, AX; \
	VMOVQ        AX, X15; \
	VPBROADCASTQ X15, Y15; \
	VPXOR        Y14, Y14, Y14; \
	VPBROADCASTB 0(cp), Y13; \
	VPBROADCASTB 4(cp), Y12; \
	VPBROADCASTW 8(cp), Y11

// REQUANT8_FAST is REQUANT8 for accumulators known to satisfy
// |acc| < 2^30 and lanes without left shift: doubling acc first puts the
// doubling high multiply floor((2*acc*m + 2^31) / 2^32) in the high dword
// of each 64-bit product, which saves REQUANT8's 64-bit shift of the odd
// lanes, and the sign mask comes from a compare instead of a shift (two
// fewer operations on the shift/shuffle ports per 8 lanes).
#define REQUANT8_FAST(acc, grp, off) \
	VPADDD   acc, acc, acc; \
	VPMULDQ  off+0(grp), acc, Y8; \
	VPADDQ   Y15, Y8, Y8; \
	VPSRLQ   $32, Y8, Y8; \
	VPSHUFD  $0xF5, acc, Y9; \
	VPMULDQ  off+32(grp), Y9, Y9; \
	VPADDQ   Y15, Y9, Y9; \
	VPBLENDD $0xAA, Y9, Y8, acc; \
	VPSRAVD  off+96(grp), acc, Y8; \
	VPAND    off+128(grp), acc, Y9; \
	VPCMPGTD acc, Y14, Y10; \
	VPADDD   Y10, Y9, Y9; \
	VPCMPGTD off+160(grp), Y9, Y9; \
	VPSUBD   Y9, Y8, acc

// PACK16N is PACK16 for two registers of 8 lanes in channel order (lo:
// channels 0-7, hi: 8-15): VPACKSSDW interleaves 4-lane halves, VPERMQ puts
// them back in order.
#define PACK16N(lo, hi, xlo, xhi) \
	VPACKSSDW    hi, lo, lo; \
	VPERMQ       $0xD8, lo, lo; \
	VPADDSW      Y11, lo, lo; \
	VEXTRACTI128 $1, lo, xhi; \
	VPACKSSWB    xhi, xlo, xlo; \
	VPMAXSB      X13, xlo, xlo; \
	VPMINSB      X12, xlo, xlo
