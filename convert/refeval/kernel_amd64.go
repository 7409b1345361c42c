//go:build amd64 && gc && !purego

package refeval

import "golang.org/x/sys/cpu"

// vectorKernel reports whether sgemm uses kernel4x16's AVX version.
var vectorKernel = cpu.X86.HasAVX

// kernel4x16 adds A[0:4][0:k]·B[0:k][0:16] to C[0:4][0:16] (row strides
// lda, ldb, ldc in elements; k >= 1), one rounded product at a time in
// order of k: VMULPS then VADDPS, never a fused multiply-add, so every
// element gets exactly the bits of sgemmSerial's scalar loop.
//
//go:noescape
func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
