package onnx

import (
	"slices"
	"testing"
)

func TestParseInputShape(t *testing.T) {
	for _, c := range []struct {
		spec  string
		name  string
		shape []int
		ok    bool
	}{
		{"input=1,3,224,224", "input", []int{1, 3, 224, 224}, true},
		{"a=b=2, 5", "a=b", []int{2, 5}, true},
		{"scalar=", "scalar", []int{}, true},
		{"=1,2", "", nil, false},
		{"x", "", nil, false},
		{"x=1,-2", "", nil, false},
		{"x=1,,2", "", nil, false},
	} {
		name, shape, err := ParseInputShape(c.spec)
		if (err == nil) != c.ok || name != c.name || !slices.Equal(shape, c.shape) {
			t.Errorf("ParseInputShape(%q) = %q, %v, %v", c.spec, name, shape, err)
		}
	}
}
