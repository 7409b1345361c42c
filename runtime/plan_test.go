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

func TestBroadcast(t *testing.T) {
	type dims = [kernels.MaxRank]int
	for _, c := range []struct {
		a, b, out []int
		want      kernels.Broadcast
	}{
		{[]int{1, 4, 4, 8}, []int{1, 4, 4, 8}, []int{1, 4, 4, 8},
			kernels.Broadcast{Rank: 1, OutShape: dims{128}, AStride: dims{1}, BStride: dims{1}}},
		{[]int{1, 4, 4, 8}, []int{8}, []int{1, 4, 4, 8},
			kernels.Broadcast{Rank: 2, OutShape: dims{16, 8}, AStride: dims{8, 1}, BStride: dims{0, 1}}},
		{[]int{1, 4, 4, 8}, []int{1, 1, 1, 1}, []int{1, 4, 4, 8},
			kernels.Broadcast{Rank: 1, OutShape: dims{128}, AStride: dims{1}, BStride: dims{0}}},
		{[]int{2, 1, 3}, []int{1, 4, 1}, []int{2, 4, 3},
			kernels.Broadcast{Rank: 3, OutShape: dims{2, 4, 3}, AStride: dims{3, 0, 1}, BStride: dims{0, 1, 0}}},
		{[]int{4, 1}, []int{1, 5}, []int{4, 5},
			kernels.Broadcast{Rank: 2, OutShape: dims{4, 5}, AStride: dims{1, 0}, BStride: dims{0, 1}}},
		{[]int{}, []int{}, []int{},
			kernels.Broadcast{Rank: 1, OutShape: dims{1}, AStride: dims{1}, BStride: dims{1}}},
	} {
		got, ok := broadcast(c.a, c.b, c.out)
		if !ok || got != c.want {
			t.Errorf("broadcast(%v, %v, %v) = %+v, %v; want %+v", c.a, c.b, c.out, got, ok, c.want)
		}
	}
	// Seven dimensions that cannot merge: a broadcasts every other one.
	a := []int{2, 1, 2, 1, 2, 1, 2}
	b := []int{1, 2, 1, 2, 1, 2, 1}
	out := []int{2, 2, 2, 2, 2, 2, 2}
	if _, ok := broadcast(a, b, out); ok {
		t.Error("7 unmergeable dimensions accepted")
	}
}

func TestResizeTables(t *testing.T) {
	// 4 -> 2, half pixel: sources 0.5 and 2.5.
	i0, i1, wq, wf := bilinearTable(4, 2, format.CoordHalfPixel)
	if !slices.Equal(i0, []int32{0, 2}) || !slices.Equal(i1, []int32{1, 3}) || !slices.Equal(wq, []int32{512, 512}) || !slices.Equal(wf, []float32{0.5, 0.5}) {
		t.Errorf("4->2 half pixel: %v %v %v %v", i0, i1, wq, wf)
	}
	// 2 -> 4, half pixel: sources -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
	i0, i1, wq, _ = bilinearTable(2, 4, format.CoordHalfPixel)
	if !slices.Equal(i0, []int32{0, 0, 0, 1}) || !slices.Equal(i1, []int32{1, 1, 1, 1}) || !slices.Equal(wq, []int32{0, 256, 768, 0}) {
		t.Errorf("2->4 half pixel: %v %v %v", i0, i1, wq)
	}
	// 3 -> 5, align corners: sources 0, 0.5, 1, 1.5, 2.
	i0, i1, wq, _ = bilinearTable(3, 5, format.CoordAlignCorners)
	if !slices.Equal(i0, []int32{0, 0, 1, 1, 2}) || !slices.Equal(i1, []int32{1, 1, 2, 2, 2}) || !slices.Equal(wq, []int32{0, 512, 0, 512, 0}) {
		t.Errorf("3->5 align corners: %v %v %v", i0, i1, wq)
	}
	// 3 -> 1, PyTorch half pixel: a single output samples 0.
	if i0, _, wq, _ = bilinearTable(3, 1, format.CoordPytorchHalfPixel); !slices.Equal(i0, []int32{0}) || !slices.Equal(wq, []int32{0}) {
		t.Errorf("3->1 pytorch half pixel: %v %v", i0, wq)
	}
	for _, c := range []struct {
		in, out int
		coord   format.CoordinateMode
		mode    format.NearestMode
		want    []int32
	}{
		{4, 2, format.CoordHalfPixel, format.NearestRoundPreferFloor, []int32{0, 2}}, // 0.5 -> 0, 2.5 -> 2
		{4, 2, format.CoordHalfPixel, format.NearestRoundPreferCeil, []int32{1, 3}},
		{4, 8, format.CoordAsymmetric, format.NearestFloor, []int32{0, 0, 1, 1, 2, 2, 3, 3}},
		{4, 8, format.CoordAsymmetric, format.NearestCeil, []int32{0, 1, 1, 2, 2, 3, 3, 3}}, // 3.5 -> 4 clamps to 3
	} {
		if got := nearestTable(c.in, c.out, c.coord, c.mode); !slices.Equal(got, c.want) {
			t.Errorf("nearest %d->%d coord %d mode %d: %v, want %v", c.in, c.out, c.coord, c.mode, got, c.want)
		}
	}
}

func TestUnsupportedOp(t *testing.T) {
	g := newGraph()
	x := g.i8("x", 0.1, 0, 1, 4, 4, 2)
	y := g.f32("y", 1, 4, 4, 2)
	g.op(format.OpTanh, "mixed", nil, x, y)
	_, err := LoadModel(g.io([]int{x}, y))
	want := `operator 0 "mixed" (TANH): no kernel for (int8) -> (float32)`
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
	if v := KernelVariant(); v != "purego" {
		t.Errorf("default variant %q, want purego", v)
	}
	m := mustLoad(t, passThrough(format.Float32, nil, 1, 4))
	if m.KernelVariant() != "purego" {
		t.Errorf("model variant %q", m.KernelVariant())
	}
	t.Setenv(VariantEnv, "purego")
	mustLoad(t, passThrough(format.Float32, nil, 1, 4))
	t.Setenv(VariantEnv, "neon-sdot")
	if v := KernelVariant(); v != "invalid" {
		t.Errorf("variant for an unknown name %q, want invalid", v)
	}
	_, err := LoadModel(passThrough(format.Float32, nil, 1, 4))
	if err == nil || !strings.Contains(err.Error(), `EDGEINFER_KERNELS="neon-sdot" is not a kernel variant`) {
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
