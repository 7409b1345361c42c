package main

// writeGEMM emits the GEMM microkernels. Both variants share one packed
// weight layout (see ../pack.go) and one register contract; they differ only
// in the multiply-accumulate of a 16-deep K block.
func writeGEMM() {
	f := &file{name: "gemm_arm64.s"}
	gemm(f, "gemmNEON", false)
	gemm(f, "gemmDot", true)
	dot4x16(f)
	f.write()
}

// gemm emits
//
//	func name(ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int,
//		c0, c1, c2, c3 *int8, zp, actMin, actMax int32)
//
// After each column block, w advances by wSkip and params by pSkip bytes
// more than the block read (0 and 0 when weights and parameters are two
// arrays; header size and block size - 64 when each block is a header
// followed by its weights).
//
// Register contract:
//
//	R0 ind (taps groups of 4 row pointers)   R1 taps      R2 kBlocks
//	R3 w (advances through the packed panel)  R4 params (advances 64 B per N block)
//	R5 N blocks left   R6-R9 c0..c3 (advance 4 B per N block)
//	R10-R13 the four A rows of the current tap   R14 taps left   R15 K blocks left
//	R16 indirection cursor   R17 scratch   R19-R21 zp, actMin, actMax
//	V0-V3 A (16 K of rows 0-3)   V4-V7 W (16 K of columns 0-3)   V8-V15 int16 pair sums
//	V16-V31 accumulators, V(16+4m+n) = row m, column n, as 4 int32 partial sums.
func gemm(f *file, name string, dot bool) {
	f.raw("")
	f.raw("// func %s(ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int,", name)
	f.raw("//	c0, c1, c2, c3 *int8, zp, actMin, actMax int32)")
	f.raw("//")
	f.raw("// Four output rows times nBlocks blocks of four columns. Register contract:")
	f.raw("//")
	f.raw("//	R0 ind (taps groups of 4 row pointers)   R1 taps   R2 kBlocks")
	f.raw("//	R3 w (advances through the packed panel)   R4 params (64 B per column block)")
	f.raw("//	R5 column blocks left   R6-R9 c0..c3 (advance 4 B per block)   R22, R23 wSkip, pSkip")
	f.raw("//	R10-R13 the current tap's four A rows   R14 taps left   R15 K blocks left")
	f.raw("//	R16 indirection cursor   R17 scratch   R19-R21 zp, actMin, actMax")
	f.raw("//	V0-V3 16 K of rows 0-3   V4-V7 16 K of columns 0-3   V8-V15 int16 pair sums / epilogue")
	f.raw("//	V16-V31 accumulators: V(16+4m+n) holds row m, column n as four int32 partial sums")
	f.raw("TEXT ·%s(SB), NOSPLIT, $0-108", name)
	f.go_("MOVD ind+0(FP), R0")
	f.go_("MOVD taps+8(FP), R1")
	f.go_("MOVD kBlocks+16(FP), R2")
	f.go_("MOVD w+24(FP), R3")
	f.go_("MOVD params+32(FP), R4")
	f.go_("MOVD nBlocks+40(FP), R5")
	f.go_("MOVD wSkip+48(FP), R22")
	f.go_("MOVD pSkip+56(FP), R23")
	f.go_("MOVD c0+64(FP), R6")
	f.go_("MOVD c1+72(FP), R7")
	f.go_("MOVD c2+80(FP), R8")
	f.go_("MOVD c3+88(FP), R9")
	f.go_("MOVW zp+96(FP), R19")
	f.go_("MOVW actMin+100(FP), R20")
	f.go_("MOVW actMax+104(FP), R21")
	f.raw("")
	f.raw("nblock:")
	for v := 16; v < 32; v++ {
		f.go_("VEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	f.go_("MOVD R0, R16")
	f.go_("MOVD R1, R14")
	f.raw("")
	f.raw("tap:")
	f.go_("LDP.P 16(R16), (R10, R11)")
	f.go_("LDP.P 16(R16), (R12, R13)")
	f.go_("MOVD R2, R15")
	f.raw("")
	f.raw("kblock:")
	f.go_("VLD1.P 16(R10), [V0.B16]")
	f.go_("VLD1.P 16(R11), [V1.B16]")
	f.go_("VLD1.P 64(R3), [V4.B16, V5.B16, V6.B16, V7.B16]")
	f.go_("VLD1.P 16(R12), [V2.B16]")
	f.go_("VLD1.P 16(R13), [V3.B16]")
	if dot {
		// 16 MACs per SDOT; lane i of the accumulator sums K 4i..4i+3.
		for m := 0; m < 4; m++ {
			for n := 0; n < 4; n++ {
				f.neon("sdot v%d.4s, v%d.16b, v%d.16b", 16+4*m+n, m, 4+n)
			}
		}
	} else {
		// Two products of |w| <= 127 and |x| <= 128 sum to at most 32512:
		// the int16 pair sum is exact, then SADALP widens pairs into int32.
		for half := 0; half < 2; half++ {
			for i := 0; i < 8; i++ {
				p := 8*half + i
				f.neon("smull v%d.8h, v%d.8b, v%d.8b", 8+i, p/4, 4+p%4)
			}
			for i := 0; i < 8; i++ {
				p := 8*half + i
				f.neon("smlal2 v%d.8h, v%d.16b, v%d.16b", 8+i, p/4, 4+p%4)
			}
			for i := 0; i < 8; i++ {
				p := 8*half + i
				f.neon("sadalp v%d.4s, v%d.8h", 16+p, 8+i)
			}
		}
	}
	f.go_("SUBS $1, R15, R15")
	f.go_("BNE kblock")
	f.go_("SUBS $1, R14, R14")
	f.go_("BNE tap")
	f.raw("")
	f.raw("	// Row m's four column sums into V(m): two rounds of pairwise adds.")
	for m := 0; m < 4; m++ {
		a := 16 + 4*m
		f.neon("addp v%d.4s, v%d.4s, v%d.4s", 8+2*m, a, a+1)
		f.neon("addp v%d.4s, v%d.4s, v%d.4s", 9+2*m, a+2, a+3)
	}
	for m := 0; m < 4; m++ {
		f.neon("addp v%d.4s, v%d.4s, v%d.4s", m, 8+2*m, 9+2*m)
	}
	f.go_("VLD1.P 64(R4), [V8.S4, V9.S4, V10.S4, V11.S4]")
	f.neon("neg v11.4s, v11.4s")
	f.go_("VDUP R19, V12.S4")
	f.go_("VDUP R20, V13.S4")
	f.go_("VDUP R21, V14.S4")
	for m := 0; m < 4; m++ {
		f.go_("VADD V8.S4, V%d.S4, V%d.S4", m, m)
	}
	requantize(f, []int{0, 1, 2, 3}, 9, 10, 11, 15, 12, 13, 14)
	f.neon("sqxtn v4.4h, v0.4s")
	f.neon("sqxtn2 v4.8h, v1.4s")
	f.neon("sqxtn v5.4h, v2.4s")
	f.neon("sqxtn2 v5.8h, v3.4s")
	f.neon("sqxtn v6.8b, v4.8h")
	f.neon("sqxtn2 v6.16b, v5.8h")
	for m := 0; m < 4; m++ {
		f.go_("VMOV V6.S[%d], R17", m)
		f.go_("MOVW.P R17, 4(R%d)", 6+m)
	}
	f.go_("ADD R22, R3, R3")
	f.go_("ADD R23, R4, R4")
	f.go_("SUBS $1, R5, R5")
	f.go_("BNE nblock")
	f.go_("RET")
}

// requantize emits, for each int32x4 register in vs (bias already added),
//
//	clamp(RoundingDivideByPOT(SQRDMULH(SQSHL(x, left), mult), right) + zp, actMin, actMax)
//
// SQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul exactly. SRSHL by
// -right rounds half up; gemmlowp's RoundingDivideByPOT rounds half away
// from zero, so negative inputs first get -1 (gemmlowp's NEON fixup: the
// sign bit of x AND -right, which is 0 when right is 0). SQADD of the zero
// point saturates instead of wrapping, which the clamp then makes exact.
func requantize(f *file, vs []int, mult, left, negRight, tmp, zp, lo, hi int) {
	for _, v := range vs {
		f.neon("sqshl v%d.4s, v%d.4s, v%d.4s", v, v, left)
	}
	for _, v := range vs {
		f.neon("sqrdmulh v%d.4s, v%d.4s, v%d.4s", v, v, mult)
	}
	for _, v := range vs {
		f.neon("and v%d.16b, v%d.16b, v%d.16b", tmp, v, negRight)
		f.neon("sshr v%d.4s, v%d.4s, #31", tmp, tmp)
		f.neon("sqadd v%d.4s, v%d.4s, v%d.4s", v, v, tmp)
	}
	for _, v := range vs {
		f.neon("srshl v%d.4s, v%d.4s, v%d.4s", v, v, negRight)
	}
	for _, v := range vs {
		f.neon("sqadd v%d.4s, v%d.4s, v%d.4s", v, v, zp)
		f.neon("smax v%d.4s, v%d.4s, v%d.4s", v, v, lo)
		f.neon("smin v%d.4s, v%d.4s, v%d.4s", v, v, hi)
	}
}
