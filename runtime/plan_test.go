package runtime

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

func TestReduceGeom(t *testing.T) {
	for _, c := range []struct {
		shape, axes []int
		want        kernels.ReduceGeom
		ok          bool
	}{
		{[]int{1, 7, 7, 32}, []int{1, 2}, kernels.ReduceGeom{Outer: 1, Reduce: 49, Inner: 32}, true},
		{[]int{1, 7, 7, 32}, []int{-1}, kernels.ReduceGeom{Outer: 49, Reduce: 32, Inner: 1}, true},
		{[]int{2, 1, 4}, []int{0, 2}, kernels.ReduceGeom{Outer: 1, Reduce: 8, Inner: 1}, true}, // the 1 between does not split them
		{[]int{2, 3, 4}, []int{0, 2}, kernels.ReduceGeom{}, false},
		{[]int{1, 1, 1, 5}, []int{1, 2}, kernels.ReduceGeom{Outer: 5, Reduce: 1, Inner: 1}, true},
	} {
		got, ok := reduceGeom(c.shape, c.axes)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("reduceGeom(%v, %v) = %+v, %v; want %+v, %v", c.shape, c.axes, got, ok, c.want, c.ok)
		}
	}
}

func TestUnsupportedOp(t *testing.T) {
	g := newGraph()
	x := g.tensor("x", format.Uint8, []int{1, 4, 4, 2}, perTensor(0.1, 128), nil)
	y := g.tensor("y", format.Uint8, []int{1, 8, 8, 2}, perTensor(0.1, 128), nil)
	g.op(format.OpResize, "upsample", &format.ResizeOptions{Mode: format.ResizeBilinear}, x, y)
	_, err := LoadModel(g.io([]int{x}, y))
	want := `operator 0 "upsample" (RESIZE): no kernel for (uint8) -> (uint8)`
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrUnsupported) {
		t.Errorf("error %v, want an ErrUnsupported containing %s", err, want)
	}
}

func TestNonContiguousReduce(t *testing.T) {
	g := newGraph()
	x := g.f32("x", 2, 3, 4)
	y := g.f32("y", 3)
	g.op(format.OpMean, "mean", &format.ReduceOptions{Axes: []int{0, 2}}, x, y)
	_, err := LoadModel(g.io([]int{x}, y))
	if err == nil || !strings.Contains(err.Error(), `operator 0 "mean" (MEAN): reducing axes [0 2] of shape [2 3 4]`) {
		t.Errorf("error %v", err)
	}
}

func TestKernelVariant(t *testing.T) {
	t.Setenv(VariantEnv, "")
	best := string(kernels.BestVariant())
	if v := KernelVariant(); v != best {
		t.Errorf("default variant %q, want %s", v, best)
	}
	m := mustLoad(t, passThrough(format.Float32, nil, 1, 4))
	if m.KernelVariant() != best {
		t.Errorf("model variant %q", m.KernelVariant())
	}
	t.Setenv(VariantEnv, "purego")
	mustLoad(t, passThrough(format.Float32, nil, 1, 4))
	t.Setenv(VariantEnv, "neon-sdot")
	if v := KernelVariant(); v != "invalid" {
		t.Errorf("variant for an unknown name %q, want invalid", v)
	}
	_, err := LoadModel(passThrough(format.Float32, nil, 1, 4))
	if err == nil || !strings.Contains(err.Error(), `EDGEINFER_KERNELS="neon-sdot": kernels: "neon-sdot" is not a kernel variant`) {
		t.Errorf("unknown variant: error %v", err)
	}
}

func TestOpsAndMACs(t *testing.T) {
	c := newInt8Chain(newRand(21))
	m := mustLoad(t, c.model)
	ops := m.Ops()
	kernelsWant := []string{"Conv2DInt8", "Conv2DInt8", "MaxPoolInt8", "AddInt8", "LUTInt8", "MeanInt8", "view", "FullyConnectedInt8", "SoftmaxInt8"}
	for i, op := range ops {
		if op.Kernel != kernelsWant[i] || op.Index != i || op.Name != c.model.Operators[i].Name {
			t.Errorf("op %d: %+v, want kernel %s", i, op, kernelsWant[i])
		}
	}
	// conv1: 10*10*8 outputs x 3*3*3 taps; dw: 5*5*8 x 3*3*1; fc: 5 x 8.
	wantMACs := []int64{10 * 10 * 8 * 27, 5 * 5 * 8 * 9, 0, 0, 0, 0, 0, 5 * 8, 0}
	var total int64
	for i, op := range ops {
		if op.MACs != wantMACs[i] {
			t.Errorf("op %d %s: %d MACs, want %d", i, op.Name, op.MACs, wantMACs[i])
		}
		total += wantMACs[i]
	}
	if m.MACs() != total {
		t.Errorf("MACs() = %d, want %d", m.MACs(), total)
	}
	if !slices.Equal(ops[3].Inputs, c.model.Operators[3].Inputs) {
		t.Errorf("op 3 inputs %v", ops[3].Inputs)
	}
}
