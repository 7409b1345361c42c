package runtime

import "sync"

// chunk is one worker's share of an op: work units [lo, hi) of run.
type chunk struct {
	run    func(lo, hi int)
	lo, hi int
}

// pool is a fixed set of worker goroutines, created with the interpreter
// and stopped by its Close. Each worker has its own channel (buffered, so
// handing out work never blocks the caller); the caller computes the first
// chunk itself and then waits for the rest. Sending a chunk copies three
// words into the channel's buffer, so a run allocates nothing.
type pool struct {
	work []chan chunk
	busy sync.WaitGroup // chunks handed out and not yet finished
	done sync.WaitGroup // running workers
}

func newPool(workers int) *pool {
	p := &pool{work: make([]chan chunk, workers)}
	p.done.Add(workers)
	for i := range p.work {
		p.work[i] = make(chan chunk, 1)
		go p.worker(p.work[i])
	}
	return p
}

func (p *pool) worker(work <-chan chunk) {
	defer p.done.Done()
	for c := range work {
		c.run(c.lo, c.hi)
		p.busy.Done()
	}
}

// run computes s's chunks: chunk 0 on the calling goroutine, chunk k on
// worker k-1, and returns when all are done.
func (p *pool) run(s *step) {
	n := len(s.bounds) - 1
	p.busy.Add(n - 1)
	for k := 1; k < n; k++ {
		p.work[k-1] <- chunk{s.run, s.bounds[k], s.bounds[k+1]}
	}
	s.run(s.bounds[0], s.bounds[1])
	p.busy.Wait()
}

// stop ends the workers and waits for them to exit.
func (p *pool) stop() {
	for _, w := range p.work {
		close(w)
	}
	p.done.Wait()
}
