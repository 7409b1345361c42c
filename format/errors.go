package format

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel causes, for errors.Is. Errors returned by this package are
// *Error values; those about the file as a whole wrap one of these.
var (
	// ErrNotModel: the bytes are not an edgeinfer model (wrong file
	// identifier, or too short to hold one).
	ErrNotModel = errors.New("not an edgeinfer model")
	// ErrTruncated: the file ends before its trailer.
	ErrTruncated = errors.New("truncated model file")
	// ErrChecksum: the CRC-32C in the trailer does not match the contents.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrVersion: the format version is not one this package reads.
	ErrVersion = errors.New("unsupported format version")
	// ErrMalformed: the FlatBuffer or the data section is structurally
	// broken (an offset or length out of range, an unknown enum value).
	ErrMalformed = errors.New("malformed model file")
	// ErrInvalid: the model decodes but breaks a graph, shape, type or
	// quantization rule (see ValidateModel).
	ErrInvalid = errors.New("invalid model")
)

// Error is a model error that says where the problem is. Error() renders
// the set location fields, outermost first, then Msg:
//
//	model.einf: operator 12 "conv3" (CONV_2D): input 1 tensor 7 "conv3.weight": shape [16 3 3 8] ...
//
// Op and Tensor are -1 when the error is not about an operator or a tensor.
type Error struct {
	Path       string // the file, when the model came from one (Open, WriteFile)
	Op         int    // operator index, or -1
	OpName     string
	OpCode     OpCode
	Role       string // the tensor's role: "input 1", "output 0", "graph input 0", ...
	Tensor     int    // tensor index, or -1
	TensorName string
	Msg        string
	Err        error // the cause: one of the sentinels above, or an I/O error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
	} else {
		b.WriteString("format")
	}
	if e.Op >= 0 {
		fmt.Fprintf(&b, ": operator %d %q (%s)", e.Op, e.OpName, e.OpCode)
	}
	if e.Tensor >= 0 || e.Role != "" {
		b.WriteString(": ")
		if e.Role != "" {
			b.WriteString(e.Role)
			if e.Tensor >= 0 {
				b.WriteByte(' ')
			}
		}
		if e.Tensor >= 0 {
			fmt.Fprintf(&b, "tensor %d %q", e.Tensor, e.TensorName)
		}
	}
	b.WriteString(": ")
	switch {
	case e.Msg != "":
		b.WriteString(e.Msg)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// fileError is an error about the file as a whole.
func fileError(cause error, format string, args ...any) *Error {
	return &Error{Op: -1, Tensor: -1, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// malformed is a structural error in the FlatBuffer or data section.
func malformed(format string, args ...any) *Error {
	return fileError(ErrMalformed, format, args...)
}

// invalid is a model-level rule violation.
func invalid(format string, args ...any) *Error {
	return fileError(ErrInvalid, format, args...)
}

// tensorError is a rule violation of tensor t, in role (may be empty).
func tensorError(m *Model, role string, t int, format string, args ...any) *Error {
	e := invalid(format, args...)
	e.Role, e.Tensor = role, t
	if t >= 0 && t < len(m.Tensors) {
		e.TensorName = m.Tensors[t].Name
	}
	return e
}

// withPath returns err with Path set when it is an *Error, and otherwise
// an *Error for path wrapping err.
func withPath(path string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Path = path
		return &c
	}
	return &Error{Path: path, Op: -1, Tensor: -1, Err: err}
}
