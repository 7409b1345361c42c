package refeval_test

import (
	"math"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// A fused activation clamps the op's output after the kernel: Add of
// {-3, -1, 2, 9} and 1 is {-2, 0, 3, 10}, clamped to [0, 6].
func TestFusedActivation(t *testing.T) {
	a := graph.Floats([]int{4}, []float32{-3, -1, 2, 9})
	b := graph.Floats([]int{1}, []float32{1})
	y := runSingle(t, &graph.Add{Act: &graph.Clip{Min: 0, Max: 6}}, []*graph.Value{a, b}, 1)[0]
	want := []float32{0, 0, 3, 6}
	for i := range want {
		if y.F[i] != want[i] {
			t.Fatalf("Add+Relu6 = %v, want %v", y.F, want)
		}
	}
	inf := float32(math.Inf(1))
	y = runSingle(t, &graph.Mul{Act: &graph.Clip{Min: 0, Max: inf}}, []*graph.Value{a, b}, 1)[0]
	if want := []float32{0, 0, 2, 9}; y.F[0] != want[0] || y.F[2] != want[2] || y.F[3] != want[3] {
		t.Fatalf("Mul+Relu = %v, want %v", y.F, want)
	}
}

func TestFusedActivationNeedsFloat(t *testing.T) {
	g := &graph.Graph{}
	a := g.AddTensor(&graph.Tensor{Name: "a", DType: graph.Int64, Shape: []int{2}})
	b := g.AddTensor(&graph.Tensor{Name: "b", DType: graph.Int64, Shape: []int{2}})
	y := g.AddTensor(&graph.Tensor{Name: "y", DType: graph.Int64, Shape: []int{2}})
	g.Inputs = []int{a, b}
	g.Outputs = []int{y}
	g.Nodes = []*graph.Node{{Name: "add", Op: &graph.Add{Act: &graph.Clip{Max: 1}}, Inputs: []int{a, b}, Outputs: []int{y}}}
	if _, err := refeval.New(g); err == nil || !strings.Contains(err.Error(), "fused activation on a int64 output") {
		t.Fatalf("int64 Add with a fused activation: %v", err)
	}
}
