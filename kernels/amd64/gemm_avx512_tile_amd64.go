//go:build gc && !purego && !edgeinfer_avx512twin

package amd64

// avx512Twin is false in every release build: Gemm8x32VNNI512 runs the
// assembly tile.
const avx512Twin = false
