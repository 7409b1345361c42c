// Package sgemm is the float32 matrix multiply under the training engine
// (package train): C = op(A)·op(B) + beta·C with row-major operands,
// op(X) = X or Xᵀ.
//
// It is organized as in BLIS: C is cut into tiles that goroutines compute
// independently; within a tile, panels of A (MR rows) and B (NR columns)
// are packed into contiguous slivers, and a register-blocked 6×16
// micro-kernel (AVX2/FMA assembly on amd64 where the CPU has it, portable
// Go elsewhere) accumulates each 6×16 block of C over one KC-deep slice of
// the inner dimension.
//
// Results do not depend on the number of goroutines: every element of C is
// summed by one goroutine in the same order (KC blocks in ascending order,
// k ascending within a block), so training is reproducible for a seed
// whatever the machine's core count.
package sgemm
