package runtime

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolCoversEveryUnitOnce runs many ops of random sizes, shares and
// grains through pools of 2 to 8 threads, with GOMAXPROCS above and below
// the thread count (polling and blocking handoffs), and checks that every
// unit of every op was computed exactly once before run returned.
func TestPoolCoversEveryUnitOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 8} {
		for _, threads := range []int{2, 3, 8} {
			t.Run(fmt.Sprintf("GOMAXPROCS=%d/threads=%d", procs, threads), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				r := rand.New(rand.NewPCG(uint64(procs), uint64(threads)))
				p := newPool(threads - 1)
				defer p.stop()
				counts := make([]atomic.Int32, 4096)
				for op := range 300 {
					units := 1 + r.IntN(len(counts))
					work := r.Int64N(int64(units) * 64)
					s := step{run: func(lo, hi int) {
						for u := lo; u < hi; u++ {
							counts[u].Add(1)
						}
					}}
					s.bounds, s.grain = chunkBounds(units, work, threads, r.IntN(2*maxRereadBytes))
					if len(s.bounds) == 2 {
						s.bounds = []int{0, units / 2, units} // force a split
					}
					p.run(&s)
					for u := range units {
						if n := counts[u].Swap(0); n != 1 {
							t.Fatalf("op %d (%d units, bounds %v, grain %d): unit %d computed %d times", op, units, s.bounds, s.grain, u, n)
						}
					}
				}
			})
		}
	}
}

// TestPoolSlowParticipant stalls whichever participant takes unit 0 (its
// owner is the caller) and checks that the others took over the units it
// would have computed: work goes to whoever is free, not by fixed halves.
func TestPoolSlowParticipant(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two Ps to run the caller and a worker at once")
	}
	p := newPool(1)
	defer p.stop()
	const units = 64
	var owner [units]atomic.Int32 // 1 + goroutine role: 1 caller, 2 worker
	s := step{bounds: []int{0, units / 2, units}, grain: 1}
	s.run = func(lo, hi int) {
		role := int32(2)
		if lo == 0 {
			// The caller's first grain: hold it until the worker has
			// finished its own share and stolen the rest.
			deadline := time.Now().Add(2 * time.Second)
			for p.shares[0].r.Load()>>32 < p.shares[0].r.Load()&0xffffffff && time.Now().Before(deadline) {
			}
			role = 1
		}
		for u := lo; u < hi; u++ {
			owner[u].Store(role)
		}
	}
	p.run(&s)
	stolen := 0
	for u := 1; u < units/2; u++ {
		if owner[u].Load() == 2 {
			stolen++
		}
	}
	if stolen != units/2-1 {
		t.Errorf("the worker computed %d of the %d units left in the stalled caller's share, want all", stolen, units/2-1)
	}
	for u := units / 2; u < units; u++ {
		if owner[u].Load() != 2 {
			t.Fatalf("unit %d of the worker's share was not computed by it", u)
		}
	}
}

// TestPoolIdleWorkersBlock checks that workers stop polling after a run's
// last parallel op: a process that waits between runs (a camera between
// frames) must not keep a core busy.
func TestPoolIdleWorkersBlock(t *testing.T) {
	p := newPool(1)
	defer p.stop()
	for _, last := range []bool{false, true} {
		s := step{run: func(lo, hi int) {}, bounds: []int{0, 1, 2}, grain: 1, last: last}
		p.run(&s)
	}
	start := time.Now()
	for {
		sleeping := 0
		for _, w := range p.workers {
			if w.state.Load() == asleep {
				sleeping++
			}
		}
		if sleeping == len(p.workers) {
			t.Logf("all workers blocked %v after the last op", time.Since(start))
			return
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("%d of %d workers still polling 2s after the last op", len(p.workers)-sleeping, len(p.workers))
		}
	}
}

func TestChunkBounds(t *testing.T) {
	for _, c := range []struct {
		units   int
		work    int64
		threads int
		consts  int
		bounds  []int
		grain   int
	}{
		// Too little work to share: one chunk, claimed whole.
		{units: 100, work: 2*minChunkWork - 1, threads: 2, bounds: []int{0, 100}, grain: 100},
		// Two shares of 50 units and 2048 work: one grain each.
		{units: 100, work: 2 * minChunkWork, threads: 2, bounds: []int{0, 50, 100}, grain: 50},
		// Two shares of 4704 units and work: two grains of 2352 each.
		{units: 9408, work: 9408, threads: 2, bounds: []int{0, 4704, 9408}, grain: 2352},
		// Plenty of work: 8 grains of the 2091/2 = 1046-unit share.
		{units: 2091, work: 677376, threads: 2, bounds: []int{0, 1045, 2091}, grain: 131},
		// Fewer units than threads: one unit each.
		{units: 3, work: 1 << 20, threads: 8, bounds: []int{0, 1, 2, 3}, grain: 1},
		// MobileNetV2's 7x7 GEMMs: 9 panels, 4 and 5.
		{units: 9, work: 470400, threads: 2, bounds: []int{0, 4, 9}, grain: 1},
		// The same with more weights than stay cached between calls: whole shares.
		{units: 9, work: 470400, threads: 2, consts: maxRereadBytes + 1, bounds: []int{0, 4, 9}, grain: 5},
		{units: 2091, work: 677376, threads: 2, consts: maxRereadBytes + 1, bounds: []int{0, 1045, 2091}, grain: 1046},
	} {
		bounds, grain := chunkBounds(c.units, c.work, c.threads, c.consts)
		if fmt.Sprint(bounds) != fmt.Sprint(c.bounds) || grain != c.grain {
			t.Errorf("chunkBounds(%d, %d, %d, %d) = %v, %d; want %v, %d", c.units, c.work, c.threads, c.consts, bounds, grain, c.bounds, c.grain)
		}
	}
}
