package kernels

// This file is the contract between the arch-neutral drivers of this
// package and the assembly of kernels/amd64 and kernels/arm64.
//
// # Layers
//
//   - kernels/amd64 and kernels/arm64 hold the assembly and, for every
//     assembly routine, a pure-Go twin with the same signature and bytes
//     (compiled on every platform, so the twins test anywhere). They import
//     nothing from this module and take primitive arguments (slices,
//     ints, pointers to fixed-size parameter blocks), so they never cycle
//     with kernels.
//   - kernels (this package) owns the variant choice (variant.go), the
//     load-time packing and the drivers that walk an op's work units and call
//     the microkernels. Each architecture registers its kernels from
//     build-tagged files (gemm_amd64.go; dispatch_<op>_<arch>.go for the
//     other helpers' ops), in init functions that fill the tables below.
//   - runtime calls only the Prepare* functions (PrepareConv2DInt8,
//     PrepareFullyConnectedInt8, ...) and PreparedInt8.Run, once per op at
//     load time and once per work range at run time. A Prepare* function
//     returning false means "run the reference kernel".
//   - Build tags: assembly files and their Go stubs carry
//     //go:build gc && !purego (x/crypto style); the complement
//     (!gc || purego or another GOARCH) sees no assembly at all, and
//     Variants() is then just PureGo.
//
// # Load time versus run time
//
// Everything that depends only on constants is done once by Prepare*:
// weight packing into the variant's layout, weight sums, the bias with the
// zero-point (and unsigned-offset) compensation folded in, and the
// per-channel requantization constants in the vector-friendly form
// (left shift, right shift, rounding masks). Run allocates nothing and
// never panics on data values; scratch comes from the caller (the
// runtime's per-interpreter scratch, ScratchBytes per concurrent call).
//
// # GEMM (1x1 and KxK convolution, fully connected)
//
// A convolution with G groups is G GEMMs C[M][N] = A[M][K] x B[K][N]
// where M = N*OutH*OutW output pixels, K = KH*KW*InC/G (im2col order
// ky, kx, ic — the order of OHWI weights) and N = OutC/G; a fully
// connected layer is one GEMM with M = Batch. The driver walks M in panels
// of MR rows and N in blocks of NR columns; a microkernel call computes one
// MR x NR tile over the whole K and writes requantized int8:
//
//	for m := 0; m < MR; m++ {
//		for n := 0; n < NR; n++ {
//			acc := packedBias[n] // bias[n] - (InZeroPoint+AOffset)*sum_k w[n][k]
//			for k := 0; k < Kp; k++ {
//				acc += int32(a[m][k]) * int32(w[n][k]) // a = x + AOffset in the panel's type
//			}
//			c[m][n] = int8(clamp(MultiplyByQuantizedMultiplier(acc, mult[n], shift[n]) + OutZeroPoint, ActMin, ActMax))
//		}
//	}
//
// where Kp is K rounded up to the variant's KR (the padding has zero
// weights, so any finite activation may sit there) and the int32
// accumulation wraps exactly like the reference's. Because
// sum w*(x - zp) = sum w*(x + off) - (zp + off)*sum w, this equals the
// reference kernels' accumulator bit for bit. The variants:
//
//	variant     A panel (activations)        B (weights)           MR x NR  KR
//	avx2        int16 x (sign-extended)      int16 pairs           6 x 16   2   VPMADDWD
//	avxvnni     uint8 x+128 (x ^ 0x80)       int8 quads            6 x 16   4   VPDPBUSD ymm
//	avx512vnni  uint8 x+128 (x ^ 0x80)       int8 quads            8 x 32   4   VPDPBUSD zmm
//	neon/dotprod/i8mm: chosen by the arm64 kernels (see their gemmKernel entries)
//
// Packed B, per block of NR output channels (the last block zero-padded):
// an int32 header of gemmRequantRows rows of NR values (packed bias,
// multiplier, left shift, right shift, rounding mask, rounding threshold,
// odd-lane multiplier; see gemm.go), then Kp/KR groups of NR x KR weights
// (channel-major within a group: w[n][KR*g .. KR*g+KR-1] for
// n = 0..NR-1). A kernel with a pair-form output stage (avx2:
// gemmKernel.putPair, amd64/gemm_pair.go) packs an op whose every
// channel fits it with doubled weights and that form's constants in the
// same header bytes, and flags it in the op's gemmOutput. The blocks of one GEMM are contiguous, so a microkernel
// call computes several tiles of one A panel (gemmKernel.tile's blocks).
// The A panel is MR rows of Kp elements at a row stride of Kp elements
// (rows past the panel's valid rows are zero). The output stage's per-op
// constants are a gemmOutput.
//
// The driver (gemm_conv.go) builds A panels from the input directly for a
// 1x1 stride-1 convolution and by im2col otherwise, straight into the
// panel when the kernel has convertA, else through int8 rows; when one
// group's packed weights exceed an L2 budget it caches A panels and sweeps
// the weights in groups of blocks (cache blocking).
//
// Padding taps of a KxK convolution are real zeros of x - InZeroPoint,
// so im2col writes InZeroPoint there (converted to the panel's type like
// any activation).
//
// # Depthwise and other ops
//
// The depthwise convolution (Groups == InC) and the elementwise, pooling
// and requantization kernels are prepared the same way: a Prepare function
// returns a PreparedInt8 (or false to keep the reference kernel), and its
// run function honours the reference kernel's unit numbering so the
// runtime's work split is unchanged. Depthwise entries live in
// depthwisePreparers, filled by kernels/dispatch_depthwise*.go.

// PreparedInt8 is an int8 op with one activation input and one output
// whose constant operands were packed for one variant at load time.
// It is read-only after Prepare*, so interpreters share it.
type PreparedInt8 struct {
	Variant Variant
	// Units is the number of work units of Run: the caller splits [0, Units)
	// into contiguous ranges, one per concurrent call. For a GEMM
	// convolution a unit is one panel of MR output pixels (numbered across
	// the batch), or, for one with few panels, one block of NR output
	// channels of one panel, numbered block-first; for fully connected, one block of NR output channels; for
	// depthwise, the reference kernel's output row.
	Units int
	// ScratchBytes is how much scratch one Run call needs (im2col or
	// A-panel conversion); concurrent calls need separate scratch. 0: none.
	ScratchBytes int
	// WholeShares asks the caller to run each concurrent share of units
	// as one call rather than in small ranges: every call repeats work
	// that does not shrink with its range (a convolution whose units are
	// (block, panel) pairs converts the A panels of its range once per
	// call: half of MobileNetV2's 7x7x960 -> 320 took 132 us in eighths
	// of the share against 106 us in one call, AVX2, one thread).
	WholeShares bool
	// MinGrain, when above 1, is the fewest units a call should get where
	// the caller can choose: the kernel's per-call setup does not shrink
	// with the range (the depthwise pair-row kernels widen KH-1 input rows
	// more than a call's output rows need, and a one-row call falls back to
	// the tap kernels). A call may still get fewer (a share's remainder).
	MinGrain int

	run func(in, out []int8, scratch []byte, lo, hi int)
	out unitOutput // the output bytes each unit writes (OutputSpans)
}

// Run computes work units [lo, hi) of the op from in into out. scratch has
// at least ScratchBytes bytes and is not shared with a concurrent call.
func (p *PreparedInt8) Run(in, out []int8, scratch []byte, lo, hi int) {
	p.run(in, out, scratch, lo, hi)
}

// depthwisePreparers maps a variant to its depthwise preparation: given
// the reference parameters (Groups == InC), the OHWI filter [OutC][KH][KW]
// and the bias (nil allowed), it returns the prepared op, or false when the
// variant has no fast path for this geometry. Filled by the init functions
// of kernels/dispatch_depthwise*.go.
var depthwisePreparers = map[Variant]func(p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool){}

// NewPreparedInt8 wraps a run function as a PreparedInt8; the dispatch
// files of other ops use it.
func NewPreparedInt8(v Variant, units, scratchBytes int, run func(in, out []int8, scratch []byte, lo, hi int)) *PreparedInt8 {
	return &PreparedInt8{Variant: v, Units: units, ScratchBytes: scratchBytes, run: run}
}
