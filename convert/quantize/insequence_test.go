package quantize

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Whatever the number of workers and however long each sample takes, every
// statistic sees the samples in ascending order, and progress counts up to
// n.
func TestEachSampleOrder(t *testing.T) {
	const n, stats = 40, 5
	for _, workers := range []int{1, 2, 3, 8} {
		// delays[s] makes later samples finish first at times.
		r := rand.New(rand.NewPCG(uint64(workers), 7))
		delays := make([]time.Duration, n)
		for s := range delays {
			delays[s] = time.Duration(r.IntN(300)) * time.Microsecond
		}
		seen := make([][]int, stats) // written only inside apply
		var progress []int
		err := eachSample(n, workers, stats, func(done, total int) {
			if total != n {
				t.Errorf("progress total %d, want %d", total, n)
			}
			progress = append(progress, done)
		}, func(w, s int, apply func(int, func())) error {
			if w < 0 || w >= workers {
				t.Errorf("worker %d of %d", w, workers)
			}
			time.Sleep(delays[s])
			for k := stats - 1; k >= 0; k-- { // any order of statistics
				apply(k, func() { seen[k] = append(seen[k], s) })
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int, n)
		for s := range want {
			want[s] = s
		}
		for k, got := range seen {
			if !slices.Equal(got, want) {
				t.Errorf("%d workers: statistic %d saw samples %v", workers, k, got)
			}
		}
		want = want[:0]
		for s := range n {
			want = append(want, s+1)
		}
		if !slices.Equal(progress, want) {
			t.Errorf("%d workers: progress %v", workers, progress)
		}
	}
}

// The error is the lowest failing sample's, as in a serial loop, and the
// samples before it are all applied.
func TestEachSampleError(t *testing.T) {
	const n = 30
	failing := map[int]bool{11: true, 12: true, 25: true}
	for _, workers := range []int{1, 2, 4} {
		var applied []int
		err := eachSample(n, workers, 1, nil, func(w, s int, apply func(int, func())) error {
			// The later failures come first in time.
			time.Sleep(time.Duration(n-s) * 20 * time.Microsecond)
			if failing[s] {
				return fmt.Errorf("sample %d failed", s)
			}
			apply(0, func() { applied = append(applied, s) })
			return nil
		})
		if err == nil || err.Error() != "sample 11 failed" {
			t.Errorf("%d workers: error %v, want sample 11's", workers, err)
		}
		if len(applied) != 11 || applied[10] != 10 {
			t.Errorf("%d workers: applied %v, want samples 0 to 10", workers, applied)
		}
	}
}
