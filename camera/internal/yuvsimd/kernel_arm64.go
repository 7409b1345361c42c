//go:build gc && !purego

package yuvsimd

import "unsafe"

// NEON is part of the arm64 baseline.
var bestKernel = NEON

// neonArgs are sampleRowNEON's arguments; the assembly reads them at the
// offsets noted.
type neonArgs struct {
	y0, y1, u0, u1, v0, v1 *byte        // 0, 8, 16, 24, 32, 40
	cols                   *colBlock    // 48
	dst                    *byte        // 56
	blocks                 int          // 64: 8-column blocks
	coeffs                 *[8][8]int32 // 72
	wy, wyc                int32        // 80, 84: bottom weight, 2^16 minus it
	sharedUV               int          // 88: 1 when V0, V1 are U0, U1 (NV12)
	bgr                    int          // 96: 1 for BGR output
}

// sampleRowNEON samples a.blocks*8 columns (kernel_arm64.s).
//
//go:noescape
func sampleRowNEON(a *neonArgs)

// sampleRowAsm samples the whole 8-column blocks of cols with the NEON
// kernel and returns how many columns it wrote (0 when a tap's 4-byte read
// would leave its row's plane). NEON has no gather for the LUT's 256-entry
// tables, so a LUT maps the written bytes afterwards.
func sampleRowAsm(kn Kernel, dst []byte, cols *Columns, r *Rows, k *Coeffs, bgr bool, lut *LUT) int {
	blocks := cols.n / 8
	if kn != NEON || blocks == 0 || !cols.readable(r) {
		return 0
	}
	a := neonArgs{y0: unsafe.SliceData(r.Y0), y1: unsafe.SliceData(r.Y1), u0: unsafe.SliceData(r.U0),
		u1: unsafe.SliceData(r.U1), v0: unsafe.SliceData(r.V0), v1: unsafe.SliceData(r.V1),
		cols: &cols.blocks[0], dst: &dst[:24*blocks][0], blocks: blocks, coeffs: &k.vec,
		wy: r.WY, wyc: 1<<WeightBits - r.WY}
	if bgr {
		a.bgr = 1
	}
	if a.v0 == a.u0 && a.v1 == a.u1 {
		a.sharedUV = 1
	}
	sampleRowNEON(&a)
	if lut != nil {
		t0, t1, t2 := lut.r, lut.g, lut.b
		if bgr {
			t0, t2 = t2, t0
		}
		px := dst[:24*blocks]
		for i := 0; i+2 < len(px); i += 3 {
			p := px[i : i+3 : i+3]
			p[0], p[1], p[2] = t0[p[0]], t1[p[1]], t2[p[2]]
		}
	}
	return 8 * blocks
}
