package train

// A depthwise convolution (one input and one output channel per group) is
// computed directly: as a GEMM it would be a 1-row matrix per channel.

func (c *Conv2D) forwardDepthwise(x, out *Tensor, w, b []float32) {
	n, h, wd := x.Shape[0], x.Shape[2], x.Shape[3]
	oh, ow := out.Shape[2], out.Shape[3]
	k := c.KH * c.KW
	parallelFor(n*c.InC, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ch := i % c.InC
			src := x.Data[i*h*wd : (i+1)*h*wd]
			dst := out.Data[i*oh*ow : (i+1)*oh*ow]
			wc := w[ch*k : (ch+1)*k]
			var bias float32
			if b != nil {
				bias = b[ch]
			}
			for oy := range oh {
				for ox := range ow {
					sum := bias
					for kh := range c.KH {
						iy := oy*c.StrideH + kh - c.PadT
						if iy < 0 || iy >= h {
							continue
						}
						for kw := range c.KW {
							ix := ox*c.StrideW + kw - c.PadL
							if ix >= 0 && ix < wd {
								sum += src[iy*wd+ix] * wc[kh*c.KW+kw]
							}
						}
					}
					dst[oy*ow+ox] = sum
				}
			}
		}
	})
}

func (c *Conv2D) backwardDepthwise(x, dOut *Tensor, w []float32, dx *Tensor) {
	n, h, wd := x.Shape[0], x.Shape[2], x.Shape[3]
	oh, ow := dOut.Shape[2], dOut.Shape[3]
	k := c.KH * c.KW
	// Per channel: weight and bias gradients summed over the batch, and
	// the input gradient of each sample's plane.
	parallelFor(c.InC, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			wc := w[ch*k : (ch+1)*k]
			gw := c.W.Grad[ch*k : (ch+1)*k]
			for s := range n {
				i := s*c.InC + ch
				src := x.Data[i*h*wd : (i+1)*h*wd]
				dy := dOut.Data[i*oh*ow : (i+1)*oh*ow]
				var dplane []float32
				if dx != nil {
					dplane = dx.Data[i*h*wd : (i+1)*h*wd]
				}
				var gb float32
				for oy := range oh {
					for ox := range ow {
						g := dy[oy*ow+ox]
						gb += g
						for kh := range c.KH {
							iy := oy*c.StrideH + kh - c.PadT
							if iy < 0 || iy >= h {
								continue
							}
							for kw := range c.KW {
								ix := ox*c.StrideW + kw - c.PadL
								if ix < 0 || ix >= wd {
									continue
								}
								gw[kh*c.KW+kw] += g * src[iy*wd+ix]
								if dplane != nil {
									dplane[iy*wd+ix] += g * wc[kh*c.KW+kw]
								}
							}
						}
					}
				}
				if c.B != nil {
					c.B.Grad[ch] += gb
				}
			}
		}
	})
}
