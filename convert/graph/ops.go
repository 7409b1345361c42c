package graph

// This file defines the IR operators. Each comment lists the node's inputs
// and outputs; "spatial" means the dims after N and C of an NC... tensor.
// All per-dim slices have one entry per spatial dim (Conv, pools) or per
// tensor dim (Pad, Slice, Resize), already normalized: no negative axes, no
// auto_pad, no defaults left implicit.

// Conv is an N-D grouped convolution (cross-correlation).
// Inputs: X [N, C, spatial...], W [M, C/Group, kernel...], optional B [M].
// Output: Y [N, M, out...].
type Conv struct {
	Strides   []int
	Dilations []int
	PadsBegin []int
	PadsEnd   []int
	Group     int
	Act       *Clip // fused output activation (see FusedActivation), nil: none
}

// Gemm is Y = Alpha * A' * B' + Beta * C, with A' = A or Aᵀ (TransA) and
// B' = B or Bᵀ (TransB). Inputs: A 2-D, B 2-D, optional C broadcastable to
// [M, N]. Output: Y [M, N].
type Gemm struct {
	TransA, TransB bool
	Alpha, Beta    float32
	Act            *Clip // fused output activation (see FusedActivation), nil: none
}

// MatMul is numpy matmul: batched over leading dims with broadcasting; a
// 1-D operand is promoted by adding a dim that is removed afterwards.
// Inputs: A, B. Output: Y.
type MatMul struct{}

// Add, Sub, Mul and Div are elementwise with numpy (multidirectional)
// broadcasting. Integer division truncates toward zero. Add, Sub and Mul
// may carry a fused float output activation (see FusedActivation).
// Inputs: A, B. Output: C.
type (
	Add struct{ Act *Clip }
	Sub struct{ Act *Clip }
	Mul struct{ Act *Clip }
	Div struct{}
)

// BatchNorm is inference-mode batch normalization:
// Y = (X - mean) / sqrt(var + Epsilon) * scale + B, per channel (dim 1).
// Inputs: X [N, C, ...], scale [C], B [C], mean [C], var [C]. Output: Y.
type BatchNorm struct {
	Epsilon float32
}

// Relu is max(x, 0). Input: X. Output: Y.
type Relu struct{}

// Clip is min(max(x, Min), Max). Absent ONNX bounds are ±Inf (float32
// range). Input: X. Output: Y.
type Clip struct {
	Min, Max float32
}

// LeakyRelu is x for x >= 0, Alpha*x otherwise. Input: X. Output: Y.
type LeakyRelu struct {
	Alpha float32
}

// PRelu is x for x >= 0, slope*x otherwise, slope broadcast to X
// (unidirectionally). Inputs: X, slope. Output: Y.
type PRelu struct{}

// Sigmoid is 1/(1+exp(-x)). Input: X. Output: Y.
type Sigmoid struct{}

// HardSigmoid is max(0, min(1, Alpha*x + Beta)). Input: X. Output: Y.
type HardSigmoid struct {
	Alpha, Beta float32
}

// HardSwish is x * max(0, min(1, x/6 + 1/2)). Input: X. Output: Y.
type HardSwish struct{}

// Tanh is tanh(x). Input: X. Output: Y.
type Tanh struct{}

// Pool holds the window geometry shared by MaxPool and AveragePool.
// Window o along a spatial dim covers input positions
// o*Stride - PadBegin + k*Dilation for k in [0, Kernel). The output size is
// the output tensor's shape; CeilMode records how it was rounded.
type Pool struct {
	Kernel    []int
	Strides   []int
	Dilations []int
	PadsBegin []int
	PadsEnd   []int
	CeilMode  bool
}

// MaxPool takes the maximum over each window (padding never wins).
// Input: X [N, C, spatial...]. Outputs: Y, optional Indices (int64): the
// flat index of each maximum in X, with the spatial part in row-major order
// (StorageOrder 0) or column-major order (StorageOrder 1).
type MaxPool struct {
	Pool
	StorageOrder int
}

// AveragePool averages each window. The divisor counts the window
// positions inside the input, or with CountIncludePad also those inside the
// explicit padding (never those past it, which ceil mode can add).
// Input: X [N, C, spatial...]. Output: Y.
type AveragePool struct {
	Pool
	CountIncludePad bool
}

// ReduceMean and ReduceMax reduce over Axes (sorted, distinct, non-empty),
// keeping them as size-1 dims when KeepDims. Input: X. Output: Y.
type (
	ReduceMean struct {
		Axes     []int
		KeepDims bool
	}
	ReduceMax struct {
		Axes     []int
		KeepDims bool
	}
)

// Reshape reinterprets X (row-major) with the output tensor's shape, which
// Shape records. Input: X. Output: Y.
type Reshape struct {
	Shape []int
}

// Transpose permutes dims: output dim i is input dim Perm[i].
// Input: X. Output: Y.
type Transpose struct {
	Perm []int
}

// Concat joins its inputs along Axis. Inputs: X0, X1, ... Output: Y.
type Concat struct {
	Axis int
}

// Split cuts X along Axis into pieces of the given Sizes.
// Input: X. Outputs: one per size.
type Split struct {
	Axis  int
	Sizes []int
}

// Slice takes, along each dim d, Sizes[d] elements starting at Starts[d]
// with stride Steps[d] (negative steps walk backwards). The fields are
// resolved for every dim: no clamping is left to do.
// Input: X. Output: Y.
type Slice struct {
	Starts []int
	Steps  []int
	Sizes  []int
}

// PadMode selects how Pad fills the border.
type PadMode uint8

const (
	PadConstant PadMode = iota // Value
	PadReflect                 // mirror without repeating the edge
	PadEdge                    // repeat the edge
	PadWrap                    // wrap around (periodic)
)

func (m PadMode) String() string {
	switch m {
	case PadConstant:
		return "constant"
	case PadReflect:
		return "reflect"
	case PadEdge:
		return "edge"
	case PadWrap:
		return "wrap"
	}
	return "PadMode(?)"
}

// Pad adds PadsBegin[d] elements before and PadsEnd[d] after each dim d;
// negative amounts crop. Input: X. Output: Y.
type Pad struct {
	PadsBegin []int
	PadsEnd   []int
	Mode      PadMode
	Value     float64 // PadConstant fill, converted to X's type
}

// Softmax and LogSoftmax normalize along one Axis.
// Input: X. Output: Y.
type (
	Softmax struct {
		Axis int
	}
	LogSoftmax struct {
		Axis int
	}
)

// LRN is cross-channel local response normalization:
// y = x / (Bias + Alpha/Size * sum of x² over channels
// [c - floor((Size-1)/2), c + ceil((Size-1)/2)])^Beta.
// Input: X [N, C, ...]. Output: Y.
type LRN struct {
	Size              int
	Alpha, Beta, Bias float32
}

// ResizeMode is the interpolation of Resize.
type ResizeMode uint8

const (
	ResizeNearest ResizeMode = iota
	ResizeLinear             // n-linear over every resized dim
	ResizeCubic
)

func (m ResizeMode) String() string {
	switch m {
	case ResizeNearest:
		return "nearest"
	case ResizeLinear:
		return "linear"
	case ResizeCubic:
		return "cubic"
	}
	return "ResizeMode(?)"
}

// CoordMode maps an output coordinate to an input coordinate in Resize.
type CoordMode uint8

const (
	CoordHalfPixel          CoordMode = iota // (x+0.5)/scale - 0.5
	CoordPytorchHalfPixel                    // HalfPixel, but 0 when the output size is 1
	CoordAlignCorners                        // x*(in-1)/(out-1)
	CoordAsymmetric                          // x/scale
	CoordTFCropAndResize                     // roi-based, Extrapolation outside
	CoordHalfPixelSymmetric                  // half pixel around the centre (opset 19)
	CoordTFHalfPixelForNN                    // (x+0.5)/scale (opsets 11 and 12)
)

var coordModeNames = [...]string{"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize", "half_pixel_symmetric", "tf_half_pixel_for_nn"}

func (m CoordMode) String() string {
	if int(m) < len(coordModeNames) {
		return coordModeNames[m]
	}
	return "CoordMode(?)"
}

// NearestMode rounds the input coordinate for ResizeNearest.
type NearestMode uint8

const (
	NearestRoundPreferFloor NearestMode = iota
	NearestRoundPreferCeil
	NearestFloor
	NearestCeil
	// NearestLegacy is Resize-10 and Upsample: per dim, floor when the
	// dim is enlarged or kept and ceil when it shrinks.
	NearestLegacy
)

var nearestModeNames = [...]string{"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "legacy"}

func (m NearestMode) String() string {
	if int(m) < len(nearestModeNames) {
		return nearestModeNames[m]
	}
	return "NearestMode(?)"
}

// Resize resamples X to the output tensor's shape (recorded in Sizes).
// Scales[d] is the scale used by the coordinate transform of dim d: the
// ONNX scale when scales were given (Sizes[d] is then floor(in*scale)),
// Sizes[d]/in[d] otherwise. Like the ONNX reference, the transforms that
// need the output length use Scales[d]*in[d], not Sizes[d]. Roi holds
// [starts..., ends...] per dim for CoordTFCropAndResize.
// Input: X. Output: Y.
type Resize struct {
	Mode           ResizeMode
	Coord          CoordMode
	Nearest        NearestMode
	CubicCoeffA    float32
	ExcludeOutside bool
	Extrapolation  float32
	Scales         []float64
	Sizes          []int
	Roi            []float64
}

// Identity copies X. Input: X. Output: Y.
type Identity struct{}

// Gather picks entries of data along Axis at the given indices (negative
// indices count from the end). Inputs: data, indices (integer).
// Output: data.shape[:Axis] + indices.shape + data.shape[Axis+1:].
type Gather struct {
	Axis int
}

// Cast converts X to type To: floats to integers truncate toward zero
// (then wrap), integers wrap, anything to Bool is x != 0.
// Input: X. Output: Y.
type Cast struct {
	To DType
}

// QuantParams is the affine quantization of a QuantizeLinear or
// DequantizeLinear node, kept for the quantization passes:
// real = (q - ZeroPoint) * Scale. Axis is -1 for one scale and zero point
// per tensor, else the dim with one entry per index.
type QuantParams struct {
	Scale     []float32
	ZeroPoint []int64
	Axis      int
	QType     DType // Int8 or Uint8
}

// QuantizeLinear is q = saturate(round_half_even(x / Scale) + ZeroPoint).
// Input: X (float32). Output: Y (QType).
type QuantizeLinear struct {
	QuantParams
}

// DequantizeLinear is x = (q - ZeroPoint) * Scale.
// Input: X (QType). Output: Y (float32).
type DequantizeLinear struct {
	QuantParams
}

func (*Conv) Type() OpType             { return OpConv }
func (*Gemm) Type() OpType             { return OpGemm }
func (*MatMul) Type() OpType           { return OpMatMul }
func (*Add) Type() OpType              { return OpAdd }
func (*Sub) Type() OpType              { return OpSub }
func (*Mul) Type() OpType              { return OpMul }
func (*Div) Type() OpType              { return OpDiv }
func (*BatchNorm) Type() OpType        { return OpBatchNorm }
func (*Relu) Type() OpType             { return OpRelu }
func (*Clip) Type() OpType             { return OpClip }
func (*LeakyRelu) Type() OpType        { return OpLeakyRelu }
func (*PRelu) Type() OpType            { return OpPRelu }
func (*Sigmoid) Type() OpType          { return OpSigmoid }
func (*HardSigmoid) Type() OpType      { return OpHardSigmoid }
func (*HardSwish) Type() OpType        { return OpHardSwish }
func (*Tanh) Type() OpType             { return OpTanh }
func (*MaxPool) Type() OpType          { return OpMaxPool }
func (*AveragePool) Type() OpType      { return OpAveragePool }
func (*ReduceMean) Type() OpType       { return OpReduceMean }
func (*ReduceMax) Type() OpType        { return OpReduceMax }
func (*Reshape) Type() OpType          { return OpReshape }
func (*Transpose) Type() OpType        { return OpTranspose }
func (*Concat) Type() OpType           { return OpConcat }
func (*Split) Type() OpType            { return OpSplit }
func (*Slice) Type() OpType            { return OpSlice }
func (*Pad) Type() OpType              { return OpPad }
func (*Softmax) Type() OpType          { return OpSoftmax }
func (*LogSoftmax) Type() OpType       { return OpLogSoftmax }
func (*LRN) Type() OpType              { return OpLRN }
func (*Resize) Type() OpType           { return OpResize }
func (*Identity) Type() OpType         { return OpIdentity }
func (*Gather) Type() OpType           { return OpGather }
func (*Cast) Type() OpType             { return OpCast }
func (*QuantizeLinear) Type() OpType   { return OpQuantizeLinear }
func (*DequantizeLinear) Type() OpType { return OpDequantizeLinear }
