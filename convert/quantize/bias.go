package quantize

import (
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/quant"
)

// correctedBias returns the bias of Conv or fully connected Gemm node n
// with the mean error that weight quantization adds to each output
// channel removed (bias correction, Nagel et al. 2019, "Data-Free
// Quantization Through Weight Equalization and Bias Correction", §4.2, with
// the input expectation measured on the calibration set):
//
//	E[Δy_m] = Σ_i (Wq - W)[m, i] · E[x_i]
//
// where Wq is W after the per-output-channel symmetric int8 quantization
// the model uses, and i runs over the input channels (and kernel taps) a
// channel reads. Zero padding at the borders is ignored. mean is the
// per-channel mean of the input.
func correctedBias(g *graph.Graph, n *graph.Node, mean []float64) []float32 {
	w := g.Tensors[n.Inputs[1]].Const
	m := w.Shape[0]
	per := len(w.F) / m
	q, scales := quant.QuantizeWeightsPerChannel(w.F, m)
	var bias []float32
	if len(n.Inputs) > 2 && n.Inputs[2] >= 0 {
		bias = g.Tensors[n.Inputs[2]].Const.F
	}
	// channelOf maps weight element j of output channel o to the input
	// channel it multiplies.
	var channelOf func(o, j int) int
	switch op := n.Op.(type) {
	case *graph.Conv:
		cg := w.Shape[1]
		taps := per / cg
		groupOut := m / op.Group
		channelOf = func(o, j int) int { return (o/groupOut)*cg + j/taps }
	default: // fully connected: W [N, K]
		channelOf = func(_, j int) int { return j }
	}
	out := make([]float32, m)
	for o := range m {
		e := 0.0
		for j := range per {
			k := o*per + j
			dw := float64(float32(q[k])*scales[o]) - float64(w.F[k])
			e += float64(dw * mean[channelOf(o, j)])
		}
		b := 0.0
		if bias != nil {
			b = float64(bias[o])
		}
		out[o] = float32(b - e)
	}
	return out
}
