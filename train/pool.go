package train

import (
	"fmt"
	"math"
)

// Window is the geometry of a 2-D pooling window.
type Window struct {
	KH, KW           int
	StrideH, StrideW int
	PadT, PadL       int
	PadB, PadR       int
}

// SquareWindow is a k×k window with the given stride and no padding.
func SquareWindow(k, stride int) Window {
	return Window{KH: k, KW: k, StrideH: stride, StrideW: stride}
}

func (w *Window) outShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) != 4 {
		return nil, fmt.Errorf("want one NCHW input, have %v", in)
	}
	s := in[0]
	oh := (s[2]+w.PadT+w.PadB-w.KH)/w.StrideH + 1
	ow := (s[3]+w.PadL+w.PadR-w.KW)/w.StrideW + 1
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("window %dx%d does not fit input %dx%d", w.KH, w.KW, s[2], s[3])
	}
	return []int{s[0], s[1], oh, ow}, nil
}

// MaxPool takes each window's maximum (padding never wins).
type MaxPool struct {
	Window
	arg []int32 // index in the input plane of each output's maximum
}

func (p *MaxPool) Kind() string                       { return "maxpool" }
func (p *MaxPool) Params() []*Param                   { return nil }
func (p *MaxPool) OutShape(in [][]int) ([]int, error) { return p.outShape(in) }

func (p *MaxPool) Forward(in []*Tensor, out *Tensor, training bool) {
	x := in[0]
	h, w := x.Shape[2], x.Shape[3]
	oh, ow := out.Shape[2], out.Shape[3]
	if cap(p.arg) < len(out.Data) {
		p.arg = make([]int32, len(out.Data))
	}
	p.arg = p.arg[:len(out.Data)]
	planes := x.Shape[0] * x.Shape[1]
	if p.Window == SquareWindow(2, 2) && h%2 == 0 && w%2 == 0 {
		p.forward2x2(x, out, planes, h, w)
		return
	}
	parallelFor(planes, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			src := x.Data[i*h*w : (i+1)*h*w]
			for oy := range oh {
				for ox := range ow {
					best, at := float32(math.Inf(-1)), int32(-1)
					for kh := range p.KH {
						iy := oy*p.StrideH + kh - p.PadT
						if iy < 0 || iy >= h {
							continue
						}
						for kw := range p.KW {
							ix := ox*p.StrideW + kw - p.PadL
							if ix < 0 || ix >= w {
								continue
							}
							if v := src[iy*w+ix]; v > best || at < 0 {
								best, at = v, int32(iy*w+ix)
							}
						}
					}
					o := i*oh*ow + oy*ow + ox
					out.Data[o] = best
					p.arg[o] = at
				}
			}
		}
	})
}

// forward2x2 is the common 2×2, stride-2 window over even sizes.
func (p *MaxPool) forward2x2(x, out *Tensor, planes, h, w int) {
	oh, ow := h/2, w/2
	parallelFor(planes, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			src := x.Data[i*h*w : (i+1)*h*w]
			dst := out.Data[i*oh*ow : (i+1)*oh*ow]
			arg := p.arg[i*oh*ow : (i+1)*oh*ow]
			for oy := range oh {
				r0 := src[2*oy*w : 2*oy*w+w]
				r1 := src[2*oy*w+w : 2*oy*w+2*w]
				for ox := range ow {
					best, at := r0[2*ox], 2*oy*w+2*ox
					if v := r0[2*ox+1]; v > best {
						best, at = v, 2*oy*w+2*ox+1
					}
					if v := r1[2*ox]; v > best {
						best, at = v, 2*oy*w+w+2*ox
					}
					if v := r1[2*ox+1]; v > best {
						best, at = v, 2*oy*w+w+2*ox+1
					}
					dst[oy*ow+ox] = best
					arg[oy*ow+ox] = int32(at)
				}
			}
		}
	})
}

func (p *MaxPool) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] == nil {
		return
	}
	h, w := in[0].Shape[2], in[0].Shape[3]
	ohw := out.Shape[2] * out.Shape[3]
	planes := in[0].Shape[0] * in[0].Shape[1]
	parallelFor(planes, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d := dIn[0].Data[i*h*w : (i+1)*h*w]
			for o := i * ohw; o < (i+1)*ohw; o++ {
				if a := p.arg[o]; a >= 0 {
					d[a] += dOut.Data[o]
				}
			}
		}
	})
}

// AvgPool averages each window over the positions inside the input (or,
// with CountIncludePad, also those in the padding).
type AvgPool struct {
	Window
	CountIncludePad bool
}

func (p *AvgPool) Kind() string                       { return "avgpool" }
func (p *AvgPool) Params() []*Param                   { return nil }
func (p *AvgPool) OutShape(in [][]int) ([]int, error) { return p.outShape(in) }

// each calls f(output index, input index, 1/count) for every window
// position of plane i.
func (p *AvgPool) each(i, h, w, oh, ow int, f func(o, x int, inv float32)) {
	for oy := range oh {
		for ox := range ow {
			y0, x0 := oy*p.StrideH-p.PadT, ox*p.StrideW-p.PadL
			y1, x1 := min(y0+p.KH, h), min(x0+p.KW, w)
			cy0, cx0 := max(y0, 0), max(x0, 0)
			count := (y1 - cy0) * (x1 - cx0)
			if p.CountIncludePad {
				count = (min(y0+p.KH, h+p.PadB) - y0) * (min(x0+p.KW, w+p.PadR) - x0)
			}
			inv := 1 / float32(max(count, 1))
			o := i*oh*ow + oy*ow + ox
			for iy := cy0; iy < y1; iy++ {
				for ix := cx0; ix < x1; ix++ {
					f(o, i*h*w+iy*w+ix, inv)
				}
			}
		}
	}
}

func (p *AvgPool) Forward(in []*Tensor, out *Tensor, training bool) {
	x := in[0]
	h, w, oh, ow := x.Shape[2], x.Shape[3], out.Shape[2], out.Shape[3]
	parallelFor(x.Shape[0]*x.Shape[1], func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.each(i, h, w, oh, ow, func(o, xi int, inv float32) { out.Data[o] += x.Data[xi] * inv })
		}
	})
}

func (p *AvgPool) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] == nil {
		return
	}
	x := in[0]
	h, w, oh, ow := x.Shape[2], x.Shape[3], out.Shape[2], out.Shape[3]
	parallelFor(x.Shape[0]*x.Shape[1], func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.each(i, h, w, oh, ow, func(o, xi int, inv float32) { dIn[0].Data[xi] += dOut.Data[o] * inv })
		}
	})
}

// GlobalAvgPool averages each channel plane to one value: [N, C, 1, 1].
type GlobalAvgPool struct{}

func (GlobalAvgPool) Kind() string     { return "globalavgpool" }
func (GlobalAvgPool) Params() []*Param { return nil }

func (GlobalAvgPool) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) != 4 {
		return nil, fmt.Errorf("want one NCHW input, have %v", in)
	}
	return []int{in[0][0], in[0][1], 1, 1}, nil
}

func (GlobalAvgPool) Forward(in []*Tensor, out *Tensor, training bool) {
	hw := numel(in[0].Shape[2:])
	for i := range out.Data {
		var s float32
		for _, v := range in[0].Data[i*hw : (i+1)*hw] {
			s += v
		}
		out.Data[i] = s / float32(hw)
	}
}

func (GlobalAvgPool) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	if dIn[0] == nil {
		return
	}
	hw := numel(in[0].Shape[2:])
	for i, g := range dOut.Data {
		g /= float32(hw)
		d := dIn[0].Data[i*hw : (i+1)*hw]
		for j := range d {
			d[j] += g
		}
	}
}
