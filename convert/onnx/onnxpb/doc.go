// Package onnxpb decodes the subset of the ONNX protobuf schema (onnx.proto,
// IR versions 3 to 10) that a converter for float CNNs reads: ModelProto,
// OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto.Tensor and TensorShapeProto.
//
// The decoder walks the wire format with google.golang.org/protobuf's
// encoding/protowire instead of code generated from onnx.proto. The subset
// is small and fixed (field numbers are frozen by protobuf compatibility
// rules), hand decoding lets every error name the message path it happened
// at ("graph.node[12].attribute[3]: ..."), and byte fields such as raw_data
// alias the input instead of being copied, which matters for models with
// hundreds of megabytes of weights. Fields outside the subset are skipped;
// subgraph attributes (If, Loop, Scan bodies), sparse tensors and non-tensor
// types are recorded as present but not decoded, since no op the converter
// supports uses them.
//
// Decoding never panics: malformed input of any kind returns an error.
package onnxpb
