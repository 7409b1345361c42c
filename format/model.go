// Package format reads, validates and writes edgeinfer model files.
//
// The on-disk form is the FlatBuffers schema in edgeinfer.fbs (generated code
// in fb/) followed by a 64-byte aligned data section and a checksummed
// trailer. Decode validates every offset, length, index, shape and option
// once and copies the graph into the plain Go structs below; tensor payloads
// stay slices of the file's bytes (an mmap when Open could map it). Code that
// receives a *Model from Decode or Open may trust it: nothing after
// validation re-checks (the wazero layering: decode, validate once, trust).
package format

import (
	"fmt"
	"math"
)

// Version is the model format version this package reads and writes.
const Version = 1

// Identifier is the FlatBuffers file identifier at bytes 4..8.
const Identifier = "EINF"

// DataAlignment is the alignment of every tensor payload in the file.
const DataAlignment = 64

// DType is a tensor element type.
type DType uint8

const (
	Int8    DType = 0
	Uint8   DType = 1
	Int32   DType = 2
	Float32 DType = 3
	Float16 DType = 4
)

// Size is the element size in bytes.
func (d DType) Size() int {
	switch d {
	case Int8, Uint8:
		return 1
	case Float16:
		return 2
	case Int32, Float32:
		return 4
	}
	return 0
}

func (d DType) String() string {
	switch d {
	case Int8:
		return "int8"
	case Uint8:
		return "uint8"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	case Float16:
		return "float16"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// Quant is a tensor's affine quantization: real = (q - ZeroPoint) * Scale.
// Axis < 0: per-tensor, one Scale and ZeroPoint. Axis >= 0: per-channel
// along Shape[Axis], one entry per channel.
type Quant struct {
	Scale     []float32
	ZeroPoint []int32
	Axis      int
	Min, Max  float32 // calibrated real range (informational)
}

// Tensor is a graph value. Data is nil for activations (planned by the
// runtime) and holds the little-endian payload for constants.
type Tensor struct {
	Name  string
	Shape []int
	DType DType
	Quant *Quant // nil for unquantized float tensors
	Data  []byte
}

// Elements is the product of Shape (1 for a scalar).
func (t *Tensor) Elements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Bytes is Elements × DType.Size().
func (t *Tensor) Bytes() int { return t.Elements() * t.DType.Size() }

// OpCode names an operator. The values are the schema's fb.OpCode values.
type OpCode uint16

const (
	OpConv2D         OpCode = 0
	OpFullyConnected OpCode = 1
	OpMaxPool2D      OpCode = 2
	OpAveragePool2D  OpCode = 3
	OpMean           OpCode = 4
	OpReduceMax      OpCode = 5
	OpAdd            OpCode = 6
	OpSub            OpCode = 7
	OpMul            OpCode = 8
	OpConcatenation  OpCode = 9
	OpPad            OpCode = 10
	OpReshape        OpCode = 11
	OpTranspose      OpCode = 12
	OpSlice          OpCode = 13
	OpClamp          OpCode = 14
	OpLeakyRelu      OpCode = 15
	OpPRelu          OpCode = 16
	OpHardSwish      OpCode = 17
	OpHardSigmoid    OpCode = 18
	OpLogistic       OpCode = 19
	OpTanh           OpCode = 20
	OpSoftmax        OpCode = 21
	OpLogSoftmax     OpCode = 22
	OpQuantize       OpCode = 23
	OpDequantize     OpCode = 24
	OpResize         OpCode = 25
	OpLRN            OpCode = 26
	numOpCodes              = 27
)

var opNames = [numOpCodes]string{
	"CONV_2D", "FULLY_CONNECTED", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN", "REDUCE_MAX",
	"ADD", "SUB", "MUL", "CONCATENATION", "PAD", "RESHAPE", "TRANSPOSE", "SLICE", "CLAMP",
	"LEAKY_RELU", "PRELU", "HARD_SWISH", "HARD_SIGMOID", "LOGISTIC", "TANH", "SOFTMAX",
	"LOG_SOFTMAX", "QUANTIZE", "DEQUANTIZE", "RESIZE", "LRN",
}

func (o OpCode) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("opcode(%d)", uint16(o))
}

// Valid reports whether o is an opcode this version knows.
func (o OpCode) Valid() bool { return int(o) < numOpCodes }

// ActKind is a fused activation.
type ActKind uint8

const (
	ActNone      ActKind = 0
	ActRelu      ActKind = 1
	ActRelu6     ActKind = 2
	ActReluN1To1 ActKind = 3
	ActClamp     ActKind = 4 // [Min, Max] in real units
)

// Activation is a fused activation applied to an op's output.
type Activation struct {
	Kind     ActKind
	Min, Max float32 // used by ActClamp
}

// Bounds returns the real-valued clamp interval of the activation
// (±Inf where unbounded).
func (a Activation) Bounds() (lo, hi float32) {
	inf := float32(math.Inf(1))
	switch a.Kind {
	case ActRelu:
		return 0, inf
	case ActRelu6:
		return 0, 6
	case ActReluN1To1:
		return -1, 1
	case ActClamp:
		return a.Min, a.Max
	}
	return -inf, inf
}

// Operator is one node. Inputs and Outputs index Model.Tensors; -1 marks an
// absent optional input (a conv without bias). Options is one of the *...Options
// types below, matching Op (nil for ops without options).
type Operator struct {
	Op      OpCode
	Name    string
	Inputs  []int
	Outputs []int
	Options any
}

// Conv2DOptions: input [N,H,W,C], weights OHWI [OC,KH,KW,C/Groups], bias [OC].
type Conv2DOptions struct {
	StrideH, StrideW     int
	DilationH, DilationW int
	PadTop, PadLeft      int
	PadBottom, PadRight  int
	Groups               int
	Act                  Activation
}

// FullyConnectedOptions: input [B, K] (or any shape flattened to rows of K),
// weights [N, K], bias [N], output [B, N].
type FullyConnectedOptions struct {
	Act Activation
}

// Pool2DOptions for MAX_POOL_2D and AVERAGE_POOL_2D over NHWC.
type Pool2DOptions struct {
	KernelH, KernelW     int
	StrideH, StrideW     int
	DilationH, DilationW int
	PadTop, PadLeft      int
	PadBottom, PadRight  int
	CountIncludePad      bool
	Act                  Activation
}

// ReduceOptions for MEAN and REDUCE_MAX.
type ReduceOptions struct {
	Axes     []int
	KeepDims bool
}

// ElementwiseOptions for ADD, SUB and MUL (NumPy broadcasting).
type ElementwiseOptions struct {
	Act Activation
}

// ConcatOptions for CONCATENATION.
type ConcatOptions struct {
	Axis int
}

// PadOptions: Paddings holds before/after pairs per dimension; Value is the
// real-valued pad constant.
type PadOptions struct {
	Paddings []int
	Value    float32
}

// TransposeOptions: output dim i is input dim Perm[i].
type TransposeOptions struct {
	Perm []int
}

// SliceOptions: per dimension, Begin, Size and Step (empty Step: all 1).
type SliceOptions struct {
	Begin, Size, Step []int
}

// ClampOptions for CLAMP (ReLU is [0, +Inf), ReLU6 [0, 6]).
type ClampOptions struct {
	Min, Max float32
}

// LeakyReluOptions for LEAKY_RELU.
type LeakyReluOptions struct {
	Alpha float32
}

// HardSigmoidOptions: y = clamp(Alpha*x + Beta, 0, 1).
type HardSigmoidOptions struct {
	Alpha, Beta float32
}

// SoftmaxOptions for SOFTMAX and LOG_SOFTMAX.
type SoftmaxOptions struct {
	Beta float32
	Axis int
}

// ResizeMode, CoordinateMode and NearestMode mirror the schema enums.
type (
	ResizeMode     uint8
	CoordinateMode uint8
	NearestMode    uint8
)

const (
	ResizeNearest  ResizeMode = 0
	ResizeBilinear ResizeMode = 1

	CoordHalfPixel        CoordinateMode = 0
	CoordAsymmetric       CoordinateMode = 1
	CoordAlignCorners     CoordinateMode = 2
	CoordPytorchHalfPixel CoordinateMode = 3

	NearestRoundPreferFloor NearestMode = 0
	NearestRoundPreferCeil  NearestMode = 1
	NearestFloor            NearestMode = 2
	NearestCeil             NearestMode = 3
)

// ResizeOptions for RESIZE; the output size is the output tensor's H, W.
type ResizeOptions struct {
	Mode       ResizeMode
	Coordinate CoordinateMode
	Nearest    NearestMode
}

// LRNOptions: across-channel local response normalization (ONNX LRN).
type LRNOptions struct {
	Size              int
	Alpha, Beta, Bias float32
}

// Layout of a graph input or output in the source model.
type Layout uint8

const (
	NHWC Layout = 0
	NCHW Layout = 1
)

// ColorOrder and ResizeFit mirror the schema enums.
type (
	ColorOrder uint8
	ResizeFit  uint8
)

const (
	RGB  ColorOrder = 0
	BGR  ColorOrder = 1
	Gray ColorOrder = 2

	FitSquash     ResizeFit = 0
	FitCenterCrop ResizeFit = 1
	FitLetterbox  ResizeFit = 2
)

// Preprocessing says how an 8-bit image becomes the model's float input:
// v = pixel*Scale + Offset; x[c] = (v - Mean[c]) / Std[c].
type Preprocessing struct {
	ColorOrder    ColorOrder
	Scale, Offset float32
	Mean, Std     []float32
	Fit           ResizeFit
	Interpolation ResizeMode
	Width, Height int
	Channels      int
}

// Calibration records how activation ranges were measured.
type Calibration struct {
	Method     string
	Samples    int
	Source     string
	Percentile float32
	Seed       int64
}

// Producer records what wrote the file.
type Producer struct {
	Name, Version     string
	SourceModel       string
	SourceModelSHA256 string
	Calibration       *Calibration
}

// TensorReport is one quantized tensor's SQNR against the float reference.
type TensorReport struct {
	Tensor string
	SQNRdB float32
}

// QuantReport summarizes quantization quality.
type QuantReport struct {
	Tensors       []TensorReport
	OutputSQNRdB  float32
	Top1Agreement float32
	Samples       int
}

// Metadata is everything that is not the graph.
type Metadata struct {
	Description   string
	Labels        []string
	Preprocessing *Preprocessing
	IOLayouts     map[int]Layout // graph input/output tensor -> source layout
	Producer      *Producer
	QuantReport   *QuantReport
	Extra         map[string]string
}

// Model is a decoded, validated model (or one being built for Encode).
type Model struct {
	Version   uint32
	Tensors   []Tensor
	Operators []Operator
	Inputs    []int
	Outputs   []int
	Metadata  Metadata
}
