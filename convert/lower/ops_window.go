package lower

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/format"
)

// conv lowers a 2-D convolution: NHWC input, OIHW weights transposed to
// OHWI, groups kept (depthwise is groups = channels).
func (l *lowerer) conv(op *graph.Conv) string {
	x, y := l.in(0), l.out(0)
	if r := len(l.shape(x)); r != 4 {
		return fmt.Sprintf("%d-D convolution; the model format has 2-D convolutions", r-2)
	}
	w := l.constant(1)
	if w == nil {
		return "the weights are computed, not constant"
	}
	var bias []float32
	if len(l.n.Inputs) > 2 && l.in(2) >= 0 {
		b := l.constant(2)
		if b == nil {
			return "the bias is computed, not constant"
		}
		bias = b.F
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	if nb, ok := l.opts.Bias[name]; ok && !f32 {
		bias = nb
	}
	m, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	ohwi := make([]float32, len(w.F))
	for o := range m {
		for c := range cg {
			for i := range kh {
				for j := range kw {
					ohwi[((o*kh+i)*kw+j)*cg+c] = w.F[((o*cg+c)*kh+i)*kw+j]
				}
			}
		}
	}
	xt := l.operand(x, nhwc, f32)
	cfg := builder.Conv{
		Stride:   [2]int{op.Strides[0], op.Strides[1]},
		Dilation: [2]int{op.Dilations[0], op.Dilations[1]},
		Pad:      [4]int{op.PadsBegin[0], op.PadsBegin[1], op.PadsEnd[0], op.PadsEnd[1]},
		Groups:   op.Group,
		Act:      act(op.Act),
	}
	bt := l.define(y, nhwc, func(nm string) builder.Tensor {
		return l.b.Conv2D(nm, xt, builder.Weights{Shape: []int{m, kh, kw, cg}, Data: ohwi, Scales: l.weightScales(m)}, bias, cfg)
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// fullyConnected lowers a Gemm in fully connected form. An input whose
// columns are stored permuted (a flattened NHWC tensor) gets weights with
// columns permuted the same way.
func (l *lowerer) fullyConnected(op *graph.Gemm) string {
	if op.TransA || !op.TransB || op.Alpha != 1 || op.Beta != 1 {
		return fmt.Sprintf("Gemm with transA %v, transB %v, alpha %v, beta %v is not a fully connected layer", op.TransA, op.TransB, op.Alpha, op.Beta)
	}
	a, y := l.in(0), l.out(0)
	w := l.constant(1)
	if w == nil {
		return "the weights (B) are computed, not constant"
	}
	var bias []float32
	if len(l.n.Inputs) > 2 && l.in(2) >= 0 {
		c := l.constant(2)
		if c == nil || len(c.Shape) != 1 {
			return "C is not a constant with one value per output; only a per-output bias fits a fully connected layer"
		}
		bias = c.F
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	if nb, ok := l.opts.Bias[name]; ok && !f32 {
		bias = nb
	}
	nOut, k := w.Shape[0], w.Shape[1]
	lay := Layout{}
	data := w.F
	if cols := l.vals[a].lay.Cols; cols != nil {
		lay = l.vals[a].lay
		data = make([]float32, len(w.F))
		for o := range nOut {
			for j, c := range cols {
				data[o*k+j] = w.F[o*k+c]
			}
		}
	}
	xt := l.operand(a, lay, f32)
	bt := l.define(y, Layout{}, func(nm string) builder.Tensor {
		return l.b.FullyConnected(nm, xt, builder.Weights{Shape: []int{nOut, k}, Data: data, Scales: l.weightScales(nOut)}, bias, act(op.Act))
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// pool lowers a 2-D max or average pooling. Ceil mode becomes extra end
// padding, which max pooling and average pooling that excludes padding
// ignore.
func (l *lowerer) pool(p *graph.Pool, isMax, countPad bool) string {
	x, y := l.in(0), l.out(0)
	xs, ys := l.shape(x), l.shape(y)
	if len(xs) != 4 {
		return fmt.Sprintf("%d-D pooling; the model format pools 2-D", len(xs)-2)
	}
	if len(l.n.Outputs) > 1 && l.n.Outputs[1] >= 0 {
		return "the Indices output is used; the model format's MAX_POOL_2D has none"
	}
	padEnd := [2]int{}
	for d := range 2 {
		span := (p.Kernel[d]-1)*p.Dilations[d] + 1
		need := (ys[2+d]-1)*p.Strides[d] + span - xs[2+d] - p.PadsBegin[d]
		padEnd[d] = max(p.PadsEnd[d], need)
		if (xs[2+d]+p.PadsBegin[d]+padEnd[d]-span)/p.Strides[d]+1 != ys[2+d] {
			return fmt.Sprintf("output size %v does not follow from the window geometry", ys)
		}
		if padEnd[d] > p.PadsEnd[d] && !isMax && countPad {
			return "ceil_mode with count_include_pad: the model format would count the extra window positions"
		}
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	cfg := builder.Pool{
		Kernel:          [2]int{p.Kernel[0], p.Kernel[1]},
		Stride:          [2]int{p.Strides[0], p.Strides[1]},
		Dilation:        [2]int{p.Dilations[0], p.Dilations[1]},
		Pad:             [4]int{p.PadsBegin[0], p.PadsBegin[1], padEnd[0], padEnd[1]},
		CountIncludePad: countPad,
	}
	xt := l.operand(x, nhwc, f32)
	bt := l.define(y, nhwc, func(nm string) builder.Tensor {
		if isMax {
			return l.b.MaxPool(nm, xt, cfg)
		}
		return l.b.AvgPool(nm, xt, cfg)
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// lrn lowers cross-channel LRN over NHWC (channels innermost).
func (l *lowerer) lrn(op *graph.LRN) string {
	x, y := l.in(0), l.out(0)
	if len(l.shape(x)) != 4 {
		return fmt.Sprintf("LRN on a rank-%d tensor; the model format's LRN takes NCHW images", len(l.shape(x)))
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, nhwc, f32)
	bt := l.define(y, nhwc, func(nm string) builder.Tensor {
		return l.b.LRN(nm, xt, format.LRNOptions{Size: op.Size, Alpha: op.Alpha, Beta: op.Beta, Bias: op.Bias})
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}

// resize lowers nearest and bilinear resizing of the spatial dims of an
// NCHW image by the exact ratio of output to input size.
func (l *lowerer) resize(op *graph.Resize) string {
	x, y := l.in(0), l.out(0)
	xs, ys := l.shape(x), l.shape(y)
	if len(xs) != 4 || xs[0] != ys[0] || xs[1] != ys[1] {
		return fmt.Sprintf("resizing %v to %v; the model format resizes the H and W of NCHW images", xs, ys)
	}
	for d := 2; d < 4; d++ {
		if r := float64(ys[d]) / float64(xs[d]); math.Abs(op.Scales[d]-r) > 1e-9*r {
			return fmt.Sprintf("scale %v along dim %d differs from the size ratio %d/%d the model format uses", op.Scales[d], d, ys[d], xs[d])
		}
	}
	var o format.ResizeOptions
	switch op.Mode {
	case graph.ResizeNearest:
		o.Mode = format.ResizeNearest
	case graph.ResizeLinear:
		o.Mode = format.ResizeBilinear
	default:
		return fmt.Sprintf("%v interpolation; the model format has nearest and (bi)linear", op.Mode)
	}
	switch op.Coord {
	case graph.CoordHalfPixel, graph.CoordHalfPixelSymmetric: // equal at an exact size ratio
		o.Coordinate = format.CoordHalfPixel
	case graph.CoordPytorchHalfPixel:
		o.Coordinate = format.CoordPytorchHalfPixel
	case graph.CoordAlignCorners:
		o.Coordinate = format.CoordAlignCorners
	case graph.CoordAsymmetric:
		o.Coordinate = format.CoordAsymmetric
	default:
		return fmt.Sprintf("coordinate_transformation_mode %v", op.Coord)
	}
	if o.Mode == format.ResizeNearest {
		switch op.Nearest {
		case graph.NearestRoundPreferFloor:
			o.Nearest = format.NearestRoundPreferFloor
		case graph.NearestRoundPreferCeil:
			o.Nearest = format.NearestRoundPreferCeil
		case graph.NearestFloor:
			o.Nearest = format.NearestFloor
		case graph.NearestCeil:
			o.Nearest = format.NearestCeil
		case graph.NearestLegacy:
			// Floor where a dim grows or keeps its size, ceil where it
			// shrinks: one rounding for both dims.
			up, down := ys[2] >= xs[2] && ys[3] >= xs[3], ys[2] < xs[2] && ys[3] < xs[3]
			switch {
			case up:
				o.Nearest = format.NearestFloor
			case down:
				o.Nearest = format.NearestCeil
			default:
				return "legacy nearest rounding with one dim growing and the other shrinking"
			}
		}
	}
	name := l.g.Tensors[y].Name
	f32 := l.keepFloat(name)
	xt := l.operand(x, nhwc, f32)
	bt := l.define(y, nhwc, func(nm string) builder.Tensor {
		return l.b.Resize(nm, xt, ys[2], ys[3], o)
	})
	l.float[bt] = f32
	l.layer(name, f32)
	return ""
}
