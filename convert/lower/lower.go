// Package lower maps the converter's optimized float IR (package graph,
// NCHW, after package passes) onto the model format through package
// builder: image activations are stored NHWC and convolution weights OHWI,
// with no transposes around convolutions.
//
// Every IR tensor is lowered once, in the layout its producer makes
// naturally (Layout): NHWC for convolution and pooling outputs, the
// input's layout for elementwise ops, a relabelled layout for Transpose
// (which then moves no data), and whatever layout a Reshape can produce
// without moving data. Ops that need a particular layout get it through a
// TRANSPOSE (or a RESHAPE, when only unit dims move), inserted once per
// tensor and layout. Axes of Concat, Softmax, reductions, Slice and Pad
// are remapped to the stored order, constant operands are transposed at
// conversion time, and a Flatten whose only readers are fully connected
// layers permutes their weight columns instead of its data.
//
// Lowering builds one builder graph that emits both the float32 model and
// the int8 model; nodes named in Options.KeepFloat run in float32 in the
// int8 model, between DEQUANTIZE and QUANTIZE ops (float islands).
package lower

import (
	"fmt"
	"slices"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/format"
)

// Options configures Lower.
type Options struct {
	// KeepFloat names the layers (by Layer.Name) that compute in float32
	// in the int8 model.
	KeepFloat map[string]bool
	// Bias replaces the bias of Conv and fully connected layers, by
	// Layer.Name, in source order (one value per output channel): the
	// quantizer's bias correction.
	Bias map[string][]float32
	// WeightScales prescribes the int8 per-output-channel scales of the
	// weights of Conv and fully connected layers, by the name of the IR
	// weight constant (an imported QDQ model's scales, see qdq.Strip).
	WeightScales map[string][]float32
}

// Result is a lowered graph.
type Result struct {
	Builder *builder.Builder
	// Tensors maps every IR tensor the lowering defines (graph inputs and
	// node outputs) to the builder tensor holding it as its producer
	// computed it, in layout Layouts[t]. Calibration sets the IR tensor's
	// range on it; a Transpose output shares its input's builder tensor.
	Tensors map[int]builder.Tensor
	Layouts map[int]Layout
	// Layers lists the lowered nodes in graph order.
	Layers []Layer
}

// Layer is one lowered IR node.
type Layer struct {
	Node  int    // index in the graph's node list
	Name  string // the model's name for the op and its output tensor
	Op    string // the IR op type
	Float bool   // computes in float32 in the int8 model (Options.KeepFloat)
	// Output is the IR tensor the layer computes first.
	Output int
}

// Lower maps g onto a builder graph. g must have passed through
// passes.Optimize (fused activations, fully connected Gemms, no
// BatchNorm). Every node the model format cannot express is reported at
// once in an *UnsupportedError.
func Lower(g *graph.Graph, opts Options) (*Result, error) {
	if err := g.CheckShapes(); err != nil {
		return nil, fmt.Errorf("lower: %w", err)
	}
	l := &lowerer{
		g:         g,
		b:         builder.New(),
		opts:      opts,
		consumers: g.Consumers(),
		isOutput:  make([]bool, len(g.Tensors)),
		vals:      make([]*value, len(g.Tensors)),
		bad:       make([]bool, len(g.Tensors)),
		names:     make(map[string]bool),
		float:     make(map[builder.Tensor]bool),
		toFloat:   make(map[builder.Tensor]builder.Tensor),
		toInt8:    make(map[builder.Tensor]builder.Tensor),
		consts:    make(map[string]builder.Tensor),
		res:       &Result{Tensors: make(map[int]builder.Tensor), Layouts: make(map[int]Layout)},
	}
	l.res.Builder = l.b
	for _, o := range g.Outputs {
		l.isOutput[o] = true
	}
	for _, t := range g.Tensors {
		if t.Const == nil {
			l.names[t.Name] = true
		}
	}
	for _, i := range g.Inputs {
		l.input(i)
	}
	for ni, n := range g.Nodes {
		if slices.ContainsFunc(n.Inputs, func(t int) bool { return t >= 0 && l.bad[t] }) {
			l.poison(n) // reported at its first bad producer
			continue
		}
		l.ni, l.n = ni, n
		if detail := l.node(); detail != "" {
			l.issues = append(l.issues, Issue{NodeIndex: ni, Node: n.Describe(), Detail: detail})
			l.poison(n)
		}
		if err := l.b.Err(); err != nil {
			return nil, fmt.Errorf("lower: node %d %s: %w", ni, n.Describe(), err)
		}
	}
	for _, o := range g.Outputs {
		l.output(o)
	}
	if len(l.issues) > 0 {
		return nil, &UnsupportedError{Issues: l.issues}
	}
	if err := l.b.Err(); err != nil {
		return nil, fmt.Errorf("lower: %w", err)
	}
	return l.res, nil
}

type lowerer struct {
	g         *graph.Graph
	b         *builder.Builder
	opts      Options
	consumers [][]int
	isOutput  []bool
	vals      []*value
	bad       []bool
	names     map[string]bool
	issues    []Issue
	res       *Result

	// Float islands of the int8 model: builder tensors computed in
	// float32, and the DEQUANTIZE / QUANTIZE results made of them.
	float   map[builder.Tensor]bool
	toFloat map[builder.Tensor]builder.Tensor
	toInt8  map[builder.Tensor]builder.Tensor

	consts map[string]builder.Tensor // constant operands by tensor and layout

	ni int         // the node being lowered
	n  *graph.Node // the node being lowered
}

// value is a lowered IR tensor: the builder tensor its producer made, and
// the other layouts materialized from it.
type value struct {
	t        builder.Tensor
	lay      Layout
	variants []variant
}

type variant struct {
	lay Layout
	t   builder.Tensor
}

func (l *lowerer) poison(n *graph.Node) {
	for _, o := range n.Outputs {
		if o >= 0 {
			l.bad[o] = true
		}
	}
}

// shape is IR tensor t's source shape.
func (l *lowerer) shape(t int) []int { return l.g.Tensors[t].Shape }

// builderSuffixes are the names builder derives from an op's name for the
// tensors and ops it adds; an op name is only used when all are free.
var builderSuffixes = []string{"/weights", "/bias", "/slope", "/int8", "/float32", "/quantize", "/dequantize"}

// opName returns base if it and the names builder derives from it are
// free (or base is IR tensor t's own reserved name), else a fresh name.
func (l *lowerer) opName(base string, own bool, requantize int) string {
	free := func(name string, self bool) bool {
		if !self && l.names[name] {
			return false
		}
		for _, s := range builderSuffixes {
			if l.names[name+s] {
				return false
			}
		}
		for i := range requantize {
			if l.names[fmt.Sprintf("%s/requantize%d", name, i)] {
				return false
			}
		}
		return true
	}
	name := base
	for i := 1; !free(name, own && name == base); i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	l.names[name] = true
	for _, s := range builderSuffixes {
		l.names[name+s] = true
	}
	for i := range requantize {
		l.names[fmt.Sprintf("%s/requantize%d", name, i)] = true
	}
	return name
}

// fresh returns an unused name derived from base for a helper op.
func (l *lowerer) fresh(base string) string { return l.opName(base, false, 0) }

// outputLayoutOK reports whether a graph output can stay in lay: source
// order, or NHWC for a 4-D tensor (the metadata then records NCHW).
func outputLayoutOK(lay Layout, rank int) bool {
	return lay.IsIdentity() || rank == 4 && lay.equal(nhwc, 4)
}

// define records IR tensor t as computed by emit, which adds the builder
// op under the name it is given, in layout lay.
func (l *lowerer) define(t int, lay Layout, emit func(name string) builder.Tensor) builder.Tensor {
	return l.defineN(t, lay, 0, emit)
}

// defineN is define for an op that builder may add requantize ops to
// (concatenation of n inputs).
func (l *lowerer) defineN(t int, lay Layout, requantize int, emit func(name string) builder.Tensor) builder.Tensor {
	name := l.g.Tensors[t].Name
	own := true
	if l.isOutput[t] && !outputLayoutOK(lay, len(l.shape(t))) {
		name, own = name+"/stored", false
	}
	name = l.opName(name, own, requantize)
	bt := emit(name)
	l.vals[t] = &value{t: bt, lay: lay}
	l.res.Tensors[t] = bt
	l.res.Layouts[t] = lay
	return bt
}

// alias records IR tensor t as the builder tensor bt in layout lay, with
// no op of its own (a relabelling Transpose).
func (l *lowerer) alias(t int, bt builder.Tensor, lay Layout) {
	l.vals[t] = &value{t: bt, lay: lay}
	l.res.Tensors[t] = bt
	l.res.Layouts[t] = lay
}

// input lowers graph input i: 4-D inputs are images, stored NHWC.
func (l *lowerer) input(i int) {
	t := l.g.Tensors[i]
	if t.DType != graph.Float32 {
		l.issues = append(l.issues, Issue{NodeIndex: -1, Node: fmt.Sprintf("graph input %q", t.Name), Detail: fmt.Sprintf("element type %v; the model format takes float32 inputs", t.DType)})
		l.bad[i] = true
		return
	}
	lay, src := Layout{}, format.NHWC
	if len(t.Shape) == 4 {
		lay, src = nhwc, format.NCHW
	}
	name := l.opName(t.Name, true, 0)
	bt := l.b.Input(name, lay.StoredShape(t.Shape), src)
	l.vals[i] = &value{t: bt, lay: lay}
	l.res.Tensors[i] = bt
	l.res.Layouts[i] = lay
}

// output marks IR tensor o as a graph output, in source order or NHWC.
func (l *lowerer) output(o int) {
	if l.bad[o] {
		return
	}
	v := l.vals[o]
	t := l.g.Tensors[o]
	if v == nil || slices.Contains(l.g.Inputs, o) {
		l.issues = append(l.issues, Issue{NodeIndex: -1, Node: fmt.Sprintf("graph output %q", t.Name), Detail: "is a graph input or a constant, not computed by an op"})
		return
	}
	rank := len(t.Shape)
	bt := v.t
	// A graph output keeps its ONNX name: it gets an op of its own when
	// its producer's output is named otherwise (a relabelling Transpose),
	// is in a layout run --output-raw cannot undo, or is already another
	// graph output.
	if !outputLayoutOK(v.lay, rank) || l.b.Name(bt) != t.Name || slices.Contains(l.b.Outputs(), bt) {
		target := Layout{}
		if rank == 4 && v.lay.Cols == nil {
			target = nhwc
		}
		bt = l.convert(o, target, t.Name, true)
	}
	l.b.Output(bt)
	if rank == 4 && l.layoutOf(o, bt).equal(nhwc, 4) {
		l.b.SetSourceLayout(bt, format.NCHW)
	}
}

// layoutOf is the layout builder tensor bt holds IR tensor t in.
func (l *lowerer) layoutOf(t int, bt builder.Tensor) Layout {
	v := l.vals[t]
	if v.t == bt {
		return v.lay
	}
	for _, x := range v.variants {
		if x.t == bt {
			return x.lay
		}
	}
	return v.lay
}

// get returns IR tensor t (computed) in layout want, materializing it on
// first use.
func (l *lowerer) get(t int, want Layout) builder.Tensor {
	v := l.vals[t]
	rank := len(l.shape(t))
	if v.lay.equal(want, rank) {
		return v.t
	}
	for _, x := range v.variants {
		if x.lay.equal(want, rank) {
			return x.t
		}
	}
	return l.convert(t, want, l.g.Tensors[t].Name+"/"+layoutSuffix(want), false)
}

func layoutSuffix(l Layout) string {
	switch {
	case l.IsIdentity():
		return "source_order"
	case slices.Equal(l.Perm, nhwc.Perm):
		return "nhwc"
	}
	s := "perm"
	for _, d := range l.Perm {
		s += fmt.Sprint(d)
	}
	return s
}

// convert emits the TRANSPOSE (or RESHAPE, when only unit dims move) that
// takes IR tensor t from its produced layout to want, named base (own: a
// reserved name for this tensor) or after it.
func (l *lowerer) convert(t int, want Layout, base string, own bool) builder.Tensor {
	v := l.vals[t]
	src := l.shape(t)
	from := v.lay
	in := v.t
	name := l.opName(base, own, 0)
	var out builder.Tensor
	switch {
	case from.Cols != nil || want.Cols != nil:
		// Only fully connected readers take permuted columns; lowering
		// never asks for another layout of such a tensor.
		panic("lower: layout conversion of permuted columns")
	case from.equal(want, len(src)):
		// A graph output that is also read as is: a copy of its own.
		out = l.b.Reshape(name, in, from.StoredShape(src))
	default:
		q := transposePerm(from, want, len(src))
		if movesOnlyUnitDims(q, from.StoredShape(src)) {
			out = l.b.Reshape(name, in, want.StoredShape(src))
		} else {
			out = l.b.Transpose(name, in, q)
		}
	}
	l.float[out] = l.float[in]
	v.variants = append(v.variants, variant{lay: want, t: out})
	return out
}

// operand returns IR tensor t in layout want for an op computing in
// float32 (f32) or int8 in the int8 model, crossing the island border
// with DEQUANTIZE or QUANTIZE when needed.
func (l *lowerer) operand(t int, want Layout, f32 bool) builder.Tensor {
	return l.domain(l.get(t, want), f32)
}

// domain converts builder tensor bt to float32 (f32) or int8 for the int8
// model, once per tensor.
func (l *lowerer) domain(bt builder.Tensor, f32 bool) builder.Tensor {
	if l.float[bt] == f32 {
		return bt
	}
	cache, op := l.toInt8, l.b.Quantize
	suffix := "/quantized"
	if f32 {
		cache, op, suffix = l.toFloat, l.b.Dequantize, "/dequantized"
	}
	if x, ok := cache[bt]; ok {
		return x
	}
	x := op(l.fresh(l.b.Name(bt)+suffix), bt)
	l.float[x] = f32
	cache[bt] = x
	return x
}

// weightScales returns the prescribed int8 scales of the weights (input
// 1) of the node being lowered, when there are m of them.
func (l *lowerer) weightScales(m int) []float32 {
	s := l.opts.WeightScales[l.g.Tensors[l.in(1)].Name]
	if len(s) != m {
		return nil
	}
	return s
}

// keepFloat reports whether the node being lowered computes in float32.
func (l *lowerer) keepFloat(name string) bool { return l.opts.KeepFloat[name] }

// layer records the node being lowered as a layer named name.
func (l *lowerer) layer(name string, f32 bool) {
	l.res.Layers = append(l.res.Layers, Layer{Node: l.ni, Name: name, Op: l.n.Op.Type().String(), Float: f32, Output: l.n.Outputs[0]})
}

// act converts a fused clamp to the format's activation.
func act(c *graph.Clip) format.Activation {
	switch {
	case c == nil:
		return builder.ActNone
	case c.Min == 0 && c.Max > 3.4e38:
		return builder.ActRelu
	case c.Min == 0 && c.Max == 6:
		return builder.ActRelu6
	case c.Min == -1 && c.Max == 1:
		return builder.ActReluN1To1
	}
	return builder.ActClamp(c.Min, c.Max)
}
