package onnxpb

import (
	"errors"
	"fmt"
	"math"
)

// DecodeModel decodes a serialized ModelProto. Byte fields of the result
// (raw_data, string attribute values) alias b, which must stay unmodified
// while the model is in use.
func DecodeModel(b []byte) (*Model, error) {
	if len(b) == 0 {
		return nil, errors.New("onnx: empty model")
	}
	m, err := decodeModel(b)
	if err != nil {
		return nil, fmt.Errorf("onnx: decoding ModelProto: %w", err)
	}
	return m, nil
}

// DecodeTensor decodes a serialized TensorProto, such as the input_N.pb and
// output_N.pb files of the ONNX backend tests. Byte fields alias b.
func DecodeTensor(b []byte) (*Tensor, error) {
	t, err := decodeTensor(b)
	if err != nil {
		return nil, fmt.Errorf("onnx: decoding TensorProto: %w", err)
	}
	return t, nil
}

func decodeModel(b []byte) (*Model, error) {
	m := &Model{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			m.IRVersion, err = f.int64()
		case 2:
			m.ProducerName, err = f.string()
		case 3:
			m.ProducerVersion, err = f.string()
		case 4:
			m.Domain, err = f.string()
		case 5:
			m.ModelVersion, err = f.int64()
		case 6:
			m.DocString, err = f.string()
		case 7:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			if m.Graph, err = decodeGraph(b); err != nil {
				return fmt.Errorf("graph: %w", err)
			}
		case 8:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var o OpsetID
			if o, err = decodeOpsetID(b); err != nil {
				return fmt.Errorf("opset_import[%d]: %w", len(m.OpsetImports), err)
			}
			m.OpsetImports = append(m.OpsetImports, o)
		case 14:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var e StringEntry
			if e, err = decodeStringEntry(b); err != nil {
				return fmt.Errorf("metadata_props[%d]: %w", len(m.MetadataProps), err)
			}
			m.MetadataProps = append(m.MetadataProps, e)
		case 20:
			m.TrainingInfo++
			err = f.want(bytesType)
		case 25:
			m.Functions++
			err = f.want(bytesType)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func decodeOpsetID(b []byte) (OpsetID, error) {
	var o OpsetID
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			o.Domain, err = f.string()
		case 2:
			o.Version, err = f.int64()
		}
		return err
	})
	return o, err
}

func decodeStringEntry(b []byte) (StringEntry, error) {
	var e StringEntry
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			e.Key, err = f.string()
		case 2:
			e.Value, err = f.string()
		}
		return err
	})
	return e, err
}

func decodeGraph(b []byte) (*Graph, error) {
	g := &Graph{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var n *Node
			if n, err = decodeNode(b); err != nil {
				return fmt.Errorf("node[%d]: %w", len(g.Nodes), err)
			}
			g.Nodes = append(g.Nodes, n)
		case 2:
			g.Name, err = f.string()
		case 5:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var t *Tensor
			if t, err = decodeTensor(b); err != nil {
				return fmt.Errorf("initializer[%d]: %w", len(g.Initializers), err)
			}
			g.Initializers = append(g.Initializers, t)
		case 10:
			g.DocString, err = f.string()
		case 11, 12, 13:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var v *ValueInfo
			if v, err = decodeValueInfo(b); err != nil {
				switch f.num {
				case 11:
					return fmt.Errorf("input[%d]: %w", len(g.Inputs), err)
				case 12:
					return fmt.Errorf("output[%d]: %w", len(g.Outputs), err)
				}
				return fmt.Errorf("value_info[%d]: %w", len(g.ValueInfo), err)
			}
			switch f.num {
			case 11:
				g.Inputs = append(g.Inputs, v)
			case 12:
				g.Outputs = append(g.Outputs, v)
			default:
				g.ValueInfo = append(g.ValueInfo, v)
			}
		case 15:
			g.SparseInitializers++
			err = f.want(bytesType)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func decodeNode(b []byte) (*Node, error) {
	n := &Node{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			var s string
			if s, err = f.string(); err == nil {
				n.Inputs = append(n.Inputs, s)
			}
		case 2:
			var s string
			if s, err = f.string(); err == nil {
				n.Outputs = append(n.Outputs, s)
			}
		case 3:
			n.Name, err = f.string()
		case 4:
			n.OpType, err = f.string()
		case 5:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var a *Attribute
			if a, err = decodeAttribute(b); err != nil {
				return fmt.Errorf("attribute[%d]: %w", len(n.Attributes), err)
			}
			n.Attributes = append(n.Attributes, a)
		case 6:
			n.DocString, err = f.string()
		case 7:
			n.Domain, err = f.string()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func decodeAttribute(b []byte) (*Attribute, error) {
	a := &Attribute{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			a.Name, err = f.string()
		case 2:
			a.F, err = f.float32()
		case 3:
			a.I, err = f.int64()
		case 4:
			a.S, err = f.bytesField()
		case 5:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			if a.T, err = decodeTensor(b); err != nil {
				return fmt.Errorf("t: %w", err)
			}
		case 6, 11:
			a.Graphs++
			err = f.want(bytesType)
		case 7:
			a.Floats, err = appendFloat32s(a.Floats, f)
		case 8:
			a.Ints, err = appendVarints(a.Ints, f)
		case 9:
			var b []byte
			if b, err = f.bytesField(); err == nil {
				a.Strings = append(a.Strings, b)
			}
		case 10:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var t *Tensor
			if t, err = decodeTensor(b); err != nil {
				return fmt.Errorf("tensors[%d]: %w", len(a.Tensors), err)
			}
			a.Tensors = append(a.Tensors, t)
		case 13:
			// doc_string
			err = f.want(bytesType)
		case 14, 15:
			a.TypeProtos++
			err = f.want(bytesType)
		case 20:
			var t int32
			t, err = f.int32()
			a.Type = AttrType(t)
		case 21:
			a.RefAttrName, err = f.string()
		case 22, 23:
			a.Sparse++
			err = f.want(bytesType)
		}
		return err
	})
	if err != nil {
		if a.Name != "" {
			return nil, fmt.Errorf("%q: %w", a.Name, err)
		}
		return nil, err
	}
	return a, nil
}

func decodeTensor(b []byte) (*Tensor, error) {
	t := &Tensor{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			t.Dims, err = appendVarints(t.Dims, f)
		case 2:
			var v int32
			v, err = f.int32()
			t.DataType = DataType(v)
		case 3:
			t.HasSegment = true
			err = f.want(bytesType)
		case 4:
			t.FloatData, err = appendFloat32s(t.FloatData, f)
		case 5:
			t.Int32Data, err = appendInt32s(t.Int32Data, f)
		case 6:
			var b []byte
			if b, err = f.bytesField(); err == nil {
				t.StringData = append(t.StringData, b)
			}
		case 7:
			t.Int64Data, err = appendVarints(t.Int64Data, f)
		case 8:
			t.Name, err = f.string()
		case 9:
			t.RawData, err = f.bytesField()
			t.HasRawData = err == nil
		case 10:
			var vs []uint64
			if vs, err = appendFixed64s(nil, f); err == nil {
				for _, v := range vs {
					t.DoubleData = append(t.DoubleData, math.Float64frombits(v))
				}
			}
		case 11:
			var vs []int64
			if vs, err = appendVarints(nil, f); err == nil {
				for _, v := range vs {
					t.Uint64Data = append(t.Uint64Data, uint64(v))
				}
			}
		case 12:
			t.DocString, err = f.string()
		case 13:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			var e StringEntry
			if e, err = decodeStringEntry(b); err != nil {
				return fmt.Errorf("external_data[%d]: %w", len(t.ExternalData), err)
			}
			t.ExternalData = append(t.ExternalData, e)
		case 14:
			var v int32
			v, err = f.int32()
			t.DataLocation = DataLocation(v)
		}
		return err
	})
	if err != nil {
		if t.Name != "" {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		return nil, err
	}
	return t, nil
}

func decodeValueInfo(b []byte) (*ValueInfo, error) {
	v := &ValueInfo{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			v.Name, err = f.string()
		case 2:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			if v.Type, err = decodeType(b); err != nil {
				return fmt.Errorf("type: %w", err)
			}
		case 3:
			v.DocString, err = f.string()
		}
		return err
	})
	if err != nil {
		if v.Name != "" {
			return nil, fmt.Errorf("%q: %w", v.Name, err)
		}
		return nil, err
	}
	return v, nil
}

func decodeType(b []byte) (*Type, error) {
	t := &Type{}
	err := eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			t.Kind = TypeTensor
			err = decodeTensorType(t, b)
		case 4:
			t.Kind = TypeSequence
			err = f.want(bytesType)
		case 5:
			t.Kind = TypeMap
			err = f.want(bytesType)
		case 6:
			t.Denotation, err = f.string()
		case 8:
			t.Kind = TypeSparseTensor
			err = f.want(bytesType)
		case 9:
			t.Kind = TypeOptional
			err = f.want(bytesType)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func decodeTensorType(t *Type, b []byte) error {
	return eachField(b, func(f *field) (err error) {
		switch f.num {
		case 1:
			var v int32
			v, err = f.int32()
			t.ElemType = DataType(v)
		case 2:
			var b []byte
			if b, err = f.bytesField(); err != nil {
				return err
			}
			if t.Shape, err = decodeShape(b); err != nil {
				return fmt.Errorf("shape: %w", err)
			}
		}
		return err
	})
}

func decodeShape(b []byte) (*Shape, error) {
	s := &Shape{}
	err := eachField(b, func(f *field) (err error) {
		if f.num != 1 {
			return nil
		}
		var b []byte
		if b, err = f.bytesField(); err != nil {
			return err
		}
		var d Dim
		err = eachField(b, func(f *field) (err error) {
			switch f.num {
			case 1:
				d.Value, err = f.int64()
				d.HasValue = err == nil
				d.Param = ""
			case 2:
				d.Param, err = f.string()
				d.HasValue = false
			case 3:
				d.Denotation, err = f.string()
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("dim[%d]: %w", len(s.Dims), err)
		}
		s.Dims = append(s.Dims, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
