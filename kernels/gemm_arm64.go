//go:build gc && !purego

package kernels

import (
	"unsafe"

	"github.com/edgeinfer/edgeinfer/kernels/arm64"
)

// The arm64 GEMM microkernels (kernels/arm64). NEON: 4 x 4 tiles over K
// blocks of 16, SMULL+SMLAL2 pair sums widened by SADALP into four partial
// sums per output; the weights after a block's header are
// [kp/16][4 channels][16], and the first four header rows (bias,
// multiplier, left and right shift) are the requantization group the
// kernel loads. DotProd: 4 x 16 tiles, lane-indexed SDOT over K groups of
// 4 ([kp/4][16 channels][4]), which llvm-mca models at the SDOT peak on
// Cortex-A76 where a 4 x 4 SDOT tile is load-bound (benchmarks/mca).
func init() {
	if arm64.Supported(arm64.NEON) {
		gemmKernels[NEON] = &gemmKernel{
			mr: arm64.GEMMRows, nr: arm64.GEMMCols, kr: arm64.GEMMDepth,
			aElem: 1, bElem: 1,
			packA: packAInt8,
			tile: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
				arm64Tiles(arm64.NEON, a, b, kp, blocks, c, cStride, q)
			},
		}
	}
	if arm64.Supported(arm64.Dot) {
		gemmKernels[DotProd] = &gemmKernel{
			mr: arm64.GEMMRows, nr: arm64.Dot4x16Cols, kr: arm64.Dot4x16Depth,
			aElem: 1, bElem: 1,
			packA: packAInt8,
			tile:  dot4x16Tiles,
		}
	}
}

// dot4x16Tiles runs blocks consecutive 4 x 16 tiles in one assembly call.
func dot4x16Tiles(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
	const mr, nr = arm64.GEMMRows, arm64.Dot4x16Cols
	if blocks <= 0 {
		return
	}
	var rows, outs [mr]*int8
	a = a[:mr*kp]
	c = c[:(mr-1)*cStride+blocks*nr]
	for m := range rows {
		rows[m] = (*int8)(unsafe.Pointer(&a[m*kp]))
		outs[m] = &c[m*cStride]
	}
	zp := q[0][0]
	arm64.GEMMDot4x16(arm64.Dot, &rows, kp, b, gemmRequantRows*nr*4, blocks, &outs,
		arm64.Out{ZeroPoint: zp, Min: q[1][0] + zp, Max: q[2][0] + zp})
}

// arm64Tiles runs blocks consecutive 4 x 4 tiles in one assembly call:
// the A panel's rows are a[m*kp:], each packed block's requantization
// group is the first 64 bytes of its header.
func arm64Tiles(v arm64.Variant, a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
	const mr, nr = arm64.GEMMRows, arm64.GEMMCols
	if blocks <= 0 {
		return
	}
	var rows, outs [mr]*int8
	a = a[:mr*kp]
	c = c[:(mr-1)*cStride+blocks*nr]
	for m := range rows {
		rows[m] = (*int8)(unsafe.Pointer(&a[m*kp]))
		outs[m] = &c[m*cStride]
	}
	zp := q[0][0]
	arm64.GEMMInterleaved(v, &rows, kp/arm64.GEMMDepth, b, gemmRequantRows*nr*4, blocks, &outs,
		arm64.Out{ZeroPoint: zp, Min: q[1][0] + zp, Max: q[2][0] + zp})
}

// packAInt8 is the int8 A panel: rows copied as they are, zero beyond k
// and beyond mr rows.
func packAInt8(dst []byte, src []int8, srcStride, mr, k, kp int) {
	panel := int8s(dst[:arm64.GEMMRows*kp])
	for m := 0; m < arm64.GEMMRows; m++ {
		row := panel[m*kp:][:kp]
		n := 0
		if m < mr {
			n = copy(row, src[m*srcStride:][:k])
		}
		clear(row[n:])
	}
}
