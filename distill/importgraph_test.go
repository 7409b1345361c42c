package distill

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
	"github.com/edgeinfer/edgeinfer/train"
)

func importedSmallCNN(t *testing.T) *graph.Graph {
	t.Helper()
	pb, err := onnxpb.DecodeModel(onnxtest.SmallCNN(3).Marshal())
	if err != nil {
		t.Fatal(err)
	}
	g, err := onnx.Import(pb, onnx.Options{InputShapes: map[string][]int{"image": {1, 1, 28, 28}}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestFromGraphMatchesReference runs the imported SmallCNN (conv with
// bias, batch norm, ReLU, max pooling, clip, flatten, Gemm; its softmax is
// dropped) in the training engine and compares the logits, through a
// softmax, with the converter's reference interpreter.
func TestFromGraphMatchesReference(t *testing.T) {
	g := importedSmallCNN(t)
	m, err := FromGraph(g)
	if err != nil {
		t.Fatal(err)
	}
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const n = 5
	x := train.NewTensor(n, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	logits, err := m.Forward(x, false)
	if err != nil {
		t.Fatal(err)
	}
	for s := range n {
		out, err := it.Run(graph.Floats([]int{1, 1, 28, 28}, x.Data[s*784:(s+1)*784]))
		if err != nil {
			t.Fatal(err)
		}
		z := logits.Data[s*10 : (s+1)*10]
		var sum float64
		for _, v := range z {
			sum += math.Exp(float64(v))
		}
		for k, p := range out[0].F {
			if got := math.Exp(float64(z[k])) / sum; math.Abs(got-float64(p)) > 1e-5 {
				t.Fatalf("sample %d class %d: engine %v, reference %v", s, k, got, p)
			}
		}
	}
}
