package onnx_test

import (
	"math"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// model builds a one-graph model at the given default-domain opset.
func model(opset int64, nodes []onnxtest.Node, inits []onnxtest.Tensor, inputs, outputs []onnxtest.ValueInfo) *onnxtest.Model {
	return &onnxtest.Model{
		IRVersion: 8,
		Opsets:    []onnxtest.Opset{{Version: opset}},
		Graph:     onnxtest.Graph{Name: "test", Nodes: nodes, Inits: inits, Inputs: inputs, Outputs: outputs},
	}
}

func importModel(t *testing.T, m *onnxtest.Model, opts onnx.Options) (*graph.Graph, error) {
	t.Helper()
	pm, err := onnxpb.DecodeModel(m.Marshal())
	if err != nil {
		t.Fatalf("decoding the test model: %v", err)
	}
	return onnx.Import(pm, opts)
}

func mustImport(t *testing.T, m *onnxtest.Model, opts onnx.Options) *graph.Graph {
	t.Helper()
	g, err := importModel(t, m, opts)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return g
}

func run(t *testing.T, g *graph.Graph, inputs ...*graph.Value) []*graph.Value {
	t.Helper()
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	out, err := it.Run(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func floats(shape []int, v ...float32) *graph.Value { return graph.Floats(shape, v) }

// node is a shorthand for a NodeProto.
func node(op string, in, out []string, attrs ...onnxtest.Attr) onnxtest.Node {
	return onnxtest.Node{Op: op, Name: op + "_node", In: in, Out: out, Attrs: attrs}
}

func checkFloats(t *testing.T, what string, got *graph.Value, shape []int, want []float64) {
	t.Helper()
	if got.DType != graph.Float32 || !graph.ShapeEqual(got.Shape, shape) {
		t.Fatalf("%s: %v%v, want float32%v", what, got.DType, got.Shape, shape)
	}
	for i, w := range want {
		if math.Abs(float64(got.F[i])-w) > 1e-6*math.Max(1, math.Abs(w)) {
			t.Fatalf("%s: element %d = %v, want %v (all: %v)", what, i, got.F[i], w, got.F)
		}
	}
}

// pbTensor encodes a test tensor and decodes it as the importer sees it.
func pbTensor(t *testing.T, tensor onnxtest.Tensor) *onnxpb.Tensor {
	t.Helper()
	pt, err := onnxpb.DecodeTensor(tensor.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	return pt
}
