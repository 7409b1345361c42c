package builder

import (
	"fmt"
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/format"
)

// add records an op with one output. build checks the operands, fills the
// node's constants and options and returns the output shape; its error is
// wrapped with the op being added. in aliases b.values and is valid only
// during build.
func (b *Builder) add(op format.OpCode, name string, inputs []Tensor, build func(n *node, in []*value) ([]int, error)) Tensor {
	if b.err != nil {
		return invalid
	}
	fail := func(err error) Tensor {
		b.err = fmt.Errorf("builder: operator %d %q (%s): %w", len(b.nodes), name, op, err)
		return invalid
	}
	if name == "" {
		return fail(fmt.Errorf("empty name"))
	}
	if b.names[name] {
		return fail(fmt.Errorf("name already used"))
	}
	in := make([]*value, len(inputs))
	for i, t := range inputs {
		if !b.valid(t) {
			return fail(fmt.Errorf("input %d: %d is not a tensor of this builder", i, t))
		}
		in[i] = &b.values[t]
		if in[i].kind == kindConst && !takesConstants(op) {
			return fail(fmt.Errorf("input %d %q is a constant; only ADD, SUB and MUL take constant operands", i, in[i].name))
		}
	}
	if len(in) > 0 && !slices.ContainsFunc(in, func(v *value) bool { return v.kind != kindConst }) {
		return fail(fmt.Errorf("every input is a constant; fold the op into a constant instead"))
	}
	n := node{op: op, name: name, inputs: slices.Clone(inputs)}
	shape, err := build(&n, in)
	if err != nil {
		return fail(err)
	}
	if err := checkShape(shape); err != nil {
		return fail(fmt.Errorf("output %w", err))
	}
	b.names[name] = true
	n.output = b.addValue(value{name: name, shape: shape, kind: kindOp, node: len(b.nodes)})
	b.nodes = append(b.nodes, n)
	return n.output
}

func takesConstants(op format.OpCode) bool {
	return op == format.OpAdd || op == format.OpSub || op == format.OpMul
}

// checkAct validates a fused activation.
func checkAct(a format.Activation) error {
	switch a.Kind {
	case format.ActNone, format.ActRelu, format.ActRelu6, format.ActReluN1To1:
		return nil
	case format.ActClamp:
		if isNaN(a.Min) || isNaN(a.Max) || a.Min > a.Max {
			return fmt.Errorf("clamp activation [%v, %v] is not an interval", a.Min, a.Max)
		}
		return nil
	}
	return fmt.Errorf("unknown activation kind %d", a.Kind)
}

// rank4 checks that v is an NHWC activation.
func rank4(v *value) error {
	if len(v.shape) != 4 {
		return fmt.Errorf("input %q has shape %v; want NHWC (rank 4)", v.name, v.shape)
	}
	return nil
}

func isNaN(x float32) bool { return math.IsNaN(float64(x)) }

// one returns 1 for a zero (unset) option, else v.
func one(v int) int {
	if v == 0 {
		return 1
	}
	return v
}
