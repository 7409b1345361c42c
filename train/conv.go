package train

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/train/sgemm"
)

// Conv2D is a 2-D grouped convolution (cross-correlation) with zero
// padding. W is [OutC, InC/Group, KH, KW]; B, if not nil, is [OutC].
type Conv2D struct {
	InC, OutC, KH, KW int
	StrideH, StrideW  int
	PadT, PadL        int
	PadB, PadR        int
	Group             int
	W, B              *Param

	// WeightQuant, when set, computes with the weights fake-quantized as
	// the int8 model stores them (see FakeQuantWeights); the gradient
	// passes straight through to W. Bias is then quantized at the input's
	// scale (Input) times each channel's weight scale, as quant.QuantizeBias.
	WeightQuant bool
	Input       *FakeQuant

	col, ybuf, dcol []float32
	wq, bq          []float32
}

// NewConv2D returns a convolution with square kernel k, the given stride,
// symmetric padding and groups, and zero weights (see Init).
func NewConv2D(name string, inC, outC, k, stride, pad, group int, bias bool) *Conv2D {
	c := &Conv2D{InC: inC, OutC: outC, KH: k, KW: k, StrideH: stride, StrideW: stride,
		PadT: pad, PadL: pad, PadB: pad, PadR: pad, Group: group}
	c.W = NewParam(name+".weight", false, outC, inC/max(group, 1), k, k)
	if bias {
		c.B = NewParam(name+".bias", true, outC)
	}
	return c
}

func (c *Conv2D) Kind() string     { return "conv" }
func (c *Conv2D) Params() []*Param { return paramList(c.W, c.B) }

func (c *Conv2D) macsPerOutput() int { return c.InC / c.Group * c.KH * c.KW }

func paramList(ps ...*Param) []*Param {
	var out []*Param
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (c *Conv2D) outSize(h, w int) (int, int) {
	return (h+c.PadT+c.PadB-c.KH)/c.StrideH + 1, (w+c.PadL+c.PadR-c.KW)/c.StrideW + 1
}

func (c *Conv2D) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) != 4 {
		return nil, fmt.Errorf("want one NCHW input, have %v", in)
	}
	s := in[0]
	if c.Group < 1 || c.InC%c.Group != 0 || c.OutC%c.Group != 0 {
		return nil, fmt.Errorf("%d groups do not divide %d input and %d output channels", c.Group, c.InC, c.OutC)
	}
	if s[1] != c.InC {
		return nil, fmt.Errorf("input has %d channels, the convolution takes %d", s[1], c.InC)
	}
	oh, ow := c.outSize(s[2], s[3])
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("kernel %dx%d does not fit input %dx%d", c.KH, c.KW, s[2], s[3])
	}
	return []int{s[0], c.OutC, oh, ow}, nil
}

func (c *Conv2D) depthwise() bool { return c.Group == c.InC && c.Group == c.OutC }

// weights returns the weights and bias the forward pass computes with.
func (c *Conv2D) weights() (w, b []float32) {
	w = c.W.Value
	if c.B != nil {
		b = c.B.Value
	}
	if !c.WeightQuant {
		return w, b
	}
	c.wq = grow(c.wq, len(w))
	scales := FakeQuantWeights(w, c.OutC, c.wq)
	if b != nil && c.Input != nil {
		c.bq = grow(c.bq, len(b))
		fakeQuantBias(b, c.Input.Scale(), scales, c.bq)
		b = c.bq
	}
	return c.wq, b
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func (c *Conv2D) Forward(in []*Tensor, out *Tensor, training bool) {
	x := in[0]
	w, b := c.weights()
	if c.depthwise() {
		c.forwardDepthwise(x, out, w, b)
		return
	}
	n, h, wd := x.Shape[0], x.Shape[2], x.Shape[3]
	oh, ow := out.Shape[2], out.Shape[3]
	p := n * oh * ow
	cg, og := c.InC/c.Group, c.OutC/c.Group
	kg := cg * c.KH * c.KW
	c.col = grow(c.col, c.Group*kg*p)
	c.ybuf = grow(c.ybuf, c.OutC*p)
	c.im2col(x.Data, n, h, wd, oh, ow, c.col)
	for g := range c.Group {
		sgemm.Gemm(false, false, og, p, kg, w[g*og*kg:], kg, c.col[g*kg*p:], p, 0, c.ybuf[g*og*p:], p)
	}
	// [OutC][N·OH·OW] -> [N][OutC][OH·OW], adding the bias.
	hw := oh * ow
	parallelFor(n*c.OutC, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s, oc := i/c.OutC, i%c.OutC
			dst := out.Data[i*hw : (i+1)*hw]
			copy(dst, c.ybuf[oc*p+s*hw:oc*p+(s+1)*hw])
			if b != nil {
				for j := range dst {
					dst[j] += b[oc]
				}
			}
		}
	})
}

// im2col writes row k = (c·KH + kh)·KW + kw, column (n, oy, ox) of the
// patch matrix: x[n][c][oy·S+kh−PadT][ox·S+kw−PadL], 0 in the padding.
func (c *Conv2D) im2col(x []float32, n, h, w, oh, ow int, col []float32) {
	rows := c.InC * c.KH * c.KW
	p := n * oh * ow
	parallelFor(rows, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ch, kh, kw := r/(c.KH*c.KW), r/c.KW%c.KH, r%c.KW
			dst := col[r*p : (r+1)*p]
			for s := range n {
				plane := x[(s*c.InC+ch)*h*w:]
				d := dst[s*oh*ow:]
				for oy := range oh {
					iy := oy*c.StrideH + kh - c.PadT
					row := d[oy*ow : (oy+1)*ow]
					if iy < 0 || iy >= h {
						clear(row)
						continue
					}
					src := plane[iy*w : (iy+1)*w]
					for ox := range row {
						ix := ox*c.StrideW + kw - c.PadL
						if ix < 0 || ix >= w {
							row[ox] = 0
						} else {
							row[ox] = src[ix]
						}
					}
				}
			}
		}
	})
}

// col2im adds the patch-matrix gradient dcol back onto dx: the transpose
// of im2col. Each (sample, channel) plane is summed by one goroutine in a
// fixed order.
func (c *Conv2D) col2im(dcol []float32, n, h, w, oh, ow int, dx []float32) {
	p := n * oh * ow
	parallelFor(n*c.InC, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s, ch := i/c.InC, i%c.InC
			plane := dx[i*h*w : (i+1)*h*w]
			for kh := range c.KH {
				for kw := range c.KW {
					r := (ch*c.KH+kh)*c.KW + kw
					src := dcol[r*p+s*oh*ow:]
					for oy := range oh {
						iy := oy*c.StrideH + kh - c.PadT
						if iy < 0 || iy >= h {
							continue
						}
						drow := plane[iy*w : (iy+1)*w]
						srow := src[oy*ow : (oy+1)*ow]
						for ox, v := range srow {
							ix := ox*c.StrideW + kw - c.PadL
							if ix >= 0 && ix < w {
								drow[ix] += v
							}
						}
					}
				}
			}
		}
	})
}

func (c *Conv2D) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	x := in[0]
	w, _ := c.weights()
	if c.depthwise() {
		c.backwardDepthwise(x, dOut, w, dIn[0])
		return
	}
	n, h, wd := x.Shape[0], x.Shape[2], x.Shape[3]
	oh, ow := out.Shape[2], out.Shape[3]
	hw := oh * ow
	p := n * hw
	cg, og := c.InC/c.Group, c.OutC/c.Group
	kg := cg * c.KH * c.KW
	// dOut [N][OutC][OH·OW] -> ybuf [OutC][N·OH·OW].
	dy := c.ybuf
	parallelFor(c.OutC, func(lo, hi int) {
		for oc := lo; oc < hi; oc++ {
			var sum float32
			for s := range n {
				src := dOut.Data[(s*c.OutC+oc)*hw : (s*c.OutC+oc+1)*hw]
				copy(dy[oc*p+s*hw:], src)
				for _, v := range src {
					sum += v
				}
			}
			if c.B != nil {
				c.B.Grad[oc] += sum
			}
		}
	})
	for g := range c.Group {
		sgemm.Gemm(false, true, og, kg, p, dy[g*og*p:], p, c.col[g*kg*p:], p, 1, c.W.Grad[g*og*kg:], kg)
	}
	if dIn[0] == nil {
		return
	}
	c.dcol = grow(c.dcol, c.Group*kg*p)
	for g := range c.Group {
		sgemm.Gemm(true, false, kg, p, og, w[g*og*kg:], kg, dy[g*og*p:], p, 0, c.dcol[g*kg*p:], p)
	}
	c.col2im(c.dcol, n, h, wd, oh, ow, dIn[0].Data)
}
