package kernels

// prepareOnePixelConv prepares a 1x1 convolution on a one-pixel image
// (batch 1, 1x1 input, no padding, any stride: the squeeze-excite layers
// of EfficientNet and MobileNetV3) as the fully connected layer it is —
// the OHWI filter is the [OutC][InC] weight matrix — when variant v has a
// one-row tile over int8 weight pairs (fcInt8RowTiles). Such a layer
// reads every weight once per run, so its time follows the weight bytes:
// int8 pairs halve them against the GEMM's int16 ones. It reports false
// for any other convolution or variant.
//
// The units are blocks of NR output channels; OutputSpans describes them
// as consecutive runs of NR output bytes.
func prepareOnePixelConv(v Variant, p *Conv2DInt8Params, filter []int8, bias []int32) (*PreparedInt8, bool) {
	g := &p.ConvGeom
	if g.N != 1 || g.InH != 1 || g.InW != 1 || g.OutH != 1 || g.OutW != 1 || g.KH != 1 || g.KW != 1 ||
		g.PadTop != 0 || g.PadLeft != 0 || g.Groups != 1 {
		return nil, false
	}
	gk := gemmKernels[v]
	if gk == nil || gk.bElem != 2 || fcInt8RowTiles[v] == nil {
		return nil, false
	}
	fc := &FullyConnectedInt8Params{
		FullyConnectedGeom: FullyConnectedGeom{Batch: 1, K: g.InC, N: g.OutC},
		InZeroPoint:        p.InZeroPoint,
		Requant:            p.Requant,
	}
	pr, ok := PrepareFullyConnectedInt8(v, fc, filter, bias)
	if !ok {
		return nil, false
	}
	pr.out = unitOutput{unitBytes: gk.nr, total: g.OutC}
	return pr, true
}
