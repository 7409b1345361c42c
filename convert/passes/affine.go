package passes

import (
	"math"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// FoldAffine folds per-output-channel affine maps into the convolution or
// fully connected Gemm producing their input: BatchNormalization
// (inference form), and Mul, Add and Sub by a constant that is a scalar or
// varies only along the channel dim (dim 1 of a Conv output, the last dim
// of a Gemm output). y = s·(W∗x + b) + t becomes (s·W)∗x + (s·b + t), with
// s and t computed in float64 and rounded once. The producer's output must
// be read by the affine node alone and carry no fused activation. It
// returns the number of nodes folded.
func FoldAffine(g *graph.Graph) (int, error) {
	changed := 0
	for {
		n, err := foldAffineOnce(g)
		if err != nil {
			return changed, err
		}
		if n == 0 {
			break
		}
		changed += n
		dropNil(g)
	}
	return finish(g, changed)
}

func foldAffineOnce(g *graph.Graph) (int, error) {
	u := analyze(g)
	changed := 0
	for ni, n := range g.Nodes {
		if n == nil {
			continue
		}
		x, scale, shift, ok := affineOf(g, n)
		if !ok || !u.private(x) || u.producer[x] < 0 {
			continue
		}
		pi := u.producer[x]
		p := g.Nodes[pi]
		if p == nil || graph.FusedActivation(p.Op) != nil {
			continue
		}
		// The channel dim is 1 for both: Conv [N, M, ...], Gemm [M, N].
		const ch = 1
		switch op := p.Op.(type) {
		case *graph.Conv:
			if constOf(g, p.Inputs[1]) == nil || input(p, 2) >= 0 && constOf(g, p.Inputs[2]) == nil {
				continue
			}
		case *graph.Gemm:
			if !isFC(op, constOf(g, p.Inputs[1]), constOf(g, input(p, 2))) {
				continue
			}
		default:
			continue
		}
		out := g.Tensors[x].Shape
		var s, t []float64
		if scale != nil {
			if s = scale(out, ch); s == nil {
				continue
			}
		}
		if shift != nil {
			if t = shift(out, ch); t == nil {
				continue
			}
		}
		foldInto(g, p, s, t)
		// The producer now computes the affine node's output.
		p.Outputs[0] = n.Outputs[0]
		g.Nodes[ni] = nil
		changed++
	}
	return changed, nil
}

// vectorFn returns the per-channel vector of an affine term against an
// output shape and channel dim, or nil when it does not vary by channel
// alone. A nil vectorFn is an absent term.
type vectorFn func(out []int, ch int) []float64

// affineOf recognizes node n as y = scale·x + shift per channel, where x
// is its input activation.
func affineOf(g *graph.Graph, n *graph.Node) (x int, scale, shift vectorFn, ok bool) {
	constVec := func(t int, sign float64) vectorFn {
		c := constOf(g, t)
		return func(out []int, ch int) []float64 {
			if c == nil {
				return nil
			}
			v, ok := channelVector(c, out, ch)
			if !ok {
				return nil
			}
			r := make([]float64, len(v))
			for i, f := range v {
				r[i] = sign * float64(f)
			}
			return r
		}
	}
	// operand returns the activation input of a binary node with one
	// constant operand, and the constant's index in n.Inputs.
	operand := func() (x, k int, ok bool) {
		a, b := n.Inputs[0], n.Inputs[1]
		switch {
		case constOf(g, a) == nil && constOf(g, b) != nil:
			return a, 1, true
		case constOf(g, b) == nil && constOf(g, a) != nil:
			return b, 0, true
		}
		return 0, 0, false
	}
	switch op := n.Op.(type) {
	case *graph.BatchNorm:
		for _, t := range n.Inputs[1:] {
			if constOf(g, t) == nil {
				return 0, nil, nil, false
			}
		}
		sc, bi, mean, vr := constOf(g, n.Inputs[1]).F, constOf(g, n.Inputs[2]).F, constOf(g, n.Inputs[3]).F, constOf(g, n.Inputs[4]).F
		s := make([]float64, len(sc))
		t := make([]float64, len(sc))
		for c := range s {
			s[c] = float64(sc[c]) / math.Sqrt(float64(vr[c])+float64(op.Epsilon))
			t[c] = float64(bi[c]) - float64(float64(mean[c])*s[c])
		}
		fixed := func(v []float64) vectorFn {
			return func(out []int, ch int) []float64 {
				if ch != 1 || len(out) < 2 || out[1] != len(v) {
					return nil
				}
				return v
			}
		}
		return n.Inputs[0], fixed(s), fixed(t), true
	case *graph.Mul:
		if op.Act != nil {
			return 0, nil, nil, false
		}
		x, k, ok := operand()
		if !ok {
			return 0, nil, nil, false
		}
		return x, constVec(n.Inputs[k], 1), nil, true
	case *graph.Add:
		if op.Act != nil {
			return 0, nil, nil, false
		}
		x, k, ok := operand()
		if !ok {
			return 0, nil, nil, false
		}
		return x, nil, constVec(n.Inputs[k], 1), true
	case *graph.Sub:
		x, k, ok := operand()
		if op.Act != nil || !ok || k != 1 { // only x - c
			return 0, nil, nil, false
		}
		return x, nil, constVec(n.Inputs[1], -1), true
	}
	return 0, nil, nil, false
}

// foldInto rewrites Conv or fully connected Gemm node p to compute
// s·p(x) + t (s or t nil: 1 or 0), with new weight and bias constants.
func foldInto(g *graph.Graph, p *graph.Node, s, t []float64) {
	w := constOf(g, p.Inputs[1])
	m := w.Shape[0] // Conv W [M, C/g, k...]; FC B [N, K]
	per := len(w.F) / m
	nw := make([]float32, len(w.F))
	for o := range m {
		for i := range per {
			v := w.F[o*per+i]
			if s != nil {
				v = float32(s[o] * float64(v))
			}
			nw[o*per+i] = v
		}
	}
	var b []float32
	if bc := constOf(g, input(p, 2)); bc != nil {
		b = bc.F
	}
	nb := make([]float32, m)
	for o := range m {
		v := 0.0
		if b != nil {
			v = float64(b[o])
		}
		if s != nil {
			v *= s[o]
		}
		if t != nil {
			v += t[o]
		}
		nb[o] = float32(v)
	}
	name := g.Tensors[p.Inputs[1]].Name
	wIdx := addConst(g, name+"_folded", w.Shape, nw)
	bIdx := addConst(g, name+"_bias_folded", []int{m}, nb)
	p.Inputs = []int{p.Inputs[0], wIdx, bIdx}
}

// LowerBatchNorm rewrites each BatchNormalization with constant
// parameters that FoldAffine could not fold: on a 4-D input as a
// depthwise 1x1 Conv (per-channel int8 weights quantize a per-channel
// scale exactly where a Mul by an int8 constant could not), otherwise as
// a Mul and an Add by constants shaped [C, 1, ...]. It returns the number
// of nodes rewritten.
func LowerBatchNorm(g *graph.Graph) (int, error) {
	changed := 0
	nodes := make([]*graph.Node, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		_, scale, shift, ok := affineOf(g, n)
		if _, isBN := n.Op.(*graph.BatchNorm); !isBN || !ok {
			nodes = append(nodes, n)
			continue
		}
		xIdx, y := n.Inputs[0], n.Outputs[0]
		shape := g.Tensors[xIdx].Shape
		s, t := scale(shape, 1), shift(shape, 1)
		c := shape[1]
		sf, tf := make([]float32, c), make([]float32, c)
		for i := range c {
			sf[i], tf[i] = float32(s[i]), float32(t[i])
		}
		changed++
		if len(shape) == 4 {
			w := addConst(g, n.Name+"_scale", []int{c, 1, 1, 1}, sf)
			b := addConst(g, n.Name+"_shift", []int{c}, tf)
			nodes = append(nodes, &graph.Node{Name: n.Name, Source: "BatchNormalization",
				Op:     &graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}, Group: c},
				Inputs: []int{xIdx, w, b}, Outputs: []int{y}})
			continue
		}
		cshape := make([]int, len(shape)-1)
		for i := range cshape {
			cshape[i] = 1
		}
		cshape[0] = c
		sIdx := addConst(g, n.Name+"_scale", cshape, sf)
		tIdx := addConst(g, n.Name+"_shift", cshape, tf)
		mid := addTensor(g, g.Tensors[y].Name+"_scaled", shape)
		nodes = append(nodes,
			&graph.Node{Name: n.Name + "_mul", Source: "BatchNormalization", Op: &graph.Mul{}, Inputs: []int{xIdx, sIdx}, Outputs: []int{mid}},
			&graph.Node{Name: n.Name, Source: "BatchNormalization", Op: &graph.Add{}, Inputs: []int{mid, tIdx}, Outputs: []int{y}})
	}
	g.Nodes = nodes
	return finish(g, changed)
}
