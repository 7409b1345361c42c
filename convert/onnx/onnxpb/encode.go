package onnxpb

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Marshal encodes the model in the protobuf wire format. It writes the
// fields the decoder reads (except the counted-only ones: training info,
// functions, sparse initializers, subgraph attributes), so that
// DecodeModel(m.Marshal()) gives m back. Tensors are written with the
// payload fields they hold; exporters use RawData.
func (m *Model) Marshal() []byte {
	var b []byte
	b = appendVarintField(b, 1, uint64(m.IRVersion))
	b = appendStringField(b, 2, m.ProducerName)
	b = appendStringField(b, 3, m.ProducerVersion)
	b = appendStringField(b, 4, m.Domain)
	if m.ModelVersion != 0 {
		b = appendVarintField(b, 5, uint64(m.ModelVersion))
	}
	b = appendStringField(b, 6, m.DocString)
	if m.Graph != nil {
		b = appendBytesField(b, 7, m.Graph.marshal())
	}
	for _, o := range m.OpsetImports {
		var ob []byte
		ob = appendStringField(ob, 1, o.Domain)
		ob = appendVarintField(ob, 2, uint64(o.Version))
		b = appendBytesField(b, 8, ob)
	}
	for _, e := range m.MetadataProps {
		b = appendBytesField(b, 14, e.marshal())
	}
	return b
}

func (e StringEntry) marshal() []byte {
	var b []byte
	b = appendStringField(b, 1, e.Key)
	return appendStringField(b, 2, e.Value)
}

func (g *Graph) marshal() []byte {
	var b []byte
	for _, n := range g.Nodes {
		b = appendBytesField(b, 1, n.marshal())
	}
	b = appendStringField(b, 2, g.Name)
	for _, t := range g.Initializers {
		b = appendBytesField(b, 5, t.Marshal())
	}
	b = appendStringField(b, 10, g.DocString)
	for _, v := range g.Inputs {
		b = appendBytesField(b, 11, v.marshal())
	}
	for _, v := range g.Outputs {
		b = appendBytesField(b, 12, v.marshal())
	}
	for _, v := range g.ValueInfo {
		b = appendBytesField(b, 13, v.marshal())
	}
	return b
}

func (n *Node) marshal() []byte {
	var b []byte
	for _, s := range n.Inputs {
		b = appendStringAlways(b, 1, s)
	}
	for _, s := range n.Outputs {
		b = appendStringAlways(b, 2, s)
	}
	b = appendStringField(b, 3, n.Name)
	b = appendStringAlways(b, 4, n.OpType)
	for _, a := range n.Attributes {
		b = appendBytesField(b, 5, a.marshal())
	}
	b = appendStringField(b, 6, n.DocString)
	b = appendStringField(b, 7, n.Domain)
	return b
}

func (a *Attribute) marshal() []byte {
	var b []byte
	b = appendStringAlways(b, 1, a.Name)
	b = appendStringField(b, 21, a.RefAttrName)
	b = appendVarintField(b, 20, uint64(a.Type))
	switch a.Type {
	case AttrFloat:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case AttrInt:
		b = appendVarintField(b, 3, uint64(a.I))
	case AttrString:
		b = appendBytesField(b, 4, a.S)
	case AttrTensor:
		if a.T != nil {
			b = appendBytesField(b, 5, a.T.Marshal())
		}
	case AttrFloats:
		var p []byte
		for _, f := range a.Floats {
			p = protowire.AppendFixed32(p, math.Float32bits(f))
		}
		b = appendBytesField(b, 7, p)
	case AttrInts:
		b = appendPackedVarints(b, 8, a.Ints)
	case AttrStrings:
		for _, s := range a.Strings {
			b = appendBytesField(b, 9, s)
		}
	case AttrTensors:
		for _, t := range a.Tensors {
			b = appendBytesField(b, 10, t.Marshal())
		}
	}
	return b
}

// Marshal encodes the tensor.
func (t *Tensor) Marshal() []byte {
	var b []byte
	b = appendPackedVarints(b, 1, t.Dims)
	b = appendVarintField(b, 2, uint64(t.DataType))
	if len(t.FloatData) > 0 {
		var p []byte
		for _, f := range t.FloatData {
			p = protowire.AppendFixed32(p, math.Float32bits(f))
		}
		b = appendBytesField(b, 4, p)
	}
	if len(t.Int32Data) > 0 {
		var p []byte
		for _, v := range t.Int32Data {
			p = protowire.AppendVarint(p, uint64(int64(v)))
		}
		b = appendBytesField(b, 5, p)
	}
	for _, s := range t.StringData {
		b = appendBytesField(b, 6, s)
	}
	b = appendPackedVarints(b, 7, t.Int64Data)
	b = appendStringField(b, 8, t.Name)
	if t.HasRawData || len(t.RawData) > 0 {
		b = protowire.AppendTag(b, 9, protowire.BytesType)
		b = protowire.AppendBytes(b, t.RawData)
	}
	if len(t.DoubleData) > 0 {
		var p []byte
		for _, f := range t.DoubleData {
			p = protowire.AppendFixed64(p, math.Float64bits(f))
		}
		b = appendBytesField(b, 10, p)
	}
	if len(t.Uint64Data) > 0 {
		var p []byte
		for _, v := range t.Uint64Data {
			p = protowire.AppendVarint(p, v)
		}
		b = appendBytesField(b, 11, p)
	}
	b = appendStringField(b, 12, t.DocString)
	for _, e := range t.ExternalData {
		b = appendBytesField(b, 13, e.marshal())
	}
	if t.DataLocation != LocationDefault {
		b = appendVarintField(b, 14, uint64(t.DataLocation))
	}
	return b
}

func (v *ValueInfo) marshal() []byte {
	var b []byte
	b = appendStringAlways(b, 1, v.Name)
	if v.Type != nil && v.Type.Kind == TypeTensor {
		var tt []byte
		tt = appendVarintField(tt, 1, uint64(v.Type.ElemType))
		if v.Type.Shape != nil {
			var shape []byte
			for _, d := range v.Type.Shape.Dims {
				var db []byte
				switch {
				case d.HasValue:
					db = protowire.AppendTag(db, 1, protowire.VarintType)
					db = protowire.AppendVarint(db, uint64(d.Value))
				case d.Param != "":
					db = appendStringField(db, 2, d.Param)
				}
				db = appendStringField(db, 3, d.Denotation)
				shape = protowire.AppendTag(shape, 1, protowire.BytesType)
				shape = protowire.AppendBytes(shape, db)
			}
			tt = protowire.AppendTag(tt, 2, protowire.BytesType)
			tt = protowire.AppendBytes(tt, shape)
		}
		var typ []byte
		typ = appendBytesField(typ, 1, tt)
		typ = appendStringField(typ, 6, v.Type.Denotation)
		b = appendBytesField(b, 2, typ)
	}
	b = appendStringField(b, 3, v.DocString)
	return b
}

// appendVarintField appends a varint field, omitting the zero default.
func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

// appendStringField appends a string field, omitting the empty default.
func appendStringField(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	return appendStringAlways(b, num, s)
}

// appendStringAlways appends a string field even when empty: repeated
// node inputs use "" for an omitted optional input.
func appendStringAlways(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// appendBytesField appends a bytes or message field, omitting it when
// empty.
func appendBytesField(b []byte, num protowire.Number, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendPackedVarints(b []byte, num protowire.Number, vs []int64) []byte {
	if len(vs) == 0 {
		return b
	}
	var p []byte
	for _, v := range vs {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return appendBytesField(b, num, p)
}
