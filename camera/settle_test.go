package camera

import (
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"testing"
)

// Threads reserved are kept and reused: once reserveThreads has made as
// many as settleRuntime asks for n goroutines, a burst of n goroutines
// each holding a thread (locked to it) creates none.
func TestReserveThreadsKeepsThemForReuse(t *testing.T) {
	threads := pprof.Lookup("threadcreate") // every M the runtime made
	const n = 12
	reserveThreads(n + runtime.GOMAXPROCS(0) + 3)
	after := threads.Count()
	if after < n {
		t.Fatalf("%d threads after reserving %d", after, n)
	}
	reserveThreads(n)
	if again := threads.Count(); again != after {
		t.Errorf("a burst of %d locked goroutines made %d new threads; want them reused", n, again-after)
	}
}

// fillSudogCaches(n) leaves n sudogs for later blocking to reuse: a GC
// drops the runtime's central list, so the next n-case select allocates
// the sudogs the Ps' caches cannot hold; after a fill it allocates only
// its own bookkeeping (its channels, the reflect.Select cases).
func TestFillSudogCachesKeepsThem(t *testing.T) {
	const n = 6 * sudogCacheCap
	fill := func() uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fillSudogCaches(n)
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	fill()
	// Every sudog comes from the caches here. (The goroutine of the
	// previous fill may still be exiting when the next starts one, which
	// then allocates a g: the least of a few is the select's own count.)
	own := min(fill(), fill(), fill())
	runtime.GC()
	afterGC := fill()
	procs := uint64(runtime.GOMAXPROCS(0))
	if afterGC < own+n-procs*sudogCacheCap {
		t.Fatalf("control: a %d-case select after a GC made %d allocations, %d without one; want %d or more sudogs allocated",
			n, afterGC, own, n-procs*sudogCacheCap)
	}
	// Without the fill it would be hundreds more (the control); allow a
	// few for goroutine records. A GC between the two fills would drop the
	// sudogs again, so the collector is off for this measurement (CI once
	// counted 63 more, on a machine loaded by other tests).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if again := fill(); again > own+4 {
		t.Errorf("a %d-case select after fillSudogCaches(%d) made %d allocations; want its own %d", n, n, again, own)
	}
}
