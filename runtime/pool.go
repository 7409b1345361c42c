package runtime

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// chunk is one worker's share of an op: work units [lo, hi) of run.
type chunk struct {
	run    func(lo, hi int)
	lo, hi int
}

// pool is a fixed set of worker goroutines, created with the interpreter
// and stopped by its Close. The caller computes the first chunk of each op
// itself and hands the others to the workers.
//
// An op takes tens to hundreds of microseconds and a run has dozens of
// them, so the handoff must cost far less than that, and waking a parked
// goroutine goes through the scheduler (measured on a loaded 2-core VM:
// 77 µs per op beyond the work at 2 threads). So both sides spin briefly
// before they park: a worker that finished a chunk polls its sequence
// number for spinFor, and the caller polls the pending count for spinFor
// before it sleeps until the last worker wakes it. The spins are short
// because on an oversubscribed machine a spinning thread takes CPU time
// from the one doing the work (spinning for 200 µs measured 360 µs per
// op). Posting a chunk writes three words and increments an atomic, so a
// run allocates nothing.
type pool struct {
	workers []*worker
	pending atomic.Int32   // chunks handed out and not yet finished
	done    sync.WaitGroup // running workers

	callerSleeping atomic.Bool
	callerWake     chan struct{} // capacity 1, like worker.wake
}

// worker is one worker goroutine's mailbox.
type worker struct {
	c        chunk         // the posted chunk, written before seq is incremented
	seq      atomic.Uint64 // chunks posted so far
	sleeping atomic.Bool   // the worker is parked on wake, or about to be
	stopped  atomic.Bool
	wake     chan struct{} // capacity 1: a token means "look at seq again"
	_        [64]byte      // keep workers' hot words on separate cache lines
}

// spinFor is how long a worker polls for the next chunk, and the caller
// for the workers' chunks, before parking: about the gap between two
// parallel ops of a run, and a small fraction of an op.
const spinFor = 30 * time.Microsecond

func newPool(workers int) *pool {
	p := &pool{workers: make([]*worker, workers), callerWake: make(chan struct{}, 1)}
	p.done.Add(workers)
	for i := range p.workers {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers[i] = w
		go p.work(w)
	}
	return p
}

func (p *pool) work(w *worker) {
	defer p.done.Done()
	for seen := uint64(0); w.await(seen); seen++ {
		w.c.run(w.c.lo, w.c.hi)
		if p.pending.Add(-1) == 0 && p.callerSleeping.Load() {
			select {
			case p.callerWake <- struct{}{}:
			default:
			}
		}
	}
}

// await returns true when chunk number seen+1 is posted, false when the
// pool stops. It spins for spinFor, then parks until post or stop wakes it.
func (w *worker) await(seen uint64) bool {
	start := time.Now()
	for spins := 0; ; spins++ {
		if w.seq.Load() != seen {
			return true
		}
		if w.stopped.Load() {
			return false
		}
		if spins%64 != 63 {
			continue
		}
		runtime.Gosched() // let the caller run if it shares this P
		if time.Since(start) < spinFor {
			continue
		}
		// Park. The re-check after announcing it closes the race with a
		// post that did not see sleeping yet; a stale token only causes
		// one extra look at seq.
		w.sleeping.Store(true)
		if w.seq.Load() == seen && !w.stopped.Load() {
			<-w.wake
		}
		w.sleeping.Store(false)
		start = time.Now()
	}
}

// post hands chunk c to worker w.
func (w *worker) post(c chunk) {
	w.c = c
	w.seq.Add(1)
	if w.sleeping.Load() {
		w.signal()
	}
}

// signal leaves a wake token unless one is already waiting.
func (w *worker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run computes s's chunks: chunk 0 on the calling goroutine, chunk k on
// worker k-1, and returns when all are done.
func (p *pool) run(s *step) {
	n := len(s.bounds) - 1
	p.pending.Store(int32(n - 1))
	for k := 1; k < n; k++ {
		p.workers[k-1].post(chunk{s.run, s.bounds[k], s.bounds[k+1]})
	}
	s.run(s.bounds[0], s.bounds[1])
	p.wait()
}

// wait returns when every posted chunk is done: it spins for spinFor,
// then sleeps until the last worker wakes it (the same announce, re-check,
// park protocol as worker.await).
func (p *pool) wait() {
	start := time.Now()
	for spins := 0; p.pending.Load() != 0; spins++ {
		if spins%64 != 63 {
			continue
		}
		runtime.Gosched() // a worker may need this P (GOMAXPROCS < threads)
		if time.Since(start) < spinFor {
			continue
		}
		p.callerSleeping.Store(true)
		if p.pending.Load() != 0 {
			<-p.callerWake
		}
		p.callerSleeping.Store(false)
		start = time.Now()
	}
}

// stop ends the workers and waits for them to exit.
func (p *pool) stop() {
	for _, w := range p.workers {
		w.stopped.Store(true)
		w.signal()
	}
	p.done.Wait()
}
