package onnx

import (
	"errors"
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// nodeCtx is the state of converting one ONNX node: attribute and input
// accessors that turn malformed input into errors naming the node, and
// emit, which adds IR nodes.
type nodeCtx struct {
	imp   *importer
	pb    *onnxpb.Node
	index int
	name  string // IR node name: the ONNX name, or OpType_index when unnamed
	opset int
}

func (c *nodeCtx) errf(format string, args ...any) error {
	return fmt.Errorf("onnx: node %d %s %q: %s", c.index, c.pb.OpType, c.name, fmt.Sprintf(format, args...))
}

func (c *nodeCtx) unsupported(kind IssueKind, format string, args ...any) error {
	return &UnsupportedError{Issues: []Issue{c.issue(kind, fmt.Sprintf(format, args...))}}
}

func (c *nodeCtx) issue(kind IssueKind, detail string) Issue {
	op := c.pb.OpType
	if d := c.pb.Domain; !isDefaultDomain(d) {
		op = d + "." + op
	}
	return Issue{Kind: kind, NodeIndex: c.index, NodeName: c.name, OpType: op, Opset: c.opset, Detail: detail}
}

// --- attributes ---

// attrTyped returns the attribute called name if it has type t; nil if it
// is absent. IR version 1 files leave Type unset, so an unset type is
// accepted when the matching value field is populated.
func (c *nodeCtx) attrTyped(name string, t onnxpb.AttrType) (*onnxpb.Attribute, error) {
	a := c.pb.Attribute(name)
	if a == nil {
		return nil, nil
	}
	if a.Type != t && !(a.Type == onnxpb.AttrUndefined && untypedMatches(a, t)) {
		return nil, c.errf("attribute %q is %v, want %v", name, a.Type, t)
	}
	return a, nil
}

func untypedMatches(a *onnxpb.Attribute, t onnxpb.AttrType) bool {
	switch t {
	case onnxpb.AttrInts:
		return len(a.Ints) > 0
	case onnxpb.AttrFloats:
		return len(a.Floats) > 0
	case onnxpb.AttrString:
		return a.S != nil
	case onnxpb.AttrTensor:
		return a.T != nil
	case onnxpb.AttrInt, onnxpb.AttrFloat:
		return len(a.Ints) == 0 && len(a.Floats) == 0 && a.S == nil && a.T == nil
	}
	return false
}

func toInt(v int64) (int, bool) {
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int(v), true
}

// attrInt reads an INT attribute that must fit an int32 (every integer
// attribute of a supported op is an axis, a size or a flag).
func (c *nodeCtx) attrInt(name string, def int) (int, error) {
	a, err := c.attrTyped(name, onnxpb.AttrInt)
	if a == nil || err != nil {
		return def, err
	}
	v, ok := toInt(a.I)
	if !ok {
		return 0, c.errf("attribute %q = %d is out of range", name, a.I)
	}
	return v, nil
}

func (c *nodeCtx) attrInts(name string) ([]int, bool, error) {
	a, err := c.attrTyped(name, onnxpb.AttrInts)
	if a == nil || err != nil {
		return nil, false, err
	}
	out := make([]int, len(a.Ints))
	for i, x := range a.Ints {
		v, ok := toInt(x)
		if !ok {
			return nil, false, c.errf("attribute %q has out-of-range value %d", name, x)
		}
		out[i] = v
	}
	return out, true, nil
}

// attrInts64 reads an INTS attribute whose values may use the whole int64
// range (Slice bounds are often INT64_MAX).
func (c *nodeCtx) attrInts64(name string) ([]int64, bool, error) {
	a, err := c.attrTyped(name, onnxpb.AttrInts)
	if a == nil || err != nil {
		return nil, false, err
	}
	return a.Ints, true, nil
}

func (c *nodeCtx) attrFloat(name string, def float32) (float32, error) {
	a, err := c.attrTyped(name, onnxpb.AttrFloat)
	if a == nil || err != nil {
		return def, err
	}
	return a.F, nil
}

func (c *nodeCtx) attrFloats(name string) ([]float32, bool, error) {
	a, err := c.attrTyped(name, onnxpb.AttrFloats)
	if a == nil || err != nil {
		return nil, false, err
	}
	return a.Floats, true, nil
}

func (c *nodeCtx) attrString(name, def string) (string, error) {
	a, err := c.attrTyped(name, onnxpb.AttrString)
	if a == nil || err != nil {
		return def, err
	}
	return string(a.S), nil
}

// attrBool reads a 0/1 INT attribute.
func (c *nodeCtx) attrBool(name string, def bool) (bool, error) {
	d := 0
	if def {
		d = 1
	}
	v, err := c.attrInt(name, d)
	if err != nil {
		return false, err
	}
	if v != 0 && v != 1 {
		return false, c.errf("attribute %q = %d, want 0 or 1", name, v)
	}
	return v == 1, nil
}

// --- inputs ---

// hasInput reports whether input k is given (present and named).
func (c *nodeCtx) hasInput(k int) bool {
	return k < len(c.pb.Inputs) && c.pb.Inputs[k] != ""
}

// input returns the tensor of required input k.
func (c *nodeCtx) input(k int) (int, error) {
	if !c.hasInput(k) {
		return -1, c.errf("required input %d is missing", k)
	}
	name := c.pb.Inputs[k]
	id, ok := c.imp.names[name]
	if !ok {
		return -1, c.errf("input %d %q is not defined before the node (the graph must be topologically sorted)", k, name)
	}
	return id, nil
}

// optInput returns the tensor of optional input k, or -1.
func (c *nodeCtx) optInput(k int) (int, error) {
	if !c.hasInput(k) {
		return -1, nil
	}
	return c.input(k)
}

func (c *nodeCtx) tensor(id int) *graph.Tensor { return c.imp.g.Tensors[id] }

// constInput returns the value of optional input k, which must be a
// constant when present (nil when absent). param names what the input
// means, for the error.
func (c *nodeCtx) constInput(k int, param string) (*graph.Value, error) {
	id, err := c.optInput(k)
	if id < 0 || err != nil {
		return nil, err
	}
	t := c.tensor(id)
	if t.Const == nil {
		return nil, &ConstantInputError{
			NodeIndex: c.index, NodeName: c.name, OpType: c.pb.OpType,
			Param: param, Input: t.Name, GraphInput: c.imp.isGraphInput(id),
		}
	}
	return t.Const, nil
}

// constInts returns optional constant integer input k as ints (nil,
// false when absent).
func (c *nodeCtx) constInts(k int, param string) ([]int, bool, error) {
	v, err := c.constInput(k, param)
	if v == nil || err != nil {
		return nil, false, err
	}
	if !v.DType.IsInt() || v.DType == graph.Bool {
		return nil, false, c.errf("input %d (%s) is %v, want an integer tensor", k, param, v.DType)
	}
	if len(v.Shape) > 1 {
		return nil, false, c.errf("input %d (%s) has shape %v, want 1-D", k, param, v.Shape)
	}
	ints, err := v.AsInts()
	if err != nil {
		return nil, false, c.errf("input %d (%s): %v", k, param, err)
	}
	return ints, true, nil
}

// constFloats returns optional constant float input k (nil, false when
// absent).
func (c *nodeCtx) constFloats(k int, param string) ([]float32, bool, error) {
	v, err := c.constInput(k, param)
	if v == nil || err != nil {
		return nil, false, err
	}
	if v.DType != graph.Float32 {
		return nil, false, c.errf("input %d (%s) is %v, want float", k, param, v.DType)
	}
	return v.F, true, nil
}

// attrOrInput reads a parameter that older opsets pass as an INTS
// attribute and newer ones as a constant input; a node giving both is
// malformed.
func (c *nodeCtx) attrOrInput(attr string, k int) ([]int, bool, error) {
	a, hasA, err := c.attrInts(attr)
	if err != nil {
		return nil, false, err
	}
	in, hasIn, err := c.constInts(k, attr)
	if err != nil {
		return nil, false, err
	}
	if hasA && hasIn {
		return nil, false, c.errf("%s is given both as attribute and as input %d", attr, k)
	}
	if hasIn {
		return in, true, nil
	}
	return a, hasA, nil
}

// normAxis maps an axis in [-rank, rank) to [0, rank).
func (c *nodeCtx) normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, c.errf("axis %d out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// --- emitting IR ---

// emit appends an IR node computing op from inputs into new tensors named
// outputs ("" for absent optional outputs), infers their shapes, and folds
// the node into constants when every input is constant. It returns the
// output tensors.
func (c *nodeCtx) emit(op graph.Op, inputs []int, outputs []string) ([]int, error) {
	imp := c.imp
	ids := make([]int, len(outputs))
	for k, name := range outputs {
		if name == "" {
			ids[k] = -1
			continue
		}
		if _, dup := imp.names[name]; dup {
			return nil, c.errf("output %q is already defined", name)
		}
		ids[k] = imp.g.AddTensor(&graph.Tensor{Name: name})
	}
	n := &graph.Node{Name: c.name, Source: c.pb.OpType, Op: op, Inputs: inputs, Outputs: ids}
	if err := graph.InferNode(imp.g, n); err != nil {
		if errors.Is(err, graph.ErrDType) {
			return nil, c.unsupported(IssueDType, "%v", err)
		}
		return nil, c.errf("%v", err)
	}
	for k, name := range outputs {
		if name != "" {
			imp.names[name] = ids[k]
		}
	}
	if vals, ok := c.constInputs(n); ok {
		for _, id := range ids {
			if id >= 0 {
				if err := checkConstSize(imp.g.Tensors[id].Shape); err != nil {
					return nil, c.errf("folding: %v", err)
				}
			}
		}
		outs, err := refeval.EvalNode(imp.g, n, vals)
		if err != nil {
			return nil, c.errf("evaluating constant node: %v", err)
		}
		for k, id := range ids {
			if id >= 0 {
				imp.g.Tensors[id].Const = outs[k]
			}
		}
		return ids, nil
	}
	imp.g.Nodes = append(imp.g.Nodes, n)
	return ids, nil
}

// maxConstElements bounds the constants import creates from small
// descriptions (ConstantOfShape, folded nodes, Dropout masks): a few bytes
// of model must not make the converter allocate gigabytes. Initializers
// are bounded by their own payload instead.
var maxConstElements = 1 << 28

func checkConstSize(shape []int) error {
	n, err := graph.NumElements(shape)
	if err != nil {
		return err
	}
	if n > maxConstElements {
		return fmt.Errorf("a constant of shape %v (%d elements) exceeds the limit of %d", shape, n, maxConstElements)
	}
	return nil
}

// constInputs returns the input values of a node that can be folded: every
// input is a constant and the op is not QuantizeLinear/DequantizeLinear,
// which stay as nodes so that the quantization passes see their scales.
func (c *nodeCtx) constInputs(n *graph.Node) ([]*graph.Value, bool) {
	switch n.Op.(type) {
	case *graph.QuantizeLinear, *graph.DequantizeLinear:
		return nil, false
	}
	vals := make([]*graph.Value, len(n.Inputs))
	for k, id := range n.Inputs {
		if id < 0 {
			continue
		}
		t := c.tensor(id)
		if t.Const == nil {
			return nil, false
		}
		vals[k] = t.Const
	}
	return vals, true
}

// emit1 emits a single-output node into the ONNX output 0 of the node.
func (c *nodeCtx) emit1(op graph.Op, inputs ...int) error {
	if len(c.pb.Outputs) == 0 || c.pb.Outputs[0] == "" {
		return c.errf("output 0 is missing")
	}
	_, err := c.emit(op, inputs, c.pb.Outputs[:1])
	return err
}

// emitTemp emits a single-output node into a fresh intermediate tensor.
func (c *nodeCtx) emitTemp(op graph.Op, inputs ...int) (int, error) {
	ids, err := c.emit(op, inputs, []string{c.imp.tempName(c.name + "/" + op.Type().String())})
	if err != nil {
		return -1, err
	}
	return ids[0], nil
}

// defineConst binds ONNX output k of the node to a constant value.
func (c *nodeCtx) defineConst(k int, v *graph.Value) error {
	if k >= len(c.pb.Outputs) || c.pb.Outputs[k] == "" {
		if k == 0 {
			return c.errf("output 0 is missing")
		}
		return nil
	}
	name := c.pb.Outputs[k]
	if err := checkConstSize(v.Shape); err != nil {
		return c.errf("%v", err)
	}
	if _, dup := c.imp.names[name]; dup {
		return c.errf("output %q is already defined", name)
	}
	c.imp.names[name] = c.imp.g.AddTensor(&graph.Tensor{Name: name, DType: v.DType, Shape: append([]int(nil), v.Shape...), Const: v})
	return nil
}

// reshapeTo emits a Reshape of tensor id to shape (a no-op when the shape
// already matches).
func (c *nodeCtx) reshapeTo(id int, shape []int) (int, error) {
	if graph.ShapeEqual(c.tensor(id).Shape, shape) {
		return id, nil
	}
	return c.emitTemp(&graph.Reshape{Shape: shape}, id)
}
