package calib

import (
	"fmt"
	"strings"

	"github.com/edgeinfer/edgeinfer/format"
)

// Input is a graph input a source feeds: its name and its source (ONNX,
// NCHW for images) shape.
type Input struct {
	Name  string
	Shape []int
}

func (in Input) elements() int {
	n := 1
	for _, d := range in.Shape {
		n *= d
	}
	return n
}

// Source is a calibration set: a fixed, ordered list of samples.
type Source interface {
	// Len is the number of samples.
	Len() int
	// Sample returns sample i: one slice per graph input, in the
	// input's source layout and shape.
	Sample(i int) ([][]float32, error)
	// Preprocessing is how 8-bit images became the input (nil for raw
	// tensors): the model records it so that `run IMAGE` matches.
	Preprocessing() *format.Preprocessing
	// String names the source for messages and the model's metadata.
	String() string
	Close() error
}

// Open opens a calibration source for a graph with the given inputs:
//
//	raw:FILE      float32 little-endian tensors back to back, every input
//	              of a sample in order, each in its source layout
//	idx:PATH      an IDX file (MNIST style, gzip allowed) of 8-bit or
//	              float32 images or vectors, for a single-input model
//	images:DIR    the JPEG and PNG files of a folder, in name order, for a
//	              single-input image model
//
// prep says how 8-bit pixels become input values (idx and images; Scale,
// Offset, Mean, Std, and for images ColorOrder, Fit and Interpolation);
// the source fills in the size and channels from the input.
func Open(spec string, inputs []Input, prep format.Preprocessing) (Source, error) {
	kind, path, ok := strings.Cut(spec, ":")
	if !ok || path == "" {
		return nil, fmt.Errorf("calib: source %q: want raw:FILE, idx:PATH or images:DIR", spec)
	}
	switch kind {
	case "raw":
		return openRaw(path, inputs)
	case "idx":
		return openIDX(path, inputs, prep)
	case "images":
		return openImages(path, inputs, prep)
	}
	return nil, fmt.Errorf("calib: source %q: unknown kind %q (want raw, idx or images)", spec, kind)
}

// imageInput checks that inputs is one NCHW image input and returns its
// channels, height and width.
func imageInput(kind string, inputs []Input) (c, h, w int, err error) {
	if len(inputs) != 1 {
		return 0, 0, 0, fmt.Errorf("calib: %s sources feed models with one input; this one has %d", kind, len(inputs))
	}
	s := inputs[0].Shape
	if len(s) != 4 || s[0] != 1 {
		return 0, 0, 0, fmt.Errorf("calib: %s: input %q has shape %v; want one NCHW image [1, C, H, W]", kind, inputs[0].Name, s)
	}
	return s[1], s[2], s[3], nil
}
