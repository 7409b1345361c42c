// Requantization macros shared by requant_amd64.s and dw_amd64.s; see
// requant.go for the group layout and the lane formula.
//
// Register contract of every macro here:
//   Y15 = 2^30 in each qword          (REQUANT_SETUP)
//   Y14 = MinInt32 in each dword
//   Y13 = Lo, Y12 = Hi, Y11 = ZeroPoint in each dword
//   Y8, Y9, Y10 (and Y2 in LEFT8) are clobbered.
// acc is a ymm register holding 8 int32 lanes; grp+off is the address of
// the lanes' 48-int32 constant group.

// REQUANT_SETUP(c) loads the constants from the RequantConsts at c (a GP
// register); clobbers AX.
#define REQUANT_SETUP(cp) \
	MOVQ         $0x40000000, AX; \
	MOVQ         AX, X15; \
	VPBROADCASTQ X15, Y15; \
	MOVL         $0x80000000, AX; \
	MOVL         AX, X14; \
	VPBROADCASTD X14, Y14; \
	VPBROADCASTD 0(cp), Y13; \
	VPBROADCASTD 4(cp), Y12; \
	VPBROADCASTD 8(cp), Y11

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

// REQUANT8 maps 8 int32 lanes to the clamped int32 result
// min(max(q, Lo), Hi) + ZeroPoint, still in int32 lanes.
#define REQUANT8(acc, grp, off) \
	VPMULDQ  off+0(grp), acc, Y8; \
	VPADDQ   Y15, Y8, Y8; \
	VPSRLQ   $31, Y8, Y8; \
	VPSHUFD  $0xF5, acc, Y9; \
	VPMULDQ  off+32(grp), Y9, Y9; \
	VPADDQ   Y15, Y9, Y9; \
	VPSLLQ   $1, Y9, Y9; \
	VPBLENDD $0xAA, Y9, Y8, acc; \
	VPCMPEQD Y14, acc, Y8; \
	VPXOR    Y8, acc, acc; \
	VPSRAVD  off+96(grp), acc, Y8; \
	VPAND    off+128(grp), acc, Y9; \
	VPSRAD   $31, acc, Y10; \
	VPADDD   Y10, Y9, Y9; \
	VPCMPGTD off+160(grp), Y9, Y9; \
	VPSUBD   Y9, Y8, acc; \
	VPMAXSD  Y13, acc, acc; \
	VPMINSD  Y12, acc, acc; \
	VPADDD   Y11, acc, acc
