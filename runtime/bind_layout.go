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
	ins := append([]int(nil), p.op.Inputs...)
	shapes := make([][]int, len(ins))
	for k, t := range ins {
		shapes[k] = p.tensor(t).Shape
	}
	cp, err := kernels.NewConcatParams(shapes, o.Axis, out.DType.Size())
	if err != nil {
		return opPlan{}, p.errorf("%v", err)
	}
	kp, outT := &cp, p.out()
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
	size := out.DType.Size()
	var (
		lp   kernels.LayoutParams
		err  error
		run  func(*kernels.LayoutParams, []byte, []byte, int, int)
		name string
	)
	switch o := p.op.Options.(type) {
	case *format.PadOptions:
		before, after := make([]int, len(in.Shape)), make([]int, len(in.Shape))
		for d := range in.Shape {
			before[d], after[d] = o.Paddings[2*d], o.Paddings[2*d+1]
		}
		var value []byte
		if value, err = p.padValue(out, o.Value); err != nil {
			return opPlan{}, err
		}
		lp, err = kernels.NewPadParams(in.Shape, before, after, size, value)
		run, name = kernels.Pad, "Pad"
	case *format.TransposeOptions:
		lp, err = kernels.NewTransposeParams(in.Shape, o.Perm, size)
		run, name = kernels.TransposeFor(p.variant), "Transpose"
	case *format.SliceOptions:
		lp, err = kernels.NewSliceParams(in.Shape, o.Begin, o.Size, o.Step, size)
		run, name = kernels.Slice, "Slice"
	}
	if err != nil {
		return opPlan{}, p.errorf("%v", err)
	}
	kp := &lp
	vector := name == "Transpose" && kernels.HasInterleave(p.variant) // its byte interleave
	return opPlan{kernel: name, vector: vector, units: kp.Units(), work: int64(out.Elements()),
		bind: func(mem *memory) func(lo, hi int) {
			in, out := mem.raw(inT), mem.raw(outT)
			return func(lo, hi int) { run(kp, in, out, lo, hi) }
		}}, nil
}

// padValue encodes PAD's real-valued constant as one element of the
// output's type.
func (p *planner) padValue(out *format.Tensor, v float32) ([]byte, error) {
	b := make([]byte, out.DType.Size())
	switch {
	case out.DType == format.Int8:
		scale, zp := p.quantParams(p.out())
		b[0] = byte(quant.Quantize(v, scale, zp))
	case out.DType == format.Uint8:
		scale, zp := p.quantParams(p.out())
		b[0] = quantizeUint8(v, scale, zp)
	case out.DType == format.Float32:
		binary.LittleEndian.PutUint32(b, math.Float32bits(v))
	case v != 0:
		return nil, p.errorf("pad value %g for a %s tensor has no encoding", v, out.DType)
	}
	return b, nil
}

// resize plans RESIZE over NHWC; kernels.NewResizeParams computes the
// source rows, columns and weights once here.
func (p *planner) resize() (opPlan, error) {
	o := p.op.Options.(*format.ResizeOptions)
	inT, outT := p.in(0), p.out()
	in, out := p.tensor(inT), p.tensor(outT)
	rp, err := kernels.NewResizeParams(in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3], out.Shape[1], out.Shape[2],
		out.DType.Size(), o.Mode, o.Coordinate, o.Nearest)
	if err != nil {
		return opPlan{}, p.errorf("%v", err)
	}
	kp := &rp
	work := int64(out.Elements())
	if o.Mode == format.ResizeNearest {
		return opPlan{kernel: "ResizeNearest", units: kp.Units(), work: work,
			bind: func(mem *memory) func(lo, hi int) {
				in, out := mem.raw(inT), mem.raw(outT)
				return func(lo, hi int) { kernels.ResizeNearest(kp, in, out, lo, hi) }
			}}, nil
	}
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
