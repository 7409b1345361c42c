package refeval

import "github.com/edgeinfer/edgeinfer/convert/graph"

// conv computes an N-D grouped convolution as, per image and group, an
// im2col expansion of the input followed by W_g [Mg × Cg·K] · cols
// [Cg·K × out]. Pointwise convolutions (1×…×1 kernel, unit strides, no
// padding) multiply the input directly.
func conv(op *graph.Conv, x, w, b, y *graph.Value, s *scratch) {
	n, c := x.Shape[0], x.Shape[1]
	m := w.Shape[0]
	inSp, outSp, kSp := x.Shape[2:], y.Shape[2:], w.Shape[2:]
	inSize, outSize, kSize := prod(inSp), prod(outSp), prod(kSp)
	cg, mg := c/op.Group, m/op.Group
	rows := cg * kSize

	pointwise := kSize == 1
	for d := range inSp {
		if op.Strides[d] != 1 || op.PadsBegin[d] != 0 || op.PadsEnd[d] != 0 {
			pointwise = false
		}
	}
	var taps [][]int
	var cols []float32
	if !pointwise {
		taps = convTaps(op, inSp, outSp, kSp)
		if cg == 1 && len(inSp) == 2 {
			depthwise2D(x, w, b, y, op, taps)
			return
		}
		cols = grow(&s.a, rows*outSize)
	}
	for img := range n {
		for g := range op.Group {
			xg := x.F[(img*c+g*cg)*inSize : (img*c+(g+1)*cg)*inSize]
			mat := xg
			if !pointwise {
				im2col(cols, xg, cg, inSp, outSp, kSp, taps)
				mat = cols
			}
			wg := w.F[g*mg*rows : (g+1)*mg*rows]
			yg := y.F[(img*m+g*mg)*outSize : (img*m+(g+1)*mg)*outSize]
			sgemm(s.threads, mg, outSize, rows, wg, rows, mat, outSize, yg, outSize)
			if b != nil {
				for j := range mg {
					bias := b.F[g*mg+j]
					row := yg[j*outSize : (j+1)*outSize]
					for i := range row {
						row[i] += bias
					}
				}
			}
		}
	}
}

// depthwise2D is conv for 2-D convolutions whose groups have one input
// channel each (depthwise, with any channel multiplier). It computes what
// im2col and sgemm compute, in the same order: each output starts at +0
// and adds the rounded products of its taps in kernel order, then the
// bias; but a row of outputs at a time and without writing the columns,
// which for a 3×3 depthwise layer cost more than the products. The
// padding's products w·0 are ±0 for a finite w and leave a sum that
// started at +0 unchanged (a rounded sum is -0 only when both terms are),
// so they are added only for a non-finite w, which makes them NaN.
func depthwise2D(x, w, b, y *graph.Value, op *graph.Conv, taps [][]int) {
	inH, inW := x.Shape[2], x.Shape[3]
	m, kh, kw := w.Shape[0], w.Shape[2], w.Shape[3]
	outH, outW := y.Shape[2], y.Shape[3]
	mg := m / op.Group
	sx := op.Strides[1]
	tapY, tapX := taps[0], taps[1]
	// Kernel column kx reads input columns inside the image for the output
	// columns [lo[kx], hi[kx]), from input column first[kx] on.
	lo, hi, first := make([]int, kw), make([]int, kw), make([]int, kw)
	for kx := range kw {
		t := tapX[kx*outW : (kx+1)*outW]
		l := 0
		for l < outW && t[l] < 0 {
			l++
		}
		h := l
		for h < outW && t[h] >= 0 {
			h++
		}
		lo[kx], hi[kx] = l, h
		if l < h {
			first[kx] = t[l]
		}
	}
	for img := range x.Shape[0] {
		for oc := range m {
			ic := img*op.Group + oc/mg
			plane := x.F[ic*inH*inW : (ic+1)*inH*inW]
			wk := w.F[oc*kh*kw : (oc+1)*kh*kw]
			out := y.F[(img*m+oc)*outH*outW : (img*m+oc+1)*outH*outW]
			for oy := range outH {
				row := out[oy*outW : (oy+1)*outW]
				clear(row)
				for ky := range kh {
					iy := tapY[ky*outH+oy]
					for kx, wv := range wk[ky*kw : (ky+1)*kw] {
						l, h := lo[kx], hi[kx]
						if iy < 0 {
							l, h = 0, 0
						}
						if wv-wv != 0 { // ±Inf or NaN: w·0 in the padding is NaN
							for ox := range row {
								if ox < l || ox >= h {
									row[ox] += float32(wv * 0)
								}
							}
						}
						if l >= h {
							continue
						}
						src := plane[iy*inW+first[kx]:]
						dst := row[l:h]
						if sx == 1 {
							src = src[:len(dst)]
							for j, v := range src {
								dst[j] += float32(wv * v)
							}
							continue
						}
						for j := range dst {
							dst[j] += float32(wv * src[j*sx])
						}
					}
				}
				if b != nil {
					bias := b.F[oc]
					for ox := range row {
						row[ox] += bias
					}
				}
			}
		}
	}
}

// convTaps returns, per spatial dim d, the input position read by kernel
// offset k at output position o, at index k*out[d]+o, or -1 where that
// position falls in the padding.
func convTaps(op *graph.Conv, inSp, outSp, kSp []int) [][]int {
	taps := make([][]int, len(inSp))
	for d := range inSp {
		t := make([]int, kSp[d]*outSp[d])
		for k := range kSp[d] {
			for o := range outSp[d] {
				p := o*op.Strides[d] - op.PadsBegin[d] + k*op.Dilations[d]
				if p < 0 || p >= inSp[d] {
					p = -1
				}
				t[k*outSp[d]+o] = p
			}
		}
		taps[d] = t
	}
	return taps
}

// im2col writes cols [channels·K × out]: row (c, k) holds, for every output
// position, the input value kernel offset k reads there (0 in padding).
func im2col(cols, src []float32, channels int, inSp, outSp, kSp []int, taps [][]int) {
	sp := len(inSp)
	inStride := graph.Strides(inSp)
	outStride := graph.Strides(outSp)
	inSize, outSize := prod(inSp), prod(outSp)
	kIdx := make([]int, sp)
	var fill func(d int, row []float32, plane []float32)
	fill = func(d int, row []float32, plane []float32) {
		t := taps[d][kIdx[d]*outSp[d] : (kIdx[d]+1)*outSp[d]]
		if d == sp-1 {
			for o, p := range t {
				if p < 0 {
					row[o] = 0
				} else {
					row[o] = plane[p]
				}
			}
			return
		}
		blk := outStride[d]
		for o, p := range t {
			dst := row[o*blk : (o+1)*blk]
			if p < 0 {
				clear(dst)
				continue
			}
			fill(d+1, dst, plane[p*inStride[d]:])
		}
	}
	r := 0
	for ch := range channels {
		plane := src[ch*inSize : (ch+1)*inSize]
		clear(kIdx)
		for {
			fill(0, cols[r*outSize:(r+1)*outSize], plane)
			r++
			d := sp - 1
			for ; d >= 0; d-- {
				kIdx[d]++
				if kIdx[d] < kSp[d] {
					break
				}
				kIdx[d] = 0
			}
			if d < 0 {
				break
			}
		}
	}
}

// gemm computes Y = Alpha·A'·B' + Beta·C.
func gemm(op *graph.Gemm, a, b, c, y *graph.Value, s *scratch) {
	m, n := y.Shape[0], y.Shape[1]
	k := a.Shape[1]
	if op.TransA {
		k = a.Shape[0]
	}
	am := a.F
	if op.TransA {
		am = grow(&s.a, m*k)
		transposeInto(am, a.F, a.Shape[0], a.Shape[1])
	}
	bm := b.F
	if op.TransB {
		bm = grow(&s.b, k*n)
		transposeInto(bm, b.F, b.Shape[0], b.Shape[1])
	}
	sgemm(s.threads, m, n, k, am, k, bm, n, y.F, n)
	if op.Alpha != 1 {
		for i := range y.F {
			y.F[i] *= op.Alpha
		}
	}
	if c == nil || op.Beta == 0 {
		return
	}
	cs := graph.BroadcastStrides(c.Shape, y.Shape)
	for i := range m {
		for j := range n {
			y.F[i*n+j] += float32(op.Beta * c.F[i*cs[0]+j*cs[1]])
		}
	}
}

// matmul is numpy matmul over broadcast batch dims.
func matmul(a, b, y *graph.Value, s *scratch) {
	as, bs := a.Shape, b.Shape
	if len(as) == 1 {
		as = []int{1, as[0]}
	}
	if len(bs) == 1 {
		bs = []int{bs[0], 1}
	}
	m, k, n := as[len(as)-2], as[len(as)-1], bs[len(bs)-1]
	batch, _ := graph.BroadcastShapes(as[:len(as)-2], bs[:len(bs)-2])
	aStr := graph.BroadcastStrides(as[:len(as)-2], batch)
	bStr := graph.BroadcastStrides(bs[:len(bs)-2], batch)
	nb := prod(batch)
	o := newOdometer(batch)
	for i := range nb {
		aOff, bOff := 0, 0
		for d, x := range o.idx {
			aOff += x * aStr[d]
			bOff += x * bStr[d]
		}
		sgemm(s.threads, m, n, k, a.F[aOff*m*k:], k, b.F[bOff*k*n:], n, y.F[i*m*n:], n)
		o.next()
	}
}
