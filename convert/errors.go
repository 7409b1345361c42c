package convert

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
)

// UnsupportedError lists everything in a model the converter cannot
// convert, found by the importer (unknown operators, attributes, types) or
// by the lowering (operators the model format cannot express), with the
// list of supported ONNX operators.
type UnsupportedError struct {
	Path   string
	Issues []string
}

func (e *UnsupportedError) Error() string {
	var b strings.Builder
	if len(e.Issues) == 1 {
		fmt.Fprintf(&b, "%s: 1 unsupported feature:", e.Path)
	} else {
		fmt.Fprintf(&b, "%s: %d unsupported features:", e.Path, len(e.Issues))
	}
	for _, is := range e.Issues {
		b.WriteString("\n  ")
		b.WriteString(is)
	}
	fmt.Fprintf(&b, "\nsupported ONNX operators (default domain, opsets %d to %d): %s", onnx.MinOpset, onnx.MaxOpset, strings.Join(SupportedOps(), ", "))
	b.WriteString("\n(Gather, Cast, Shape and ConstantOfShape only where they fold to constants; MatMul and Div with a constant second operand)")
	return b.String()
}

// SupportedOps lists the ONNX operator types Convert handles, sorted.
func SupportedOps() []string {
	return slices.DeleteFunc(onnx.SupportedOps(), func(op string) bool {
		return op == "QuantizeLinear" || op == "DequantizeLinear"
	})
}

func fromImport(path string, ue *onnx.UnsupportedError) error {
	e := &UnsupportedError{Path: path}
	for _, is := range ue.Issues {
		e.Issues = append(e.Issues, is.String())
	}
	return e
}

// fromLower turns the lowering's report into an UnsupportedError and
// passes other errors through.
func fromLower(path string, err error) error {
	var le *lower.UnsupportedError
	if !errors.As(err, &le) {
		return err
	}
	e := &UnsupportedError{Path: path}
	for _, is := range le.Issues {
		e.Issues = append(e.Issues, is.Node+": "+is.Detail)
	}
	return e
}
