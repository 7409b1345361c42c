package runtime

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// A ParallelJob computes every unit exactly once, on any thread count,
// between runs, and allocates nothing.
func TestRunParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 17))
	m := mustLoad(t, mobileNetV2Like(r))
	for _, threads := range []int{1, 2, 3} {
		it := mustInterpreter(t, m, threads)
		for _, units := range []int{0, 1, 7, 224, 1000} {
			counts := make([]atomic.Int32, units)
			calls := atomic.Int32{}
			job := it.NewParallelJob(units, int64(units)*10000, func(lo, hi int) {
				calls.Add(1)
				for u := lo; u < hi; u++ {
					counts[u].Add(1)
				}
			})
			for round := range 3 {
				if err := it.Run(); err != nil {
					t.Fatal(err)
				}
				if err := it.RunParallel(job); err != nil {
					t.Fatal(err)
				}
				for u := range counts {
					if c := counts[u].Load(); c != int32(round+1) {
						t.Fatalf("threads %d, %d units: unit %d computed %d times after %d jobs", threads, units, u, c, round+1)
					}
				}
			}
			if threads > 1 && units >= 224 && calls.Load() < 2*3 {
				t.Errorf("threads %d, %d units: %d calls in 3 jobs: the job was never split", threads, units, calls.Load())
			}
			if allocs := testing.AllocsPerRun(20, func() { it.RunParallel(job) }); allocs != 0 {
				t.Errorf("threads %d: RunParallel allocates %v times", threads, allocs)
			}
		}
		it.Close()
		if err := it.RunParallel(it.NewParallelJob(1, 1, func(int, int) {})); err == nil {
			t.Error("RunParallel on a closed interpreter: no error")
		}
	}
}
