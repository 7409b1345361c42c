package kernels

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
)

// Spatial resizing over NHWC. A unit is one output row of one image; the
// source rows, columns and weights come from the tables NewResizeParams
// builds. out must not overlap in.

// ResizeNearest copies, for every output pixel (y, x), input pixel
// (Y0[y], X0[x]) of the same image: C*ElemSize bytes. An output row whose
// source row is the previous row's is a copy of that row.
func ResizeNearest(p *ResizeParams, in, out []byte, lo, hi int) {
	pix := p.C * p.ElemSize
	inRow, outRow := p.InW*pix, p.OutW*pix
	for u := lo; u < hi; u++ {
		n, y := u/p.OutH, u%p.OutH
		dst := out[u*outRow : (u+1)*outRow]
		if u > lo && y > 0 && p.Y0[y] == p.Y0[y-1] {
			copy(dst, out[(u-1)*outRow:u*outRow])
			continue
		}
		src := in[(n*p.InH+int(p.Y0[y]))*inRow:][:inRow]
		xs := p.X0[:p.OutW]
		switch pix {
		case 1:
			for x, sx := range xs {
				dst[x] = src[sx]
			}
		case 4:
			for x, sx := range xs {
				*(*[4]byte)(dst[4*x:]) = *(*[4]byte)(src[4*int(sx):])
			}
		default:
			for x, sx := range xs {
				copy(dst[x*pix:(x+1)*pix], src[int(sx)*pix:(int(sx)+1)*pix])
			}
		}
	}
}

// ResizeBilinearInt8 interpolates the four source pixels of every output
// pixel with Q10 weights wy = WY[y], wx = WX[x]:
//
//	acc = q00*(1024-wy)*(1024-wx) + q01*(1024-wy)*wx + q10*wy*(1024-wx) + q11*wy*wx
//	out = (acc + 1<<19) >> 20
//
// where q00 is input (Y0[y], X0[x]), q01 (Y0[y], X1[x]), q10 (Y1[y], X0[x])
// and q11 (Y1[y], X1[x]). The weights sum to 2^20, so out lies between the
// smallest and largest of the four.
func ResizeBilinearInt8(p *ResizeParams, in, out []int8, lo, hi int) {
	c := p.C
	inRow, outRow := p.InW*c, p.OutW*c
	for u := lo; u < hi; u++ {
		n, y := u/p.OutH, u%p.OutH
		img := n * p.InH
		r0 := in[(img+int(p.Y0[y]))*inRow:][:inRow]
		r1 := in[(img+int(p.Y1[y]))*inRow:][:inRow]
		wy1 := p.WY[y]
		wy0 := 1024 - wy1
		dst := out[u*outRow : (u+1)*outRow]
		for x := range p.OutW {
			x0, x1 := int(p.X0[x])*c, int(p.X1[x])*c
			wx1 := p.WX[x]
			wx0 := 1024 - wx1
			w00, w01, w10, w11 := wy0*wx0, wy0*wx1, wy1*wx0, wy1*wx1
			a, b := r0[x0:x0+c], r0[x1:x1+c]
			d, e := r1[x0:x0+c], r1[x1:x1+c]
			o := dst[x*c : (x+1)*c]
			for k := range o {
				acc := int32(a[k])*w00 + int32(b[k])*w01 + int32(d[k])*w10 + int32(e[k])*w11
				o[k] = int8((acc + 1<<19) >> 20)
			}
		}
	}
}

// ResizeBilinearFloat32 interpolates along x, then along y, in float32
// with every product rounded before it is added:
//
//	top    = q00*(1-fx) + q01*fx
//	bottom = q10*(1-fx) + q11*fx
//	out    = top*(1-fy) + bottom*fy
//
// with fy = FY[y], fx = FX[x] and the pixels as in ResizeBilinearInt8.
func ResizeBilinearFloat32(p *ResizeParams, in, out []float32, lo, hi int) {
	c := p.C
	inRow, outRow := p.InW*c, p.OutW*c
	for u := lo; u < hi; u++ {
		n, y := u/p.OutH, u%p.OutH
		img := n * p.InH
		r0 := in[(img+int(p.Y0[y]))*inRow:][:inRow]
		r1 := in[(img+int(p.Y1[y]))*inRow:][:inRow]
		fy1 := p.FY[y]
		fy0 := 1 - fy1
		dst := out[u*outRow : (u+1)*outRow]
		for x := range p.OutW {
			x0, x1 := int(p.X0[x])*c, int(p.X1[x])*c
			fx1 := p.FX[x]
			fx0 := 1 - fx1
			a, b := r0[x0:x0+c], r0[x1:x1+c]
			d, e := r1[x0:x0+c], r1[x1:x1+c]
			o := dst[x*c : (x+1)*c]
			for k := range o {
				top := float32(a[k]*fx0) + float32(b[k]*fx1)
				bottom := float32(d[k]*fx0) + float32(e[k]*fx1)
				o[k] = float32(top*fy0) + float32(bottom*fy1)
			}
		}
	}
}

// NewResizeParams returns the parameters of resizing an NHWC tensor
// [n, inH, inW, c] of elemSize-byte elements to [n, outH, outW, c] with ONNX
// Resize semantics: coord maps output index x to the input coordinate
//
//	half_pixel          (x + 0.5)*in/out - 0.5
//	pytorch_half_pixel  the same, but 0 when out == 1
//	align_corners       x*(in-1)/(out-1), 0 when out == 1
//	asymmetric          x*in/out
//
// computed in float64 as written: (x+0.5)*in is exact and the quotient is
// rounded once, so a coordinate that is exactly an integer or a half is
// found exactly and the rounding modes decide ties as specified (dividing
// by a rounded scale out/in, as the ONNX Python reference does, can land
// next to them). Nearest mode rounds it with nearest
// (round_prefer_floor, round_prefer_ceil, floor, ceil) and clamps it to
// [0, in-1]. Bilinear mode clamps it to [0, in-1] first (as ONNX Runtime
// does; edge padding as in the ONNX reference gives the same values), then
// takes i0 = floor(s), i1 = min(i0+1, in-1) and the weight of i1,
// frac = s - i0, as round(frac*1024) and float32(frac).
func NewResizeParams(n, inH, inW, c, outH, outW, elemSize int, mode format.ResizeMode, coord format.CoordinateMode, nearest format.NearestMode) (ResizeParams, error) {
	if n < 1 || inH < 1 || inW < 1 || c < 1 || outH < 1 || outW < 1 || elemSize < 1 {
		return ResizeParams{}, fmt.Errorf("kernels: resize of [%d %d %d %d] to [%d %d %d %d] with %d-byte elements: every size must be positive",
			n, inH, inW, c, n, outH, outW, c, elemSize)
	}
	if coord > format.CoordPytorchHalfPixel {
		return ResizeParams{}, fmt.Errorf("kernels: resize coordinate mode %d is unknown", coord)
	}
	p := ResizeParams{N: n, InH: inH, InW: inW, C: c, OutH: outH, OutW: outW, ElemSize: elemSize}
	switch mode {
	case format.ResizeNearest:
		if nearest > format.NearestCeil {
			return ResizeParams{}, fmt.Errorf("kernels: resize nearest mode %d is unknown", nearest)
		}
		p.Y0 = nearestSources(inH, outH, coord, nearest)
		p.X0 = nearestSources(inW, outW, coord, nearest)
	case format.ResizeBilinear:
		p.Y0, p.Y1, p.WY, p.FY = bilinearSources(inH, outH, coord)
		p.X0, p.X1, p.WX, p.FX = bilinearSources(inW, outW, coord)
	default:
		return ResizeParams{}, fmt.Errorf("kernels: resize mode %d is unknown", mode)
	}
	return p, nil
}

// resizeSource maps output index x to an input coordinate (see
// NewResizeParams).
func resizeSource(x, in, out int, coord format.CoordinateMode) float64 {
	switch coord {
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

func nearestSources(in, out int, coord format.CoordinateMode, mode format.NearestMode) []int32 {
	t := make([]int32, out)
	for x := range t {
		s := resizeSource(x, in, out, coord)
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

func bilinearSources(in, out int, coord format.CoordinateMode) (i0, i1, wq []int32, wf []float32) {
	i0, i1, wq, wf = make([]int32, out), make([]int32, out), make([]int32, out), make([]float32, out)
	for x := range out {
		s := min(max(resizeSource(x, in, out, coord), 0), float64(in-1))
		lo := math.Floor(s)
		frac := s - lo
		i0[x] = int32(lo)
		i1[x] = int32(min(lo+1, float64(in-1)))
		wq[x] = int32(math.Round(frac * 1024))
		wf[x] = float32(frac)
	}
	return i0, i1, wq, wf
}
