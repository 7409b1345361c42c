// Package qdq connects the converter's int8 quantization with ONNX's QDQ
// form, where QuantizeLinear/DequantizeLinear pairs around float
// operators say how a runtime quantizes them.
//
// Export writes an optimized float graph with the quantization an int8
// conversion chose, so that another runtime (ONNX Runtime) runs the same
// quantization: every tensor the int8 model holds in int8 gets a
// QuantizeLinear/DequantizeLinear pair with its scale and zero point,
// convolution and fully connected weights are int8 initializers with
// their per-output-channel scales behind a DequantizeLinear, and biases
// are int32 at input scale × weight scale, as the int8 model has them.
//
// Import is the other direction: it takes the scales of a QDQ model
// (written by ONNX Runtime's quantize_static, PyTorch's exporter or
// Export) off its graph, leaving the float graph and the quantization the
// converter should pin.
package qdq

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/quant"
)

// Opset is the default-domain operator set Export writes: 13 brought
// per-axis QuantizeLinear/DequantizeLinear, 14 HardSwish; 17 keeps
// ReduceMean's axes an attribute.
const Opset = 17

// Export writes g, the optimized float graph r was quantized from, as an
// ONNX model in QDQ form with r's quantization. Layers that r keeps in
// float32 are written without quantization.
func Export(g *graph.Graph, r *quantize.Result, producer string) ([]byte, error) {
	e := &exporter{
		g:      g,
		r:      r,
		out:    &onnxpb.Graph{Name: g.Name},
		used:   make(map[string]bool),
		read:   make(map[int]string),
		consts: make(map[int]string),
		float:  make(map[int]bool),
		layer:  make(map[int]string),
	}
	if e.out.Name == "" {
		e.out.Name = "edgeinfer"
	}
	for _, l := range r.Lowered.Layers {
		e.layer[l.Node] = l.Name
		if l.Float {
			e.float[l.Node] = true
		}
	}
	for _, t := range g.Tensors {
		e.used[t.Name] = true
	}
	isOutput := make(map[int]bool)
	for _, o := range g.Outputs {
		isOutput[o] = true
	}
	for _, i := range g.Inputs {
		t := g.Tensors[i]
		e.out.Inputs = append(e.out.Inputs, valueInfo(t))
		e.read[i] = e.quantized(i, t.Name, t.Name+"_dequantized")
	}
	for ni, n := range g.Nodes {
		outs := make([]string, len(n.Outputs))
		type pair struct {
			t        int
			src, dst string
		}
		var pairs []pair
		for k, o := range n.Outputs {
			if o < 0 {
				continue
			}
			name := g.Tensors[o].Name
			_, q := r.Activations[o]
			switch {
			case isOutput[o] && q:
				// The graph output is the dequantized value and keeps
				// the name; the op's float result gets another.
				outs[k] = e.fresh(name + "_float")
				pairs = append(pairs, pair{o, outs[k], name})
			case q:
				outs[k] = name
				pairs = append(pairs, pair{o, name, e.fresh(name + "_dequantized")})
			default:
				outs[k] = name
				e.read[o] = name
			}
		}
		if err := e.node(ni, n, outs); err != nil {
			return nil, fmt.Errorf("qdq: export: node %d %s: %w", ni, n.Describe(), err)
		}
		for _, p := range pairs {
			e.read[p.t] = e.quantized(p.t, p.src, p.dst)
		}
	}
	for _, o := range g.Outputs {
		e.out.Outputs = append(e.out.Outputs, valueInfo(g.Tensors[o]))
	}
	m := &onnxpb.Model{
		IRVersion:    8,
		OpsetImports: []onnxpb.OpsetID{{Version: Opset}},
		ProducerName: producer,
		Graph:        e.out,
	}
	return m.Marshal(), nil
}

type exporter struct {
	g      *graph.Graph
	r      *quantize.Result
	out    *onnxpb.Graph
	used   map[string]bool
	read   map[int]string // IR tensor -> the name its readers use
	consts map[int]string // IR constant -> its float initializer
	float  map[int]bool   // node index -> computes in float32
	layer  map[int]string // node index -> layer name
}

// fresh returns an unused tensor name derived from base.
func (e *exporter) fresh(base string) string {
	name := base
	for i := 1; e.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	e.used[name] = true
	return name
}

func (e *exporter) add(op, name string, in, out []string, attrs ...*onnxpb.Attribute) {
	e.out.Nodes = append(e.out.Nodes, &onnxpb.Node{OpType: op, Name: e.fresh(name), Inputs: in, Outputs: out, Attributes: attrs})
}

// quantized writes the QuantizeLinear/DequantizeLinear pair of IR tensor
// t (held in src) into dst, when the int8 model quantizes t, and returns
// the name readers use.
func (e *exporter) quantized(t int, src, dst string) string {
	a, ok := e.r.Activations[t]
	if !ok {
		return src
	}
	base := e.g.Tensors[t].Name
	scale := e.init(base+"_scale", onnxpb.Float, nil, float32Raw([]float32{a.Scale}))
	zp := e.init(base+"_zero_point", onnxpb.Int8, nil, []byte{byte(int8(a.ZeroPoint))})
	q := e.fresh(base + "_quantized")
	e.add("QuantizeLinear", base+"_QuantizeLinear", []string{src, scale, zp}, []string{q})
	e.add("DequantizeLinear", base+"_DequantizeLinear", []string{q, scale, zp}, []string{dst})
	e.used[dst] = true
	return dst
}

// init adds an initializer and returns its name.
func (e *exporter) init(base string, dt onnxpb.DataType, dims []int64, raw []byte) string {
	name := e.fresh(base)
	e.out.Initializers = append(e.out.Initializers, &onnxpb.Tensor{Name: name, DataType: dt, Dims: dims, RawData: raw, HasRawData: true})
	return name
}

// input returns the name node input t is read from (constants become
// float32 or integer initializers once).
func (e *exporter) input(t int) (string, error) {
	if t < 0 {
		return "", nil
	}
	tt := e.g.Tensors[t]
	if tt.Const == nil {
		return e.read[t], nil
	}
	if name, ok := e.consts[t]; ok {
		return name, nil
	}
	var name string
	switch tt.DType {
	case graph.Float32:
		name = e.init(tt.Name, onnxpb.Float, dims(tt.Shape), float32Raw(tt.Const.F))
	case graph.Int64:
		name = e.init(tt.Name, onnxpb.Int64, dims(tt.Shape), int64Raw(tt.Const.I))
	default:
		return "", fmt.Errorf("constant %q of type %v", tt.Name, tt.DType)
	}
	e.consts[t] = name
	return name, nil
}

// weights writes the int8 weights and int32 bias of int8 layer ni (Conv,
// or fully connected Gemm with B [N, K]) behind DequantizeLinear ops and
// returns the names of the dequantized weights and bias ("" for none).
func (e *exporter) weights(ni int, n *graph.Node) (w, b string, err error) {
	wt := e.g.Tensors[n.Inputs[1]]
	if wt.Const == nil || wt.DType != graph.Float32 {
		return "", "", fmt.Errorf("weights %q are not a float32 constant", wt.Name)
	}
	m := wt.Shape[0]
	q, scales := quant.QuantizeWeightsPerChannel(wt.Const.F, m)
	raw := make([]byte, len(q))
	for i, v := range q {
		raw[i] = byte(v)
	}
	base := wt.Name
	wq := e.init(base+"_quantized", onnxpb.Int8, dims(wt.Shape), raw)
	ws := e.init(base+"_scale", onnxpb.Float, []int64{int64(m)}, float32Raw(scales))
	wz := e.init(base+"_zero_point", onnxpb.Int8, []int64{int64(m)}, make([]byte, m))
	w = e.fresh(base + "_dequantized")
	e.add("DequantizeLinear", base+"_DequantizeLinear", []string{wq, ws, wz}, []string{w}, attrInt("axis", 0))

	var bias []float32
	if len(n.Inputs) > 2 && n.Inputs[2] >= 0 {
		bias = e.g.Tensors[n.Inputs[2]].Const.F
	}
	if c, ok := e.r.Bias[e.layer[ni]]; ok && c != nil {
		bias = c
	}
	if bias == nil {
		return w, "", nil
	}
	in, ok := e.r.Activations[n.Inputs[0]]
	if !ok {
		return "", "", fmt.Errorf("input %q of an int8 layer has no quantization", e.g.Tensors[n.Inputs[0]].Name)
	}
	qb := quant.QuantizeBias(bias, in.Scale, scales)
	bs := make([]float32, m)
	for c, s := range scales {
		bs[c] = in.Scale * s
	}
	bname := base + "_bias"
	if len(n.Inputs) > 2 && n.Inputs[2] >= 0 {
		bname = e.g.Tensors[n.Inputs[2]].Name
	}
	bq := e.init(bname+"_quantized", onnxpb.Int32, []int64{int64(m)}, int32Raw(qb))
	bsc := e.init(bname+"_scale", onnxpb.Float, []int64{int64(m)}, float32Raw(bs))
	bz := e.init(bname+"_zero_point", onnxpb.Int32, []int64{int64(m)}, make([]byte, 4*m))
	b = e.fresh(bname + "_dequantized")
	e.add("DequantizeLinear", bname+"_DequantizeLinear", []string{bq, bsc, bz}, []string{b}, attrInt("axis", 0))
	return w, b, nil
}

// activation writes fused clamp act after the op whose result is in, into
// out.
func (e *exporter) activation(name string, act *graph.Clip, in, out string) {
	if act.Min == 0 && act.Max > math.MaxFloat32/2 {
		e.add("Relu", name+"_Relu", []string{in}, []string{out})
		return
	}
	lo := e.init(name+"_min", onnxpb.Float, nil, float32Raw([]float32{act.Min}))
	hi := e.init(name+"_max", onnxpb.Float, nil, float32Raw([]float32{act.Max}))
	e.add("Clip", name+"_Clip", []string{in, lo, hi}, []string{out})
}

func valueInfo(t *graph.Tensor) *onnxpb.ValueInfo {
	shape := &onnxpb.Shape{}
	for _, d := range t.Shape {
		shape.Dims = append(shape.Dims, onnxpb.Dim{Value: int64(d), HasValue: true})
	}
	return &onnxpb.ValueInfo{Name: t.Name, Type: &onnxpb.Type{Kind: onnxpb.TypeTensor, ElemType: onnxpb.Float, Shape: shape}}
}

func dims(shape []int) []int64 {
	d := make([]int64, len(shape))
	for i, v := range shape {
		d[i] = int64(v)
	}
	return d
}

func ints(v []int) []int64 { return dims(v) }

func float32Raw(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func int32Raw(x []int32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return b
}

func int64Raw(x []int64) []byte {
	b := make([]byte, 8*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
	return b
}

func attrInt(name string, v int64) *onnxpb.Attribute {
	return &onnxpb.Attribute{Name: name, Type: onnxpb.AttrInt, I: v}
}

func attrInts(name string, v []int64) *onnxpb.Attribute {
	return &onnxpb.Attribute{Name: name, Type: onnxpb.AttrInts, Ints: v}
}

func attrFloat(name string, v float32) *onnxpb.Attribute {
	return &onnxpb.Attribute{Name: name, Type: onnxpb.AttrFloat, F: v}
}

func attrString(name, v string) *onnxpb.Attribute {
	return &onnxpb.Attribute{Name: name, Type: onnxpb.AttrString, S: []byte(v)}
}
