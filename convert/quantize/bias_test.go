package quantize

import (
	"math"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// A 1x1 convolution with weights {0.5, 0.26} and bias 0.1 on inputs of
// mean {2, 3}: the scale is 0.5/127, 0.26 becomes 66 steps
// (0.26·127/0.5 = 66.04), so the output's mean error is
// (127s - 0.5)·2 + (66s - 0.26)·3, which the corrected bias subtracts.
// A depthwise conv and a fully connected layer check the mapping from
// weights to input channels.
func TestCorrectedBias(t *testing.T) {
	g := &graph.Graph{}
	x := g.AddTensor(&graph.Tensor{Name: "x", DType: graph.Float32, Shape: []int{1, 2, 3, 3}})
	w := g.AddTensor(&graph.Tensor{Name: "w", DType: graph.Float32, Shape: []int{1, 2, 1, 1}, Const: graph.Floats([]int{1, 2, 1, 1}, []float32{0.5, 0.26})})
	b := g.AddTensor(&graph.Tensor{Name: "b", DType: graph.Float32, Shape: []int{1}, Const: graph.Floats([]int{1}, []float32{0.1})})
	conv := &graph.Node{Op: &graph.Conv{Group: 1}, Inputs: []int{x, w, b}}
	mean := []float64{2, 3}
	s := float32(0.5) / 127
	e := (float64(127*s)-float64(float32(0.5)))*2 + (float64(66*s)-float64(float32(0.26)))*3
	want := float32(float64(float32(0.1)) - e)
	if got := correctedBias(g, conv, mean); got[0] != want {
		t.Errorf("corrected bias %v, want %v", got[0], want)
	}
	if e == 0 {
		t.Fatal("the example has no weight rounding error")
	}

	// Depthwise (2 groups): output channel 1 multiplies input channel 1
	// (mean 3) by 0.26 alone, whose scale is 0.26/127: exact, no change.
	// Output channel 0 has weight 0.5: exact too. A fully connected layer
	// with the same weights reads columns {0, 1} like the 1x1 conv.
	wd := g.AddTensor(&graph.Tensor{Name: "wd", DType: graph.Float32, Shape: []int{2, 1, 1, 1}, Const: graph.Floats([]int{2, 1, 1, 1}, []float32{0.5, 0.26})})
	dw := &graph.Node{Op: &graph.Conv{Group: 2}, Inputs: []int{x, wd}}
	d := correctedBias(g, dw, mean)
	for c, v := range d {
		wc := []float32{0.5, 0.26}[c]
		sc := wc / 127
		want := -(float64(float32(127)*sc) - float64(wc)) * mean[c]
		if math.Abs(float64(v)-want) > 0 || v != float32(want) {
			t.Errorf("depthwise channel %d: bias %v, want %v", c, v, float32(want))
		}
	}
	wf := g.AddTensor(&graph.Tensor{Name: "wf", DType: graph.Float32, Shape: []int{1, 2}, Const: graph.Floats([]int{1, 2}, []float32{0.5, 0.26})})
	fc := &graph.Node{Op: &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, Inputs: []int{x, wf, b}}
	if got := correctedBias(g, fc, mean); got[0] != want {
		t.Errorf("fully connected: corrected bias %v, want %v", got[0], want)
	}
}
