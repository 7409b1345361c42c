package runtime

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// TestStepGrainRespectsMinGrain checks that an op whose prepared kernel
// asks for a minimum number of units per call (the depthwise pair-row
// kernels: kernels.PreparedInt8.MinGrain) is claimed in grains of at least
// that many units when it is split over threads, and that the outputs stay
// those of one thread. A 3x3 stride-1 depthwise layer of 14 rows, the
// size where a share is claimed in grains of one row by work alone, must
// be claimed two rows at a time.
func TestStepGrainRespectsMinGrain(t *testing.T) {
	r := newRand(7)
	g := newGraph()
	x := g.i8("x", 0.05, 3, 1, 14, 14, 384)
	w := g.tensor("dw.w", format.Int8, []int{384, 3, 3, 1}, perTensor(0.01, 0), int8Bytes(randInt8(r, 384*9, -127, 127)))
	b := g.tensor("dw.b", format.Int32, []int{384}, perTensor(0.0005, 0), int32Bytes(randInt32(r, 384, -3000, 3000)))
	d := g.i8("dw", 0.04, -3, 1, 14, 14, 384)
	g.op(format.OpConv2D, "dw", &format.Conv2DOptions{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Groups: 384}, x, w, b, d)
	m := mustLoad(t, g.io([]int{x}, d))
	if m.ops[0].minGrain < 2 {
		t.Skipf("variant %s prepares no pair-row depthwise kernel (minGrain %d)", kernels.BestVariant(), m.ops[0].minGrain)
	}
	one, err := m.NewInterpreter(Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	two, err := m.NewInterpreter(Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer two.Close()
	s := two.steps[0]
	if len(s.bounds) != 3 {
		t.Fatalf("the 14-row depthwise layer is not split over 2 threads: bounds %v", s.bounds)
	}
	if s.grain < 2 {
		t.Errorf("grain %d rows, want at least the kernel's MinGrain %d", s.grain, m.ops[0].minGrain)
	}
	in := randInt8(r, 14*14*384, -128, 127)
	for _, it := range []*Interpreter{one, two} {
		copy(it.Input(0).Int8(), in)
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
	}
	a, c := one.Output(0).Int8(), two.Output(0).Int8()
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("output %d: 2 threads %d, 1 thread %d", i, c[i], a[i])
		}
	}
}
