package onnx

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseInputShape parses a command-line input shape override of the form
// "name=1,3,224,224" (the name may itself contain '='; the last one
// separates). The result is meant for Options.InputShapes.
func ParseInputShape(spec string) (name string, shape []int, err error) {
	i := strings.LastIndexByte(spec, '=')
	if i <= 0 {
		return "", nil, fmt.Errorf("input shape %q: want name=d0,d1,...", spec)
	}
	name = spec[:i]
	dims := spec[i+1:]
	if dims == "" {
		return name, []int{}, nil // a scalar input
	}
	for _, f := range strings.Split(dims, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return "", nil, fmt.Errorf("input shape %q: dim %q is not a non-negative integer", spec, f)
		}
		shape = append(shape, d)
	}
	return name, shape, nil
}
