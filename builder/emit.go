package builder

import (
	"fmt"
	"maps"
	"slices"

	"github.com/edgeinfer/edgeinfer/format"
)

// Int8Options configures Int8Model.
type Int8Options struct {
	// FloatIO keeps graph inputs and outputs float32: a QUANTIZE op follows
	// every input and a DEQUANTIZE op precedes every output, as TFLite's
	// converter does by default. Without it the model's inputs and outputs
	// are int8 tensors and the runtime quantizes and dequantizes at the
	// boundary.
	FloatIO bool
}

// Float32Model emits the graph with float32 weights and activations.
func (b *Builder) Float32Model() (*format.Model, error) {
	e, err := b.emit(false, Int8Options{})
	if err != nil {
		return nil, err
	}
	return e.m, nil
}

// Int8Model emits the graph quantized to int8 (see the package doc for the
// rules). Every activation with a free quantization needs a range.
func (b *Builder) Int8Model(o Int8Options) (*format.Model, error) {
	e, err := b.emit(true, o)
	if err != nil {
		return nil, err
	}
	return e.m, nil
}

// emitter turns the builder's graph into one format.Model.
type emitter struct {
	b    *Builder
	int8 bool
	opts Int8Options
	m    *format.Model

	// Tensor and operator names: every value's name is reserved for its
	// own tensor; names derived from them ("conv/weights", "x/int8", ...)
	// go through fresh, which skips reserved and used names.
	reserved map[string]bool
	used     map[string]bool

	tensor []int     // value -> model tensor (-1: not emitted yet)
	alias  []bool    // value shares its input's tensor (float Quantize/Dequantize)
	isF32  []bool    // value is float32 in this model
	qp     []qparams // int8 quantization of int8 values
	consts map[constUse]int
}

// constUse is a constant emitted in one precision.
type constUse struct {
	t   Tensor
	f32 bool
}

func (b *Builder) emit(int8 bool, o Int8Options) (*emitter, error) {
	if b.err != nil {
		return nil, b.err
	}
	if len(b.inputs) == 0 || len(b.outputs) == 0 {
		return nil, fmt.Errorf("builder: the graph needs at least one input and one output (have %d, %d)", len(b.inputs), len(b.outputs))
	}
	nv := len(b.values)
	e := &emitter{
		b: b, int8: int8, opts: o,
		m:        &format.Model{Version: format.Version},
		reserved: make(map[string]bool, nv),
		used:     make(map[string]bool),
		tensor:   slices.Repeat([]int{-1}, nv),
		alias:    make([]bool, nv),
		isF32:    make([]bool, nv),
		qp:       make([]qparams, nv),
		consts:   make(map[constUse]int),
	}
	for _, v := range b.values {
		e.reserved[v.name] = true
	}
	for _, t := range b.inputs {
		if err := e.input(t); err != nil {
			return nil, err
		}
	}
	for i := range b.nodes {
		if err := e.node(i); err != nil {
			n := &b.nodes[i]
			return nil, fmt.Errorf("builder: %s model: operator %d %q (%s): %w", e.kind(), i, n.name, n.op, err)
		}
	}
	for _, t := range b.outputs {
		if err := e.output(t); err != nil {
			return nil, err
		}
	}
	e.metadata()
	// The builder checks what it can name in its own terms; the format's
	// validator has the last word, so no caller ever holds a model that
	// Decode would reject.
	if err := format.ValidateModel(e.m); err != nil {
		return nil, fmt.Errorf("builder: %s model: %w", e.kind(), err)
	}
	return e, nil
}

func (e *emitter) kind() string {
	if e.int8 {
		return "int8"
	}
	return "float32"
}

// floatIOOutput reports whether t is an int8 graph output that gets a
// DEQUANTIZE op: its int8 tensor takes a suffixed name so that the float32
// output keeps the value's name.
func (e *emitter) floatIOOutput(t Tensor) bool {
	return e.int8 && e.opts.FloatIO && slices.Contains(e.b.outputs, t)
}

func (e *emitter) input(t Tensor) error {
	v := &e.b.values[t]
	if !e.int8 {
		e.tensor[t] = e.addTensor(v.name, v.shape, format.Float32, nil, nil)
		e.isF32[t] = true
		e.m.Inputs = append(e.m.Inputs, e.tensor[t])
		return nil
	}
	qp, err := e.freeParams(t)
	if err != nil {
		return fmt.Errorf("builder: int8 model: input %q: %w", v.name, err)
	}
	e.qp[t] = qp
	if !e.opts.FloatIO {
		e.tensor[t] = e.addTensor(v.name, v.shape, format.Int8, qp.quant(), nil)
		e.m.Inputs = append(e.m.Inputs, e.tensor[t])
		return nil
	}
	in := e.addTensor(v.name, v.shape, format.Float32, nil, nil)
	e.m.Inputs = append(e.m.Inputs, in)
	e.tensor[t] = e.addTensor(e.fresh(v.name+"/int8"), v.shape, format.Int8, qp.quant(), nil)
	e.addOp(format.OpQuantize, e.fresh(v.name+"/quantize"), []int{in}, e.tensor[t], nil)
	return nil
}

func (e *emitter) output(t Tensor) error {
	if !e.floatIOOutput(t) || e.isF32[t] {
		e.m.Outputs = append(e.m.Outputs, e.tensor[t])
		return nil
	}
	v := &e.b.values[t]
	out := e.addTensor(v.name, v.shape, format.Float32, nil, nil)
	e.addOp(format.OpDequantize, e.fresh(v.name+"/dequantize"), []int{e.tensor[t]}, out, nil)
	e.m.Outputs = append(e.m.Outputs, out)
	return nil
}

func (e *emitter) metadata() {
	md := e.b.meta
	md.Labels = slices.Clone(md.Labels)
	md.Extra = maps.Clone(md.Extra)
	if md.Preprocessing != nil {
		p := *md.Preprocessing
		md.Preprocessing = &p
	}
	if md.Producer != nil {
		p := *md.Producer
		md.Producer = &p
	}
	for t, l := range e.b.layouts {
		if md.IOLayouts == nil {
			md.IOLayouts = make(map[int]format.Layout)
		}
		if i := slices.Index(e.b.inputs, t); i >= 0 {
			md.IOLayouts[e.m.Inputs[i]] = l
		}
		if i := slices.Index(e.b.outputs, t); i >= 0 {
			md.IOLayouts[e.m.Outputs[i]] = l
		}
	}
	e.m.Metadata = md
}

// fresh returns base, or base_1, base_2, ... if base is a value's name or
// already used, and marks it used.
func (e *emitter) fresh(base string) string {
	name := base
	for i := 1; e.reserved[name] || e.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	e.used[name] = true
	return name
}

// addTensor appends a model tensor named by a value's name (unique among
// values) or by fresh.
func (e *emitter) addTensor(name string, shape []int, dt format.DType, q *format.Quant, data []byte) int {
	e.used[name] = true
	e.m.Tensors = append(e.m.Tensors, format.Tensor{Name: name, Shape: slices.Clone(shape), DType: dt, Quant: q, Data: data})
	return len(e.m.Tensors) - 1
}

func (e *emitter) addOp(op format.OpCode, name string, inputs []int, output int, options any) {
	e.m.Operators = append(e.m.Operators, format.Operator{
		Op: op, Name: name, Inputs: inputs, Outputs: []int{output}, Options: options,
	})
}

// node emits one builder node as zero (an alias), one or more operators.
func (e *emitter) node(i int) error {
	n := &e.b.nodes[i]
	out := n.output
	v := &e.b.values[out]

	f32, err := e.domain(n)
	if err != nil {
		return err
	}
	switch {
	case n.op == format.OpDequantize && !e.int8, n.op == format.OpQuantize && !e.int8:
		e.tensor[out] = e.tensor[n.inputs[0]]
		e.alias[out] = true
		e.isF32[out] = true
		return nil
	case n.op == format.OpDequantize && f32:
		return fmt.Errorf("input %q is already float32 in the int8 model", e.b.values[n.inputs[0]].name)
	case n.op == format.OpDequantize:
		f32 = true
	case n.op == format.OpQuantize:
		f32 = false
	}
	e.isF32[out] = f32

	ins := make([]int, 0, len(n.inputs)+2)
	for _, t := range n.inputs {
		idx, err := e.operand(t, f32)
		if err != nil {
			return err
		}
		ins = append(ins, idx)
	}

	var q *format.Quant
	dt := format.Float32
	if !f32 {
		qp, err := e.outputParams(n)
		if err != nil {
			return err
		}
		e.qp[out] = qp
		q, dt = qp.quant(), format.Int8
	}
	name := v.name
	if e.floatIOOutput(out) && !f32 {
		name = e.fresh(name + "/int8")
	}

	switch n.op {
	case format.OpConv2D, format.OpFullyConnected:
		w, b, err := e.weightsAndBias(n, f32)
		if err != nil {
			return err
		}
		ins = append(ins, w, b)
	case format.OpPRelu:
		ins = append(ins, e.slope(n, f32))
	case format.OpConcatenation:
		if !f32 {
			ins = e.requantizeConcatInputs(n, ins, e.qp[out])
		}
	}
	e.tensor[out] = e.addTensor(name, v.shape, dt, q, nil)
	e.addOp(n.op, n.name, ins, e.tensor[out], cloneOptions(n.options))
	return nil
}

// domain reports whether node n computes in float32 in this model: its
// non-constant inputs must agree.
func (e *emitter) domain(n *node) (f32 bool, err error) {
	if !e.int8 {
		return true, nil
	}
	first := true
	for i, t := range n.inputs {
		if e.b.values[t].kind == kindConst {
			continue
		}
		if first {
			f32, first = e.isF32[t], false
		} else if e.isF32[t] != f32 {
			return false, fmt.Errorf("input %d %q is %s but input 0 is not; add Quantize or Dequantize",
				i, e.b.values[t].name, dtypeName(e.isF32[t]))
		}
	}
	return f32, nil
}

func dtypeName(f32 bool) string {
	if f32 {
		return "float32"
	}
	return "int8"
}

// operand returns the model tensor for input t of an op computing in
// float32 (f32) or int8, emitting a constant in that precision on first use.
func (e *emitter) operand(t Tensor, f32 bool) (int, error) {
	v := &e.b.values[t]
	if v.kind != kindConst {
		return e.tensor[t], nil
	}
	use := constUse{t, f32}
	if idx, ok := e.consts[use]; ok {
		return idx, nil
	}
	if f32 {
		idx := e.addTensor(e.constName(v.name, "float32"), v.shape, format.Float32, nil, float32Bytes(v.data))
		e.consts[use] = idx
		return idx, nil
	}
	lo, hi := minMax(v.data)
	qp, err := chooseParams(lo, hi)
	if err != nil {
		return 0, fmt.Errorf("constant %q: %w", v.name, err)
	}
	idx := e.addTensor(e.constName(v.name, "int8"), v.shape, format.Int8, qp.quant(), int8Bytes(qp.quantize(v.data)))
	e.consts[use] = idx
	return idx, nil
}

// constName is the constant's own name, or a fresh suffixed one if the
// other precision took it (a constant used by both float32 and int8 ops).
func (e *emitter) constName(name, suffix string) string {
	if e.used[name] {
		return e.fresh(name + "/" + suffix)
	}
	return name
}

// cloneOptions copies an options struct so that emitted models never share
// slices with the builder or each other.
func cloneOptions(o any) any {
	switch o := o.(type) {
	case *format.Conv2DOptions:
		c := *o
		return &c
	case *format.FullyConnectedOptions:
		c := *o
		return &c
	case *format.Pool2DOptions:
		c := *o
		return &c
	case *format.ReduceOptions:
		c := *o
		c.Axes = slices.Clone(o.Axes)
		return &c
	case *format.ElementwiseOptions:
		c := *o
		return &c
	case *format.ConcatOptions:
		c := *o
		return &c
	case *format.PadOptions:
		c := *o
		c.Paddings = slices.Clone(o.Paddings)
		return &c
	case *format.TransposeOptions:
		c := *o
		c.Perm = slices.Clone(o.Perm)
		return &c
	case *format.SliceOptions:
		c := *o
		c.Begin, c.Size, c.Step = slices.Clone(o.Begin), slices.Clone(o.Size), slices.Clone(o.Step)
		return &c
	case *format.ClampOptions:
		c := *o
		return &c
	case *format.LeakyReluOptions:
		c := *o
		return &c
	case *format.HardSigmoidOptions:
		c := *o
		return &c
	case *format.SoftmaxOptions:
		c := *o
		return &c
	case *format.ResizeOptions:
		c := *o
		return &c
	case *format.LRNOptions:
		c := *o
		return &c
	}
	return o
}
