package amd64

// Gemm1x16Int8WGo is the twin of Gemm1x16Int8W: Gemm1x16Int16Go over
// blocks whose weight pairs are int8, 16*kp bytes after each header in the
// int16 blocks' order (k-pair g of channel j at (g*16+j)*2).
func Gemm1x16Int8WGo(a []int16, b []byte, kp, blocks int, c []int8, q *Output) {
	size := headerRows*16*4 + 16*kp
	for j := 0; j < blocks; j++ {
		blk := b[j*size:][:size]
		wts := blk[headerRows*16*4:]
		gemmTileGo(1, 16, 2, kp, func(m, k int) int32 { return int32(a[k]) }, blk,
			func(pos int) int32 { return int32(int8(wts[pos])) }, c[16*j:], 16, q)
	}
}
