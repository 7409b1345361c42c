package qdq

import (
	"fmt"
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
)

// Has reports whether g (as imported) has QuantizeLinear or
// DequantizeLinear nodes.
func Has(g *graph.Graph) bool {
	return slices.ContainsFunc(g.Nodes, func(n *graph.Node) bool {
		switch n.Op.(type) {
		case *graph.QuantizeLinear, *graph.DequantizeLinear:
			return true
		}
		return false
	})
}

// Quantization is what a QDQ model prescribes, by IR tensor name.
type Quantization struct {
	// Activations are the int8 quantizations of activations
	// (quantize.Options.Pinned).
	Activations map[string]quantize.Affine
	// Weights are the per-output-channel (dim 0) int8 scales of weight
	// constants quantized symmetrically to int8
	// (quantize.Options.PinnedWeights).
	Weights map[string][]float32
}

// Strip removes the quantization of a QDQ model from its imported graph g
// (before passes.Optimize) and returns it:
//
//   - A DequantizeLinear (or QuantizeLinear then DequantizeLinear) of a
//     constant, the form of quantized weights and biases, becomes the
//     float constant it computes. When the constant is int8 with zero
//     points 0, per tensor or per dim 0 (output channels of Conv and of
//     Gemm's transposed B), its scales are kept for the converter to
//     quantize the weights with again: that gives back the model's
//     integers, except -128, which the int8 kernels do not take (PyTorch's
//     symmetric range is [-128, 127]) and which becomes -127. Biases are
//     quantized at input scale × weight scale, which gives back an int32
//     bias written that way.
//   - A QuantizeLinear of an activation x whose readers are all
//     DequantizeLinear ops with the same parameters is removed with them:
//     their readers read x, and x is pinned to that quantization. uint8
//     quantization becomes int8 with the zero point lowered by 128, which
//     represents the same reals: q8 = q - 128 maps [0, 255] onto
//     [-128, 127]. When a DequantizeLinear output is a graph output, x
//     takes its name. Casts to the type they read (PyTorch puts one
//     between each pair) are removed first.
//
// What does not fit these patterns (per-axis activation quantization,
// 16-bit types, a QuantizeLinear read by float ops) is left in the graph,
// where the lowering reports it.
func Strip(g *graph.Graph) (*Quantization, error) {
	isOutput := make(map[int]bool)
	for _, o := range g.Outputs {
		isOutput[o] = true
	}
	// PyTorch's exporter puts a Cast to the same type between each
	// QuantizeLinear and DequantizeLinear.
	g.Nodes = slices.DeleteFunc(g.Nodes, func(n *graph.Node) bool {
		c, ok := n.Op.(*graph.Cast)
		if !ok || isOutput[n.Outputs[0]] || g.Tensors[n.Inputs[0]].DType != c.To {
			return false
		}
		replaceUses(g, n.Outputs[0], n.Inputs[0])
		return true
	})
	producer := g.Producers()
	consumers := g.Consumers()
	removed := make([]bool, len(g.Nodes))
	pins := &Quantization{Activations: make(map[string]quantize.Affine), Weights: make(map[string][]float32)}

	// Constants first: a weight's Q-DQ chain folds to its float value.
	for ni, n := range g.Nodes {
		var q *graph.QuantParams
		switch op := n.Op.(type) {
		case *graph.DequantizeLinear:
			q = &op.QuantParams
		default:
			continue
		}
		in := g.Tensors[n.Inputs[0]]
		var raw *graph.Value
		switch {
		case in.Const != nil:
			raw = in.Const
		case producer[n.Inputs[0]] >= 0:
			p := g.Nodes[producer[n.Inputs[0]]]
			qop, ok := p.Op.(*graph.QuantizeLinear)
			if !ok || g.Tensors[p.Inputs[0]].Const == nil {
				continue
			}
			raw = quantizeValue(&qop.QuantParams, g.Tensors[p.Inputs[0]].Const)
		default:
			continue
		}
		out := g.Tensors[n.Outputs[0]]
		out.Const = dequantizeValue(q, raw)
		out.DType = graph.Float32
		removed[ni] = true
		if s := weightScales(q, out.Shape); s != nil {
			pins.Weights[out.Name] = s
		}
	}

	// Then activations: Q followed only by matching DQs.
	for ni, n := range g.Nodes {
		op, ok := n.Op.(*graph.QuantizeLinear)
		if !ok || removed[ni] {
			continue
		}
		x := n.Inputs[0]
		if g.Tensors[x].Const != nil || op.Axis >= 0 {
			continue
		}
		a, ok := affine(&op.QuantParams)
		if !ok {
			continue
		}
		readers := consumers[n.Outputs[0]]
		if len(readers) == 0 || isOutput[n.Outputs[0]] {
			continue
		}
		match := true
		for _, r := range readers {
			dq, ok := g.Nodes[r].Op.(*graph.DequantizeLinear)
			if !ok || removed[r] || !sameParams(&dq.QuantParams, &op.QuantParams) {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		for _, r := range readers {
			y := g.Nodes[r].Outputs[0]
			if isOutput[y] {
				if isOutput[x] || slices.Contains(g.Inputs, x) {
					return nil, fmt.Errorf("qdq: graph output %q dequantizes graph input or output %q", g.Tensors[y].Name, g.Tensors[x].Name)
				}
				// x takes the output's name; y is left unused.
				g.Tensors[x].Name, g.Tensors[y].Name = g.Tensors[y].Name, g.Tensors[x].Name
				for k, o := range g.Outputs {
					if o == y {
						g.Outputs[k] = x
					}
				}
				isOutput[x] = true
			}
			replaceUses(g, y, x)
			removed[r] = true
		}
		removed[ni] = true
		pins.Activations[g.Tensors[x].Name] = a
	}

	kept := g.Nodes[:0]
	for ni, n := range g.Nodes {
		if !removed[ni] {
			kept = append(kept, n)
		}
	}
	g.Nodes = kept
	g.Compact()
	if err := g.CheckShapes(); err != nil {
		return nil, fmt.Errorf("qdq: after removing the quantization: %w", err)
	}
	return pins, nil
}

// weightScales returns the per-dim-0 scales of a symmetric int8
// quantization of a constant of rank 2 or more, or nil.
func weightScales(q *graph.QuantParams, shape []int) []float32 {
	if q.QType != graph.Int8 || len(shape) < 2 || q.Axis > 0 || slices.ContainsFunc(q.ZeroPoint, func(z int64) bool { return z != 0 }) {
		return nil
	}
	s := make([]float32, shape[0])
	for c := range s {
		s[c] = q.Scale[0]
		if q.Axis == 0 {
			s[c] = q.Scale[c]
		}
	}
	return s
}

// affine converts a per-tensor int8 or uint8 quantization to int8.
func affine(q *graph.QuantParams) (quantize.Affine, bool) {
	if len(q.Scale) != 1 || !(q.Scale[0] > 0) || math.IsInf(float64(q.Scale[0]), 0) {
		return quantize.Affine{}, false
	}
	switch q.QType {
	case graph.Int8:
		return quantize.Affine{Scale: q.Scale[0], ZeroPoint: int32(q.ZeroPoint[0])}, true
	case graph.Uint8:
		return quantize.Affine{Scale: q.Scale[0], ZeroPoint: int32(q.ZeroPoint[0]) - 128}, true
	}
	return quantize.Affine{}, false
}

func sameParams(a, b *graph.QuantParams) bool {
	return a.QType == b.QType && a.Axis == b.Axis && slices.Equal(a.Scale, b.Scale) && slices.Equal(a.ZeroPoint, b.ZeroPoint)
}

// replaceUses makes every reader of tensor old read new.
func replaceUses(g *graph.Graph, old, new int) {
	for _, n := range g.Nodes {
		for k, in := range n.Inputs {
			if in == old {
				n.Inputs[k] = new
			}
		}
	}
}

// channel returns the function giving the scale and zero point index of
// flat element i of a tensor of the given shape.
func channel(q *graph.QuantParams, shape []int) func(i int) int {
	if q.Axis < 0 {
		return func(int) int { return 0 }
	}
	inner := 1
	for _, d := range shape[q.Axis+1:] {
		inner *= d
	}
	n := shape[q.Axis]
	return func(i int) int { return i / inner % n }
}

// quantizeValue is QuantizeLinear on a constant: saturate(round half to
// even(x / scale) + zero point), dividing in float32 as ONNX does.
func quantizeValue(q *graph.QuantParams, x *graph.Value) *graph.Value {
	lo, hi := q.QType.Range()
	ch := channel(q, x.Shape)
	out := graph.NewValue(q.QType, x.Shape)
	for i, v := range x.F {
		c := ch(i)
		f := math.RoundToEven(float64(v/q.Scale[c])) + float64(q.ZeroPoint[c])
		if f != f {
			f = 0
		}
		out.I[i] = int64(min(max(f, float64(lo)), float64(hi)))
	}
	return out
}

// dequantizeValue is DequantizeLinear on a constant: (q - zero point) *
// scale in float32.
func dequantizeValue(q *graph.QuantParams, x *graph.Value) *graph.Value {
	ch := channel(q, x.Shape)
	out := graph.NewValue(graph.Float32, x.Shape)
	for i, v := range x.I {
		c := ch(i)
		out.F[i] = float32(v-q.ZeroPoint[c]) * q.Scale[c]
	}
	return out
}
