package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/testmodels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// suiteModel is one model of the test suite in one of its two forms.
type suiteModel struct {
	name   string
	model  *format.Model
	inputs [][][]float32
}

func suiteModels(t *testing.T) []suiteModel {
	t.Helper()
	var ms []suiteModel
	for _, c := range testmodels.All() {
		f, err := c.Float32()
		if err != nil {
			t.Fatalf("%s float32: %v", c.Name, err)
		}
		q, err := c.Int8()
		if err != nil {
			t.Fatalf("%s int8: %v", c.Name, err)
		}
		ms = append(ms, suiteModel{c.Name + "/float32", f, c.Inputs}, suiteModel{c.Name + "/int8", q, c.Inputs})
	}
	return ms
}

// run sets sample s, runs, and returns a copy of every output's bytes.
func run(t *testing.T, it *runtime.Interpreter, sample [][]float32) [][]byte {
	t.Helper()
	for i, x := range sample {
		if err := it.SetInputFloat32(i, x, format.NHWC); err != nil {
			t.Fatal(err)
		}
	}
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	outs := make([][]byte, it.OutputCount())
	for k := range outs {
		outs[k] = slices.Clone(it.Output(k).Bytes())
	}
	return outs
}

// TestSuite runs every model of internal/testmodels: the arena stays
// within 10% of its lower bound, the outputs are the same bytes at 1, 2
// and 3 threads, and Run allocates nothing at 1 and 2 threads.
func TestSuite(t *testing.T) {
	for _, sm := range suiteModels(t) {
		t.Run(sm.name, func(t *testing.T) {
			m, err := runtime.LoadModel(sm.model)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			ratio := float64(m.ArenaBytes()) / float64(m.ArenaLowerBound())
			t.Logf("%d ops, %d MACs, arena %d B, lower bound %d B (%.3fx, %s)",
				len(m.Ops()), m.MACs(), m.ArenaBytes(), m.ArenaLowerBound(), ratio, m.ArenaStrategy())
			if ratio > 1.1 {
				t.Errorf("arena %d B is %.3fx the lower bound %d B; want <= 1.1x", m.ArenaBytes(), ratio, m.ArenaLowerBound())
			}
			var want [][][]byte
			for _, threads := range []int{1, 2, 3} {
				it, err := m.NewInterpreter(runtime.Options{Threads: threads})
				if err != nil {
					t.Fatal(err)
				}
				for s, sample := range sm.inputs {
					got := run(t, it, sample)
					if threads == 1 {
						want = append(want, got)
						continue
					}
					for k := range got {
						if !slices.Equal(got[k], want[s][k]) {
							t.Errorf("threads %d, sample %d: output %d differs from one thread", threads, s, k)
						}
					}
				}
				if threads <= 2 {
					if allocs := testing.AllocsPerRun(5, func() { it.Run() }); allocs != 0 {
						t.Errorf("threads %d: Run allocates %v times", threads, allocs)
					}
				}
				it.Close()
			}
		})
	}
}

// TestSuiteShuffleFused checks that the suite's int8 ShuffleNet block runs
// its channel shuffles as fused interleaves, so that the golden hashes of
// TestCrossArchGolden and the variants of TestSuiteVariants cover
// fuseChannelShuffle.
func TestSuiteShuffleFused(t *testing.T) {
	for _, sm := range suiteModels(t) {
		if sm.name != "shufflenet_block/int8" {
			continue
		}
		m, err := runtime.LoadModel(sm.model)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		n := 0
		for _, op := range m.Ops() {
			if op.Kernel == "Interleave" {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no channel shuffle was fused into an Interleave", sm.name)
		}
		return
	}
	t.Fatal("the suite has no shufflenet_block/int8")
}
