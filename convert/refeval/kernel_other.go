//go:build !amd64 || !gc || purego

package refeval

import "unsafe"

// vectorKernel reports whether sgemm uses kernel4x16; elsewhere than amd64
// the scalar loop is as fast.
var vectorKernel = false

// kernel4x16 adds A[0:4][0:k]·B[0:k][0:16] to C[0:4][0:16], one rounded
// product at a time in order of k (the contract of the amd64 assembly).
func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int) {
	as := unsafe.Slice(a, 3*lda+k)
	bs := unsafe.Slice(b, (k-1)*ldb+16)
	cs := unsafe.Slice(c, 3*ldc+16)
	for r := range 4 {
		for j := range 16 {
			acc := cs[r*ldc+j]
			for p := range k {
				acc += float32(as[r*lda+p] * bs[p*ldb+j])
			}
			cs[r*ldc+j] = acc
		}
	}
}
