package main

// writeInterleave writes interleave_arm64.s: the channel shuffle's byte
// interleave (ZIP1/ZIP2), 16 pairs per step, the last step ending at n.
func writeInterleave() {
	f := &file{name: "interleave_arm64.s"}
	f.raw("")
	f.raw("// func interleaveNEON(dst, x, y *byte, n int)")
	f.raw("//")
	f.raw("// dst[2k], dst[2k+1] = x[k], y[k] for k < n, n >= 16, in steps of 16 pairs")
	f.raw("// from k = 0; the last step starts at n-16 so that it ends at n, rewriting")
	f.raw("// pairs of the step before it with the same bytes (no scalar tail).")
	f.raw("//")
	f.raw("// Register contract: R0 dst, R1 x, R2 y, R4 = n-16 (the last step's k),")
	f.raw("// R5 k, R6-R8 the step's x, y and dst addresses; V0, V1 16 bytes of x and y,")
	f.raw("// V2, V3 their 32 interleaved bytes.")
	f.raw("TEXT ·interleaveNEON(SB), NOSPLIT, $0-32")
	f.go_("MOVD dst+0(FP), R0")
	f.go_("MOVD x+8(FP), R1")
	f.go_("MOVD y+16(FP), R2")
	f.go_("MOVD n+24(FP), R3")
	f.go_("SUB $16, R3, R4")
	f.go_("MOVD ZR, R5")
	f.raw("")
	f.raw("loop:")
	step := func(k string) {
		f.go_("ADD %s, R1, R6", k)
		f.go_("ADD %s, R2, R7", k)
		f.go_("ADD %s<<1, R0, R8", k)
		f.go_("VLD1 (R6), [V0.B16]")
		f.go_("VLD1 (R7), [V1.B16]")
		f.neon("zip1 v2.16b, v0.16b, v1.16b")
		f.neon("zip2 v3.16b, v0.16b, v1.16b")
		f.go_("VST1 [V2.B16, V3.B16], (R8)")
	}
	step("R5")
	f.go_("ADD $16, R5, R5")
	f.go_("CMP R4, R5")
	f.go_("BLT loop")
	step("R4")
	f.go_("RET")
	f.write()
}
