package main

import (
	"math"
	"strconv"
)

// real32 is a float32 JSON number: the shortest decimal that reads back as
// the same float32 (0.1, not 0.10000000149011612), and null for NaN and
// ±Inf, which JSON cannot express (an SQNR of a bit-exact tensor is +Inf).
type real32 float32

func (r real32) MarshalJSON() ([]byte, error) {
	return appendReal(nil, float64(r), 32), nil
}

// real64 is real32 for float64 values.
type real64 float64

func (r real64) MarshalJSON() ([]byte, error) {
	return appendReal(nil, float64(r), 64), nil
}

func appendReal(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}
