package runtime_test

import (
	"slices"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// TestSuiteVariants runs every model of internal/testmodels with every
// kernel variant this build and CPU run, at 1 and 2 threads, and requires
// the outputs to be the same bytes as the reference kernels' (purego).
func TestSuiteVariants(t *testing.T) {
	variants := kernels.Variants()
	t.Logf("variants: %v", variants)
	if len(variants) == 1 {
		t.Skip("this build runs only the reference kernels")
	}
	load := func(t *testing.T, sm suiteModel, v kernels.Variant) *runtime.Model {
		t.Helper()
		t.Setenv(runtime.VariantEnv, string(v))
		m, err := runtime.LoadModel(sm.model)
		if err != nil {
			t.Fatal(err)
		}
		if m.KernelVariant() != string(v) {
			t.Fatalf("loaded with variant %q, want %q", m.KernelVariant(), v)
		}
		return m
	}
	for _, sm := range suiteModels(t) {
		t.Run(sm.name, func(t *testing.T) {
			ref := load(t, sm, kernels.PureGo)
			defer ref.Close()
			it, err := ref.NewInterpreter(runtime.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			var want [][][]byte
			for _, sample := range sm.inputs {
				want = append(want, run(t, it, sample))
			}
			it.Close()
			for _, v := range variants[:len(variants)-1] {
				m := load(t, sm, v)
				for _, threads := range []int{1, 2} {
					it, err := m.NewInterpreter(runtime.Options{Threads: threads})
					if err != nil {
						t.Fatal(err)
					}
					for s, sample := range sm.inputs {
						got := run(t, it, sample)
						for k := range got {
							if !slices.Equal(got[k], want[s][k]) {
								t.Errorf("%s, %d threads, sample %d: output %d differs from purego", v, threads, s, k)
							}
						}
					}
					it.Close()
				}
				m.Close()
			}
		})
	}
}
