package graph

import "fmt"

// OpType identifies an IR operator.
type OpType uint8

const (
	OpInvalid OpType = iota
	OpConv
	OpGemm
	OpMatMul
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpBatchNorm
	OpRelu
	OpClip
	OpLeakyRelu
	OpPRelu
	OpSigmoid
	OpHardSigmoid
	OpHardSwish
	OpTanh
	OpMaxPool
	OpAveragePool
	OpReduceMean
	OpReduceMax
	OpReshape
	OpTranspose
	OpConcat
	OpSplit
	OpSlice
	OpPad
	OpSoftmax
	OpLogSoftmax
	OpLRN
	OpResize
	OpIdentity
	OpGather
	OpCast
	OpQuantizeLinear
	OpDequantizeLinear
	numOpTypes
)

var opTypeNames = [numOpTypes]string{
	OpInvalid:          "Invalid",
	OpConv:             "Conv",
	OpGemm:             "Gemm",
	OpMatMul:           "MatMul",
	OpAdd:              "Add",
	OpSub:              "Sub",
	OpMul:              "Mul",
	OpDiv:              "Div",
	OpBatchNorm:        "BatchNormalization",
	OpRelu:             "Relu",
	OpClip:             "Clip",
	OpLeakyRelu:        "LeakyRelu",
	OpPRelu:            "PRelu",
	OpSigmoid:          "Sigmoid",
	OpHardSigmoid:      "HardSigmoid",
	OpHardSwish:        "HardSwish",
	OpTanh:             "Tanh",
	OpMaxPool:          "MaxPool",
	OpAveragePool:      "AveragePool",
	OpReduceMean:       "ReduceMean",
	OpReduceMax:        "ReduceMax",
	OpReshape:          "Reshape",
	OpTranspose:        "Transpose",
	OpConcat:           "Concat",
	OpSplit:            "Split",
	OpSlice:            "Slice",
	OpPad:              "Pad",
	OpSoftmax:          "Softmax",
	OpLogSoftmax:       "LogSoftmax",
	OpLRN:              "LRN",
	OpResize:           "Resize",
	OpIdentity:         "Identity",
	OpGather:           "Gather",
	OpCast:             "Cast",
	OpQuantizeLinear:   "QuantizeLinear",
	OpDequantizeLinear: "DequantizeLinear",
}

func (t OpType) String() string {
	if t < numOpTypes {
		return opTypeNames[t]
	}
	return fmt.Sprintf("OpType(%d)", uint8(t))
}
