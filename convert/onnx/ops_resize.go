package onnx

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

var (
	coordModes = map[string]graph.CoordMode{
		"half_pixel":           graph.CoordHalfPixel,
		"pytorch_half_pixel":   graph.CoordPytorchHalfPixel,
		"align_corners":        graph.CoordAlignCorners,
		"asymmetric":           graph.CoordAsymmetric,
		"tf_crop_and_resize":   graph.CoordTFCropAndResize,
		"half_pixel_symmetric": graph.CoordHalfPixelSymmetric,
		"tf_half_pixel_for_nn": graph.CoordTFHalfPixelForNN,
	}
	nearestModes = map[string]graph.NearestMode{
		"round_prefer_floor": graph.NearestRoundPreferFloor,
		"round_prefer_ceil":  graph.NearestRoundPreferCeil,
		"floor":              graph.NearestFloor,
		"ceil":               graph.NearestCeil,
	}
	resizeModes = map[string]graph.ResizeMode{
		"nearest": graph.ResizeNearest,
		"linear":  graph.ResizeLinear,
		"cubic":   graph.ResizeCubic,
	}
)

// convertUpsample lowers Upsample (scales attribute before opset 9, input
// from 9) to a Resize with the Resize-10 semantics it shares: asymmetric
// coordinates and the legacy nearest rounding.
func convertUpsample(c *nodeCtx) error {
	x, err := c.floatInput(0)
	if err != nil {
		return err
	}
	mode, err := c.attrString("mode", "nearest")
	if err != nil {
		return err
	}
	scales, ok, err := c.attrFloats("scales")
	if err != nil {
		return err
	}
	if c.hasInput(1) {
		if ok {
			return c.errf("scales given both as attribute and as input")
		}
		if scales, ok, err = c.constFloats(1, "scales"); err != nil {
			return err
		}
	}
	if !ok {
		return c.errf("scales are missing")
	}
	op := &graph.Resize{Mode: resizeModes[mode], Coord: graph.CoordAsymmetric, Nearest: graph.NearestLegacy}
	if err := c.scalesToSizes(op, c.tensor(x).Shape, scales, nil, nil); err != nil {
		return err
	}
	return c.emit1(op, x)
}

// scalesToSizes fills op.Scales and op.Sizes from scales for the given
// axes (nil: every dim). Output sizes are floor(in * scale), computed in
// float64 like the ONNX reference (with the roi extent for
// tf_crop_and_resize).
func (c *nodeCtx) scalesToSizes(op *graph.Resize, in []int, scales []float32, axes []int, roi []float64) error {
	r := len(in)
	if axes == nil {
		axes = allAxes(r)
	}
	if len(scales) != len(axes) {
		return c.errf("%d scales for %d axes", len(scales), len(axes))
	}
	op.Scales = make([]float64, r)
	op.Sizes = append([]int(nil), in...)
	for d := range r {
		op.Scales[d] = 1
	}
	for i, a := range axes {
		s := float64(scales[i])
		if !(s > 0) || math.IsInf(s, 0) {
			return c.errf("scale %v for dim %d", scales[i], a)
		}
		extent := 1.0
		if roi != nil {
			extent = roi[r+a] - roi[a]
		}
		size := math.Floor(float64(in[a]) * extent * s)
		if size < 0 || size > graph.MaxElements {
			return c.errf("scale %v gives dim %d a size of %v", scales[i], a, size)
		}
		op.Scales[a] = s
		op.Sizes[a] = int(size)
	}
	return nil
}

func allAxes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// convertResize handles Resize-10 (scales input, asymmetric coordinates,
// legacy nearest rounding) and Resize-11 to 19 (roi, scales or sizes,
// coordinate and rounding modes, and from 18 axes and aspect-ratio
// policies).
func convertResize(c *nodeCtx) error {
	x, err := c.floatInput(0)
	if err != nil {
		return err
	}
	in := c.tensor(x).Shape
	r := len(in)
	modeName, err := c.attrString("mode", "nearest")
	if err != nil {
		return err
	}
	op := &graph.Resize{Mode: resizeModes[modeName]}
	if c.opset < 11 {
		scales, ok, err := c.constFloats(1, "scales")
		if err != nil {
			return err
		}
		if !ok {
			return c.errf("required input 1 (scales) is missing")
		}
		op.Coord, op.Nearest = graph.CoordAsymmetric, graph.NearestLegacy
		if err := c.scalesToSizes(op, in, scales, nil, nil); err != nil {
			return err
		}
		return c.emit1(op, x)
	}

	coordName, err := c.attrString("coordinate_transformation_mode", "half_pixel")
	if err != nil {
		return err
	}
	nearestName, err := c.attrString("nearest_mode", "round_prefer_floor")
	if err != nil {
		return err
	}
	op.Coord, op.Nearest = coordModes[coordName], nearestModes[nearestName]
	if op.CubicCoeffA, err = c.attrFloat("cubic_coeff_a", -0.75); err != nil {
		return err
	}
	if op.ExcludeOutside, err = c.attrBool("exclude_outside", false); err != nil {
		return err
	}
	if op.Extrapolation, err = c.attrFloat("extrapolation_value", 0); err != nil {
		return err
	}
	policy, err := c.attrString("keep_aspect_ratio_policy", "stretch")
	if err != nil {
		return err
	}
	axes := allAxes(r)
	if a, ok, err := c.attrInts("axes"); err != nil {
		return err
	} else if ok {
		if axes, err = c.normAxes(a, r, false); err != nil {
			return err
		}
	}

	var roi []float64
	if op.Coord == graph.CoordTFCropAndResize {
		roi = make([]float64, 2*r)
		for d := range r {
			roi[r+d] = 1
		}
		v, ok, err := c.constFloats(1, "roi")
		if err != nil {
			return err
		}
		if ok && len(v) > 0 {
			if len(v) != 2*len(axes) {
				return c.errf("roi has %d values for %d axes", len(v), len(axes))
			}
			for i, a := range axes {
				roi[a] = float64(v[i])
				roi[r+a] = float64(v[len(axes)+i])
			}
		}
		op.Roi = roi
	}
	// Opsets 11 and 12 require the scales input and mark it unused with an
	// empty tensor when sizes are given.
	scales, hasScales, err := c.constFloats(2, "scales")
	if err != nil {
		return err
	}
	hasScales = hasScales && len(scales) > 0
	sizes, hasSizes, err := c.constInts(3, "sizes")
	if err != nil {
		return err
	}
	hasSizes = hasSizes && len(sizes) > 0
	switch {
	case hasScales == hasSizes:
		return c.errf("exactly one of scales and sizes must be given")
	case hasScales:
		if err := c.scalesToSizes(op, in, scales, axes, roi); err != nil {
			return err
		}
	default:
		if err := c.sizesToScales(op, in, sizes, axes, policy); err != nil {
			return err
		}
	}
	return c.emit1(op, x)
}

// sizesToScales fills op.Sizes and op.Scales from target sizes. With the
// not_larger / not_smaller policies one scale (the smallest / largest of
// the per-axis ratios) applies to every listed axis and the sizes become
// round(scale * in).
func (c *nodeCtx) sizesToScales(op *graph.Resize, in, sizes, axes []int, policy string) error {
	r := len(in)
	if len(sizes) != len(axes) {
		return c.errf("%d sizes for %d axes", len(sizes), len(axes))
	}
	op.Scales = make([]float64, r)
	op.Sizes = append([]int(nil), in...)
	for d := range r {
		op.Scales[d] = 1
	}
	for i, a := range axes {
		if sizes[i] < 0 || in[a] == 0 && sizes[i] > 0 {
			return c.errf("size %d for dim %d of %v", sizes[i], a, in)
		}
	}
	if policy == "stretch" {
		for i, a := range axes {
			op.Sizes[a] = sizes[i]
			if in[a] > 0 {
				op.Scales[a] = float64(sizes[i]) / float64(in[a])
			}
		}
		return nil
	}
	scale := math.Inf(1)
	if policy == "not_smaller" {
		scale = math.Inf(-1)
	}
	for i, a := range axes {
		ratio := float64(sizes[i]) / float64(in[a])
		if policy == "not_larger" {
			scale = math.Min(scale, ratio)
		} else {
			scale = math.Max(scale, ratio)
		}
	}
	for _, a := range axes {
		op.Scales[a] = scale
		op.Sizes[a] = int(math.Round(scale * float64(in[a])))
	}
	return nil
}
