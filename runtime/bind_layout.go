package runtime

import (
	"encoding/binary"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// reshape plans RESHAPE: the output is a view of the input's memory and
// nothing runs. A constant input (which lives in the read-only model
// file) is copied into the output instead.
func (p *planner) reshape() (opPlan, error) {
	inT, outT := p.in(0), p.out()
	if p.constant(inT) == nil {
		return opPlan{kernel: "view", alias: aliasView}, nil
	}
	n := p.tensor(outT).Bytes()
	return opPlan{kernel: "Copy", units: n, work: int64(n / 4),
		bind: func(mem *memory) func(lo, hi int) {
			in, out := mem.raw(inT), mem.raw(outT)
			return func(lo, hi int) { copy(out[lo:hi], in[lo:hi]) }
		}}, nil
}

// concat plans CONCATENATION as a byte copy per outer index.
func (p *planner) concat() (opPlan, error) {
	o := p.op.Options.(*format.ConcatOptions)
	out := p.tensor(p.out())
	axis := o.Axis
	if axis < 0 {
		axis += len(out.Shape)
	}
	outer, inner := 1, 1
	for d, n := range out.Shape {
		switch {
		case d < axis:
			outer *= n
		case d > axis:
			inner *= n
		}
	}
	kp := &kernels.ConcatParams{Outer: outer, Chunk: make([]int, len(p.op.Inputs))}
	ins := append([]int(nil), p.op.Inputs...)
	for k, t := range ins {
		if p.tensor(t).DType != out.DType {
			return opPlan{}, p.unsupported()
		}
		if err := p.requireSameQuant(k); err != nil {
			return opPlan{}, err
		}
		kp.Chunk[k] = p.tensor(t).Shape[axis] * inner * out.DType.Size()
	}
	outT := p.out()
	return opPlan{kernel: "Concat", units: kp.Units(), work: int64(out.Elements()),
		bind: func(mem *memory) func(lo, hi int) {
			srcs := make([][]byte, len(ins))
			for k, t := range ins {
				srcs[k] = mem.raw(t)
			}
			out := mem.raw(outT)
			return func(lo, hi int) { kernels.Concat(kp, srcs, out, lo, hi) }
		}}, nil
}

// layout plans PAD, TRANSPOSE and SLICE, which move raw elements.
func (p *planner) layout() (opPlan, error) {
	inT, outT := p.in(0), p.out()
	in, out := p.tensor(inT), p.tensor(outT)
	if in.DType != out.DType {
		return opPlan{}, p.unsupported()
	}
	if err := p.requireSameQuant(0); err != nil {
		return opPlan{}, err
	}
	if len(out.Shape) > kernels.MaxRank {
		return opPlan{}, p.errorf("rank %d is above the layout kernels' maximum %d", len(out.Shape), kernels.MaxRank)
	}
	kp := &kernels.LayoutParams{Rank: len(out.Shape), ElemSize: out.DType.Size()}
	copy(kp.InShape[:], in.Shape)
	copy(kp.OutShape[:], out.Shape)
	if kp.Rank == 0 { // a scalar moves as one element of a rank-1 tensor
		kp.Rank, kp.InShape[0], kp.OutShape[0] = 1, 1, 1
	}
	var run func(*kernels.LayoutParams, []byte, []byte, int, int)
	var name string
	switch o := p.op.Options.(type) {
	case *format.PadOptions:
		for d := 0; d < kp.Rank && 2*d+1 < len(o.Paddings); d++ {
			kp.Before[d], kp.After[d] = o.Paddings[2*d], o.Paddings[2*d+1]
		}
		if err := p.padValue(out, o.Value, &kp.Value); err != nil {
			return opPlan{}, err
		}
		run, name = kernels.Pad, "Pad"
	case *format.TransposeOptions:
		copy(kp.Perm[:], o.Perm)
		run, name = kernels.Transpose, "Transpose"
	case *format.SliceOptions:
		copy(kp.Begin[:], o.Begin)
		for d := range kp.Rank {
			kp.Step[d] = 1
			if d < len(o.Step) {
				kp.Step[d] = o.Step[d]
			}
		}
		run, name = kernels.Slice, "Slice"
	}
	return opPlan{kernel: name, units: kp.Units(), work: int64(out.Elements()),
		bind: func(mem *memory) func(lo, hi int) {
			in, out := mem.raw(inT), mem.raw(outT)
			return func(lo, hi int) { run(kp, in, out, lo, hi) }
		}}, nil
}

// padValue encodes PAD's real-valued constant in the output's element type.
func (p *planner) padValue(out *format.Tensor, v float32, dst *[8]byte) error {
	switch {
	case out.DType == format.Int8:
		scale, zp := p.quantParams(p.out())
		dst[0] = byte(quant.Quantize(v, scale, zp))
	case out.DType == format.Float32:
		binary.LittleEndian.PutUint32(dst[:], math.Float32bits(v))
	case v != 0:
		return p.errorf("pad value %g for a %s tensor has no encoding", v, out.DType)
	}
	return nil
}

// resize plans RESIZE over NHWC; the source coordinates and interpolation
// weights of every output row and column are computed here.
func (p *planner) resize() (opPlan, error) {
	o := p.op.Options.(*format.ResizeOptions)
	inT, outT := p.in(0), p.out()
	in, out := p.tensor(inT), p.tensor(outT)
	if in.DType != out.DType {
		return opPlan{}, p.unsupported()
	}
	if err := p.requireSameQuant(0); err != nil {
		return opPlan{}, err
	}
	kp := &kernels.ResizeParams{
		N: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], C: in.Shape[3],
		OutH: out.Shape[1], OutW: out.Shape[2], ElemSize: out.DType.Size(),
	}
	work := int64(out.Elements())
	if o.Mode == format.ResizeNearest {
		kp.Y0 = nearestTable(kp.InH, kp.OutH, o.Coordinate, o.Nearest)
		kp.X0 = nearestTable(kp.InW, kp.OutW, o.Coordinate, o.Nearest)
		return opPlan{kernel: "ResizeNearest", units: kp.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.raw(inT), mem.raw(outT)
				return func(lo, hi int) { kernels.ResizeNearest(kp, in, out, lo, hi) }
			}}, nil
	}
	kp.Y0, kp.Y1, kp.WY, kp.FY = bilinearTable(kp.InH, kp.OutH, o.Coordinate)
	kp.X0, kp.X1, kp.WX, kp.FX = bilinearTable(kp.InW, kp.OutW, o.Coordinate)
	work *= 4
	switch out.DType {
	case format.Int8:
		return opPlan{kernel: "ResizeBilinearInt8", units: kp.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.int8(inT), mem.int8(outT)
				return func(lo, hi int) { kernels.ResizeBilinearInt8(kp, in, out, lo, hi) }
			}}, nil
	case format.Float32:
		return opPlan{kernel: "ResizeBilinearFloat32", units: kp.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.float32(inT), mem.float32(outT)
				return func(lo, hi int) { kernels.ResizeBilinearFloat32(kp, in, out, lo, hi) }
			}}, nil
	}
	return opPlan{}, p.unsupported()
}

// sourceCoord maps output index x to a (fractional) input coordinate with
// ONNX Resize's coordinate_transformation_mode.
func sourceCoord(x, in, out int, mode format.CoordinateMode) float64 {
	switch mode {
	case format.CoordAsymmetric:
		return float64(x) * float64(in) / float64(out)
	case format.CoordAlignCorners:
		if out == 1 {
			return 0
		}
		return float64(x) * float64(in-1) / float64(out-1)
	case format.CoordPytorchHalfPixel:
		if out == 1 {
			return 0
		}
	}
	return (float64(x)+0.5)*float64(in)/float64(out) - 0.5
}

// nearestTable is the source index of every output index for nearest
// resizing, rounded with ONNX's nearest_mode and clamped to the input.
func nearestTable(in, out int, coord format.CoordinateMode, mode format.NearestMode) []int32 {
	t := make([]int32, out)
	for x := range t {
		s := sourceCoord(x, in, out, coord)
		switch mode {
		case format.NearestRoundPreferFloor:
			s = math.Ceil(s - 0.5)
		case format.NearestRoundPreferCeil:
			s = math.Floor(s + 0.5)
		case format.NearestFloor:
			s = math.Floor(s)
		case format.NearestCeil:
			s = math.Ceil(s)
		}
		t[x] = int32(min(max(s, 0), float64(in-1)))
	}
	return t
}

// bilinearTable gives, for every output index, the two source indices and
// the weight of the second (Q10 and float32). The source coordinate is
// clamped to [0, in-1] first, as ONNX Runtime does (TFLite's clamping of
// the two indices gives the same values).
func bilinearTable(in, out int, coord format.CoordinateMode) (i0, i1, wq []int32, wf []float32) {
	i0, i1, wq, wf = make([]int32, out), make([]int32, out), make([]int32, out), make([]float32, out)
	for x := range out {
		s := min(max(sourceCoord(x, in, out, coord), 0), float64(in-1))
		lo := math.Floor(s)
		frac := s - lo
		i0[x] = int32(lo)
		i1[x] = int32(min(lo+1, float64(in-1)))
		wq[x] = int32(math.Round(frac * 1024))
		wf[x] = float32(frac)
	}
	return i0, i1, wq, wf
}
