package sgemm

import "unsafe"

// kernelGo adds the 6×16 product of packed slivers a (k×6, k-major) and b
// (k×16, k-major) to the 6×16 block of C at c with row stride ldc. It is
// the portable micro-kernel and the reference the assembly is tested
// against.
func kernelGo(k int, a, b, c *float32, ldc int) {
	as := unsafe.Slice(a, k*mr)
	bs := unsafe.Slice(b, k*nr)
	var acc [mr][nr]float32
	for p := range k {
		brow := (*[nr]float32)(bs[p*nr : p*nr+nr])
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
