package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/x448/float16"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// irType maps an ONNX element type to the IR type that holds its values.
// FLOAT16, BFLOAT16 and DOUBLE constants widen or narrow to float32 (the
// converter computes in float32); ok is false for types the IR cannot
// represent.
func irType(t onnxpb.DataType) (dt graph.DType, ok bool) {
	switch t {
	case onnxpb.Float, onnxpb.Float16, onnxpb.BFloat16, onnxpb.Double:
		return graph.Float32, true
	case onnxpb.Int64:
		return graph.Int64, true
	case onnxpb.Int32:
		return graph.Int32, true
	case onnxpb.Int16:
		return graph.Int16, true
	case onnxpb.Int8:
		return graph.Int8, true
	case onnxpb.Uint16:
		return graph.Uint16, true
	case onnxpb.Uint8:
		return graph.Uint8, true
	case onnxpb.Bool:
		return graph.Bool, true
	}
	return graph.Invalid, false
}

// activationType maps the element type of a graph input or output, which
// must be exact: a float16 input would change the model's interface.
func activationType(t onnxpb.DataType) (graph.DType, bool) {
	switch t {
	case onnxpb.Float16, onnxpb.BFloat16, onnxpb.Double:
		return graph.Invalid, false
	}
	return irType(t)
}

// onnxType is the inverse of irType for the exact types.
func onnxType(dt graph.DType) onnxpb.DataType {
	switch dt {
	case graph.Float32:
		return onnxpb.Float
	case graph.Int64:
		return onnxpb.Int64
	case graph.Int32:
		return onnxpb.Int32
	case graph.Int16:
		return onnxpb.Int16
	case graph.Int8:
		return onnxpb.Int8
	case graph.Uint16:
		return onnxpb.Uint16
	case graph.Uint8:
		return onnxpb.Uint8
	case graph.Bool:
		return onnxpb.Bool
	}
	return onnxpb.Undefined
}

// errDType marks tensor conversion failures caused by an unsupported
// element type (as opposed to a malformed tensor).
type errDType struct {
	tensor string
	t      onnxpb.DataType
}

func (e *errDType) Error() string {
	return fmt.Sprintf("tensor %q has element type %v", e.tensor, e.t)
}

// TensorValue converts a TensorProto to an IR value, reading external data
// relative to dir (refused when dir is ""). It accepts every storage form
// ONNX writers use: raw_data, the typed repeated fields (float_data,
// int32_data, int64_data, double_data, uint64_data) and external files.
func TensorValue(t *onnxpb.Tensor, dir string) (*graph.Value, error) {
	x := &externalData{dir: dir}
	defer x.close()
	return tensorValue(t, x)
}

func tensorValue(t *onnxpb.Tensor, ext *externalData) (*graph.Value, error) {
	dt, ok := irType(t.DataType)
	if !ok {
		return nil, &errDType{t.Name, t.DataType}
	}
	if t.HasSegment {
		return nil, fmt.Errorf("tensor %q: segmented tensors are not supported", t.Name)
	}
	shape := make([]int, len(t.Dims))
	for i, d := range t.Dims {
		if d < 0 || d > graph.MaxElements {
			return nil, fmt.Errorf("tensor %q: invalid dims %v", t.Name, t.Dims)
		}
		shape[i] = int(d)
	}
	n, err := graph.NumElements(shape)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	v := graph.NewValue(dt, shape)
	size := t.DataType.ElemSize()

	var raw []byte
	switch {
	case t.DataLocation == onnxpb.LocationExternal:
		if raw, err = ext.read(t, n*size); err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
	case t.DataLocation != onnxpb.LocationDefault:
		return nil, fmt.Errorf("tensor %q: unknown data_location %d", t.Name, t.DataLocation)
	case t.HasRawData:
		raw = t.RawData
		if len(raw) != n*size {
			return nil, fmt.Errorf("tensor %q: raw_data has %d bytes, %v%v needs %d", t.Name, len(raw), t.DataType, t.Dims, n*size)
		}
	}
	if raw != nil || t.DataLocation == onnxpb.LocationExternal {
		decodeRaw(t.DataType, raw, v)
		return v, nil
	}
	if err := decodeTyped(t, n, v); err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	return v, nil
}

// decodeRaw decodes little-endian raw_data (its length already checked).
func decodeRaw(t onnxpb.DataType, raw []byte, v *graph.Value) {
	le := binary.LittleEndian
	switch t {
	case onnxpb.Float:
		for i := range v.F {
			v.F[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
	case onnxpb.Float16:
		for i := range v.F {
			v.F[i] = float16.Frombits(le.Uint16(raw[2*i:])).Float32()
		}
	case onnxpb.BFloat16:
		for i := range v.F {
			v.F[i] = math.Float32frombits(uint32(le.Uint16(raw[2*i:])) << 16)
		}
	case onnxpb.Double:
		for i := range v.F {
			v.F[i] = float32(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	case onnxpb.Int64:
		for i := range v.I {
			v.I[i] = int64(le.Uint64(raw[8*i:]))
		}
	case onnxpb.Int32:
		for i := range v.I {
			v.I[i] = int64(int32(le.Uint32(raw[4*i:])))
		}
	case onnxpb.Int16:
		for i := range v.I {
			v.I[i] = int64(int16(le.Uint16(raw[2*i:])))
		}
	case onnxpb.Uint16:
		for i := range v.I {
			v.I[i] = int64(le.Uint16(raw[2*i:]))
		}
	case onnxpb.Int8:
		for i := range v.I {
			v.I[i] = int64(int8(raw[i]))
		}
	case onnxpb.Uint8:
		for i := range v.I {
			v.I[i] = int64(raw[i])
		}
	case onnxpb.Bool:
		for i := range v.I {
			if raw[i] != 0 {
				v.I[i] = 1
			}
		}
	}
}

// decodeTyped decodes the typed repeated fields. ONNX stores the narrow
// integer types, bool and the 16-bit float bit patterns in int32_data.
func decodeTyped(t *onnxpb.Tensor, n int, v *graph.Value) error {
	want := func(have int, field string) error {
		if have != n {
			return fmt.Errorf("%s has %d values, %v%v needs %d", field, have, t.DataType, t.Dims, n)
		}
		return nil
	}
	switch t.DataType {
	case onnxpb.Float:
		if err := want(len(t.FloatData), "float_data"); err != nil {
			return err
		}
		copy(v.F, t.FloatData)
	case onnxpb.Double:
		if err := want(len(t.DoubleData), "double_data"); err != nil {
			return err
		}
		for i, x := range t.DoubleData {
			v.F[i] = float32(x)
		}
	case onnxpb.Int64:
		if err := want(len(t.Int64Data), "int64_data"); err != nil {
			return err
		}
		copy(v.I, t.Int64Data)
	case onnxpb.Float16, onnxpb.BFloat16:
		if err := want(len(t.Int32Data), "int32_data"); err != nil {
			return err
		}
		for i, x := range t.Int32Data {
			if t.DataType == onnxpb.Float16 {
				v.F[i] = float16.Frombits(uint16(x)).Float32()
			} else {
				v.F[i] = math.Float32frombits(uint32(uint16(x)) << 16)
			}
		}
	default: // the integer types and bool, all in int32_data
		if err := want(len(t.Int32Data), "int32_data"); err != nil {
			return err
		}
		lo, hi := v.DType.Range()
		for i, x := range t.Int32Data {
			if int64(x) < lo || int64(x) > hi {
				return fmt.Errorf("int32_data value %d out of range for %v", x, t.DataType)
			}
			v.I[i] = int64(x)
		}
	}
	return nil
}
