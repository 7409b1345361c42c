package runtime

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
)

func TestProfile(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 21))
	fm := mobileNetV2Like(r)
	m := mustLoad(t, fm)
	x := randInt8(r, 32*32*8, -128, 127)
	want := runOutputs(t, m, 1, x)
	for _, threads := range []int{1, 2} {
		it := mustInterpreter(t, m, threads)
		if p := it.Profile(); p.Runs != 0 || len(p.Ops) != 0 {
			t.Fatalf("profile before EnableProfile: %+v", p)
		}
		it.EnableProfile(true)
		if err := it.SetInputInt8(0, x); err != nil {
			t.Fatal(err)
		}
		const runs = 5
		var wall time.Duration
		for range runs {
			start := time.Now()
			if err := it.Run(); err != nil {
				t.Fatal(err)
			}
			wall += time.Since(start)
		}
		if got := it.Output(0).Bytes(); !slices.Equal(got, want[0]) {
			t.Errorf("threads %d: profiled run changes the output", threads)
		}
		p := it.Profile()
		if p.Runs != runs {
			t.Errorf("threads %d: %d profiled runs, want %d", threads, p.Runs, runs)
		}
		if len(p.Ops) != len(fm.Operators) {
			t.Fatalf("threads %d: %d ops in the profile, the plan has %d", threads, len(p.Ops), len(fm.Operators))
		}
		var sum time.Duration
		for i, op := range p.Ops {
			fop := &fm.Operators[i]
			out := &fm.Tensors[fop.Outputs[0]]
			if op.Index != i || op.Op != fop.Op || op.Name != fop.Name || op.Output != out.Name ||
				!slices.Equal(op.Shape, out.Shape) || op.MACs != m.ops[i].macs {
				t.Errorf("op %d: %+v does not describe operator %q", i, op, fop.Name)
			}
			if op.Time < 0 || op.Min < 0 || op.Min*runs > op.Time || (m.ops[i].bind == nil && op.Time != 0) {
				t.Errorf("op %d (%s): time %v, fastest %v over %d runs", i, op.Op, op.Time, op.Min, runs)
			}
			sum += op.Time
		}
		if sum <= 0 || sum > p.Total || p.Total > wall {
			t.Errorf("threads %d: op times sum to %v, profiled total %v, wall time of the runs %v; want 0 < sum <= total <= wall",
				threads, sum, p.Total, wall)
		}
		if allocs := testing.AllocsPerRun(20, func() { it.Run() }); allocs != 0 {
			t.Errorf("threads %d: profiled Run allocates %v times per run, want 0", threads, allocs)
		}
		it.ResetProfile()
		if p := it.Profile(); p.Runs != 0 || p.Total != 0 || slices.ContainsFunc(p.Ops, func(o OpTime) bool { return o.Time != 0 || o.Min != 0 }) {
			t.Errorf("threads %d: after ResetProfile: %+v", threads, p)
		}
		it.EnableProfile(false)
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		if p := it.Profile(); len(p.Ops) != 0 {
			t.Errorf("threads %d: profile after EnableProfile(false): %+v", threads, p)
		}
	}
}

// TestProfileKernelKinds checks OpTime.Kernel: views (the reshape) run
// nothing, and a variant with vector kernels computes every convolution
// and ADD of the MobileNetV2-like model with them (purego: none).
func TestProfileKernelKinds(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 22))
	fm := mobileNetV2Like(r)
	m := mustLoad(t, fm)
	it := mustInterpreter(t, m, 1)
	it.EnableProfile(true)
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	vectors := 0
	for i, op := range it.Profile().Ops {
		want := ""
		switch {
		case m.ops[i].bind == nil:
			want = "view"
		case m.variant == "purego":
			want = "reference"
		case op.Op == format.OpConv2D || op.Op == format.OpAdd:
			want = "vector"
		}
		if op.Kernel == "vector" {
			vectors++
		}
		if want != "" && op.Kernel != want {
			t.Errorf("variant %s, op %d (%s): kernel %q, want %q", m.variant, i, op.Op, op.Kernel, want)
		}
		if !slices.Contains([]string{"vector", "reference", "view"}, op.Kernel) {
			t.Errorf("op %d: kernel %q", i, op.Kernel)
		}
	}
	if m.variant != "purego" && vectors == 0 {
		t.Errorf("variant %s: no op reported as vector", m.variant)
	}
}

func TestConvDetail(t *testing.T) {
	for _, tc := range []struct {
		o           format.Conv2DOptions
		kh, kw, inC int
		want        string
	}{
		{format.Conv2DOptions{StrideH: 1, StrideW: 1, Groups: 1}, 1, 1, 32, "1x1"},
		{format.Conv2DOptions{StrideH: 2, StrideW: 2, Groups: 1}, 3, 3, 3, "3x3/2"},
		{format.Conv2DOptions{StrideH: 1, StrideW: 1, Groups: 96}, 3, 3, 96, "dw 3x3"},
		{format.Conv2DOptions{StrideH: 2, StrideW: 2, Groups: 96}, 5, 5, 96, "dw 5x5/2"},
		{format.Conv2DOptions{StrideH: 1, StrideW: 2, Groups: 4}, 3, 1, 32, "3x1 g4/1x2"},
	} {
		if got := convDetail(&tc.o, tc.kh, tc.kw, tc.inC); got != tc.want {
			t.Errorf("convDetail(%+v, %d, %d, %d) = %q, want %q", tc.o, tc.kh, tc.kw, tc.inC, got, tc.want)
		}
	}
}
