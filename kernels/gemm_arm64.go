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
			tile: func(a, b []byte, kp int, c []int8, cStride int, q *gemmOutput) {
				arm64Tile(av, a, b, kp, c, cStride, q)
			},
		}
	}
}

// arm64Tile runs one 4 x 4 tile: the A panel's rows are a[m*kp:], the
// block's requantization group is its first 64 header bytes.
func arm64Tile(v arm64.Variant, a, b []byte, kp int, c []int8, cStride int, q *gemmOutput) {
	const mr, nr = arm64.GEMMRows, arm64.GEMMCols
	rows := [mr]*int8{}
	outs := [mr]*int8{}
	a = a[:mr*kp]
	c = c[:(mr-1)*cStride+nr]
	for m := range rows {
		rows[m] = (*int8)(unsafe.Pointer(&a[m*kp]))
		outs[m] = &c[m*cStride]
	}
	header := unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), 4*nr)
	weights := int8s(b[gemmRequantRows*nr*4:][:nr*kp])
	zp := q[0][0]
	arm64.GEMMBlocks(v, rows[:], 1, kp/arm64.GEMMDepth, weights, header, 1, &outs,
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
