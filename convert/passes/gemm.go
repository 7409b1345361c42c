package passes

import (
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// GemmToFC brings matrix products with constant weights to the fully
// connected form the lowering maps to FULLY_CONNECTED: a Gemm with TransB,
// Alpha = Beta = 1, B a constant [N, K] and C absent or a constant [N].
//
// A Gemm with constant B and C (or no C) is normalized: B transposed when
// needed and scaled by Alpha, C scaled by Beta and reduced to [N] when it
// varies only along N. A MatMul of an activation by a constant 2-D B
// becomes such a Gemm; when the activation is not 2-D, Reshapes to
// [rows, K] and back surround it. Gemms with TransA or a C that is
// computed or varies along M are left alone (the lowering reports them).
// It returns the number of nodes rewritten.
func GemmToFC(g *graph.Graph) (int, error) {
	changed := 0
	nodes := make([]*graph.Node, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		switch op := n.Op.(type) {
		case *graph.Gemm:
			if normalizeGemm(g, n, op) {
				changed++
			}
			nodes = append(nodes, n)
		case *graph.MatMul:
			if rewritten := matMulToGemm(g, n); rewritten != nil {
				nodes = append(nodes, rewritten...)
				changed++
				continue
			}
			nodes = append(nodes, n)
		default:
			nodes = append(nodes, n)
		}
	}
	g.Nodes = nodes
	return finish(g, changed)
}

// isFC reports whether op with weights b and bias c is in the fully
// connected form already.
func isFC(op *graph.Gemm, b, c *graph.Value) bool {
	return op.TransB && !op.TransA && op.Alpha == 1 && op.Beta == 1 && b != nil &&
		(c == nil || len(c.Shape) == 1 && c.Shape[0] == b.Shape[0])
}

func normalizeGemm(g *graph.Graph, n *graph.Node, op *graph.Gemm) bool {
	a, b, cIdx := n.Inputs[0], constOf(g, n.Inputs[1]), input(n, 2)
	c := constOf(g, cIdx)
	if op.TransA || b == nil || b.DType != graph.Float32 || constOf(g, a) != nil || (cIdx >= 0 && c == nil) {
		return false
	}
	if isFC(op, b, c) {
		return false
	}
	out := g.Tensors[n.Outputs[0]].Shape // [M, N]
	var bias []float32
	if c != nil {
		v, ok := channelVector(c, out, 1)
		if !ok {
			return false
		}
		bias = make([]float32, len(v))
		for i, x := range v {
			bias[i] = float32(float64(op.Beta) * float64(x))
		}
	}
	k, nOut := b.Shape[0], b.Shape[1]
	if op.TransB {
		nOut, k = k, nOut
	}
	w := make([]float32, nOut*k)
	for o := range nOut {
		for i := range k {
			v := b.F[i*nOut+o] // B [K, N]
			if op.TransB {
				v = b.F[o*k+i] // B [N, K]
			}
			if op.Alpha != 1 {
				v = float32(float64(op.Alpha) * float64(v))
			}
			w[o*k+i] = v
		}
	}
	n.Inputs = []int{a, addConst(g, g.Tensors[n.Inputs[1]].Name+"_fc", []int{nOut, k}, w)}
	if bias != nil {
		n.Inputs = append(n.Inputs, addConst(g, g.Tensors[cIdx].Name+"_fc", []int{nOut}, bias))
	}
	n.Op = &graph.Gemm{TransB: true, Alpha: 1, Beta: 1, Act: op.Act}
	return true
}

// matMulToGemm returns the nodes replacing MatMul node n by a fully
// connected Gemm, or nil when B is not a constant matrix.
func matMulToGemm(g *graph.Graph, n *graph.Node) []*graph.Node {
	aIdx := n.Inputs[0]
	b := constOf(g, n.Inputs[1])
	if b == nil || b.DType != graph.Float32 || len(b.Shape) != 2 || constOf(g, aIdx) != nil {
		return nil
	}
	k, nOut := b.Shape[0], b.Shape[1]
	w := make([]float32, nOut*k)
	for i := range k {
		for o := range nOut {
			w[o*k+i] = b.F[i*nOut+o]
		}
	}
	wIdx := addConst(g, g.Tensors[n.Inputs[1]].Name+"_fc", []int{nOut, k}, w)
	aShape := g.Tensors[aIdx].Shape
	y := n.Outputs[0]
	gemm := &graph.Node{Name: n.Name, Source: "MatMul", Op: &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, Inputs: []int{aIdx, wIdx}, Outputs: []int{y}}
	if len(aShape) == 2 {
		return []*graph.Node{gemm}
	}
	rows := 1
	for _, d := range aShape[:len(aShape)-1] {
		rows *= d
	}
	a2 := addTensor(g, g.Tensors[aIdx].Name+"_rows", []int{rows, k})
	y2 := addTensor(g, g.Tensors[y].Name+"_rows", []int{rows, nOut})
	yShape := slices.Clone(g.Tensors[y].Shape)
	gemm.Inputs[0], gemm.Outputs[0] = a2, y2
	return []*graph.Node{
		{Name: n.Name + "_rows", Source: "MatMul", Op: &graph.Reshape{Shape: []int{rows, k}}, Inputs: []int{aIdx}, Outputs: []int{a2}},
		gemm,
		{Name: n.Name + "_unrows", Source: "MatMul", Op: &graph.Reshape{Shape: yShape}, Inputs: []int{y2}, Outputs: []int{y}},
	}
}
