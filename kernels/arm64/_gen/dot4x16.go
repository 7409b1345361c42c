package main

// dot4x16 emits the 4 x 16 SDOT microkernel on package kernels' interleaved
// blocks (NR = 16, KR = 4):
//
//	func gemmDot4x16(a0, a1, a2, a3 *int8, kp int, b *int8, headerBytes, blockBytes, nBlocks int,
//		c0, c1, c2, c3 *int8, zp, actMin, actMax int32)
//
// Lane-indexed SDOT (v.4s += w.16b x a.4b[lane]) accumulates complete sums
// of four columns per register, so 16 accumulators cover 4 x 16 outputs and
// each 16-byte weight load feeds four SDOTs: 64 SDOTs per 20 loads, where
// the 4 x 4 c16 kernel issues 16 per 8 (llvm-mca: load- and
// dispatch-bound at 67 % of the SDOT peak).
//
// Register contract:
//
//	R0-R3 a0..a3 (row starts)   R4 block base (header)   R5 blocks left
//	R6-R9 c0..c3 (advance 16 B per block)   R10-R13 row cursors
//	R14 4-deep groups left (kp mod 16)   R15 16-deep blocks left
//	R16 weight cursor   R17 header cursor   R19 kp   R20 headerBytes   R21 blockBytes
//	R22-R24 zp, actMin, actMax
//	V0-V3 16 K of rows 0-3 (lane l = K 4l..4l+3)   V4-V15 weights, four columns x 4 K each
//	V16-V31 accumulators: V(16+4m+j) = row m, columns 4j..4j+3
//	epilogue: V0-V7 bias, multiplier, left, right of two column groups, V8-V10 zp, actMin, actMax, V11 scratch
func dot4x16(f *file) {
	f.raw("")
	f.raw("// func gemmDot4x16(a0, a1, a2, a3 *int8, kp int, b *int8, headerBytes, blockBytes, nBlocks int,")
	f.raw("//	c0, c1, c2, c3 *int8, zp, actMin, actMax int32)")
	f.raw("//")
	f.raw("// 4 x 16 tiles with lane-indexed SDOT over nBlocks interleaved blocks")
	f.raw("// (header: bias, multiplier, left, right shift rows of 16 int32; then")
	f.raw("// kp/4 groups of 16 columns x 4 K). Register contract in _gen/dot4x16.go.")
	f.raw("TEXT ·gemmDot4x16(SB), NOSPLIT, $0-116")
	for i, n := range []string{"a0", "a1", "a2", "a3"} {
		f.go_("MOVD %s+%d(FP), R%d", n, 8*i, i)
	}
	f.go_("MOVD kp+32(FP), R19")
	f.go_("MOVD b+40(FP), R4")
	f.go_("MOVD headerBytes+48(FP), R20")
	f.go_("MOVD blockBytes+56(FP), R21")
	f.go_("MOVD nBlocks+64(FP), R5")
	for i := 0; i < 4; i++ {
		f.go_("MOVD c%d+%d(FP), R%d", i, 72+8*i, 6+i)
	}
	f.go_("MOVW zp+104(FP), R22")
	f.go_("MOVW actMin+108(FP), R23")
	f.go_("MOVW actMax+112(FP), R24")
	f.raw("")
	f.raw("nblock:")
	for v := 16; v < 32; v++ {
		f.go_("VEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	for i := 0; i < 4; i++ {
		f.go_("MOVD R%d, R%d", i, 10+i)
	}
	f.go_("ADD R20, R4, R16")
	f.go_("LSR $4, R19, R15")
	f.go_("AND $15, R19, R14")
	f.go_("LSR $2, R14, R14")
	f.go_("CBZ R15, tail")
	f.raw("")
	f.raw("k16:")
	for m := 0; m < 4; m++ {
		f.go_("VLD1.P 16(R%d), [V%d.B16]", 10+m, m)
	}
	wregs := [][4]int{{4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}, {4, 5, 6, 7}}
	for lane := 0; lane < 4; lane++ {
		w := wregs[lane]
		f.go_("VLD1.P 64(R16), [V%d.B16, V%d.B16, V%d.B16, V%d.B16]", w[0], w[1], w[2], w[3])
		for m := 0; m < 4; m++ {
			for j := 0; j < 4; j++ {
				f.neon("sdot v%d.4s, v%d.16b, v%d.4b[%d]", 16+4*m+j, w[j], m, lane)
			}
		}
	}
	f.go_("SUBS $1, R15, R15")
	f.go_("BNE k16")
	f.raw("")
	f.raw("tail:")
	f.go_("CBZ R14, epilogue")
	f.raw("")
	f.raw("k4:")
	for m := 0; m < 4; m++ {
		f.neon("ld1 { v%d.s }[0], [x%d], #4", m, 10+m)
	}
	f.go_("VLD1.P 64(R16), [V4.B16, V5.B16, V6.B16, V7.B16]")
	for m := 0; m < 4; m++ {
		for j := 0; j < 4; j++ {
			f.neon("sdot v%d.4s, v%d.16b, v%d.4b[0]", 16+4*m+j, 4+j, m)
		}
	}
	f.go_("SUBS $1, R14, R14")
	f.go_("BNE k4")
	f.raw("")
	f.raw("epilogue:")
	f.go_("VDUP R22, V8.S4")
	f.go_("VDUP R23, V9.S4")
	f.go_("VDUP R24, V10.S4")
	for half := 0; half < 2; half++ {
		// Rows of the header: bias at 0, multiplier at 64, left at 128,
		// right at 192 bytes; this half's two column groups are 32 B in.
		f.go_("ADD $%d, R4, R17", 32*half)
		f.go_("VLD1 (R17), [V0.S4, V1.S4]")
		f.go_("ADD $64, R17, R17")
		f.go_("VLD1 (R17), [V2.S4, V3.S4]")
		f.go_("ADD $64, R17, R17")
		f.go_("VLD1 (R17), [V4.S4, V5.S4]")
		f.go_("ADD $64, R17, R17")
		f.go_("VLD1 (R17), [V6.S4, V7.S4]")
		f.neon("neg v6.4s, v6.4s")
		f.neon("neg v7.4s, v7.4s")
		for jj := 0; jj < 2; jj++ {
			j := 2*half + jj
			var vs []int
			for m := 0; m < 4; m++ {
				v := 16 + 4*m + j
				vs = append(vs, v)
				f.go_("VADD V%d.S4, V%d.S4, V%d.S4", jj, v, v)
			}
			requantize(f, vs, 2+jj, 4+jj, 6+jj, 11, 8, 9, 10)
		}
	}
	for m := 0; m < 4; m++ {
		a := 16 + 4*m
		f.neon("sqxtn v0.4h, v%d.4s", a)
		f.neon("sqxtn2 v0.8h, v%d.4s", a+1)
		f.neon("sqxtn v1.4h, v%d.4s", a+2)
		f.neon("sqxtn2 v1.8h, v%d.4s", a+3)
		f.neon("sqxtn v2.8b, v0.8h")
		f.neon("sqxtn2 v2.16b, v1.8h")
		f.go_("VST1.P [V2.B16], 16(R%d)", 6+m)
	}
	f.go_("ADD R21, R4, R4")
	f.go_("SUBS $1, R5, R5")
	f.go_("BNE nblock")
	f.go_("RET")
}
