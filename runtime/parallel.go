package runtime

// ParallelJob is work outside the model that an application runs on the
// interpreter's threads between runs, such as preparing the next input
// (camera frames): units [0, n) computed by fn(lo, hi) on disjoint ranges,
// shared and stolen exactly like an op's units. It is made once, so
// running it allocates nothing.
type ParallelJob struct {
	s step
}

// NewParallelJob prepares fn over units [0, units), work being the
// job's cost in the units of the ops' estimates (about one per
// multiply-add or byte touched): a job below 2 × 2048 stays on the
// calling goroutine. fn must compute each unit the same way whatever
// range it is called with, so results do not depend on the threads. Like
// RunParallel, it must not be called while Run or another job runs.
func (it *Interpreter) NewParallelJob(units int, work int64, fn func(lo, hi int)) *ParallelJob {
	j := &ParallelJob{s: step{run: fn, op: -1}}
	threads := it.threads
	if it.pool == nil && threads > 1 && !it.closed {
		it.pool = newPool(threads - 1) // the model splits no op of its own
	}
	j.s.bounds, j.s.grain = chunkBounds(max(units, 0), work, threads, 0)
	j.s.last = true // the workers may rest after it, as after a run
	return j
}

// RunParallel computes j's units on the interpreter's threads and returns
// when all are done. A worker that is slow to wake has its share taken by
// the caller, so the job takes at most as long as on one thread. It must
// not run at the same time as Run.
func (it *Interpreter) RunParallel(j *ParallelJob) error {
	if it.closed {
		return errClosed
	}
	s := &j.s
	if len(s.bounds) <= 2 {
		if len(s.bounds) == 2 {
			s.run(s.bounds[0], s.bounds[1])
		}
		return nil
	}
	it.pool.run(s)
	return nil
}
