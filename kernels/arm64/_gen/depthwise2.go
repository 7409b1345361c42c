package main

// depthwise2 emits depthwise2NEON: depthwiseNEON for two pixels per pass,
// sharing each weight load and each requantization-parameter load between
// them (llvm-mca, Cortex-A72: 4.0 -> 5.2 MACs per cycle in the tap loop).
//
//	func depthwise2NEON(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixelPairs int,
//		c *int8, cStride int, zp, actMin, actMax int32)
//
// Register contract:
//
//	R0 ind (2*pairs tap pointers per pixel; a pass reads two pixels' pointers)
//	R1 pairs   R2 cBlocks   R3 w   R4 params   R5 pixel pairs left   R6 c (first pixel of the pair)
//	R7 cStride   R8 w cursor   R9 params cursor   R10 c cursor   R11 channel offset
//	R12 channel blocks left   R13, R19 tap-pointer cursors of the two pixels   R14 pairs left
//	R15, R16, R20, R21 tap addresses   R17 scratch
//	V0, V1 / V6, V7 the two taps of pixel 0 / 1   V2, V3 their weights
//	V4, V5 / V13, V14 int16 pair sums   V8-V12 requantization parameters and scratch
//	V16-V19 / V24-V27 int32 accumulators of pixel 0 / 1   V20-V22 zp, actMin, actMax
func depthwise2(f *file) {
	f.raw("")
	f.raw("// func depthwise2NEON(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixelPairs int,")
	f.raw("//	c *int8, cStride int, zp, actMin, actMax int32)")
	f.raw("//")
	f.raw("// Two pixels per pass; register contract in _gen/depthwise2.go.")
	f.raw("TEXT ·depthwise2NEON(SB), NOSPLIT, $0-76")
	f.go_("MOVD ind+0(FP), R0")
	f.go_("MOVD pairs+8(FP), R1")
	f.go_("MOVD cBlocks+16(FP), R2")
	f.go_("MOVD w+24(FP), R3")
	f.go_("MOVD params+32(FP), R4")
	f.go_("MOVD pixelPairs+40(FP), R5")
	f.go_("MOVD c+48(FP), R6")
	f.go_("MOVD cStride+56(FP), R7")
	f.go_("MOVW zp+64(FP), R17")
	f.go_("VDUP R17, V20.S4")
	f.go_("MOVW actMin+68(FP), R17")
	f.go_("VDUP R17, V21.S4")
	f.go_("MOVW actMax+72(FP), R17")
	f.go_("VDUP R17, V22.S4")
	f.raw("")
	f.raw("pixel:")
	f.go_("MOVD R3, R8")
	f.go_("MOVD R4, R9")
	f.go_("MOVD R6, R10")
	f.go_("MOVD $0, R11")
	f.go_("MOVD R2, R12")
	f.raw("")
	f.raw("cblock:")
	for _, v := range []int{16, 17, 18, 19, 24, 25, 26, 27} {
		f.go_("VEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	f.go_("MOVD R0, R13")
	f.go_("ADD R1<<4, R0, R19")
	f.go_("MOVD R1, R14")
	f.raw("")
	f.raw("pair:")
	f.go_("LDP.P 16(R13), (R15, R16)")
	f.go_("LDP.P 16(R19), (R20, R21)")
	for _, r := range []int{15, 16, 20, 21} {
		f.go_("ADD R11, R%d, R%d", r, r)
	}
	f.go_("VLD1 (R15), [V0.B16]")
	f.go_("VLD1 (R16), [V1.B16]")
	f.go_("VLD1 (R20), [V6.B16]")
	f.go_("VLD1 (R21), [V7.B16]")
	f.go_("VLD1.P 32(R8), [V2.B16, V3.B16]")
	f.raw("	// Two taps per int16 sum: |w*x + w'*x'| <= 2*127*128 = 32512.")
	f.neon("smull v4.8h, v0.8b, v2.8b")
	f.neon("smull2 v5.8h, v0.16b, v2.16b")
	f.neon("smull v13.8h, v6.8b, v2.8b")
	f.neon("smull2 v14.8h, v6.16b, v2.16b")
	f.neon("smlal v4.8h, v1.8b, v3.8b")
	f.neon("smlal2 v5.8h, v1.16b, v3.16b")
	f.neon("smlal v13.8h, v7.8b, v3.8b")
	f.neon("smlal2 v14.8h, v7.16b, v3.16b")
	for _, p := range [][3]int{{16, 4, 5}, {24, 13, 14}} {
		f.neon("saddw v%d.4s, v%d.4s, v%d.4h", p[0], p[0], p[1])
		f.neon("saddw2 v%d.4s, v%d.4s, v%d.8h", p[0]+1, p[0]+1, p[1])
		f.neon("saddw v%d.4s, v%d.4s, v%d.4h", p[0]+2, p[0]+2, p[2])
		f.neon("saddw2 v%d.4s, v%d.4s, v%d.8h", p[0]+3, p[0]+3, p[2])
	}
	f.go_("SUBS $1, R14, R14")
	f.go_("BNE pair")
	f.raw("")
	for j := 0; j < 4; j++ {
		f.go_("VLD1.P 64(R9), [V8.S4, V9.S4, V10.S4, V11.S4]")
		f.neon("neg v11.4s, v11.4s")
		f.go_("VADD V8.S4, V%d.S4, V%d.S4", 16+j, 16+j)
		f.go_("VADD V8.S4, V%d.S4, V%d.S4", 24+j, 24+j)
		requantize(f, []int{16 + j, 24 + j}, 9, 10, 11, 12, 20, 21, 22)
	}
	for px, a := range []int{16, 24} {
		f.neon("sqxtn v0.4h, v%d.4s", a)
		f.neon("sqxtn2 v0.8h, v%d.4s", a+1)
		f.neon("sqxtn v1.4h, v%d.4s", a+2)
		f.neon("sqxtn2 v1.8h, v%d.4s", a+3)
		f.neon("sqxtn v2.8b, v0.8h")
		f.neon("sqxtn2 v2.16b, v1.8h")
		if px == 0 {
			f.go_("ADD R7, R10, R17")
			f.go_("VST1.P [V2.B16], 16(R10)")
		} else {
			f.go_("VST1 [V2.B16], (R17)")
		}
	}
	f.go_("ADD $16, R11, R11")
	f.go_("SUBS $1, R12, R12")
	f.go_("BNE cblock")
	f.raw("")
	f.go_("ADD R1<<5, R0, R0")
	f.go_("ADD R7<<1, R6, R6")
	f.go_("SUBS $1, R5, R5")
	f.go_("BNE pixel")
	f.go_("RET")
}
