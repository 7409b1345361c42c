package sgemm

import "unsafe"

// kernelGo adds the 6×16 product of a packed sliver a (k×6, k-major) and
// b (k rows of 16, ldb apart) to the 6×16 block of C at c with row stride
// ldc. It is the portable micro-kernel and the reference the assembly is
// tested against.
func kernelGo(k int, a, b *float32, ldb int, c *float32, ldc int) {
	as := unsafe.Slice(a, k*mr)
	bs := unsafe.Slice(b, (k-1)*ldb+nr)
	var acc [mr][nr]float32
	for p := range k {
		brow := (*[nr]float32)(bs[p*ldb : p*ldb+nr])
		arow := as[p*mr : p*mr+mr]
		for i := range mr {
			ai := arow[i]
			for j := range nr {
				acc[i][j] += ai * brow[j]
			}
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := range mr {
		row := cs[i*ldc : i*ldc+nr]
		for j := range row {
			row[j] += acc[i][j]
		}
	}
}
