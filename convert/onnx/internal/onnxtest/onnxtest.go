// Package onnxtest encodes small ONNX models for tests: a deliberately
// independent writer (protowire appends, field numbers from onnx.proto)
// so that decoder tests do not check the decoder against itself.
package onnxtest

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// ONNX TensorProto.DataType values used by tests.
const (
	Float    = 1
	Uint8    = 2
	Int8     = 3
	Int16    = 5
	Int32    = 6
	Int64    = 7
	String   = 8
	Bool     = 9
	Float16  = 10
	Double   = 11
	BFloat16 = 16
)

// Model is a ModelProto.
type Model struct {
	IRVersion int64
	Opsets    []Opset
	Producer  string
	Graph     Graph
}

// Opset is an OperatorSetIdProto.
type Opset struct {
	Domain  string
	Version int64
}

// Graph is a GraphProto.
type Graph struct {
	Name    string
	Nodes   []Node
	Inits   []Tensor
	Inputs  []ValueInfo
	Outputs []ValueInfo
}

// Node is a NodeProto.
type Node struct {
	Op, Name, Domain string
	In, Out          []string
	Attrs            []Attr
}

// Attr is an AttributeProto; Type is the AttributeType value.
type Attr struct {
	Name   string
	Type   int32
	F      float32
	I      int64
	S      string
	T      *Tensor
	Floats []float32
	Ints   []int64
}

// AttrInt, AttrInts, AttrFloat, AttrFloats, AttrString and AttrTensor
// build typed attributes.
func AttrInt(name string, v int64) Attr         { return Attr{Name: name, Type: 2, I: v} }
func AttrInts(name string, v ...int64) Attr     { return Attr{Name: name, Type: 7, Ints: v} }
func AttrFloat(name string, v float32) Attr     { return Attr{Name: name, Type: 1, F: v} }
func AttrFloats(name string, v ...float32) Attr { return Attr{Name: name, Type: 6, Floats: v} }
func AttrString(name, v string) Attr            { return Attr{Name: name, Type: 3, S: v} }
func AttrTensor(name string, t Tensor) Attr     { return Attr{Name: name, Type: 4, T: &t} }

// KV is a StringStringEntryProto.
type KV struct{ Key, Value string }

// Tensor is a TensorProto. Set exactly one payload field. Unpacked
// writes repeated numeric fields one element per field instead of packed.
type Tensor struct {
	Name     string
	Dims     []int64
	DataType int32
	Floats   []float32
	Int32s   []int32
	Int64s   []int64
	Doubles  []float64
	Raw      []byte
	HasRaw   bool
	External []KV
	Unpacked bool
}

// FloatTensor returns a FLOAT tensor with float_data.
func FloatTensor(name string, dims []int64, v ...float32) Tensor {
	return Tensor{Name: name, Dims: dims, DataType: Float, Floats: v}
}

// Int64Tensor returns an INT64 tensor with int64_data.
func Int64Tensor(name string, dims []int64, v ...int64) Tensor {
	return Tensor{Name: name, Dims: dims, DataType: Int64, Int64s: v}
}

// RawFloats returns a FLOAT tensor stored in raw_data.
func RawFloats(name string, dims []int64, v ...float32) Tensor {
	raw := make([]byte, 0, 4*len(v))
	for _, x := range v {
		raw = protowire.AppendFixed32(raw, math.Float32bits(x))
	}
	return Tensor{Name: name, Dims: dims, DataType: Float, Raw: raw, HasRaw: true}
}

// ValueInfo is a ValueInfoProto with a tensor type. Dims holds int64
// sizes or string parameters; NoShape leaves the shape out.
type ValueInfo struct {
	Name     string
	ElemType int32
	Dims     []any
	NoShape  bool
}

// VI returns a float tensor ValueInfo.
func VI(name string, dims ...any) ValueInfo {
	return ValueInfo{Name: name, ElemType: Float, Dims: dims}
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

// Marshal encodes the model.
func (m *Model) Marshal() []byte {
	var b []byte
	b = appendVarint(b, 1, uint64(m.IRVersion))
	if m.Producer != "" {
		b = appendString(b, 2, m.Producer)
	}
	b = appendBytes(b, 7, m.Graph.Marshal())
	for _, o := range m.Opsets {
		var ob []byte
		if o.Domain != "" {
			ob = appendString(ob, 1, o.Domain)
		}
		ob = appendVarint(ob, 2, uint64(o.Version))
		b = appendBytes(b, 8, ob)
	}
	return b
}

// Marshal encodes the graph.
func (g *Graph) Marshal() []byte {
	var b []byte
	for _, n := range g.Nodes {
		b = appendBytes(b, 1, n.Marshal())
	}
	if g.Name != "" {
		b = appendString(b, 2, g.Name)
	}
	for _, t := range g.Inits {
		b = appendBytes(b, 5, t.Marshal())
	}
	for _, v := range g.Inputs {
		b = appendBytes(b, 11, v.Marshal())
	}
	for _, v := range g.Outputs {
		b = appendBytes(b, 12, v.Marshal())
	}
	return b
}

// Marshal encodes the node.
func (n *Node) Marshal() []byte {
	var b []byte
	for _, s := range n.In {
		b = appendString(b, 1, s)
	}
	for _, s := range n.Out {
		b = appendString(b, 2, s)
	}
	if n.Name != "" {
		b = appendString(b, 3, n.Name)
	}
	b = appendString(b, 4, n.Op)
	for _, a := range n.Attrs {
		b = appendBytes(b, 5, a.Marshal())
	}
	if n.Domain != "" {
		b = appendString(b, 7, n.Domain)
	}
	return b
}

// Marshal encodes the attribute (only the field its Type selects).
func (a *Attr) Marshal() []byte {
	var b []byte
	b = appendString(b, 1, a.Name)
	b = appendVarint(b, 20, uint64(a.Type))
	switch a.Type {
	case 1:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case 2:
		b = appendVarint(b, 3, uint64(a.I))
	case 3:
		b = appendString(b, 4, a.S)
	case 4:
		b = appendBytes(b, 5, a.T.Marshal())
	case 6:
		var p []byte
		for _, f := range a.Floats {
			p = protowire.AppendFixed32(p, math.Float32bits(f))
		}
		b = appendBytes(b, 7, p)
	case 7:
		var p []byte
		for _, v := range a.Ints {
			p = protowire.AppendVarint(p, uint64(v))
		}
		b = appendBytes(b, 8, p)
	}
	return b
}

// Marshal encodes the tensor.
func (t *Tensor) Marshal() []byte {
	var b []byte
	b = packedVarints(b, 1, t.Dims, t.Unpacked)
	b = appendVarint(b, 2, uint64(t.DataType))
	if len(t.Floats) > 0 {
		if t.Unpacked {
			for _, f := range t.Floats {
				b = protowire.AppendTag(b, 4, protowire.Fixed32Type)
				b = protowire.AppendFixed32(b, math.Float32bits(f))
			}
		} else {
			var p []byte
			for _, f := range t.Floats {
				p = protowire.AppendFixed32(p, math.Float32bits(f))
			}
			b = appendBytes(b, 4, p)
		}
	}
	if len(t.Int32s) > 0 {
		vs := make([]int64, len(t.Int32s))
		for i, v := range t.Int32s {
			vs[i] = int64(v)
		}
		b = packedVarints(b, 5, vs, t.Unpacked)
	}
	b = packedVarints(b, 7, t.Int64s, t.Unpacked)
	if t.Name != "" {
		b = appendString(b, 8, t.Name)
	}
	if t.HasRaw || len(t.Raw) > 0 {
		b = appendBytes(b, 9, t.Raw)
	}
	if len(t.Doubles) > 0 {
		var p []byte
		for _, f := range t.Doubles {
			p = protowire.AppendFixed64(p, math.Float64bits(f))
		}
		b = appendBytes(b, 10, p)
	}
	for _, kv := range t.External {
		var e []byte
		e = appendString(e, 1, kv.Key)
		e = appendString(e, 2, kv.Value)
		b = appendBytes(b, 13, e)
	}
	if len(t.External) > 0 {
		b = appendVarint(b, 14, 1)
	}
	return b
}

func packedVarints(b []byte, num protowire.Number, vs []int64, unpacked bool) []byte {
	if len(vs) == 0 {
		return b
	}
	if unpacked {
		for _, v := range vs {
			b = appendVarint(b, num, uint64(v))
		}
		return b
	}
	var p []byte
	for _, v := range vs {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return appendBytes(b, num, p)
}

// Marshal encodes the value info.
func (v *ValueInfo) Marshal() []byte {
	var shape []byte
	for _, d := range v.Dims {
		var db []byte
		switch x := d.(type) {
		case int:
			db = appendVarint(db, 1, uint64(int64(x)))
		case int64:
			db = appendVarint(db, 1, uint64(x))
		case string:
			db = appendString(db, 2, x)
		}
		shape = appendBytes(shape, 1, db)
	}
	var tt []byte
	tt = appendVarint(tt, 1, uint64(v.ElemType))
	if !v.NoShape {
		tt = appendBytes(tt, 2, shape)
	}
	var typ []byte
	typ = appendBytes(typ, 1, tt)
	var b []byte
	b = appendString(b, 1, v.Name)
	b = appendBytes(b, 2, typ)
	return b
}
