package arm64

import "unsafe"

// The 4 x 16 SDOT microkernel's block shape: 16 output channels per packed
// block, K in groups of 4 (the lanes of a lane-indexed SDOT).
const (
	Dot4x16Cols  = 16
	Dot4x16Depth = 4
)

// GEMMDot4x16 runs the lane-indexed SDOT microkernel (variant Dot; Go runs
// its twin) on nBlocks consecutive blocks laid out as package kernels packs
// them for NR = 16, KR = 4: a header of headerBytes whose first 256 bytes
// are four rows of 16 int32 (bias, multiplier, left shift, right shift),
// then kp/4 groups of 16 columns x 4 K. Rows are readable for kp bytes (kp
// a multiple of 4); row r's 16*nBlocks outputs go to c[r].
func GEMMDot4x16(v Variant, rows *[4]*int8, kp int, blocks []byte, headerBytes, nBlocks int, c *[4]*int8, o Out) {
	if nBlocks <= 0 {
		return
	}
	blockBytes := headerBytes + kp*Dot4x16Cols
	_ = blocks[nBlocks*blockBytes-1]
	b := (*int8)(unsafe.Pointer(&blocks[0]))
	if v != Dot {
		gemmDot4x16Go(*rows, kp, b, headerBytes, blockBytes, nBlocks, *c, o)
		return
	}
	gemmDot4x16(rows[0], rows[1], rows[2], rows[3], kp, b, headerBytes, blockBytes, nBlocks,
		c[0], c[1], c[2], c[3], o.ZeroPoint, o.Min, o.Max)
}

// gemmDot4x16Go is the Go twin of gemmDot4x16.
func gemmDot4x16Go(rows [4]*int8, kp int, b *int8, headerBytes, blockBytes, nBlocks int, c [4]*int8, o Out) {
	var g [paramsPerGroup]int32
	for nb := 0; nb < nBlocks; nb++ {
		blk := unsafe.Slice(ptrAdd(b, nb*blockBytes), blockBytes)
		header := unsafe.Slice((*int32)(unsafe.Pointer(&blk[0])), 4*Dot4x16Cols)
		w := blk[headerBytes:]
		for m, row := range rows {
			a := unsafe.Slice(row, kp)
			for n := 0; n < Dot4x16Cols; n++ {
				var acc int32
				for k, x := range a {
					acc += int32(w[(k/4*Dot4x16Cols+n)*4+k%4]) * int32(x)
				}
				for h := 0; h < 4; h++ {
					g[4*h] = header[h*Dot4x16Cols+n]
				}
				*ptrAdd(c[m], nb*Dot4x16Cols+n) = requantLane(acc, g[:], 0, o)
			}
		}
	}
}
