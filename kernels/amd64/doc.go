// Package amd64 holds edgeinfer's x86-64 assembly kernels (AVX2, AVX-VNNI,
// AVX-512 VNNI) and, for every assembly routine, a pure-Go twin with the
// same signature and results. The twins compile on every platform and are
// the tests' oracles; the assembly exists only in gc builds without the
// purego tag (see the Has* variables).
//
// The package imports nothing from edgeinfer: routines take slices, ints
// and fixed-size parameter blocks, and package kernels adapts its packed
// layouts to them (kernels/microkernel.go states the contract). The pool
// drivers are portable Go too, and the arm64 pool kernels run under them
// (MaxPoolInt8.RunKernel, AvgPoolInt8.RunKernel).
package amd64
