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
// them, so the handoff must cost far less than that. A goroutine woken
// from a channel or a WaitGroup is queued on the waker's P (runnext) and
// starts only when that P yields or another P steals it: with blocking
// handoffs alone, 2 threads ran EfficientNet-B0 in 15.4 ms against 16.9 ms
// for 1 (best of 30, real-time priority on a 2-core VM). So, when
// GOMAXPROCS lets every thread run at once, a worker that finished a
// chunk polls for the next one for spinFor before it blocks on its
// channel, and the caller polls the pending count for spinFor before it
// blocks on the WaitGroup; a chunk posted to a polling worker is picked up
// without the scheduler (12.8 ms; MobileNetV2 9.2 -> 5.1-6.1 ms at 1 -> 2
// threads). The polls are short because on an oversubscribed machine a
// polling thread takes CPU time from the one doing the work (1 ms polls
// made 2 threads several times slower there). Neither side calls
// runtime.Gosched while polling: that made the Go runtime allocate about
// once per run. Handing over a chunk writes three words and one atomic, or
// sends it on a buffered channel, so a run allocates nothing.
type pool struct {
	workers []*worker
	pending atomic.Int32   // chunks handed out and not yet finished
	busy    sync.WaitGroup // the same count, for a caller that stopped spinning
	done    sync.WaitGroup // running workers
}

// Worker states.
const (
	blocked  = iota // waiting on work (or running a chunk received from it)
	spinning        // polling state for a posted chunk
	posted          // c holds a chunk for a spinning worker
)

// worker is one worker goroutine's mailbox.
type worker struct {
	p     *pool
	c     chunk
	state atomic.Int32
	work  chan chunk // capacity 1; closed by stop
	_     [64]byte   // keep the workers' hot words on separate cache lines
}

// spinFor is how long a worker polls for the next chunk, and the caller
// for the workers' chunks, before blocking: about the gap between two
// parallel ops of a run, and a fraction of an op.
const spinFor = 50 * time.Microsecond

// parallel reports whether the caller and every worker can run at once
// (GOMAXPROCS is not below the thread count); spinning only pays then.
func (p *pool) parallel() bool { return runtime.GOMAXPROCS(0) > len(p.workers) }

func newPool(workers int) *pool {
	p := &pool{workers: make([]*worker, workers)}
	p.done.Add(workers)
	for i := range p.workers {
		w := &worker{p: p, work: make(chan chunk, 1)}
		p.workers[i] = w
		go p.work(w)
	}
	return p
}

func (p *pool) work(w *worker) {
	defer p.done.Done()
	for {
		c, ok := w.next()
		if !ok {
			return
		}
		c.run(c.lo, c.hi)
		p.pending.Add(-1)
		p.busy.Done()
	}
}

// next returns the next chunk, false once the pool is stopped: it polls
// for a posted chunk for spinFor, then receives from work.
func (w *worker) next() (chunk, bool) {
	w.state.Store(spinning)
	start, spin := time.Now(), w.p.parallel()
	for spins := 1; spin; spins++ {
		if w.state.Load() == posted {
			w.state.Store(blocked)
			return w.c, true
		}
		if spins%64 == 0 && time.Since(start) >= spinFor {
			break
		}
	}
	if !w.state.CompareAndSwap(spinning, blocked) { // a chunk was posted meanwhile
		w.state.Store(blocked)
		return w.c, true
	}
	c, ok := <-w.work
	return c, ok
}

// post hands c to w: in place if w is spinning, else through its channel.
func (w *worker) post(c chunk) {
	w.c = c
	if w.state.CompareAndSwap(spinning, posted) {
		return
	}
	w.work <- c
}

// run computes s's chunks: chunk 0 on the calling goroutine, chunk k on
// worker k-1, and returns when all are done.
func (p *pool) run(s *step) {
	n := len(s.bounds) - 1
	p.pending.Store(int32(n - 1))
	p.busy.Add(n - 1)
	for k := 1; k < n; k++ {
		p.workers[k-1].post(chunk{s.run, s.bounds[k], s.bounds[k+1]})
	}
	s.run(s.bounds[0], s.bounds[1])
	if p.parallel() {
		start := time.Now()
		for spins := 1; p.pending.Load() != 0; spins++ {
			if spins%64 == 0 && time.Since(start) >= spinFor {
				break
			}
		}
	}
	p.busy.Wait()
}

// stop ends the workers and waits for them to exit.
func (p *pool) stop() {
	for _, w := range p.workers {
		close(w.work)
	}
	p.done.Wait()
}
