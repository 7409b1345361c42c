package onnx

import (
	"fmt"
	"strings"
)

// IssueKind classifies why part of a model is unsupported.
type IssueKind uint8

const (
	// IssueOperator: an op type (or domain) the converter does not know.
	IssueOperator IssueKind = iota + 1
	// IssueAttribute: a known op with an attribute, attribute value or
	// mode the converter does not implement (training mode included).
	IssueAttribute
	// IssueDType: a tensor element type the converter does not handle.
	IssueDType
	// IssueOpset: an operator set version outside the supported range.
	IssueOpset
)

func (k IssueKind) String() string {
	switch k {
	case IssueOperator:
		return "unsupported operator"
	case IssueAttribute:
		return "unsupported attribute"
	case IssueDType:
		return "unsupported data type"
	case IssueOpset:
		return "unsupported opset"
	}
	return "unsupported"
}

// Issue is one unsupported feature, at a node (NodeIndex >= 0) or at the
// model or graph level (NodeIndex -1).
type Issue struct {
	Kind      IssueKind
	NodeIndex int
	NodeName  string
	OpType    string // with its domain when not the default one
	Opset     int
	Detail    string
}

func (is Issue) String() string {
	var b strings.Builder
	if is.NodeIndex >= 0 {
		fmt.Fprintf(&b, "node %d %q: %s (opset %d): ", is.NodeIndex, is.NodeName, is.OpType, is.Opset)
	}
	b.WriteString(is.Kind.String())
	if is.Detail != "" {
		b.WriteString(": ")
		b.WriteString(is.Detail)
	}
	return b.String()
}

// UnsupportedError lists every unsupported feature of a model at once, so
// that a user sees the whole porting job instead of one node per attempt.
type UnsupportedError struct {
	Issues []Issue
}

func (e *UnsupportedError) Error() string {
	var b strings.Builder
	if len(e.Issues) == 1 {
		b.WriteString("onnx: the model uses an unsupported feature:\n")
	} else {
		fmt.Fprintf(&b, "onnx: the model uses %d unsupported features:\n", len(e.Issues))
	}
	for _, is := range e.Issues {
		b.WriteString("  ")
		b.WriteString(is.String())
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "supported operators (default domain, opsets %d to %d): %s", MinOpset, MaxOpset, strings.Join(SupportedOps(), ", "))
	return b.String()
}

// ConstantInputError reports a node input that must be a constant (a
// shape, axes, pads, scales, ...) but is computed at run time or fed as a
// graph input. A graph input can be frozen to a value with
// Options.Constants.
type ConstantInputError struct {
	NodeIndex int
	NodeName  string
	OpType    string
	Param     string // what the input means, e.g. "shape"
	Input     string // the tensor's name
	// GraphInput is true when Input is a graph input (freezable).
	GraphInput bool
}

func (e *ConstantInputError) Error() string {
	s := fmt.Sprintf("onnx: node %d %q: %s input %s %q must be a constant: the converter needs static shapes and parameters", e.NodeIndex, e.NodeName, e.OpType, e.Param, e.Input)
	if e.GraphInput {
		s += "; it is a graph input, which can be frozen to a value"
	}
	return s
}
