package refeval

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// Resize follows the ONNX reference implementation, which interpolates one
// dim at a time (the n-linear and n-cubic kernels are tensor products), so
// the kernel applies a 1-D resampling per dim whose mapping is not the
// identity. Coordinates are computed in float64 like the reference.

// tap is one input position and its weight in an output value.
type tap struct {
	idx int
	w   float64
}

// axisPlan holds, per output position along one dim, its taps; nil taps
// mean the position lies outside the crop region (tf_crop_and_resize) and
// takes the extrapolation value.
type axisPlan [][]tap

func (p axisPlan) identity(in int) bool {
	if len(p) != in {
		return false
	}
	for o, t := range p {
		if len(t) != 1 || t[0].idx != o || t[0].w != 1 {
			return false
		}
	}
	return true
}

// sourceCoord maps output position x along dim d to an input coordinate;
// ok is false when tf_crop_and_resize puts it outside the input.
func sourceCoord(op *graph.Resize, d, x, in int) (coord float64, ok bool) {
	scale := op.Scales[d]
	outLen := float64(scale * float64(in)) // the reference's output_width
	fx, fin := float64(x), float64(in)
	switch op.Coord {
	case graph.CoordHalfPixel:
		return (fx+0.5)/scale - 0.5, true
	case graph.CoordPytorchHalfPixel:
		if op.Sizes[d] <= 1 {
			return 0, true
		}
		return (fx+0.5)/scale - 0.5, true
	case graph.CoordAlignCorners:
		if outLen == 1 {
			return 0, true
		}
		return fx * (fin - 1) / (outLen - 1), true
	case graph.CoordAsymmetric:
		return fx / scale, true
	case graph.CoordTFHalfPixelForNN:
		return (fx + 0.5) / scale, true
	case graph.CoordTFCropAndResize:
		r := len(op.Sizes)
		start, end := op.Roi[d], op.Roi[r+d]
		var c float64
		if outLen == 1 {
			c = (end - start) * (fin - 1) / 2
		} else {
			c = fx * (end - start) * (fin - 1) / (outLen - 1)
		}
		c += float64(start * (fin - 1))
		return c, c >= 0 && c <= fin-1
	case graph.CoordHalfPixelSymmetric:
		adjustment := float64(op.Sizes[d]) / outLen
		offset := float64(fin / 2 * (1 - adjustment))
		return offset + (fx+0.5)/scale - 0.5, true
	}
	return 0, false
}

func cubicCoeffs(r, a float64) [4]float64 {
	s := 1 - r
	// ((a·t - 5a)·t + 8a)·t - 4a for t = r+1 and s+1, and
	// ((a+2)·t - (a+3))·t·t + 1 for t = r and s, with every product
	// rounded (see the package doc on fused multiply-adds).
	outer := func(t float64) float64 {
		u := float64(a*t) - float64(5*a)
		u = float64(u*t) + float64(8*a)
		return float64(u*t) - float64(4*a)
	}
	inner := func(t float64) float64 {
		return float64(float64(float64((a+2)*t)-(a+3))*t*t) + 1
	}
	return [4]float64{outer(r + 1), inner(r), inner(s), outer(s + 1)}
}

func planAxis(op *graph.Resize, d, in, out int) axisPlan {
	plan := make(axisPlan, out)
	for o := range out {
		x, ok := sourceCoord(op, d, o, in)
		if !ok {
			continue
		}
		x0 := math.Floor(x)
		r := x - x0
		base := int(x0)
		var taps []tap
		switch {
		case op.Mode == graph.ResizeNearest:
			idx := base
			switch op.Nearest {
			case graph.NearestLegacy:
				if op.Scales[d] < 1 {
					idx = int(math.Ceil(x))
				}
			case graph.NearestRoundPreferFloor:
				if r > 0.5 {
					idx++
				}
			case graph.NearestRoundPreferCeil:
				if r >= 0.5 {
					idx++
				}
			case graph.NearestCeil:
				if r > 0 {
					idx++
				}
			}
			taps = []tap{{idx, 1}}
		case r == 0:
			taps = []tap{{base, 1}}
		case op.Mode == graph.ResizeLinear:
			taps = []tap{{base, 1 - r}, {base + 1, r}}
		default:
			c := cubicCoeffs(r, float64(op.CubicCoeffA))
			taps = []tap{{base - 1, c[0]}, {base, c[1]}, {base + 1, c[2]}, {base + 2, c[3]}}
		}
		if op.ExcludeOutside {
			var sum float64
			for i := range taps {
				if taps[i].idx < 0 || taps[i].idx >= in {
					taps[i].w = 0
				}
				sum += taps[i].w
			}
			if sum != 0 {
				for i := range taps {
					taps[i].w /= sum
				}
			}
		}
		for i := range taps {
			taps[i].idx = min(max(taps[i].idx, 0), in-1)
		}
		plan[o] = taps
	}
	return plan
}

func resize(op *graph.Resize, x, y *graph.Value, s *scratch) {
	r := len(x.Shape)
	plans := make([]axisPlan, r)
	last := -1
	for d := range r {
		p := planAxis(op, d, x.Shape[d], op.Sizes[d])
		if !p.identity(x.Shape[d]) {
			plans[d] = p
			last = d
		}
	}
	if last < 0 {
		copy(y.F, x.F)
		return
	}
	src := x.F
	shape := append([]int(nil), x.Shape...)
	bufs := [2]*[]float32{&s.a, &s.b}
	step := 0
	for d, p := range plans {
		if p == nil {
			continue
		}
		in := shape[d]
		shape[d] = len(p)
		var dst []float32
		if d == last {
			dst = y.F
		} else {
			dst = grow(bufs[step%2], prod(shape))
			step++
		}
		outer := prod(shape[:d])
		inner := prod(shape[d+1:])
		for o := range outer {
			for j, taps := range p {
				row := dst[(o*len(p)+j)*inner : (o*len(p)+j+1)*inner]
				if taps == nil {
					for i := range row {
						row[i] = op.Extrapolation
					}
					continue
				}
				for i := range row {
					var acc float64
					for _, t := range taps {
						acc += float64(t.w * float64(src[(o*in+t.idx)*inner+i]))
					}
					row[i] = float32(acc)
				}
			}
		}
		src = dst
	}
}
