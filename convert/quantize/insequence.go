package quantize

import (
	"runtime"
	"sync"
)

// eachSample calls work for samples 0..n-1 on up to workers goroutines
// (samples are handed out in ascending order) and lets them contribute to
// shared statistics in sample order: work(w, s, apply) computes sample s
// on worker w (0 <= w < workers, so per-worker state can be indexed by it)
// and calls apply(k, f) exactly once for every statistic k in [0, stats);
// apply runs f after statistic k's f of sample s-1 returned, whichever
// goroutine computed that one. Floating-point sums and histograms that f
// updates therefore see the samples in the order of a serial loop, and the
// results do not depend on workers.
//
// The error is that of the lowest-numbered failing sample, as in a serial
// loop: samples after it are abandoned (their pending applies return
// without running f), samples before it complete. progress, if set, is
// called after each completed sample with the count completed so far
// (calls are serialized).
func eachSample(n, workers, stats int, progress func(done, total int), work func(w, s int, apply func(k int, f func())) error) error {
	workers = max(1, min(workers, n))
	q := &sequence{next: make([]int, stats), stop: n, errs: make(map[int]error)}
	q.cond.L = &q.mu
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				s, ok := q.take()
				if !ok {
					return
				}
				apply := func(k int, f func()) {
					if q.wait(k, s) {
						f()
						q.done(k)
					}
				}
				if err := work(w, s, apply); err != nil {
					q.fail(s, err)
					return
				}
				q.progress(progress, s, n)
			}
		})
	}
	wg.Wait()
	if q.stop < n {
		return q.errs[q.stop]
	}
	return nil
}

// sequence is the shared state of eachSample.
type sequence struct {
	mu    sync.Mutex
	cond  sync.Cond
	next  []int // per statistic: the sample whose contribution is due
	taken int   // samples handed out
	stop  int   // the lowest failed sample (n: none); later ones are abandoned
	errs  map[int]error

	progressMu sync.Mutex
	completed  int
}

func (q *sequence) take() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.taken >= q.stop {
		return 0, false
	}
	q.taken++
	return q.taken - 1, true
}

// wait blocks until statistic k is due for sample s; false means s was
// abandoned.
func (q *sequence) wait(k, s int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.next[k] != s && s < q.stop {
		q.cond.Wait()
	}
	return s < q.stop
}

func (q *sequence) done(k int) {
	q.mu.Lock()
	q.next[k]++
	q.mu.Unlock()
	q.cond.Broadcast()
}

func (q *sequence) fail(s int, err error) {
	q.mu.Lock()
	q.errs[s] = err
	q.stop = min(q.stop, s)
	q.mu.Unlock()
	q.cond.Broadcast()
}

// progress counts sample s as completed unless it was abandoned.
func (q *sequence) progress(progress func(done, total int), s, n int) {
	q.mu.Lock()
	abandoned := s >= q.stop
	q.mu.Unlock()
	if progress == nil || abandoned {
		return
	}
	q.progressMu.Lock()
	defer q.progressMu.Unlock()
	q.completed++
	progress(q.completed, n)
}

// workerCount is the number of goroutines for n samples: opts.Workers, or
// GOMAXPROCS when it is 0.
func workerCount(opts Options, n int) int {
	w := opts.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, n))
}
