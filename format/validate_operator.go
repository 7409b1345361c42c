package format

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
)

// opSpec is what every operator of one opcode must satisfy before its
// own shape rules run.
type opSpec struct {
	minInputs, maxInputs int    // maxInputs -1: any number
	optional             int    // the input that may be absent (-1), or -1
	options              string // the options type's name; "" for none
	weights              []int  // inputs that may be quantized per channel
	check                func(*opCheck) error
}

var opSpecs = [numOpCodes]opSpec{
	OpConv2D:         {2, 3, 2, "Conv2DOptions", []int{1, 2}, (*opCheck).conv2D},
	OpFullyConnected: {2, 3, 2, "FullyConnectedOptions", []int{1, 2}, (*opCheck).fullyConnected},
	OpMaxPool2D:      {1, 1, -1, "Pool2DOptions", nil, (*opCheck).pool2D},
	OpAveragePool2D:  {1, 1, -1, "Pool2DOptions", nil, (*opCheck).pool2D},
	OpMean:           {1, 1, -1, "ReduceOptions", nil, (*opCheck).reduce},
	OpReduceMax:      {1, 1, -1, "ReduceOptions", nil, (*opCheck).reduce},
	OpAdd:            {2, 2, -1, "ElementwiseOptions", nil, (*opCheck).binary},
	OpSub:            {2, 2, -1, "ElementwiseOptions", nil, (*opCheck).binary},
	OpMul:            {2, 2, -1, "ElementwiseOptions", nil, (*opCheck).binary},
	OpConcatenation:  {1, -1, -1, "ConcatOptions", nil, (*opCheck).concat},
	OpPad:            {1, 1, -1, "PadOptions", nil, (*opCheck).pad},
	OpReshape:        {1, 1, -1, "", nil, (*opCheck).reshape},
	OpTranspose:      {1, 1, -1, "TransposeOptions", nil, (*opCheck).transpose},
	OpSlice:          {1, 1, -1, "SliceOptions", nil, (*opCheck).slice},
	OpClamp:          {1, 1, -1, "ClampOptions", nil, (*opCheck).pointwise},
	OpLeakyRelu:      {1, 1, -1, "LeakyReluOptions", nil, (*opCheck).pointwise},
	OpPRelu:          {2, 2, -1, "", []int{1}, (*opCheck).prelu},
	OpHardSwish:      {1, 1, -1, "", nil, (*opCheck).pointwise},
	OpHardSigmoid:    {1, 1, -1, "HardSigmoidOptions", nil, (*opCheck).pointwise},
	OpLogistic:       {1, 1, -1, "", nil, (*opCheck).pointwise},
	OpTanh:           {1, 1, -1, "", nil, (*opCheck).pointwise},
	OpSoftmax:        {1, 1, -1, "SoftmaxOptions", nil, (*opCheck).softmax},
	OpLogSoftmax:     {1, 1, -1, "SoftmaxOptions", nil, (*opCheck).softmax},
	OpQuantize:       {1, 1, -1, "", nil, (*opCheck).quantize},
	OpDequantize:     {1, 1, -1, "", nil, (*opCheck).dequantize},
	OpResize:         {1, 1, -1, "ResizeOptions", nil, (*opCheck).resize},
	OpLRN:            {1, 1, -1, "LRNOptions", nil, (*opCheck).lrn},
}

// opCheck validates one operator.
type opCheck struct {
	m     *Model
	index int
	op    *Operator
	// scanned marks weight tensors whose values were checked already, so
	// that many operators sharing one weight tensor cost one scan.
	scanned []bool
}

func (c *opCheck) errorf(format string, args ...any) *Error {
	e := invalid(format, args...)
	e.Op, e.OpName, e.OpCode = c.index, c.op.Name, c.op.Op
	return e
}

// tensorErrorf is about tensor t in role ("input 1", "output 0").
func (c *opCheck) tensorErrorf(role string, t int, format string, args ...any) *Error {
	e := c.errorf(format, args...)
	e.Role = role
	if t >= 0 && t < len(c.m.Tensors) {
		e.Tensor, e.TensorName = t, c.m.Tensors[t].Name
	}
	return e
}

func (c *opCheck) inputErrorf(k int, format string, args ...any) *Error {
	return c.tensorErrorf(fmt.Sprintf("input %d", k), c.op.Inputs[k], format, args...)
}

func (c *opCheck) outputErrorf(format string, args ...any) *Error {
	return c.tensorErrorf("output 0", c.op.Outputs[0], format, args...)
}

// in is input k, nil when absent.
func (c *opCheck) in(k int) *Tensor {
	if k >= len(c.op.Inputs) || c.op.Inputs[k] < 0 {
		return nil
	}
	return &c.m.Tensors[c.op.Inputs[k]]
}

func (c *opCheck) out() *Tensor { return &c.m.Tensors[c.op.Outputs[0]] }

// validate runs the checks common to all operators, records the output's
// writer, then runs the opcode's own check.
func (c *opCheck) validate(isInput []bool, writer []int) error {
	op := c.op
	if !op.Op.Valid() {
		return c.errorf("unknown opcode")
	}
	spec := &opSpecs[op.Op]
	if len(op.Outputs) != 1 {
		return c.errorf("has %d outputs; every operator has exactly one", len(op.Outputs))
	}
	if n := len(op.Inputs); n < spec.minInputs || (spec.maxInputs >= 0 && n > spec.maxInputs) {
		return c.errorf("has %d inputs; %s takes %s", n, op.Op, arity(spec))
	}
	for k, t := range op.Inputs {
		switch {
		case t == -1 && k == spec.optional:
			continue
		case t == -1:
			return c.inputErrorf(k, "is absent (-1), but only an optional input may be")
		case t < 0 || t >= len(c.m.Tensors):
			return c.inputErrorf(k, "tensor index %d is out of range (the model has %d tensors)", t, len(c.m.Tensors))
		}
		x := &c.m.Tensors[t]
		if x.Data == nil && !isInput[t] && writer[t] < 0 {
			return c.inputErrorf(k, "is not a constant, not a graph input and not the output of an earlier operator")
		}
		if err := c.operand(fmt.Sprintf("input %d", k), t, slices.Contains(spec.weights, k)); err != nil {
			return err
		}
	}
	t := op.Outputs[0]
	switch {
	case t < 0 || t >= len(c.m.Tensors):
		return c.outputErrorf("tensor index %d is out of range (the model has %d tensors)", t, len(c.m.Tensors))
	case c.m.Tensors[t].Data != nil:
		return c.outputErrorf("is a constant; operators write activations")
	case isInput[t]:
		return c.outputErrorf("is a graph input; operators may not write graph inputs")
	case writer[t] >= 0:
		w := &c.m.Operators[writer[t]]
		return c.outputErrorf("is already written by operator %d %q (%s)", writer[t], w.Name, w.Op)
	}
	writer[t] = c.index
	if err := c.operand("output 0", t, false); err != nil {
		return err
	}
	if err := c.checkOptionsType(spec.options); err != nil {
		return err
	}
	return spec.check(c)
}

func arity(s *opSpec) string {
	switch {
	case s.maxInputs < 0:
		return fmt.Sprintf("at least %d", s.minInputs)
	case s.optional >= 0:
		return fmt.Sprintf("%d or %d", s.minInputs, s.maxInputs)
	}
	return fmt.Sprint(s.minInputs)
}

// operand checks what every operand needs: elements to work on, and
// per-tensor quantization unless it is a weights-like input.
func (c *opCheck) operand(role string, t int, weights bool) error {
	x := &c.m.Tensors[t]
	if x.Elements() == 0 {
		return c.tensorErrorf(role, t, "shape %v has no elements", x.Shape)
	}
	if q := x.Quant; q != nil && q.Axis >= 0 && !weights {
		return c.tensorErrorf(role, t, "is quantized per channel (axis %d); %s needs per-tensor quantization here", q.Axis, c.op.Op)
	}
	return nil
}

func (c *opCheck) checkOptionsType(want string) error {
	got := optionsName(c.op.Options)
	if got != want {
		return c.errorf("options are %s; %s takes %s", orNone(got), c.op.Op, orNone(want))
	}
	if v := reflect.ValueOf(c.op.Options); want != "" && v.IsNil() {
		return c.errorf("options are a nil *%s", want)
	}
	return nil
}

func orNone(name string) string {
	if name == "" {
		return "none"
	}
	return name
}

// optionsName is the options type's name, "" for nil.
func optionsName(o any) string {
	switch o.(type) {
	case nil:
		return ""
	case *Conv2DOptions:
		return "Conv2DOptions"
	case *FullyConnectedOptions:
		return "FullyConnectedOptions"
	case *Pool2DOptions:
		return "Pool2DOptions"
	case *ReduceOptions:
		return "ReduceOptions"
	case *ElementwiseOptions:
		return "ElementwiseOptions"
	case *ConcatOptions:
		return "ConcatOptions"
	case *PadOptions:
		return "PadOptions"
	case *TransposeOptions:
		return "TransposeOptions"
	case *SliceOptions:
		return "SliceOptions"
	case *ClampOptions:
		return "ClampOptions"
	case *LeakyReluOptions:
		return "LeakyReluOptions"
	case *HardSigmoidOptions:
		return "HardSigmoidOptions"
	case *SoftmaxOptions:
		return "SoftmaxOptions"
	case *ResizeOptions:
		return "ResizeOptions"
	case *LRNOptions:
		return "LRNOptions"
	}
	return fmt.Sprintf("%T", o)
}

// Helpers for the opcode checks.

// rank requires input k (or the output, k == -1) to have rank r.
func (c *opCheck) rank(k, r int) error {
	if k < 0 {
		if s := c.out().Shape; len(s) != r {
			return c.outputErrorf("shape %v; %s needs rank %d", s, c.op.Op, r)
		}
		return nil
	}
	if s := c.in(k).Shape; len(s) != r {
		return c.inputErrorf(k, "shape %v; %s needs rank %d", s, c.op.Op, r)
	}
	return nil
}

// sameShape requires input k to have the output's shape.
func (c *opCheck) sameShape(k int) error {
	if in, out := c.in(k).Shape, c.out().Shape; !slices.Equal(in, out) {
		return c.outputErrorf("shape %v differs from input %d's shape %v", out, k, in)
	}
	return nil
}

// constant requires input k to be a constant.
func (c *opCheck) constant(k int) error {
	if c.in(k).Data == nil {
		return c.inputErrorf(k, "must be a constant")
	}
	return nil
}

// signature renders the operand types, e.g. "(int8, int8, int32) -> int8".
func (c *opCheck) signature() string {
	s := make([]string, len(c.op.Inputs))
	for k := range c.op.Inputs {
		if t := c.in(k); t != nil {
			s[k] = t.DType.String()
		} else {
			s[k] = "none"
		}
	}
	return "(" + strings.Join(s, ", ") + ") -> " + c.out().DType.String()
}

// types reports whether the present inputs and the output have the given
// types (want lists the inputs, then the output).
func (c *opCheck) types(want ...DType) bool {
	for k := range c.op.Inputs {
		if t := c.in(k); t != nil && (k >= len(want)-1 || t.DType != want[k]) {
			return false
		}
	}
	return c.out().DType == want[len(want)-1]
}

// typesErr reports operand types outside the allowed signatures.
func (c *opCheck) typesErr(allowed string) error {
	return c.errorf("operand types %s; %s takes %s", c.signature(), c.op.Op, allowed)
}

// sameType requires input k to have the output's dtype.
func (c *opCheck) sameType(k int) error {
	if in, out := c.in(k).DType, c.out().DType; in != out {
		return c.inputErrorf(k, "is %s but the output is %s", in, out)
	}
	return nil
}

// outTypeIn requires the output's dtype to be one of ds.
func (c *opCheck) outTypeIn(ds ...DType) error {
	if d := c.out().DType; !slices.Contains(ds, d) {
		names := make([]string, len(ds))
		for i, x := range ds {
			names[i] = x.String()
		}
		return c.outputErrorf("is %s; %s supports %s", d, c.op.Op, strings.Join(names, " and "))
	}
	return nil
}

// sameQuant requires input k and the output to be quantized alike: the
// op's kernels move raw values.
func (c *opCheck) sameQuant(k int) error {
	in, out := c.in(k), c.out()
	if in.DType != Int8 && in.DType != Uint8 {
		return nil
	}
	a, b := in.Quant, out.Quant
	if !slices.Equal(a.Scale, b.Scale) || !slices.Equal(a.ZeroPoint, b.ZeroPoint) || a.Axis != b.Axis {
		return c.inputErrorf(k, "quantization (scale %v, zero point %v) differs from the output's (scale %v, zero point %v); %s moves raw values, so they must match",
			a.Scale, a.ZeroPoint, b.Scale, b.ZeroPoint, c.op.Op)
	}
	return nil
}

// param requires option name to lie in [lo, hi].
func (c *opCheck) param(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return c.errorf("%s %d is out of range [%d, %d]", name, v, lo, hi)
	}
	return nil
}

// params checks named option values against one range.
func (c *opCheck) params(lo, hi int, named ...any) error {
	for i := 0; i < len(named); i += 2 {
		if err := c.param(named[i].(string), named[i+1].(int), lo, hi); err != nil {
			return err
		}
	}
	return nil
}

// finiteParams requires named float options to be finite.
func (c *opCheck) finiteParams(named ...any) error {
	for i := 0; i < len(named); i += 2 {
		if v := named[i+1].(float32); !finite(v) {
			return c.errorf("%s is %v; it must be finite", named[i].(string), v)
		}
	}
	return nil
}

// activation checks a fused activation.
func (c *opCheck) activation(a Activation) error {
	switch {
	case a.Kind > ActClamp:
		return c.errorf("unknown fused activation %d", a.Kind)
	case a.Kind == ActClamp && !interval(a.Min, a.Max):
		return c.errorf("fused clamp [%v, %v] is not an interval", a.Min, a.Max)
	}
	return nil
}

// interval reports whether [lo, hi] is a non-empty interval (infinite
// ends allowed).
func interval(lo, hi float32) bool {
	return !math.IsNaN(float64(lo)) && !math.IsNaN(float64(hi)) && lo <= hi
}

// axis normalizes an axis of a rank-r tensor, reporting ok=false when out
// of [-r, r).
func axis(a, r int) (int, bool) {
	if a < -r || a >= r {
		return 0, false
	}
	if a < 0 {
		a += r
	}
	return a, true
}
