package kernels

// MaxRank is the highest tensor rank the generic layout kernels accept.
const MaxRank = 6

// Requant is per-output-channel requantization: for channel c,
// out = clamp(MultiplyByQuantizedMultiplier(acc, Multiplier[c], Shift[c]) + OutZeroPoint, ActMin, ActMax).
// Per-tensor quantization is expanded to one entry per channel at plan time.
type Requant struct {
	Multiplier     []int32
	Shift          []int32
	OutZeroPoint   int32
	ActMin, ActMax int32
}

// ConvGeom is a 2-D convolution over NHWC input with OHWI weights
// [OutC][KH][KW][InC/Groups]. Groups == InC is depthwise with channel
// multiplier OutC/InC. Output channel oc belongs to group oc/(OutC/Groups).
type ConvGeom struct {
	N, InH, InW, InC     int
	OutH, OutW, OutC     int
	KH, KW               int
	StrideH, StrideW     int
	DilationH, DilationW int
	PadTop, PadLeft      int
	Groups               int
}

// Units is N*OutH: one unit is one output row of one image.
func (g *ConvGeom) Units() int { return g.N * g.OutH }

// Conv2DInt8Params: Conv2DInt8(p, in, filter, bias, out, lo, hi) computes
//
//	acc = bias[oc] (0 when bias is nil)
//	for each in-bounds tap: acc += int32(filter[...]) * (int32(in[...]) - InZeroPoint)
//	out[...] = requant(acc, oc)
//
// Taps that fall in the padding contribute nothing (padding is real zero).
type Conv2DInt8Params struct {
	ConvGeom
	InZeroPoint int32
	Requant
}

// Conv2DFloat32Params: Conv2DFloat32(p, in, filter, bias, out []float32, lo, hi),
// clamped to [ActMin, ActMax].
type Conv2DFloat32Params struct {
	ConvGeom
	ActMin, ActMax float32
}

// FullyConnectedGeom: input [Batch][K], weights [N][K], output [Batch][N].
type FullyConnectedGeom struct {
	Batch, K, N int
}

// Units is N: one unit is one output channel across the whole batch.
func (g *FullyConnectedGeom) Units() int { return g.N }

// FullyConnectedInt8Params: FullyConnectedInt8(p, in, weights, bias, out, lo, hi);
// acc = bias[n] + sum_k int32(w[n][k]) * (int32(in[b][k]) - InZeroPoint).
type FullyConnectedInt8Params struct {
	FullyConnectedGeom
	InZeroPoint int32
	Requant
}

// FullyConnectedFloat32Params: FullyConnectedFloat32(p, in, weights, bias, out, lo, hi).
type FullyConnectedFloat32Params struct {
	FullyConnectedGeom
	ActMin, ActMax float32
}

// PoolGeom is a 2-D pooling window over NHWC.
type PoolGeom struct {
	N, InH, InW, C       int
	OutH, OutW           int
	KH, KW               int
	StrideH, StrideW     int
	DilationH, DilationW int
	PadTop, PadLeft      int
	CountIncludePad      bool // average pool: divide by KH*KW (pads count as real zero)
}

// Units is N*OutH.
func (g *PoolGeom) Units() int { return g.N * g.OutH }

// PoolInt8Params: MaxPoolInt8 and AvgPoolInt8(p, in, out []int8, lo, hi).
// Input and output share scale and zero point (the converter guarantees it),
// so max pooling compares raw values and average pooling divides the raw sum
// (pads count as ZeroPoint) with TFLite's rounding, half away from zero:
// (sum + count/2) / count for sum >= 0, (sum - count/2) / count otherwise.
// A window with no in-bounds tap yields ZeroPoint (max) or ZeroPoint (avg).
type PoolInt8Params struct {
	PoolGeom
	ZeroPoint      int32
	ActMin, ActMax int32
}

// PoolFloat32Params: MaxPoolFloat32 and AvgPoolFloat32(p, in, out []float32, lo, hi).
type PoolFloat32Params struct {
	PoolGeom
	ActMin, ActMax float32
}

// ReduceGeom views the input as [Outer][Reduce][Inner] (the reduced axes are
// contiguous once size-1 dimensions are dropped; the planner rejects other
// reductions). The output is [Outer][Inner].
type ReduceGeom struct {
	Outer, Reduce, Inner int
}

// Units is Outer.
func (g *ReduceGeom) Units() int { return g.Outer }

// MeanInt8Params: MeanInt8(p, in, out []int8, lo, hi):
// acc = sum(int32(q) - InZeroPoint) over Reduce;
// out = clamp(MBQM(acc, Multiplier, Shift) + OutZeroPoint, ActMin, ActMax)
// with Multiplier/Shift = QuantizeMultiplier(inScale / (Reduce*outScale)).
type MeanInt8Params struct {
	ReduceGeom
	InZeroPoint, OutZeroPoint int32
	Multiplier                int32
	Shift                     int32
	ActMin, ActMax            int32
}

// ReduceMaxInt8Params: ReduceMaxInt8(p, in, out []int8, lo, hi); input and
// output share quantization.
type ReduceMaxInt8Params struct {
	ReduceGeom
}

// ReduceFloat32Params: MeanFloat32 and ReduceMaxFloat32(p, in, out []float32, lo, hi).
// The mean sums in float64 in index order, then divides by Reduce.
type ReduceFloat32Params struct {
	ReduceGeom
}

// Broadcast maps an output index to the two inputs' indices (NumPy rules).
// Shapes are right-aligned to Rank dims; a stride of 0 broadcasts.
type Broadcast struct {
	Rank     int
	OutShape [MaxRank]int
	AStride  [MaxRank]int
	BStride  [MaxRank]int
}

// Units is the number of output elements.
func (b *Broadcast) Units() int {
	n := 1
	for i := 0; i < b.Rank; i++ {
		n *= b.OutShape[i]
	}
	return n
}

// AddInt8Params: AddInt8(p, a, b, out []int8, lo, hi) is TFLite's int8 ADD
// (SUB: the runtime negates BMultiplier):
//
//	a' = MBQMSmallerThanOne((int32(a)+AOffset) << LeftShift, AMultiplier, AShift)
//	b' = likewise
//	out = clamp(MBQMSmallerThanOne(a'+b', OutMultiplier, OutShift) + OutZeroPoint, ActMin, ActMax)
//
// where MBQMSmallerThanOne is MultiplyByQuantizedMultiplier with shift <= 0,
// LeftShift = 20 and the multipliers come from 2*max(aScale, bScale) as in TFLite.
type AddInt8Params struct {
	Broadcast
	AOffset, BOffset         int32
	AMultiplier, BMultiplier int32
	AShift, BShift           int32
	LeftShift                int32
	OutMultiplier            int32
	OutShift                 int32
	OutZeroPoint             int32
	ActMin, ActMax           int32
}

// MulInt8Params: MulInt8(p, a, b, out []int8, lo, hi):
// out = clamp(MBQM((int32(a)+AOffset)*(int32(b)+BOffset), Multiplier, Shift) + OutZeroPoint, ...)
// with Multiplier/Shift from aScale*bScale/outScale.
type MulInt8Params struct {
	Broadcast
	AOffset, BOffset int32
	Multiplier       int32
	Shift            int32
	OutZeroPoint     int32
	ActMin, ActMax   int32
}

// BinaryFloat32Params: AddFloat32, SubFloat32, MulFloat32(p, a, b, out []float32, lo, hi).
type BinaryFloat32Params struct {
	Broadcast
	ActMin, ActMax float32
}

// ConcatParams: Concat(p, ins [][]byte, out []byte, lo, hi) concatenates raw
// bytes: for each outer index o, input i contributes Chunk[i] bytes
// (dim[axis]*inner*elemSize). Inputs share the output's quantization.
// Units is Outer.
type ConcatParams struct {
	Outer int
	Chunk []int
}

func (p *ConcatParams) Units() int { return p.Outer }

// LayoutParams drives the dtype-agnostic data-movement kernels
// Pad, Transpose and Slice (p, in, out []byte, lo, hi). Units is the number
// of output elements divided by the innermost output dimension (rows).
//
//   - Pad: Before/After per dim; Value holds ElemSize bytes written into the
//     padding (the quantized pad value for int8).
//   - Transpose: output dim i is input dim Perm[i].
//   - Slice: output index j along dim d reads input Begin[d] + j*Step[d].
type LayoutParams struct {
	Rank          int
	ElemSize      int
	InShape       [MaxRank]int
	OutShape      [MaxRank]int
	Before, After [MaxRank]int
	Perm          [MaxRank]int
	Begin, Step   [MaxRank]int
	Value         [8]byte
}

func (p *LayoutParams) Units() int {
	n := 1
	for i := 0; i < p.Rank-1; i++ {
		n *= p.OutShape[i]
	}
	return n
}

// LUTParams: LUTInt8(p, in, out []int8, lo, hi) maps out[i] = Table[uint8(in[i])^0x80]
// (index = q + 128). Every int8 pointwise op whose output depends on one
// input value (CLAMP with requantization, LEAKY_RELU, HARD_SWISH,
// HARD_SIGMOID, LOGISTIC, TANH, int8->int8 QUANTIZE) is a table built at plan
// time by quant. LUTUint8ToInt8 does the same for uint8 input (index = q).
// PerChannelLUTInt8 (PRELU) uses Table[c*256 + q + 128] for channel c = i % Channels.
// Units is elements.
type LUTParams struct {
	Elements int
	Channels int
	Table    []int8
}

func (p *LUTParams) Units() int { return p.Elements }

// UnaryFloat32Params: ClampFloat32, LeakyReluFloat32 (Alpha), HardSwishFloat32,
// HardSigmoidFloat32 (Alpha, Beta), LogisticFloat32, TanhFloat32 and
// PReluFloat32 (Slope per channel, Channels) (p, in, out []float32, lo, hi).
// Units is elements.
type UnaryFloat32Params struct {
	Elements    int
	Min, Max    float32
	Alpha, Beta float32
	Channels    int
	Slope       []float32
}

func (p *UnaryFloat32Params) Units() int { return p.Elements }

// SoftmaxInt8Params: softmax along the middle axis of [Outer][Axis][Inner].
// Exp[d] = exp(-Beta*inScale*d) for d = max - q in [0, 255], built at plan time.
//
//	SoftmaxInt8(p, in, out []int8, lo, hi): out = clamp(round(e/sum/OutScale) + OutZeroPoint)
//	SoftmaxInt8ToFloat32(p, in []int8, out []float32, lo, hi): out = e/sum
//	LogSoftmaxInt8(p, in, out []int8, lo, hi): out = quantize(-Beta*inScale*d - log(sum))
//
// with sum accumulated in float64 in index order. Units is Outer*Inner.
type SoftmaxInt8Params struct {
	Outer, Axis, Inner int
	Exp                [256]float64
	InScale, Beta      float64
	OutScale           float64
	OutZeroPoint       int32
}

func (p *SoftmaxInt8Params) Units() int { return p.Outer * p.Inner }

// SoftmaxFloat32Params: SoftmaxFloat32 and LogSoftmaxFloat32(p, in, out []float32, lo, hi).
type SoftmaxFloat32Params struct {
	Outer, Axis, Inner int
	Beta               float32
}

func (p *SoftmaxFloat32Params) Units() int { return p.Outer * p.Inner }

// QuantizeParams: QuantizeFloat32ToInt8(p, in []float32, out []int8, lo, hi):
// q = clamp(round(x/Scale) + ZeroPoint, -128, 127) with round half away from
// zero (TFLite's AffineQuantize). DequantizeInt8ToFloat32(p, in []int8, out []float32, lo, hi):
// x = float32(q-ZeroPoint) * Scale. DequantizeUint8ToFloat32 likewise;
// DequantizeFloat16ToFloat32(p, in []uint16, out []float32, lo, hi).
// Units is elements.
type QuantizeParams struct {
	Elements  int
	Scale     float32
	ZeroPoint int32
}

func (p *QuantizeParams) Units() int { return p.Elements }

// ResizeParams over NHWC. Nearest: ResizeNearest(p, in, out []byte, lo, hi)
// (dtype agnostic). Bilinear: ResizeBilinearInt8(p, in, out []int8, lo, hi)
// and ResizeBilinearFloat32. Source coordinates and weights are computed
// once at plan time into the tables (Q10 fixed point for int8:
// out = (sum of q*wy*wx + 2^19) >> 20 with arithmetic shift, input and output
// sharing quantization). Units is N*OutH.
type ResizeParams struct {
	N, InH, InW, C int
	OutH, OutW     int
	ElemSize       int
	// Per output y (x): the two source rows (columns) and the Q10 weight of
	// the second one; the first one's weight is 1024 minus it. Nearest uses Y0/X0.
	Y0, Y1, X0, X1 []int32
	WY, WX         []int32
	// Float weights of the second source row/column, for ResizeBilinearFloat32.
	FY, FX []float32
}

func (p *ResizeParams) Units() int { return p.N * p.OutH }

// LRNParams: LRNFloat32(p, in, out []float32, lo, hi) is ONNX LRN across
// channels: out = x / (Bias + Alpha/Size * sum(x^2 over the window))^Beta.
// LRNInt8(p, in, out []int8, lo, hi) dequantizes, computes in float64 and
// requantizes. Units is pixels (N*H*W).
type LRNParams struct {
	Pixels, C                 int
	Size                      int
	Alpha, Beta, Bias         float32
	InScale, OutScale         float32
	InZeroPoint, OutZeroPoint int32
}

func (p *LRNParams) Units() int { return p.Pixels }
