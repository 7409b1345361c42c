package amd64

import "encoding/binary"

// Packed weight blocks (see kernels/microkernel.go): a header of 7 rows of
// NR int32 — packed bias, multiplier, left shift, right shift, rounding
// mask, rounding threshold, odd-lane multiplier (column j: the multiplier
// of channel j|1) — then Kp/KR groups of NR x KR weights.
const headerRows = 7

// Output is the per-op output stage, each value repeated across a 64-byte
// row: row 0 the output zero point, row 1 ActMin minus it, row 2 ActMax
// minus it (int32 lanes); row 3 lane 0 is nonzero when some channel needs
// the saturating left shift (a positive shift), lane 1 when the blocks of
// the AVX2 tiles are packed in the pair form (gemm_pair.go); row 4 the zero point as
// int16 lanes; row 5 ActMin as 32 int8 lanes, then ActMax as 32 int8
// lanes. The ymm kernels use rows 3-5 (saturating packs), the zmm kernel
// rows 0-3; both equal clamp(v + zp, ActMin, ActMax).
type Output = [6][16]int32

// header reads header row h, column j of a block with nr columns.
func header(b []byte, nr, h, j int) int32 {
	return int32(binary.LittleEndian.Uint32(b[(h*nr+j)*4:]))
}

// requantize is the output stage of every GEMM tile for one accumulator of
// column j: MultiplyByQuantizedMultiplier in the form the vector code
// computes (saturating left shift, doubling high multiply as
// floor((a*b + 2^30) / 2^31), rounding right shift with the precomputed
// mask and threshold), then the clamp and the zero point.
func requantize(acc int32, b []byte, nr, j int, q *Output) int8 {
	x := acc
	if left := header(b, nr, 2, j); q[3][0] != 0 && left > 0 {
		v := int64(x) << uint(left)
		switch {
		case v > 1<<31-1:
			x = 1<<31 - 1
		case v < -1<<31:
			x = -1 << 31
		default:
			x = int32(v)
		}
	}
	x = int32((int64(x)*int64(header(b, nr, 1, j)) + 1<<30) >> 31)
	right, mask, thr := header(b, nr, 3, j), header(b, nr, 4, j), header(b, nr, 5, j)
	rem := x&mask + x>>31
	x >>= uint(right)
	if rem > thr {
		x++
	}
	x = max(x, q[1][0])
	x = min(x, q[2][0])
	return int8(x + q[0][0])
}

// gemmTileGo is the generic tile: acc[m][n] = bias[n] + sum_k a(m, k) * w(n, k)
// over kp, requantized into c[m*cStride+n] (in the pair form when q says
// so: then bias is zero and the weights doubled).
func gemmTileGo(mr, nr, kr, kp int, a func(m, k int) int32, b []byte, w func(pos int) int32, c []int8, cStride int, q *Output) {
	for m := 0; m < mr; m++ {
		for n := 0; n < nr; n++ {
			acc := header(b, nr, 0, n)
			for k := 0; k < kp; k++ {
				g, i := k/kr, k%kr
				acc += a(m, k) * w((g*nr+n)*kr+i)
			}
			if q[3][1] != 0 {
				c[m*cStride+n] = requantizePair(acc, b, n, q)
				continue
			}
			c[m*cStride+n] = requantize(acc, b, nr, n, q)
		}
	}
}

// Gemm6x16Int16Go is the twin of Gemm6x16Int16: a is 6 rows of kp int16
// (kp even), b holds blocks consecutive blocks of 16 channels with int16
// weight pairs; tile j writes c[m*cStride+16*j:][:16].
func Gemm6x16Int16Go(a []int16, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	size := headerRows*16*4 + 16*kp*2
	for j := 0; j < blocks; j++ {
		blk := b[j*size:][:size]
		wts := blk[headerRows*16*4:]
		gemmTileGo(6, 16, 2, kp, func(m, k int) int32 { return int32(a[m*kp+k]) }, blk,
			func(pos int) int32 { return int32(int16(binary.LittleEndian.Uint16(wts[2*pos:]))) }, c[16*j:], cStride, q)
	}
}

// Gemm6x16Int16PanelsGo is the twin of Gemm6x16Int16Panels: Gemm6x16Int16Go
// on panels consecutive panels of a, panel p writing rows 6p..6p+5 of c.
func Gemm6x16Int16PanelsGo(a []int16, b []byte, kp, blocks int, c []int8, cStride int, q *Output, panels int) {
	for p := 0; p < panels; p++ {
		Gemm6x16Int16Go(a[p*6*kp:], b, kp, blocks, c[p*6*cStride:], cStride, q)
	}
}

// Gemm6x8Int16Go is the twin of Gemm6x8Int16: channels 0-7 of
// Gemm6x16Int16Go's tile over one block, row m's at c[m*cStride:][:8].
func Gemm6x8Int16Go(a []int16, b []byte, kp int, c []int8, cStride int, q *Output) {
	var tile [6 * 16]int8
	Gemm6x16Int16Go(a, b, kp, 1, tile[:], 16, q)
	for m := 0; m < 6; m++ {
		copy(c[m*cStride:][:8], tile[m*16:][:8])
	}
}

// Gemm1x16Int16Go is the twin of Gemm1x16Int16: Gemm6x16Int16Go's tiles
// with one row, a of kp int16, tile j writing c[16*j:][:16].
func Gemm1x16Int16Go(a []int16, b []byte, kp, blocks int, c []int8, q *Output) {
	size := headerRows*16*4 + 16*kp*2
	for j := 0; j < blocks; j++ {
		blk := b[j*size:][:size]
		wts := blk[headerRows*16*4:]
		gemmTileGo(1, 16, 2, kp, func(m, k int) int32 { return int32(a[k]) }, blk,
			func(pos int) int32 { return int32(int16(binary.LittleEndian.Uint16(wts[2*pos:]))) }, c[16*j:], 16, q)
	}
}

// Gemm6x16VNNIGo is the twin of Gemm6x16VNNI: a is 6 rows of kp uint8
// (x+128, kp a multiple of 4), b holds blocks blocks of 16 channels of
// int8 quads.
func Gemm6x16VNNIGo(a []byte, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	gemmVNNIGo(6, 16, a, b, kp, blocks, c, cStride, q)
}

// Gemm8x32VNNI512Go is the twin of Gemm8x32VNNI512: like Gemm6x16VNNIGo
// with 8 rows and blocks of 32 channels.
func Gemm8x32VNNI512Go(a []byte, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	gemmVNNIGo(8, 32, a, b, kp, blocks, c, cStride, q)
}

func gemmVNNIGo(mr, nr int, a, b []byte, kp, blocks int, c []int8, cStride int, q *Output) {
	size := headerRows*nr*4 + nr*kp
	for j := 0; j < blocks; j++ {
		blk := b[j*size:][:size]
		wts := blk[headerRows*nr*4:]
		gemmTileGo(mr, nr, 4, kp, func(m, k int) int32 { return int32(a[m*kp+k]) }, blk,
			func(pos int) int32 { return int32(int8(wts[pos])) }, c[nr*j:], cStride, q)
	}
}

// PackAInt16Go is the twin of PackAInt16: dst holds mrMax rows of kp
// int16; row r < rows is src[r*srcStride:][:k] sign-extended, everything
// else is zero.
func PackAInt16Go(dst []int16, mrMax int, src []int8, srcStride, rows, k, kp int) {
	clear(dst[:mrMax*kp])
	for r := 0; r < rows; r++ {
		d := dst[r*kp:][:k]
		for i, v := range src[r*srcStride:][:k] {
			d[i] = int16(v)
		}
	}
}

// PackAUint8Go is the twin of PackAUint8: like PackAInt16Go with the
// values x+128 as uint8 (x ^ 0x80).
func PackAUint8Go(dst []byte, mrMax int, src []int8, srcStride, rows, k, kp int) {
	clear(dst[:mrMax*kp])
	for r := 0; r < rows; r++ {
		d := dst[r*kp:][:k]
		for i, v := range src[r*srcStride:][:k] {
			d[i] = byte(v) ^ 0x80
		}
	}
}

// WidenInt16Go is the twin of WidenInt16: dst[i] = int16(src[i]) for
// i < len(src).
func WidenInt16Go(dst []int16, src []int8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = int16(v)
	}
}

// Xor80Go is the twin of Xor80: dst[i] = byte(src[i]) ^ 0x80 (x + 128 as
// uint8) for i < len(src).
func Xor80Go(dst []byte, src []int8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = byte(v) ^ 0x80
	}
}
