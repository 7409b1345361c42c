package runtime

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool is a fixed set of worker goroutines, created with the interpreter
// and stopped by its Close, that compute each op together with the
// calling goroutine.
//
// Work is shared by claiming, not by handing out fixed chunks. Each
// participant (the caller is participant 0, worker k is participant k)
// owns one contiguous range of the op's units, the same part of the
// tensors op after op, so that its caches hold what it wrote. It claims
// grains (step.grain units) from the front of its range; when its range
// is empty it steals grains from the back of the others'. So a thread that
// runs slower (the two vCPUs of a VM differ by up to a third under load),
// starts late (a worker woken from its channel needs 30-90 µs) or got the
// bigger share of a 4-versus-5 tile split does not hold up the op: with
// fixed halves, MobileNetV2's ops finished at the speed of the slower
// thread, 1.1-1.5x faster than one thread instead of 1.7-1.9x.
//
// Handoff. An op takes a few to hundreds of microseconds, so the caller
// publishes an op by storing one atomic word (seq) that the workers poll
// (for spinInRun within a run, spinFor after its last parallel op) before
// they block on a channel; a goroutine woken from a
// channel is queued on the waker's P and starts only when that P yields or
// another steals it, which costs tens of microseconds per op. The polls are
// short because on an oversubscribed machine a polling thread takes CPU
// time from the one doing the work, and a camera process must not burn a
// core between frames; polling is skipped altogether when GOMAXPROCS does
// not let every thread run at once. Neither side calls runtime.Gosched
// while polling: that made the Go runtime allocate about once per run.
//
// Completion. A worker joins an op (counted in seq) before touching it and
// leaves when nothing is left to claim. After its own share, the caller
// closes the op to joins and waits only for the workers that joined: a
// worker still waking up finds the op closed and skips it, so a late
// worker costs nothing. Publishing, joining and leaving write one atomic
// word each and a wake-up sends on a buffered channel, so a run allocates
// nothing.
type pool struct {
	seq    atomic.Uint64 // generation<<genShift | flags | joined workers
	_      [56]byte      // keep seq, which the workers poll, on its own cache line
	job    *step         // the op of the current generation
	spin   atomic.Bool   // whether the caller and every worker can run at once (GOMAXPROCS)
	shares []share       // per participant: its unclaimed units
	done   chan struct{} // capacity 1: the last joined worker wakes a caller blocked in close
	// workers and exited are used by stop.
	workers []*worker
	exited  sync.WaitGroup
}

// seq layout: the low 16 bits count the workers that joined the current
// generation's op; flags follow; the generation is the upper 32 bits.
const (
	joinedMask = 1<<16 - 1
	closedBit  = 1 << 16 // no more joins: the caller has finished its share
	waiterBit  = 1 << 17 // the caller blocks on done until joined is 0
	stopBit    = 1 << 18 // the pool is stopping
	lastBit    = 1 << 19 // the op is the last one of a run to use the workers
	genShift   = 32
)

// share is one participant's unclaimed units [next, end), packed as
// next<<32 | end so that its owner (claiming from the front) and thieves
// (claiming from the back) agree with one compare-and-swap.
type share struct {
	r atomic.Uint64
	_ [56]byte // one cache line per share: owners claim without contention
}

// Worker states, for the wake-up handshake.
const (
	awake  = iota // polling seq or working
	asleep        // about to block, or blocked, on wake
)

// worker is one worker goroutine's wake-up channel.
type worker struct {
	id    int // participant index, 1 and up
	state atomic.Int32
	wake  chan struct{} // capacity 1; one token per asleep->awake by the caller; closed by stop
	_     [40]byte      // keep the workers' hot words on separate cache lines
}

// spinFor is how long the caller polls for the joined workers to finish
// an op, and a worker polls for the next op after a run's last parallel
// op, before blocking: an idle interpreter (a camera process between
// frames) stops polling within 50 µs of its last op.
const spinFor = 50 * time.Microsecond

// spinInRun is how long a worker polls for the next op within a run. It
// covers the stretches of ops that run on the caller alone
// (EfficientNet-B0's squeeze-and-excitation blocks: a global mean and
// tiny convolutions, 40-170 µs), so the workers are polling, not asleep,
// when the next parallel op comes; a worker found asleep joins 30-90 µs
// late. Wake-ups per EfficientNet-B0 run, by window: 50 µs 5.2, 100 µs
// 0.43, 200 µs 0.07, 300 µs 0.02. It stays short of longer windows
// because on an oversubscribed machine (more runnable threads than cores)
// a polling worker takes CPU time from the threads doing the work: with
// 500 µs, 2 threads ran MobileNetV2 30% slower than with 50 µs at a load
// average of 20 on 2 cores.
const spinInRun = 200 * time.Microsecond

// parallel reports whether the caller and every worker can run at once
// (GOMAXPROCS is not below the thread count); polling only pays then.
func (p *pool) parallel() bool { return runtime.GOMAXPROCS(0) > len(p.workers) }

func newPool(workers int) *pool {
	p := &pool{
		workers: make([]*worker, workers),
		shares:  make([]share, workers+1),
		done:    make(chan struct{}, 1),
	}
	p.exited.Add(workers)
	for i := range p.workers {
		w := &worker{id: i + 1, wake: make(chan struct{}, 1)}
		p.workers[i] = w
		go p.work(w)
	}
	return p
}

func (p *pool) work(w *worker) {
	defer p.exited.Done()
	var seen uint64 // the last generation this worker saw
	window := spinFor
	for {
		s, ok := p.await(w, seen, window)
		if !ok {
			return
		}
		seen = s >> genShift
		if p.join(seen) {
			p.share(w.id, p.job)
			p.leave()
		}
		window = spinInRun
		if s&lastBit != 0 {
			window = spinFor
		}
	}
}

// await returns seq once it holds an op of a generation other than seen,
// false once the pool is stopping: it polls seq for window, then blocks on
// w.wake.
func (p *pool) await(w *worker, seen uint64, window time.Duration) (seq uint64, ok bool) {
	if p.spin.Load() {
		start := time.Now()
		for spins := 1; ; spins++ {
			if s := p.seq.Load(); s>>genShift != seen || s&stopBit != 0 {
				return s, s&stopBit == 0
			}
			if spins%64 == 0 && time.Since(start) >= window {
				break
			}
		}
	}
	for {
		w.state.Store(asleep)
		if s := p.seq.Load(); s>>genShift != seen || s&stopBit != 0 {
			if !w.state.CompareAndSwap(asleep, awake) {
				<-w.wake // the caller saw asleep and sent a token: take it
			}
			return s, s&stopBit == 0
		}
		if _, ok := <-w.wake; !ok {
			return 0, false
		}
	}
}

// join counts the calling worker in on generation gen's op, unless the
// caller has closed it (or a newer op replaced it) meanwhile.
func (p *pool) join(gen uint64) bool {
	for {
		s := p.seq.Load()
		if s>>genShift != gen || s&(closedBit|stopBit) != 0 {
			return false
		}
		if p.seq.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// leave ends a worker's part in the current op, waking the caller if it
// is blocked waiting for the last one.
func (p *pool) leave() {
	if s := p.seq.Add(^uint64(0)); s&joinedMask == 0 && s&waiterBit != 0 {
		p.done <- struct{}{}
	}
}

// run computes s with the workers and returns when all its units are
// done. s.bounds gives participant k the units [bounds[k], bounds[k+1]);
// participants beyond them start with nothing and only steal.
func (p *pool) run(s *step) {
	n := len(s.bounds) - 1
	for k := range p.shares {
		var r uint64
		if k < n {
			r = uint64(s.bounds[k])<<32 | uint64(s.bounds[k+1])
		}
		p.shares[k].r.Store(r)
	}
	p.job = s
	if sp := p.parallel(); p.spin.Load() != sp {
		p.spin.Store(sp) // stored only on change: the workers poll its cache line
	}
	next := (p.seq.Load()>>genShift + 1) << genShift // open, nobody joined
	if s.last {
		next |= lastBit
	}
	p.seq.Store(next)
	for _, w := range p.workers[:n-1] {
		if w.state.Load() == asleep && w.state.CompareAndSwap(asleep, awake) {
			w.wake <- struct{}{}
		}
	}
	p.share(0, s)
	p.close()
}

// share computes participant k's units, then steals from the others.
func (p *pool) share(k int, s *step) {
	own := &p.shares[k].r
	for {
		lo, hi, ok := claimFront(own, s.grain)
		if !ok {
			break
		}
		s.run(lo, hi)
	}
	for j := 1; j < len(p.shares); j++ {
		victim := &p.shares[(k+j)%len(p.shares)].r
		for {
			lo, hi, ok := claimBack(victim, s.grain)
			if !ok {
				break
			}
			s.run(lo, hi)
		}
	}
}

// close stops further joins to the current op and waits for the workers
// that joined it to leave.
func (p *pool) close() {
	if p.seq.Or(closedBit)&joinedMask == 0 {
		return
	}
	if p.spin.Load() {
		start := time.Now()
		for spins := 1; ; spins++ {
			if p.seq.Load()&joinedMask == 0 {
				return
			}
			if spins%64 == 0 && time.Since(start) >= spinFor {
				break
			}
		}
	}
	for {
		s := p.seq.Load()
		if s&joinedMask == 0 {
			return
		}
		if p.seq.CompareAndSwap(s, s|waiterBit) {
			<-p.done
			return
		}
	}
}

// claimFront takes up to grain units from the front of r.
func claimFront(r *atomic.Uint64, grain int) (lo, hi int, ok bool) {
	for {
		old := r.Load()
		next, end := int(old>>32), int(uint32(old))
		if next >= end {
			return 0, 0, false
		}
		stop := min(next+grain, end)
		if r.CompareAndSwap(old, uint64(stop)<<32|uint64(end)) {
			return next, stop, true
		}
	}
}

// claimBack takes up to grain units from the back of r.
func claimBack(r *atomic.Uint64, grain int) (lo, hi int, ok bool) {
	for {
		old := r.Load()
		next, end := int(old>>32), int(uint32(old))
		if next >= end {
			return 0, 0, false
		}
		start := max(end-grain, next)
		if r.CompareAndSwap(old, uint64(next)<<32|uint64(start)) {
			return start, end, true
		}
	}
}

// stop ends the workers and waits for them to exit.
func (p *pool) stop() {
	p.seq.Or(stopBit)
	for _, w := range p.workers {
		close(w.wake)
	}
	p.exited.Wait()
}
