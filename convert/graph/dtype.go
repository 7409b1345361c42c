package graph

import "fmt"

// DType is the element type of a tensor in the float IR. Float32 is the
// type of every activation the converter quantizes; the integer types carry
// shape arithmetic (Shape, Gather, Concat of int64 shapes), indices, and the
// quantized side of QuantizeLinear/DequantizeLinear. Integer values are
// stored widened to int64 (Value.I) and wrapped to their type's range after
// arithmetic, as a C cast would.
type DType uint8

const (
	Invalid DType = iota
	Float32
	Int64
	Int32
	Int16
	Int8
	Uint16
	Uint8
	Bool
)

var dtypeNames = [...]string{"invalid", "float32", "int64", "int32", "int16", "int8", "uint16", "uint8", "bool"}

func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// Valid reports whether d is one of the defined types.
func (d DType) Valid() bool { return d > Invalid && d <= Bool }

// IsInt reports whether values of d are stored in Value.I (every integer
// type and Bool).
func (d DType) IsInt() bool { return d >= Int64 && d <= Bool }

// Range is the smallest and largest value of an integer type.
func (d DType) Range() (lo, hi int64) {
	switch d {
	case Int32:
		return -1 << 31, 1<<31 - 1
	case Int16:
		return -1 << 15, 1<<15 - 1
	case Int8:
		return -128, 127
	case Uint16:
		return 0, 1<<16 - 1
	case Uint8:
		return 0, 255
	case Bool:
		return 0, 1
	}
	return -1 << 63, 1<<63 - 1
}

// Wrap converts v to type d with two's-complement truncation, the result of
// storing v in a C variable of that type. Bool maps every non-zero value to 1.
func (d DType) Wrap(v int64) int64 {
	switch d {
	case Int32:
		return int64(int32(v))
	case Int16:
		return int64(int16(v))
	case Int8:
		return int64(int8(v))
	case Uint16:
		return int64(uint16(v))
	case Uint8:
		return int64(uint8(v))
	case Bool:
		if v != 0 {
			return 1
		}
		return 0
	}
	return v
}
