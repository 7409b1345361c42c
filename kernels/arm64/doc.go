// Package arm64 holds edgeinfer's AArch64 NEON int8 microkernels and the
// weight packing they read. It knows nothing about models or tensors: its
// routines take packed weights, row pointers and output pointers, and
// package kernels drives them (see kernels/dispatch_arm64.go).
//
// Microkernels:
//
//   - GEMM, 4 x 4 tiles over 16-deep K blocks (PackedGEMM.Run4 for indirect
//     GEMM over several taps, GEMMInterleaved for package kernels' packed
//     blocks), in two variants that read the same layout:
//     NEON (ARMv8.0, Cortex-A53/A72): SMULL+SMLAL2 form exact int16 sums of
//     two products (weights are in [-127, 127], so |w*x + w'*x'| <= 32512),
//     SADALP widens them into int32;
//     Dot (ARMv8.2 dot product): SDOT, 16 MACs per instruction.
//   - GEMMDot4x16, 4 x 16 tiles with lane-indexed SDOT over K groups of 4:
//     the dot-product kernel package kernels uses (the 4 x 4 SDOT tile is
//     load-bound; see benchmarks/results/arm.md).
//   - Depthwise convolution (PackedDepthwise.Run), 16 channels per block,
//     one or two output pixels per pass, any window through tap pointers.
//   - Requantize, the requantization epilogue as a standalone routine.
//
// Every routine has a pure-Go twin (variant Go) with the same results, used
// by the tests and by builds without the assembly (other GOARCHes, -tags
// purego or noasm).
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
