// Shared by the pair-row kernels (dw_pair_amd64.s, dw_rows_amd64.s,
// dw_3x3s2_amd64.s): the requantization and the store of dw_pair.go, and
// their constants (file-local data: each including file has its copy).

// dwPairShuffle<> swaps bytes 1 and 2 of every four, in both 128-bit
// halves: the requantization's VSHUFPS leaves channels (0,2,1,3) of every
// four in that order.
DATA dwPairShuffle<>+0(SB)/8, $0x0705060403010200
DATA dwPairShuffle<>+8(SB)/8, $0x0f0d0e0c0b090a08
DATA dwPairShuffle<>+16(SB)/8, $0x0705060403010200
DATA dwPairShuffle<>+24(SB)/8, $0x0f0d0e0c0b090a08
GLOBL dwPairShuffle<>(SB), RODATA|NOPTR, $32

// dwPairPerm<> is the VPERMD index of DWP_STORE2: dwords 0,2,4,6 (the
// first pixel's 16 bytes), then 1,3,5,7 (the second's).
DATA dwPairPerm<>+0(SB)/8, $0x0000000200000000
DATA dwPairPerm<>+8(SB)/8, $0x0000000600000004
DATA dwPairPerm<>+16(SB)/8, $0x0000000300000001
DATA dwPairPerm<>+24(SB)/8, $0x0000000700000005
GLOBL dwPairPerm<>(SB), RODATA|NOPTR, $32

// DWP_REQUANT maps the 8 accumulator lanes of acc (2*acc - 2*bias, see
// dw_pair.go) to the 8 results q + ZeroPoint: h'' = hi32(A*m + Ke) for the
// even and the odd lanes, merged by VSHUFPS, then
// q = (h'' - [h'' > CMP]) >> r. VSHUFPS leaves channels (0,2,1,3) of every
// four in that order (DWP_STORE2 fixes it). t is clobbered.
#define DWP_REQUANT(acc, m, mo, ke, ko, cmp, r, t) \
	VPMULDQ  m, acc, t; \
	VPSHUFD  $0xF5, acc, acc; \
	VPMULDQ  mo, acc, acc; \
	VPADDQ   ke, t, t; \
	VPADDQ   ko, acc, acc; \
	VSHUFPS  $0xDD, acc, t, acc; \
	VPCMPGTD cmp, acc, t; \
	VPSUBD   t, acc, acc; \
	VPSRAVD  r, acc, acc

// DWP_REQUANT4 applies DWP_REQUANT to the four accumulators a0-a3 with
// the same constants (m, mo, ke, ko, cmp, r: read only); t is clobbered.
#define DWP_REQUANT4(a0, a1, a2, a3, m, mo, ke, ko, cmp, r, t) \
	DWP_REQUANT(a0, m, mo, ke, ko, cmp, r, t); \
	DWP_REQUANT(a1, m, mo, ke, ko, cmp, r, t); \
	DWP_REQUANT(a2, m, mo, ke, ko, cmp, r, t); \
	DWP_REQUANT(a3, m, mo, ke, ko, cmp, r, t)

// DWP_PACK8 narrows the results of eight pixels in Y0-Y7 to int16 pairs
// of pixels: Y0 = VPACKSSDW(Y0, Y1), Y2 = (Y2, Y3), Y4 = (Y4, Y5),
// Y6 = (Y6, Y7), DWP_STORE2's lo and hi inputs. Reads Y0-Y7.
#define DWP_PACK8 \
	VPACKSSDW Y1, Y0, Y0; \
	VPACKSSDW Y3, Y2, Y2; \
	VPACKSSDW Y5, Y4, Y4; \
	VPACKSSDW Y7, Y6, Y6

// DWP_STORE2 finishes two pixels: lo holds their lo halves' results and
// hi their hi halves' (both VPACKSSDW of the two pixels); it saturates to
// int8, reorders to two runs of 16 channels (VPERMD by idx, VPSHUFB by
// dwPairShuffle<>), clamps (32 x ActMin then 32 x ActMax at (cl)) and
// stores them at o0 and o1.
#define DWP_STORE2(lo, hi, xlo, idx, cl, o0, o1) \
	DWP_STORE2_SHUF(lo, hi, xlo, idx, dwPairShuffle<>(SB), cl, o0, o1)

// DWP_STORE2_SHUF is DWP_STORE2 with the VPSHUFB control shuf, for
// accumulator lanes in another channel order (dw_pointwise_amd64.s).
#define DWP_STORE2_SHUF(lo, hi, xlo, idx, shuf, cl, o0, o1) \
	VPACKSSWB    hi, lo, lo; \
	VPERMD       lo, idx, lo; \
	VPSHUFB      shuf, lo, lo; \
	VPMAXSB      (cl), lo, lo; \
	VPMINSB      32(cl), lo, lo; \
	VMOVDQU      xlo, o0; \
	VEXTRACTI128 $1, lo, o1
