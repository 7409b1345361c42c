package graph

import (
	"fmt"
	"math"
)

// MaxElements bounds the element count of any tensor the IR accepts (2^31,
// 8 GiB of float32): shapes from a model file are untrusted, and products of
// their dims must neither overflow int nor ask for absurd allocations.
const MaxElements = 1 << 31

// Value is a dense row-major array (NCHW for images): the payload of a
// constant, or an activation computed by the reference interpreter.
// Float32 values live in F, every integer type and Bool in I (widened).
type Value struct {
	DType DType
	Shape []int
	F     []float32
	I     []int64
}

// NewValue allocates a zeroed value. The caller has checked the shape with
// NumElements.
func NewValue(dt DType, shape []int) *Value {
	n, _ := NumElements(shape)
	v := &Value{DType: dt, Shape: append([]int(nil), shape...)}
	if dt == Float32 {
		v.F = make([]float32, n)
	} else {
		v.I = make([]int64, n)
	}
	return v
}

// Floats returns a float32 value of the given shape holding data.
func Floats(shape []int, data []float32) *Value {
	return &Value{DType: Float32, Shape: append([]int(nil), shape...), F: data}
}

// Ints returns an integer value of type dt and the given shape holding data.
func Ints(dt DType, shape []int, data []int64) *Value {
	return &Value{DType: dt, Shape: append([]int(nil), shape...), I: data}
}

// Len is the number of elements.
func (v *Value) Len() int {
	if v.DType == Float32 {
		return len(v.F)
	}
	return len(v.I)
}

// Check reports whether the payload length matches the shape and type.
func (v *Value) Check() error {
	if !v.DType.Valid() {
		return fmt.Errorf("invalid dtype %v", v.DType)
	}
	n, err := NumElements(v.Shape)
	if err != nil {
		return err
	}
	if v.DType == Float32 && (len(v.F) != n || v.I != nil) || v.DType != Float32 && (len(v.I) != n || v.F != nil) {
		return fmt.Errorf("%v value of shape %v holds %d floats and %d ints", v.DType, v.Shape, len(v.F), len(v.I))
	}
	return nil
}

// Clone returns a deep copy.
func (v *Value) Clone() *Value {
	c := &Value{DType: v.DType, Shape: append([]int(nil), v.Shape...)}
	if v.F != nil {
		c.F = append([]float32(nil), v.F...)
	}
	if v.I != nil {
		c.I = append([]int64(nil), v.I...)
	}
	return c
}

// Float64At returns element i as a float64, whatever the type.
func (v *Value) Float64At(i int) float64 {
	if v.DType == Float32 {
		return float64(v.F[i])
	}
	return float64(v.I[i])
}

// AsInts returns the elements as ints. It is for small integer parameter
// tensors (shapes, axes, pads) and fails for floats and out-of-range values.
func (v *Value) AsInts() ([]int, error) {
	if !v.DType.IsInt() {
		return nil, fmt.Errorf("want an integer tensor, have %v", v.DType)
	}
	out := make([]int, len(v.I))
	for i, x := range v.I {
		if x < math.MinInt || x > math.MaxInt {
			return nil, fmt.Errorf("value %d out of range", x)
		}
		out[i] = int(x)
	}
	return out, nil
}

// AsFloats returns the elements as float32s, converting integers.
func (v *Value) AsFloats() []float32 {
	if v.DType == Float32 {
		return append([]float32(nil), v.F...)
	}
	out := make([]float32, len(v.I))
	for i, x := range v.I {
		out[i] = float32(x)
	}
	return out
}

// NumElements is the product of shape's dims. It fails for negative dims and
// for products above MaxElements.
func NumElements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d == 0 {
			n = 0
			continue
		}
		// int has 32 bits on GOARCH=arm, where MaxElements itself overflows.
		const limit = min(MaxElements, math.MaxInt)
		if n > limit/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}

// Strides returns the row-major element strides of shape.
func Strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// ShapeEqual reports whether two shapes are identical.
func ShapeEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
