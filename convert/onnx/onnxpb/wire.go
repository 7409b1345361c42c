package onnxpb

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field: its number, wire type and value.
// Exactly one of varint, fixed32, fixed64 or bytes is meaningful, per typ.
type field struct {
	num     protowire.Number
	typ     protowire.Type
	varint  uint64
	fixed32 uint32
	fixed64 uint64
	bytes   []byte
}

// eachField calls fn for every field of the message encoded in b, in order.
// It stops at the first error from the wire format or from fn. Groups are
// skipped (no field of the ONNX subset is a group).
func eachField(b []byte, fn func(f *field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("bad field tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.varint, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			f.fixed32, n = protowire.ConsumeFixed32(b)
		case protowire.Fixed64Type:
			f.fixed64, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.bytes, n = protowire.ConsumeBytes(b)
		case protowire.StartGroupType:
			n = protowire.ConsumeFieldValue(num, typ, b)
		default:
			return fmt.Errorf("field %d: unexpected wire type %d", num, typ)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if typ == protowire.StartGroupType {
			continue
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return nil
}

func (f *field) want(t protowire.Type) error {
	if f.typ != t {
		return fmt.Errorf("field %d: wire type %d, want %d", f.num, f.typ, t)
	}
	return nil
}

func (f *field) int64() (int64, error) {
	if err := f.want(protowire.VarintType); err != nil {
		return 0, err
	}
	return int64(f.varint), nil
}

// int32 decodes an int32 field. Negative int32 values are sign-extended to
// 64 bits on the wire; values outside the int32 range are malformed.
func (f *field) int32() (int32, error) {
	v, err := f.int64()
	if err != nil {
		return 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, fmt.Errorf("field %d: int32 value %d out of range", f.num, v)
	}
	return int32(v), nil
}

func (f *field) float32() (float32, error) {
	if err := f.want(protowire.Fixed32Type); err != nil {
		return 0, err
	}
	return math.Float32frombits(f.fixed32), nil
}

func (f *field) bytesField() ([]byte, error) {
	if err := f.want(protowire.BytesType); err != nil {
		return nil, err
	}
	return f.bytes, nil
}

func (f *field) string() (string, error) {
	b, err := f.bytesField()
	return string(b), err
}

// The repeated scalar fields below accept both the packed encoding (one
// length-delimited field) and the unpacked one (one field per element), as
// protobuf parsers must.

func appendVarints(dst []int64, f *field) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(dst, int64(f.varint)), nil
	case protowire.BytesType:
		b := f.bytes
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, fmt.Errorf("field %d: packed varint: %w", f.num, protowire.ParseError(n))
			}
			dst = append(dst, int64(v))
			b = b[n:]
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d: wire type %d for a repeated varint", f.num, f.typ)
}

func appendInt32s(dst []int32, f *field) ([]int32, error) {
	vs, err := appendVarints(nil, f)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v < math.MinInt32 || v > math.MaxInt32 {
			return nil, fmt.Errorf("field %d: int32 value %d out of range", f.num, v)
		}
		dst = append(dst, int32(v))
	}
	return dst, nil
}

func appendFloat32s(dst []float32, f *field) ([]float32, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(dst, math.Float32frombits(f.fixed32)), nil
	case protowire.BytesType:
		if len(f.bytes)%4 != 0 {
			return nil, fmt.Errorf("field %d: packed float data of %d bytes is not a multiple of 4", f.num, len(f.bytes))
		}
		for b := f.bytes; len(b) > 0; b = b[4:] {
			v, _ := protowire.ConsumeFixed32(b)
			dst = append(dst, math.Float32frombits(v))
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d: wire type %d for a repeated float", f.num, f.typ)
}

func appendFixed64s(dst []uint64, f *field) ([]uint64, error) {
	switch f.typ {
	case protowire.Fixed64Type:
		return append(dst, f.fixed64), nil
	case protowire.BytesType:
		if len(f.bytes)%8 != 0 {
			return nil, fmt.Errorf("field %d: packed 64-bit data of %d bytes is not a multiple of 8", f.num, len(f.bytes))
		}
		for b := f.bytes; len(b) > 0; b = b[8:] {
			v, _ := protowire.ConsumeFixed64(b)
			dst = append(dst, v)
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d: wire type %d for a repeated 64-bit value", f.num, f.typ)
}

// bytesType is the wire type of strings, bytes, messages and packed fields.
const bytesType = protowire.BytesType
