package format

import (
	"math"
	"slices"
)

// The shape, type and option rules of each opcode: what its kernels
// assume. The common checks (arity, indices, dataflow, non-empty
// operands, options type) have run already.

// conv2D: input [N,H,W,C], weights OHWI [OC,KH,KW,C/groups], optional
// bias [OC], output [N,OH,OW,OC].
func (c *opCheck) conv2D() error {
	o := c.op.Options.(*Conv2DOptions)
	for _, k := range []int{0, 1, -1} {
		if err := c.rank(k, 4); err != nil {
			return err
		}
	}
	if err := c.weightsAndBias(); err != nil {
		return err
	}
	if err := c.window(o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.PadTop, o.PadLeft, o.PadBottom, o.PadRight); err != nil {
		return err
	}
	if err := c.activation(o.Act); err != nil {
		return err
	}
	in, w := c.in(0).Shape, c.in(1).Shape
	inC, outC := in[3], w[0]
	if o.Groups < 1 || o.Groups > inC || inC%o.Groups != 0 || outC%o.Groups != 0 {
		return c.errorf("groups %d must divide both the %d input and the %d output channels", o.Groups, inC, outC)
	}
	if w[3] != inC/o.Groups {
		return c.inputErrorf(1, "shape %v: OHWI weights need %d input channels per group (%d channels / %d groups), not %d",
			w, inC/o.Groups, inC, o.Groups, w[3])
	}
	oh, err := c.windowOut("height", in[1], w[1], o.StrideH, o.DilationH, o.PadTop, o.PadBottom)
	if err != nil {
		return err
	}
	ow, err := c.windowOut("width", in[2], w[2], o.StrideW, o.DilationW, o.PadLeft, o.PadRight)
	if err != nil {
		return err
	}
	if want := []int{in[0], oh, ow, outC}; !slices.Equal(c.out().Shape, want) {
		return c.outputErrorf("shape %v; input %v with weights %v, strides %dx%d, dilations %dx%d and pads %d,%d,%d,%d (top, left, bottom, right) gives %v",
			c.out().Shape, in, w, o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.PadTop, o.PadLeft, o.PadBottom, o.PadRight, want)
	}
	return nil
}

// fullyConnected: input read as rows of K, weights [N, K], optional bias
// [N], output [rows, N] (any shape ending in N with rows*N elements).
func (c *opCheck) fullyConnected() error {
	o := c.op.Options.(*FullyConnectedOptions)
	if err := c.rank(1, 2); err != nil {
		return err
	}
	if err := c.weightsAndBias(); err != nil {
		return err
	}
	if err := c.activation(o.Act); err != nil {
		return err
	}
	in, w, out := c.in(0), c.in(1).Shape, c.out()
	n, k := w[0], w[1]
	if in.Elements()%k != 0 {
		return c.inputErrorf(0, "shape %v (%d elements) does not split into rows of %d, the input size of weights %v", in.Shape, in.Elements(), k, w)
	}
	rows := in.Elements() / k
	if s := out.Shape; len(s) == 0 || s[len(s)-1] != n || int64(out.Elements()) != int64(rows)*int64(n) {
		return c.outputErrorf("shape %v; %d rows of %d times weights %v gives [%d %d]", s, rows, k, w, rows, n)
	}
	return nil
}

// weightsAndBias checks the constants of CONV_2D and FULLY_CONNECTED:
// types, the bias shape, and int8 weights that are symmetric, per tensor
// or per output channel, with values in [-127, 127].
func (c *opCheck) weightsAndBias() error {
	for _, k := range []int{1, 2} {
		if c.in(k) != nil {
			if err := c.constant(k); err != nil {
				return err
			}
		}
	}
	switch {
	case c.types(Float32, Float32, Float32, Float32):
	case c.types(Int8, Int8, Int32, Int8):
	default:
		return c.typesErr("(float32, float32, float32) -> float32 or (int8, int8, int32) -> int8")
	}
	w := c.in(1)
	channels := w.Shape[0]
	if b := c.in(2); b != nil && !slices.Equal(b.Shape, []int{channels}) {
		return c.inputErrorf(2, "shape %v; the bias needs one value per output channel: [%d]", b.Shape, channels)
	}
	if w.DType != Int8 {
		return nil
	}
	q := w.Quant
	if q.Axis > 0 {
		return c.inputErrorf(1, "is quantized along axis %d; weights are quantized per tensor or per output channel (axis 0)", q.Axis)
	}
	for i, zp := range q.ZeroPoint {
		if zp != 0 {
			return c.inputErrorf(1, "zero point %d is %d; int8 weights are symmetric (zero point 0)", i, zp)
		}
	}
	if t := c.op.Inputs[1]; !c.scanned[t] {
		if i := slices.Index(w.Data, 0x80); i >= 0 {
			return c.inputErrorf(1, "weight %d is -128; int8 weights lie in [-127, 127]", i)
		}
		c.scanned[t] = true
	}
	return nil
}

// window checks conv and pool strides, dilations and pads.
func (c *opCheck) window(strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight int) error {
	if err := c.params(1, maxWindow, "stride_h", strideH, "stride_w", strideW, "dilation_h", dilationH, "dilation_w", dilationW); err != nil {
		return err
	}
	return c.params(0, maxWindow, "pad_top", padTop, "pad_left", padLeft, "pad_bottom", padBottom, "pad_right", padRight)
}

// windowOut is the output size of a sliding window along one dimension:
// floor((in + padBefore + padAfter - dilation*(k-1) - 1) / stride) + 1.
func (c *opCheck) windowOut(dim string, in, k, stride, dilation, padBefore, padAfter int) (int, error) {
	span := int64(dilation)*int64(k-1) + 1
	padded := int64(in) + int64(padBefore) + int64(padAfter)
	if padded < span {
		return 0, c.errorf("the window spans %d along the %s (kernel %d, dilation %d), more than the padded input's %d", span, dim, k, dilation, padded)
	}
	n := (padded-span)/int64(stride) + 1
	if n > math.MaxInt32 {
		return 0, c.errorf("the output %s would be %d", dim, n)
	}
	return int(n), nil
}

// pool2D: MAX_POOL_2D and AVERAGE_POOL_2D over NHWC.
func (c *opCheck) pool2D() error {
	o := c.op.Options.(*Pool2DOptions)
	if err := c.rank(0, 4); err != nil {
		return err
	}
	if err := c.rank(-1, 4); err != nil {
		return err
	}
	if err := c.params(1, maxWindow, "kernel_h", o.KernelH, "kernel_w", o.KernelW); err != nil {
		return err
	}
	if err := c.window(o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.PadTop, o.PadLeft, o.PadBottom, o.PadRight); err != nil {
		return err
	}
	if err := c.activation(o.Act); err != nil {
		return err
	}
	if err := c.sameType(0); err != nil {
		return err
	}
	if err := c.outTypeIn(Int8, Float32); err != nil {
		return err
	}
	if err := c.sameQuant(0); err != nil {
		return err
	}
	in := c.in(0).Shape
	oh, err := c.windowOut("height", in[1], o.KernelH, o.StrideH, o.DilationH, o.PadTop, o.PadBottom)
	if err != nil {
		return err
	}
	ow, err := c.windowOut("width", in[2], o.KernelW, o.StrideW, o.DilationW, o.PadLeft, o.PadRight)
	if err != nil {
		return err
	}
	if want := []int{in[0], oh, ow, in[3]}; !slices.Equal(c.out().Shape, want) {
		return c.outputErrorf("shape %v; input %v with a %dx%d window, strides %dx%d, dilations %dx%d and pads %d,%d,%d,%d (top, left, bottom, right) gives %v",
			c.out().Shape, in, o.KernelH, o.KernelW, o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.PadTop, o.PadLeft, o.PadBottom, o.PadRight, want)
	}
	// A window with no tap inside the input has nothing to pool (an
	// average over zero values divides by zero).
	if y := emptyWindow(in[1], o.KernelH, o.StrideH, o.DilationH, o.PadTop, oh); y >= 0 {
		return c.errorf("the window of output row %d lies entirely in the padding", y)
	}
	if x := emptyWindow(in[2], o.KernelW, o.StrideW, o.DilationW, o.PadLeft, ow); x >= 0 {
		return c.errorf("the window of output column %d lies entirely in the padding", x)
	}
	return nil
}

// emptyWindow returns an output index along one dimension whose window
// has no tap inside [0, in), or -1. Only windows that start before the
// input or end past it can miss it; those are a prefix and a suffix of
// the outputs, each at most about pad/stride+1 long.
func emptyWindow(in, k, stride, dilation, padBefore, out int) int {
	n, s, d, p := int64(in), int64(stride), int64(dilation), int64(padBefore)
	span := d*int64(k-1) + 1
	hasTap := func(o int64) bool {
		x0 := o*s - p
		j := int64(0) // the first tap at or after 0
		if x0 < 0 {
			j = (-x0 + d - 1) / d
		}
		return j < int64(k) && x0+j*d < n
	}
	for o := int64(0); o < int64(out) && o*s-p < 0; o++ {
		if !hasTap(o) {
			return int(o)
		}
	}
	for o := int64(out) - 1; o >= 0 && o*s-p+span > n; o-- {
		if !hasTap(o) {
			return int(o)
		}
	}
	return -1
}

// reduce: MEAN and REDUCE_MAX over Axes; the output drops them, or keeps
// them as 1 with KeepDims. Reducing every axis without KeepDims gives a
// scalar, stored as [] or [1].
func (c *opCheck) reduce() error {
	o := c.op.Options.(*ReduceOptions)
	in := c.in(0).Shape
	if len(o.Axes) == 0 {
		return c.errorf("reduces no axes")
	}
	reduced := make([]bool, len(in))
	for _, a := range o.Axes {
		d, ok := axis(a, len(in))
		if !ok {
			return c.errorf("axis %d is out of range for input shape %v", a, in)
		}
		if reduced[d] {
			return c.errorf("axis %d is listed twice", a)
		}
		reduced[d] = true
	}
	var want []int
	for d, n := range in {
		switch {
		case !reduced[d]:
			want = append(want, n)
		case o.KeepDims:
			want = append(want, 1)
		}
	}
	out := c.out().Shape
	if !slices.Equal(out, want) && !(len(want) == 0 && slices.Equal(out, []int{1})) {
		return c.outputErrorf("shape %v; reducing axes %v of %v (keep_dims %v) gives %v", out, o.Axes, in, o.KeepDims, want)
	}
	if err := c.sameType(0); err != nil {
		return err
	}
	if err := c.outTypeIn(Int8, Float32); err != nil {
		return err
	}
	if c.op.Op == OpReduceMax {
		return c.sameQuant(0)
	}
	return nil
}

// binary: ADD, SUB and MUL with NumPy broadcasting; the output has the
// broadcast shape.
func (c *opCheck) binary() error {
	o := c.op.Options.(*ElementwiseOptions)
	if err := c.activation(o.Act); err != nil {
		return err
	}
	if !c.types(Int8, Int8, Int8) && !c.types(Float32, Float32, Float32) {
		return c.typesErr("(int8, int8) -> int8 or (float32, float32) -> float32")
	}
	a, b := c.in(0).Shape, c.in(1).Shape
	want, ok := broadcastShapes(a, b)
	if !ok {
		return c.errorf("input shapes %v and %v do not broadcast", a, b)
	}
	if out := c.out().Shape; !slices.Equal(out, want) {
		return c.outputErrorf("shape %v; broadcasting %v and %v gives %v", out, a, b, want)
	}
	return nil
}

// broadcastShapes is NumPy broadcasting of a and b.
func broadcastShapes(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// concat: inputs agree on every dimension but Axis, whose sizes add up.
func (c *opCheck) concat() error {
	o := c.op.Options.(*ConcatOptions)
	out := c.out().Shape
	a, ok := axis(o.Axis, len(out))
	if !ok {
		return c.errorf("axis %d is out of range for output shape %v", o.Axis, out)
	}
	sum := int64(0)
	for k := range c.op.Inputs {
		in := c.in(k).Shape
		if len(in) != len(out) {
			return c.inputErrorf(k, "shape %v has rank %d, the output %v rank %d", in, len(in), out, len(out))
		}
		for d := range in {
			if d != a && in[d] != out[d] {
				return c.inputErrorf(k, "shape %v differs from the output's %v in dimension %d (only axis %d may differ)", in, out, d, a)
			}
		}
		sum += int64(in[a])
		if err := c.sameType(k); err != nil {
			return err
		}
		if err := c.sameQuant(k); err != nil {
			return err
		}
	}
	if sum != int64(out[a]) {
		return c.outputErrorf("shape %v; the inputs add up to %d along axis %d", out, sum, a)
	}
	return nil
}

// pad: Paddings holds before/after pairs per dimension.
func (c *opCheck) pad() error {
	o := c.op.Options.(*PadOptions)
	in, out := c.in(0).Shape, c.out().Shape
	if len(o.Paddings) != 2*len(in) {
		return c.errorf("%d paddings for input shape %v; want 2 per dimension (%d)", len(o.Paddings), in, 2*len(in))
	}
	if math.IsNaN(float64(o.Value)) {
		return c.errorf("the pad value is NaN")
	}
	for i, p := range o.Paddings {
		if p < 0 || p > math.MaxInt32 {
			return c.errorf("padding %d is %d; paddings are non-negative", i, p)
		}
	}
	want := make([]int64, len(in)) // int64: the sums may overflow a 32-bit int
	for d := range in {
		want[d] = int64(in[d]) + int64(o.Paddings[2*d]) + int64(o.Paddings[2*d+1])
	}
	if !slices.EqualFunc(out, want, func(a int, b int64) bool { return int64(a) == b }) {
		return c.outputErrorf("shape %v; padding %v by %v gives %v", out, in, o.Paddings, want)
	}
	return c.layout()
}

// reshape: the output shape is the output tensor's; elements must agree.
func (c *opCheck) reshape() error {
	in, out := c.in(0), c.out()
	if in.Elements() != out.Elements() {
		return c.outputErrorf("shape %v has %d elements; input shape %v has %d", out.Shape, out.Elements(), in.Shape, in.Elements())
	}
	return c.layout()
}

// transpose: output dimension i is input dimension Perm[i].
func (c *opCheck) transpose() error {
	o := c.op.Options.(*TransposeOptions)
	in, out := c.in(0).Shape, c.out().Shape
	if len(o.Perm) != len(in) {
		return c.errorf("perm %v for input shape %v; want one entry per dimension", o.Perm, in)
	}
	seen := make([]bool, len(in))
	want := make([]int, len(in))
	for i, p := range o.Perm {
		if p < 0 || p >= len(in) || seen[p] {
			return c.errorf("perm %v is not a permutation of 0..%d", o.Perm, len(in)-1)
		}
		seen[p] = true
		want[i] = in[p]
	}
	if !slices.Equal(out, want) {
		return c.outputErrorf("shape %v; transposing %v by %v gives %v", out, in, o.Perm, want)
	}
	return c.layout()
}

// slice: per dimension, Size elements from Begin every Step (empty Step:
// all 1), all inside the input.
func (c *opCheck) slice() error {
	o := c.op.Options.(*SliceOptions)
	in, out := c.in(0).Shape, c.out().Shape
	r := len(in)
	if len(o.Begin) != r || len(o.Size) != r || (len(o.Step) != 0 && len(o.Step) != r) {
		return c.errorf("begin %v, size %v, step %v for input shape %v; want one entry per dimension", o.Begin, o.Size, o.Step, in)
	}
	for d, n := range in {
		step := 1
		if len(o.Step) > 0 {
			step = o.Step[d]
		}
		begin, size := o.Begin[d], o.Size[d]
		if step < 1 || step > math.MaxInt32 || begin < 0 || begin >= n || size < 1 || size > n ||
			int64(begin)+int64(size-1)*int64(step) >= int64(n) {
			return c.errorf("dimension %d of input shape %v: begin %d, size %d, step %d reach outside the input", d, in, begin, size, step)
		}
	}
	if !slices.Equal(out, o.Size) {
		return c.outputErrorf("shape %v; the slice size is %v", out, o.Size)
	}
	return c.layout()
}

// layout is the common rule of PAD, RESHAPE, TRANSPOSE and SLICE: they
// move raw elements, so type and quantization pass through unchanged.
func (c *opCheck) layout() error {
	if err := c.sameType(0); err != nil {
		return err
	}
	return c.sameQuant(0)
}

// pointwise: CLAMP, LEAKY_RELU, HARD_SWISH, HARD_SIGMOID, LOGISTIC and
// TANH map each element; the quantization may change.
func (c *opCheck) pointwise() error {
	switch o := c.op.Options.(type) {
	case *ClampOptions:
		if !interval(o.Min, o.Max) {
			return c.errorf("[%v, %v] is not an interval", o.Min, o.Max)
		}
	case *LeakyReluOptions:
		if err := c.finiteParams("alpha", o.Alpha); err != nil {
			return err
		}
	case *HardSigmoidOptions:
		if err := c.finiteParams("alpha", o.Alpha, "beta", o.Beta); err != nil {
			return err
		}
	}
	return c.elementwise(0)
}

// elementwise requires input k and the output to share shape and type,
// int8 or float32.
func (c *opCheck) elementwise(k int) error {
	if err := c.sameShape(k); err != nil {
		return err
	}
	if err := c.sameType(k); err != nil {
		return err
	}
	return c.outTypeIn(Int8, Float32)
}

// prelu: a constant slope that is one value or one per channel (the
// input's last dimension).
func (c *opCheck) prelu() error {
	if err := c.elementwise(0); err != nil {
		return err
	}
	if err := c.constant(1); err != nil {
		return err
	}
	in, slope := c.in(0).Shape, c.in(1)
	if slope.DType != Int8 && slope.DType != Float32 {
		return c.inputErrorf(1, "is %s; the slope is int8 or float32", slope.DType)
	}
	n := slope.Elements()
	perChannel := len(slope.Shape) <= len(in)
	for d, x := range slope.Shape {
		if x != 1 && d != len(slope.Shape)-1 {
			perChannel = false
		}
	}
	if n != 1 && (!perChannel || in[len(in)-1] != n) {
		return c.inputErrorf(1, "shape %v is neither one value nor one per channel of input shape %v", slope.Shape, in)
	}
	if q := slope.Quant; q != nil && q.Axis >= 0 && q.Axis != len(slope.Shape)-1 {
		return c.inputErrorf(1, "is quantized along axis %d; a per-channel slope is quantized along its last axis", q.Axis)
	}
	return nil
}

// softmax: SOFTMAX and LOG_SOFTMAX along Axis.
func (c *opCheck) softmax() error {
	o := c.op.Options.(*SoftmaxOptions)
	if err := c.sameShape(0); err != nil {
		return err
	}
	in := c.in(0).Shape
	if _, ok := axis(o.Axis, len(in)); !ok {
		return c.errorf("axis %d is out of range for input shape %v", o.Axis, in)
	}
	if !finite(o.Beta) || o.Beta <= 0 {
		return c.errorf("beta %v must be finite and positive", o.Beta)
	}
	switch {
	case c.types(Float32, Float32), c.types(Int8, Int8):
	case c.op.Op == OpSoftmax && c.types(Int8, Float32):
	case c.op.Op == OpSoftmax:
		return c.typesErr("int8 -> int8, int8 -> float32 or float32 -> float32")
	default:
		return c.typesErr("int8 -> int8 or float32 -> float32")
	}
	return nil
}

// quantize: float32, int8 (requantization) or uint8 to int8.
func (c *opCheck) quantize() error {
	if err := c.sameShape(0); err != nil {
		return err
	}
	if !c.types(Float32, Int8) && !c.types(Int8, Int8) && !c.types(Uint8, Int8) {
		return c.typesErr("float32, int8 or uint8 -> int8")
	}
	return nil
}

// dequantize: int8, uint8 or float16 to float32.
func (c *opCheck) dequantize() error {
	if err := c.sameShape(0); err != nil {
		return err
	}
	if !c.types(Int8, Float32) && !c.types(Uint8, Float32) && !c.types(Float16, Float32) {
		return c.typesErr("int8, uint8 or float16 -> float32")
	}
	return nil
}

// resize: NHWC, the output's H and W are the target size.
func (c *opCheck) resize() error {
	o := c.op.Options.(*ResizeOptions)
	if !o.valid() {
		return c.errorf("mode %d, coordinate %d, nearest %d: unknown enum value", o.Mode, o.Coordinate, o.Nearest)
	}
	if err := c.rank(0, 4); err != nil {
		return err
	}
	if err := c.rank(-1, 4); err != nil {
		return err
	}
	in, out := c.in(0).Shape, c.out().Shape
	if in[0] != out[0] || in[3] != out[3] {
		return c.outputErrorf("shape %v; resizing %v keeps the batch and channel dimensions", out, in)
	}
	return c.layout()
}

// lrn: across the channels of an NHWC tensor.
func (c *opCheck) lrn() error {
	o := c.op.Options.(*LRNOptions)
	if err := c.rank(0, 4); err != nil {
		return err
	}
	if err := c.param("size", o.Size, 1, maxWindow); err != nil {
		return err
	}
	if err := c.finiteParams("alpha", o.Alpha, "beta", o.Beta, "bias", o.Bias); err != nil {
		return err
	}
	return c.elementwise(0)
}
