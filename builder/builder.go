package builder

import (
	"fmt"
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/format"
)

// Tensor is a handle to a value of the graph being built: a graph input, a
// constant or an op's output. Handles are only meaningful to the Builder
// that returned them.
type Tensor int

// invalid is the handle ops return once the builder has failed.
const invalid Tensor = -1

// Fused activations, for Conv.Act, Pool.Act, FullyConnected and the
// elementwise ops.
var (
	ActNone      = format.Activation{Kind: format.ActNone}
	ActRelu      = format.Activation{Kind: format.ActRelu}
	ActRelu6     = format.Activation{Kind: format.ActRelu6}
	ActReluN1To1 = format.Activation{Kind: format.ActReluN1To1}
)

// ActClamp is a fused clamp to [lo, hi] in real units.
func ActClamp(lo, hi float32) format.Activation {
	return format.Activation{Kind: format.ActClamp, Min: lo, Max: hi}
}

type valueKind uint8

const (
	kindInput valueKind = iota
	kindConst
	kindOp
)

// value is a node of the dataflow graph: what a Tensor handle points to.
type value struct {
	name  string
	shape []int
	kind  valueKind
	data  []float32 // kindConst: the payload, row-major in shape
	node  int       // kindOp: index of the producing node in Builder.nodes

	// Real range for int8 quantization: set by SetRange or accumulated by
	// Observe. ranged reports whether lo and hi hold one.
	lo, hi float32
	ranged bool

	// Exact int8 parameters set by SetQuantization (pinned), which take
	// precedence over the range.
	scale  float32
	zp     int32
	pinned bool
}

// array is a float32 constant owned by a node (weights, bias, slope).
type array struct {
	shape  []int
	data   []float32
	scales []float32 // prescribed per-channel int8 scales of weights, or nil
}

// node is one op as added, before it is emitted in either precision.
type node struct {
	op      format.OpCode
	name    string
	inputs  []Tensor
	output  Tensor
	weights *array // CONV_2D, FULLY_CONNECTED; PRELU's slope
	bias    *array // CONV_2D, FULLY_CONNECTED; nil when absent
	options any    // the format options, complete except for shapes
}

// Builder accumulates a graph. The zero value is not usable; call New.
type Builder struct {
	values  []value
	nodes   []node
	inputs  []Tensor
	outputs []Tensor
	layouts map[Tensor]format.Layout
	names   map[string]bool // value and node names in use
	meta    format.Metadata
	err     error
}

// New returns an empty builder.
func New() *Builder {
	return &Builder{
		layouts: make(map[Tensor]format.Layout),
		names:   make(map[string]bool),
	}
}

// Err returns the first error recorded while adding ops, or nil.
func (b *Builder) Err() error { return b.err }

// Inputs returns the graph inputs in the order they were added.
func (b *Builder) Inputs() []Tensor { return slices.Clone(b.inputs) }

// Outputs returns the graph outputs in the order they were marked.
func (b *Builder) Outputs() []Tensor { return slices.Clone(b.outputs) }

// Shape returns t's shape (nil for an invalid handle).
func (b *Builder) Shape(t Tensor) []int {
	if !b.valid(t) {
		return nil
	}
	return slices.Clone(b.values[t].shape)
}

// Name returns t's name, which is also the name of its tensor in the
// emitted models ("" for an invalid handle).
func (b *Builder) Name(t Tensor) string {
	if !b.valid(t) {
		return ""
	}
	return b.values[t].name
}

func (b *Builder) valid(t Tensor) bool { return t >= 0 && int(t) < len(b.values) }

// Input adds a graph input with an NHWC (or any non-image) shape. source is
// the layout the input had in the source model, recorded in the metadata
// for 4-D inputs so that raw NCHW data can be converted.
func (b *Builder) Input(name string, shape []int, source format.Layout) Tensor {
	if b.err != nil {
		return invalid
	}
	if err := b.claim(name); err != nil {
		b.err = fmt.Errorf("builder: input %q: %v", name, err)
		return invalid
	}
	if err := checkShape(shape); err != nil {
		b.err = fmt.Errorf("builder: input %q: %v", name, err)
		return invalid
	}
	t := b.addValue(value{name: name, shape: slices.Clone(shape), kind: kindInput})
	b.inputs = append(b.inputs, t)
	if len(shape) == 4 {
		b.layouts[t] = source
	}
	return t
}

// Constant adds a float32 constant usable as an operand of Add, Sub and
// Mul. In an int8 model it is quantized per tensor over its own range.
func (b *Builder) Constant(name string, shape []int, data []float32) Tensor {
	if b.err != nil {
		return invalid
	}
	if err := b.claim(name); err != nil {
		b.err = fmt.Errorf("builder: constant %q: %v", name, err)
		return invalid
	}
	if err := checkShape(shape); err != nil {
		b.err = fmt.Errorf("builder: constant %q: %v", name, err)
		return invalid
	}
	if n := elements(shape); len(data) != n {
		b.err = fmt.Errorf("builder: constant %q: %d values for shape %v (%d elements)", name, len(data), shape, n)
		return invalid
	}
	if err := checkFinite(data); err != nil {
		b.err = fmt.Errorf("builder: constant %q: %v", name, err)
		return invalid
	}
	return b.addValue(value{name: name, shape: slices.Clone(shape), kind: kindConst, data: slices.Clone(data)})
}

// Output marks t as a graph output. Outputs keep the order of the calls.
func (b *Builder) Output(t Tensor) {
	if b.err != nil {
		return
	}
	if !b.valid(t) {
		b.err = fmt.Errorf("builder: output: %d is not a tensor of this builder", t)
		return
	}
	v := &b.values[t]
	switch {
	case v.kind != kindOp:
		b.err = fmt.Errorf("builder: output %q: only op results can be graph outputs", v.name)
	case slices.Contains(b.outputs, t):
		b.err = fmt.Errorf("builder: output %q: already an output", v.name)
	default:
		b.outputs = append(b.outputs, t)
	}
}

// SetSourceLayout records the layout a 4-D graph input or output had in the
// source model (Input records it for inputs already).
func (b *Builder) SetSourceLayout(t Tensor, l format.Layout) {
	if b.err != nil {
		return
	}
	if !b.valid(t) || len(b.values[t].shape) != 4 {
		b.err = fmt.Errorf("builder: source layout: %d is not a 4-D tensor of this builder", t)
		return
	}
	b.layouts[t] = l
}

// SetDescription sets the model description.
func (b *Builder) SetDescription(s string) { b.meta.Description = s }

// SetLabels sets the class labels of the first output.
func (b *Builder) SetLabels(labels []string) { b.meta.Labels = slices.Clone(labels) }

// SetPreprocessing records how an 8-bit image becomes the first input.
func (b *Builder) SetPreprocessing(p format.Preprocessing) {
	p.Mean = slices.Clone(p.Mean)
	p.Std = slices.Clone(p.Std)
	b.meta.Preprocessing = &p
}

// SetProducer records what wrote the model (and how it was calibrated).
func (b *Builder) SetProducer(p format.Producer) {
	if p.Calibration != nil {
		c := *p.Calibration
		p.Calibration = &c
	}
	b.meta.Producer = &p
}

// SetExtra sets a free-form metadata entry.
func (b *Builder) SetExtra(key, val string) {
	if b.meta.Extra == nil {
		b.meta.Extra = make(map[string]string)
	}
	b.meta.Extra[key] = val
}

// claim reserves a name for a value or node; names identify tensors in the
// emitted model and ops in error messages, so they must be unique.
func (b *Builder) claim(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if b.names[name] {
		return fmt.Errorf("name %q already used", name)
	}
	b.names[name] = true
	return nil
}

func (b *Builder) addValue(v value) Tensor {
	b.values = append(b.values, v)
	return Tensor(len(b.values) - 1)
}

func checkShape(shape []int) error {
	if len(shape) == 0 || len(shape) > maxRank {
		return fmt.Errorf("shape %v: rank must be 1..%d", shape, maxRank)
	}
	for i, d := range shape {
		if d <= 0 {
			return fmt.Errorf("shape %v: dimension %d is %d", shape, i, d)
		}
	}
	return nil
}

func checkFinite(data []float32) error {
	for i, x := range data {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("value %d is %v", i, x)
		}
	}
	return nil
}

func elements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
