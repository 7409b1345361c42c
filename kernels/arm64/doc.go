// Package arm64 holds edgeinfer's AArch64 NEON int8 microkernels and the
// weight packing they read. It knows nothing about models or tensors: its
// routines take packed weights, row pointers and output pointers, and
// package kernels drives them (see kernels/dispatch_arm64.go).
//
// Three variants share every packed layout:
//
//   - NEON (ARMv8.0, Cortex-A53/A72): SMULL+SMLAL2 form exact int16 sums of
//     two products (weights are in [-127, 127], so |w*x + w'*x'| <= 32512),
//     SADALP widens them into int32.
//   - Dot (ARMv8.2 dot product, Cortex-A76): SDOT, 16 MACs per instruction.
//   - Go: the pure-Go twin of both, used by tests and by builds without the
//     assembly (other GOARCHes, -tags purego or noasm).
//
// The input zero point is folded into the packed bias
// (bias - zp*sum(w)), so the kernels multiply raw int8 activations;
// padding taps read a buffer filled with the zero point, whose
// contribution the folded bias cancels exactly (int32 arithmetic wraps
// identically in every order).
//
// Requantization is gemmlowp's fixed point, bit for bit (see requantize in
// _gen/gemm.go): SQSHL, SQRDMULH (== SaturatingRoundingDoublingHighMul),
// SRSHL after the negative-value fixup (== RoundingDivideByPOT), then a
// saturating zero-point add and the activation clamp.
//
// The .s files are generated: go generate runs _gen, which encodes the
// instructions Go's assembler lacks with llvm-mc.
package arm64

//go:generate go run ./_gen
