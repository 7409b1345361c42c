// Package kernels holds edgeinfer's reference kernels: pure Go, NHWC, int8
// and float32. They are the specification of the numerics: every assembly
// kernel (kernels/amd64, kernels/arm64) must produce the same bytes.
//
// Conventions, shared by every kernel in this package:
//
//   - A kernel is a plain function
//     func Name(p *NameParams, operands..., lo, hi int)
//     that computes the work units [lo, hi) of its output; p.Units() is the
//     total. The runtime splits [0, Units()) across its worker pool, so a
//     kernel must write only the output of its own units and read shared
//     inputs only. Units are output rows (N*OutH) for spatial ops, output
//     channels for fully connected, and outer slices or elements elsewhere,
//     as each Params type documents.
//   - Params are filled once at plan time (shapes, requantization multipliers,
//     lookup tables). Kernels allocate nothing and never panic on data
//     values; they may assume the shapes and slice lengths were validated.
//   - int8 requantization is quant.MultiplyByQuantizedMultiplier
//     (TFLite/gemmlowp double rounding), then the output zero point, then the
//     activation clamp [ActMin, ActMax] (already in the quantized domain).
//   - Float32 twins never let the compiler fuse a multiply and an add into an
//     FMA (Go does on arm64, and on amd64 with GOAMD64=v3): products are
//     written float32(a*b) before they are accumulated, so float models give
//     the same bits on every architecture too.
//   - Weights are symmetric int8 in [-127, 127] (the converter guarantees
//     it, and Validate rejects -128 in a weight tensor), which keeps the
//     pairwise int16 sums of the NEON and AVX2 kernels exact.
package kernels
