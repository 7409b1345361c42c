package onnx_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	ot "github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

func randTensor(r *rand.Rand, name string, dims ...int64) ot.Tensor {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64() * 0.5)
	}
	return ot.RawFloats(name, dims, v...)
}

// TestSmallCNN imports a MobileNet-shaped network (conv, batch norm, relu,
// max pool, depthwise conv, clip, global pool, flatten, gemm, softmax)
// with a dynamic batch, checks the IR it becomes, and checks that the
// interpreter's buffer plumbing computes what evaluating the nodes one by
// one on fresh buffers computes.
func TestSmallCNN(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	nodes := []ot.Node{
		{Op: "Conv", Name: "conv1", In: []string{"x", "w1", "b1"}, Out: []string{"c1"}, Attrs: []ot.Attr{ot.AttrInts("pads", 1, 1, 1, 1), ot.AttrInts("kernel_shape", 3, 3)}},
		{Op: "BatchNormalization", Name: "bn1", In: []string{"c1", "s", "b", "m", "v"}, Out: []string{"n1"}},
		{Op: "Relu", Name: "relu1", In: []string{"n1"}, Out: []string{"r1"}},
		{Op: "MaxPool", Name: "pool1", In: []string{"r1"}, Out: []string{"p1"}, Attrs: []ot.Attr{ot.AttrInts("kernel_shape", 2, 2), ot.AttrInts("strides", 2, 2)}},
		{Op: "Conv", Name: "dw", In: []string{"p1", "w2"}, Out: []string{"c2"}, Attrs: []ot.Attr{ot.AttrInt("group", 8), ot.AttrString("auto_pad", "SAME_UPPER")}},
		{Op: "Clip", Name: "relu6", In: []string{"c2", "zero", "six"}, Out: []string{"r2"}},
		{Op: "GlobalAveragePool", Name: "gap", In: []string{"r2"}, Out: []string{"g"}},
		{Op: "Flatten", Name: "flat", In: []string{"g"}, Out: []string{"f"}},
		{Op: "Gemm", Name: "fc", In: []string{"f", "wfc", "bfc"}, Out: []string{"logits"}, Attrs: []ot.Attr{ot.AttrInt("transB", 1)}},
		{Op: "Softmax", Name: "prob", In: []string{"logits"}, Out: []string{"y"}, Attrs: []ot.Attr{ot.AttrInt("axis", 1)}},
	}
	inits := []ot.Tensor{
		randTensor(r, "w1", 8, 3, 3, 3), randTensor(r, "b1", 8),
		randTensor(r, "s", 8), randTensor(r, "b", 8), randTensor(r, "m", 8), ot.FloatTensor("v", []int64{8}, 1, 2, 0.5, 1, 1, 3, 1, 0.25),
		randTensor(r, "w2", 8, 1, 3, 3),
		ot.FloatTensor("zero", nil, 0), ot.FloatTensor("six", nil, 6),
		randTensor(r, "wfc", 10, 8), randTensor(r, "bfc", 10),
	}
	m := model(13, nodes, inits, []ot.ValueInfo{ot.VI("x", "batch", 3, 8, 8)}, []ot.ValueInfo{ot.VI("y", "batch", 10)})
	g := mustImport(t, m, onnx.Options{})

	var ops []string
	for _, n := range g.Nodes {
		ops = append(ops, n.Op.Type().String())
	}
	want := []string{"Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "Clip", "ReduceMean", "Reshape", "Gemm", "Softmax"}
	if !slices.Equal(ops, want) {
		t.Fatalf("ops %v, want %v", ops, want)
	}
	if c := g.Nodes[4].Op.(*graph.Conv); c.Group != 8 || !slices.Equal(c.PadsBegin, []int{1, 1}) || !slices.Equal(c.PadsEnd, []int{1, 1}) {
		t.Errorf("depthwise conv %+v", c)
	}
	if cl := g.Nodes[5].Op.(*graph.Clip); cl.Min != 0 || cl.Max != 6 {
		t.Errorf("clip %+v", cl)
	}
	if s := g.Tensors[g.Outputs[0]].Shape; !slices.Equal(s, []int{1, 10}) {
		t.Fatalf("output shape %v", s)
	}

	x := graph.NewValue(graph.Float32, []int{1, 3, 8, 8})
	for i := range x.F {
		x.F[i] = float32(r.NormFloat64())
	}
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	out, err := it.Run(x)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, p := range out[0].F {
		sum += float64(p)
	}
	if math.Abs(sum-1) > 1e-5 {
		t.Errorf("softmax sums to %v", sum)
	}

	// Node by node on fresh buffers.
	vals := make([]*graph.Value, len(g.Tensors))
	for i, tn := range g.Tensors {
		vals[i] = tn.Const
	}
	vals[g.Inputs[0]] = x
	for _, n := range g.Nodes {
		in := make([]*graph.Value, len(n.Inputs))
		for k, id := range n.Inputs {
			if id >= 0 {
				in[k] = vals[id]
			}
		}
		res, err := refeval.EvalNode(g, n, in)
		if err != nil {
			t.Fatal(err)
		}
		for k, id := range n.Outputs {
			if id >= 0 {
				vals[id] = res[k]
				if got := it.Value(id); !slices.Equal(got.F, res[k].F) {
					t.Fatalf("tensor %q differs between Run and EvalNode", g.Tensors[id].Name)
				}
			}
		}
	}
}
