package runtime

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/quant"
)

// Tensor is a graph input or output of an Interpreter. Its data aliases
// the interpreter's arena: inputs written through it are read by the next
// Run, and outputs read through it hold the last Run's results (until the
// next Run). Shape is in the model's own layout (NHWC for 4-D tensors).
type Tensor struct {
	Name  string
	Shape []int
	DType format.DType
	Quant *format.Quant // nil for float tensors
	// SourceLayout is the layout the tensor had in the source model
	// (Metadata.IOLayouts; NHWC when not recorded): pass it to
	// SetInputFloat32 and OutputFloat32 to exchange data in that layout.
	SourceLayout format.Layout
	data         []byte
}

// Bytes is the tensor's memory, little-endian.
func (t *Tensor) Bytes() []byte { return t.data }

// Int8 is the tensor's memory as int8 values, or nil unless DType is Int8.
func (t *Tensor) Int8() []int8 {
	if t.DType != format.Int8 {
		return nil
	}
	return int8s(t.data)
}

// Float32 is the tensor's memory as float32 values, or nil unless DType is
// Float32.
func (t *Tensor) Float32() []float32 {
	if t.DType != format.Float32 {
		return nil
	}
	return float32s(t.data)
}

// Elements is the number of values in the tensor.
func (t *Tensor) Elements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

func (it *Interpreter) ioTensors(indices []int) []*Tensor {
	ts := make([]*Tensor, len(indices))
	for k, i := range indices {
		src := &it.model.graph.Tensors[i]
		ts[k] = &Tensor{Name: src.Name, Shape: src.Shape, DType: src.DType, Quant: src.Quant,
			SourceLayout: it.model.graph.Metadata.IOLayouts[i], data: it.mem.bytes[i]}
	}
	return ts
}

// InputCount is the number of graph inputs.
func (it *Interpreter) InputCount() int { return len(it.inputs) }

// OutputCount is the number of graph outputs.
func (it *Interpreter) OutputCount() int { return len(it.outputs) }

// Input returns graph input i, or nil when i is out of range.
func (it *Interpreter) Input(i int) *Tensor {
	if i < 0 || i >= len(it.inputs) {
		return nil
	}
	return it.inputs[i]
}

// Output returns graph output i, or nil when i is out of range.
func (it *Interpreter) Output(i int) *Tensor {
	if i < 0 || i >= len(it.outputs) {
		return nil
	}
	return it.outputs[i]
}

func (it *Interpreter) input(i int) (*Tensor, error) {
	if i < 0 || i >= len(it.inputs) {
		return nil, fmt.Errorf("runtime: input %d: the model has %d input(s)", i, len(it.inputs))
	}
	return it.inputs[i], nil
}

func (it *Interpreter) output(i int) (*Tensor, error) {
	if i < 0 || i >= len(it.outputs) {
		return nil, fmt.Errorf("runtime: output %d: the model has %d output(s)", i, len(it.outputs))
	}
	return it.outputs[i], nil
}

// SetInputFloat32 stores real values into input i, quantizing them when
// the input is int8 or uint8. layout is the layout of data: NCHW data for
// a 4-D input is transposed into the model's NHWC (other ranks ignore
// layout). It allocates nothing.
func (it *Interpreter) SetInputFloat32(i int, data []float32, layout format.Layout) error {
	t, err := it.input(i)
	if err != nil {
		return err
	}
	if len(data) != t.Elements() {
		return fmt.Errorf("runtime: input %d %q: got %d values, want %d (%s)", i, t.Name, len(data), t.Elements(), shapeString(t.Shape, layout))
	}
	nchw := layout == format.NCHW && len(t.Shape) == 4
	switch t.DType {
	case format.Float32:
		dst := t.Float32()
		if !nchw {
			copy(dst, data)
			return nil
		}
		forEachNCHW(t.Shape, func(nhwc, nchw int) { dst[nhwc] = data[nchw] })
	case format.Int8:
		dst, scale, zp := t.Int8(), t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		if !nchw {
			for k, x := range data {
				dst[k] = quant.Quantize(x, scale, zp)
			}
			return nil
		}
		forEachNCHW(t.Shape, func(nhwc, nchw int) { dst[nhwc] = quant.Quantize(data[nchw], scale, zp) })
	case format.Uint8:
		dst, scale, zp := t.data, t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		if !nchw {
			for k, x := range data {
				dst[k] = quantizeUint8(x, scale, zp)
			}
			return nil
		}
		forEachNCHW(t.Shape, func(nhwc, nchw int) { dst[nhwc] = quantizeUint8(data[nchw], scale, zp) })
	default:
		return fmt.Errorf("runtime: input %d %q: a %s input cannot be set from float32 values", i, t.Name, t.DType)
	}
	return nil
}

// SetInputInt8 copies already-quantized values into int8 input i.
func (it *Interpreter) SetInputInt8(i int, data []int8) error {
	t, err := it.input(i)
	if err != nil {
		return err
	}
	if t.DType != format.Int8 {
		return fmt.Errorf("runtime: input %d %q is %s, not int8", i, t.Name, t.DType)
	}
	if len(data) != t.Elements() {
		return fmt.Errorf("runtime: input %d %q: got %d values, want %d (%s)", i, t.Name, len(data), t.Elements(), shapeString(t.Shape, format.NHWC))
	}
	copy(t.Int8(), data)
	return nil
}

// OutputFloat32 returns output i as real values (dequantized when int8 or
// uint8), in layout: NCHW transposes a 4-D output from the model's NHWC.
// The values go into dst when it has the capacity (no allocation), else
// into a new slice.
func (it *Interpreter) OutputFloat32(i int, dst []float32, layout format.Layout) ([]float32, error) {
	t, err := it.output(i)
	if err != nil {
		return dst, err
	}
	n := t.Elements()
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	nchw := layout == format.NCHW && len(t.Shape) == 4
	var value func(k int) float32
	switch t.DType {
	case format.Float32:
		src := t.Float32()
		if !nchw {
			copy(dst, src)
			return dst, nil
		}
		value = func(k int) float32 { return src[k] }
	case format.Int8:
		src, scale, zp := t.Int8(), t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		value = func(k int) float32 { return quant.Dequantize(src[k], scale, zp) }
	case format.Uint8:
		src, scale, zp := t.data, t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		value = func(k int) float32 { return float32(int32(src[k])-zp) * scale }
	default:
		return dst[:0], fmt.Errorf("runtime: output %d %q: a %s output has no float32 form", i, t.Name, t.DType)
	}
	if nchw {
		forEachNCHW(t.Shape, func(nhwc, nchw int) { dst[nchw] = value(nhwc) })
		return dst, nil
	}
	for k := range dst {
		dst[k] = value(k)
	}
	return dst, nil
}

// forEachNCHW calls f with the NHWC and the NCHW flat index of every
// element of the NHWC shape [N,H,W,C].
func forEachNCHW(nhwc []int, f func(nhwc, nchw int)) {
	n, h, w, c := nhwc[0], nhwc[1], nhwc[2], nhwc[3]
	k := 0
	for in := range n {
		for y := range h {
			for x := range w {
				for ch := range c {
					f(k, ((in*c+ch)*h+y)*w+x)
					k++
				}
			}
		}
	}
}

// quantizeUint8 is quant.Quantize for a uint8 tensor: clamp(round(x/scale)
// + zeroPoint, 0, 255), division in float32, ties away from zero, NaN to
// the zero point.
func quantizeUint8(x, scale float32, zeroPoint int32) uint8 {
	v := float64(x / scale)
	if v != v {
		v = 0
	}
	return uint8(min(max(math.Round(v)+float64(zeroPoint), 0), 255))
}

// shapeString formats a model (NHWC) shape as "1x28x28x1", or in NCHW
// order when layout says so and the shape is 4-D.
func shapeString(shape []int, layout format.Layout) string {
	if layout == format.NCHW && len(shape) == 4 {
		shape = []int{shape[0], shape[3], shape[1], shape[2]}
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}
