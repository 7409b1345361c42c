// Package onnxtest makes the importer's test encoder of ONNX models
// (convert/onnx/internal/onnxtest, an independent protowire writer) usable
// by the tests of the rest of the converter and of the command line, which
// need small .onnx files.
package onnxtest

import it "github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"

// The ONNX model parts; each has a Marshal method.
type (
	Model     = it.Model
	Opset     = it.Opset
	Graph     = it.Graph
	Node      = it.Node
	Attr      = it.Attr
	Tensor    = it.Tensor
	ValueInfo = it.ValueInfo
	KV        = it.KV
)

// ONNX TensorProto.DataType values.
const (
	Float    = it.Float
	Uint8    = it.Uint8
	Int8     = it.Int8
	Int16    = it.Int16
	Int32    = it.Int32
	Int64    = it.Int64
	String   = it.String
	Bool     = it.Bool
	Float16  = it.Float16
	Double   = it.Double
	BFloat16 = it.BFloat16
)

// Attribute, tensor and value-info constructors.
var (
	AttrInt     = it.AttrInt
	AttrInts    = it.AttrInts
	AttrFloat   = it.AttrFloat
	AttrFloats  = it.AttrFloats
	AttrString  = it.AttrString
	AttrTensor  = it.AttrTensor
	FloatTensor = it.FloatTensor
	Int64Tensor = it.Int64Tensor
	RawFloats   = it.RawFloats
	VI          = it.VI
)
