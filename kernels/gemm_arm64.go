//go:build gc && !purego

package kernels

import (
	"unsafe"

	"github.com/edgeinfer/edgeinfer/kernels/arm64"
)

// The arm64 GEMM microkernels (kernels/arm64): 4 x 4 tiles over K blocks
// of 16. NEON and DotProd read the same layouts and differ only in the
// multiply-accumulate of a block: SMULL+SMLAL2 pair sums with SADALP, or
// SDOT. The first four header rows of a packed block (bias, multiplier,
// left and right shift, four lanes each) are the requantization group the
// microkernels load; the weights after the header are
// [kp/16][4 channels][16], arm64.PackedGEMM's layout for one tap.
func init() {
	for v, av := range map[Variant]arm64.Variant{NEON: arm64.NEON, DotProd: arm64.Dot} {
		if !arm64.Supported(av) {
			continue
		}
		gemmKernels[v] = &gemmKernel{
			mr: arm64.GEMMRows, nr: arm64.GEMMCols, kr: arm64.GEMMDepth,
			aElem: 1, bElem: 1,
			packA: packAInt8,
			tile: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
				arm64Tiles(av, a, b, kp, blocks, c, cStride, q)
			},
		}
	}
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
