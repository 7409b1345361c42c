//go:build gc && !purego

package yuvsimd

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

var bestKernel = func() Kernel {
	if cpu.X86.HasAVX2 {
		return AVX2
	}
	return Go
}()

// avx2Args are sampleRowAVX2's arguments; the assembly reads them at the
// offsets noted.
type avx2Args struct {
	y0, y1, u0, u1, v0, v1 *byte          // 0, 8, 16, 24, 32, 40
	cols                   *colBlock      // 48
	dst                    *byte          // 56
	blocks                 int            // 64: 8-column blocks
	coeffs                 *[8][8]int32   // 72
	consts                 *avx2Consts    // 80
	shuf                   *[32]byte      // 88: RGB or BGR packing
	wy, wyc                int32          // 96, 100: bottom weight, 2^16 minus it
	sharedUV               int            // 104: 1 when V0, V1 are U0, U1 (NV12)
	lut                    *[3][256]int32 // 112: nil, or LUT.wide
}

// avx2Consts are the assembly's vector constants.
type avx2Consts struct {
	maskFF, maskFFFF, half, zero, c255 [8]int32 // 0, 32, 64, 96, 128
}

var avx2K = avx2Consts{maskFF: bcast(0xFF), maskFFFF: bcast(0xFFFF), half: bcast(1 << (WeightBits - 1)), c255: bcast(255)}

func bcast(v int32) (b [8]int32) {
	for i := range b {
		b[i] = v
	}
	return b
}

// The packing shuffles take each 32-bit lane's R | G<<8 | B<<16 to 3
// bytes in the output's order, 12 bytes per 128-bit half.
var (
	shufRGB = packShuffle(0, 1, 2)
	shufBGR = packShuffle(2, 1, 0)
)

func packShuffle(c0, c1, c2 byte) (s [32]byte) {
	for half := range 2 {
		for i := range 16 {
			s[16*half+i] = 0x80 // zero
		}
		for px := range byte(4) {
			s[16*half+3*int(px)], s[16*half+3*int(px)+1], s[16*half+3*int(px)+2] = 4*px+c0, 4*px+c1, 4*px+c2
		}
	}
	return s
}

// sampleRowAVX2 samples a.blocks*8 columns (kernel_amd64.s).
//
//go:noescape
func sampleRowAVX2(a *avx2Args)

// sampleRowAsm samples the whole 8-column blocks of cols with the AVX2
// kernel and returns how many columns it wrote (0 when the CPU lacks AVX2
// or a tap's 4-byte read would leave its row's plane).
func sampleRowAsm(kn Kernel, dst []byte, cols *Columns, r *Rows, k *Coeffs, bgr bool, lut *LUT) int {
	blocks := cols.n / 8
	if kn != AVX2 || !cpu.X86.HasAVX2 || blocks == 0 || !cols.readable(r) {
		return 0
	}
	a := avx2Args{y0: unsafe.SliceData(r.Y0), y1: unsafe.SliceData(r.Y1), u0: unsafe.SliceData(r.U0),
		u1: unsafe.SliceData(r.U1), v0: unsafe.SliceData(r.V0), v1: unsafe.SliceData(r.V1),
		cols: &cols.blocks[0], dst: &dst[:24*blocks][0], blocks: blocks, coeffs: &k.vec, consts: &avx2K,
		shuf: &shufRGB, wy: r.WY, wyc: 1<<WeightBits - r.WY}
	if bgr {
		a.shuf = &shufBGR
	}
	if lut != nil {
		a.lut = &lut.wide
	}
	if a.v0 == a.u0 && a.v1 == a.u1 {
		a.sharedUV = 1
	}
	sampleRowAVX2(&a)
	return 8 * blocks
}
