package train

import (
	"runtime"
	"sync"
)

// Threads is how many goroutines the engine's loops use (0: GOMAXPROCS).
var Threads int

func threads() int {
	if Threads > 0 {
		return Threads
	}
	return runtime.GOMAXPROCS(0)
}

// parallelFor calls body(lo, hi) on contiguous chunks of [0, n) from
// several goroutines. Bodies write disjoint outputs, so the result does not
// depend on the split.
func parallelFor(n int, body func(lo, hi int)) {
	t := min(threads(), n)
	if t <= 1 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	step := (n + t - 1) / t
	for lo := 0; lo < n; lo += step {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			body(lo, hi)
		}(lo, min(lo+step, n))
	}
	wg.Wait()
}
