package runtime

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// passThrough is in -> CLAMP -> out with the given dtype and shape (the
// clamp bounds are infinite; the tests write the output memory directly).
func passThrough(dt format.DType, q *format.Quant, shape ...int) *format.Model {
	g := newGraph()
	in := g.tensor("x", dt, shape, q, nil)
	out := g.tensor("y", dt, shape, q, nil)
	inf := float32(math.Inf(1))
	g.op(format.OpClamp, "identity", &format.ClampOptions{Min: -inf, Max: inf}, in, out)
	return g.io([]int{in}, out)
}

func TestSetInputFloat32NCHW(t *testing.T) {
	fm := passThrough(format.Float32, nil, 1, 1, 2, 2)
	fm.Metadata.IOLayouts = map[int]format.Layout{fm.Inputs[0]: format.NCHW}
	it := mustInterpreter(t, mustLoad(t, fm), 1)
	if it.Input(0).SourceLayout != format.NCHW || it.Output(0).SourceLayout != format.NHWC {
		t.Errorf("source layouts %v, %v; want NCHW (recorded), NHWC (default)", it.Input(0).SourceLayout, it.Output(0).SourceLayout)
	}
	// NCHW [1,2,1,2]: channel 0 = {1, 2}, channel 1 = {3, 4}. NHWC interleaves
	// the channels per pixel: {1, 3}, {2, 4}.
	if err := it.SetInputFloat32(0, []float32{1, 2, 3, 4}, format.NCHW); err != nil {
		t.Fatal(err)
	}
	if got, want := it.Input(0).Float32(), []float32{1, 3, 2, 4}; !slices.Equal(got, want) {
		t.Errorf("NCHW input stored as %v, want %v", got, want)
	}
	if err := it.SetInputFloat32(0, []float32{1, 2, 3, 4}, format.NHWC); err != nil {
		t.Fatal(err)
	}
	if got, want := it.Input(0).Float32(), []float32{1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("NHWC input stored as %v, want %v", got, want)
	}
}

func TestSetInputFloat32WrongSize(t *testing.T) {
	it := mustInterpreter(t, mustLoad(t, passThrough(format.Float32, nil, 1, 28, 28, 1)), 1)
	err := it.SetInputFloat32(0, make([]float32, 780), format.NCHW)
	want := `input 0 "x": got 780 values, want 784 (1x1x28x28)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %s", err, want)
	}
	err = it.SetInputFloat32(0, make([]float32, 785), format.NHWC)
	want = `input 0 "x": got 785 values, want 784 (1x28x28x1)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %s", err, want)
	}
	if err := it.SetInputFloat32(1, nil, format.NHWC); err == nil || !strings.Contains(err.Error(), "input 1: the model has 1 input") {
		t.Errorf("input 1 of a one-input model: error %v", err)
	}
}

func TestSetInputQuantizes(t *testing.T) {
	it := mustInterpreter(t, mustLoad(t, passThrough(format.Int8, perTensor(0.5, -3), 1, 5)), 1)
	// q = clamp(round(x/0.5) - 3, -128, 127), ties away from zero:
	// 1 -> 2-3; -0.25 -> round(-0.5) = -1 -> -4; 100 -> 197 clamps; -100
	// clamps; 0.75 -> round(1.5) = 2 -> -1.
	if err := it.SetInputFloat32(0, []float32{1, -0.25, 100, -100, 0.75}, format.NHWC); err != nil {
		t.Fatal(err)
	}
	if got, want := it.Input(0).Int8(), []int8{-1, -4, 127, -128, -1}; !slices.Equal(got, want) {
		t.Errorf("quantized input %v, want %v", got, want)
	}
	if err := it.SetInputInt8(0, []int8{1, 2, 3, 4, 5}); err != nil {
		t.Fatal(err)
	}
	if got, want := it.Input(0).Int8(), []int8{1, 2, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("SetInputInt8 stored %v, want %v", got, want)
	}
	if err := it.SetInputInt8(0, []int8{1}); err == nil {
		t.Error("SetInputInt8 with 1 value for 5: no error")
	}

	g := newGraph()
	x := g.tensor("x", format.Uint8, []int{1, 4}, perTensor(0.5, 100), nil)
	y := g.i8("y", 0.5, -28, 1, 4)
	g.op(format.OpQuantize, "to_int8", nil, x, y)
	u := mustInterpreter(t, mustLoad(t, g.io([]int{x}, y)), 1)
	// q = clamp(round(x/0.5) + 100, 0, 255): 1 -> 102, -0.25 -> 99, 100 -> 255, -100 -> 0.
	if err := u.SetInputFloat32(0, []float32{1, -0.25, 100, -100}, format.NHWC); err != nil {
		t.Fatal(err)
	}
	if got, want := u.Input(0).Bytes(), []byte{102, 99, 255, 0}; !slices.Equal(got, want) {
		t.Errorf("uint8 input %v, want %v", got, want)
	}
}

func TestOutputFloat32(t *testing.T) {
	it := mustInterpreter(t, mustLoad(t, passThrough(format.Int8, perTensor(0.25, 2), 1, 1, 2, 2)), 1)
	copy(it.Output(0).Int8(), []int8{2, 6, -2, 10}) // reals 0, 1, -1, 2 in NHWC
	got, err := it.OutputFloat32(0, nil, format.NHWC)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{0, 1, -1, 2}; !slices.Equal(got, want) {
		t.Errorf("NHWC output %v, want %v", got, want)
	}
	// NHWC pixels {0, 1}, {-1, 2} are NCHW channels {0, -1}, {1, 2}.
	got, err = it.OutputFloat32(0, got, format.NCHW)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{0, -1, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("NCHW output %v, want %v", got, want)
	}
	dst := make([]float32, 0, 4)
	allocs := testing.AllocsPerRun(20, func() {
		dst, _ = it.OutputFloat32(0, dst, format.NCHW)
		it.SetInputFloat32(0, dst, format.NCHW)
	})
	if allocs != 0 {
		t.Errorf("OutputFloat32 + SetInputFloat32 with capacity: %v allocations, want 0", allocs)
	}
}

func TestTopK(t *testing.T) {
	fm := passThrough(format.Int8, perTensor(0.5, 0), 1, 5)
	fm.Metadata.Labels = []string{"cat", "dog", "eel", "fox", "gnu"}
	it := mustInterpreter(t, mustLoad(t, fm), 1)
	copy(it.Output(0).Int8(), []int8{3, 9, -4, 9, 5}) // reals 1.5, 4.5, -2, 4.5, 2.5
	got := it.TopK(0, 3, nil)
	want := []Class{{1, "dog", 4.5}, {3, "fox", 4.5}, {4, "gnu", 2.5}}
	if !slices.Equal(got, want) {
		t.Errorf("top 3 %v, want %v", got, want)
	}
	if got := it.TopK(0, 10, nil); len(got) != 5 || got[4] != (Class{2, "eel", -2}) {
		t.Errorf("top 10 of 5: %v", got)
	}
	dst := make([]Class, 0, 3)
	if allocs := testing.AllocsPerRun(20, func() { dst = it.TopK(0, 3, dst) }); allocs != 0 {
		t.Errorf("TopK with capacity: %v allocations, want 0", allocs)
	}
	if got := it.TopK(1, 3, nil); len(got) != 0 {
		t.Errorf("TopK of a missing output: %v", got)
	}

	it = mustInterpreter(t, mustLoad(t, passThrough(format.Float32, nil, 1, 3)), 1) // no labels
	copy(it.Output(0).Float32(), []float32{0.1, 0.7, 0.2})
	if got, want := it.TopK(0, 2, nil), []Class{{1, "", 0.7}, {2, "", 0.2}}; !slices.Equal(got, want) {
		t.Errorf("unlabelled top 2 %v, want %v", got, want)
	}
}
