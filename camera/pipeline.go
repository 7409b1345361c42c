package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// Config sets up a Pipeline.
type Config struct {
	// Open opens the source; the pipeline calls it again to reconnect.
	Open func() (Source, error)
	// Latest selects latest-frame semantics (cameras, pipes): a frame that
	// waits while a newer one arrives is dropped. Otherwise every frame is
	// classified in order and capture waits for inference (files).
	Latest bool
	// Reconnect reopens the source with backoff when it fails or ends
	// (an unplugged camera, an exited command) instead of stopping.
	Reconnect bool

	Model       *runtime.Model
	Interpreter *runtime.Interpreter
	Preprocess  *Preprocessor
	Output      int // the classifier output of Interpreter
	TopK        int // classes per result (default 5)

	Sinks []Sink
	// Trigger, when non-nil, classifies only when it fires: each receive
	// takes the newest frame (waiting for one if none is new).
	Trigger <-chan struct{}

	// StallTimeout is how long without a frame counts as a stall, logged
	// and counted once per stall (default 2 s).
	StallTimeout time.Duration
	// MaxFrames stops after classifying this many frames (0: no limit).
	MaxFrames uint64
	// Log receives problems: corrupt frames, stalls, reconnects, sink
	// errors. Repeated messages are limited to one a second per kind.
	Log *log.Logger
	// SteadyWindow, when non-nil, is called on the inference goroutine
	// when the steady-state window opens (open: 100 frames in, right
	// before the malloc count is read) and closes (right after it is read
	// again, when classification ends); an allocation profiler starts and
	// stops there (cmd/edgeinfer camera --alloc-profile). What it
	// allocates is outside the count.
	SteadyWindow func(open bool)
}

// Pipeline classifies frames from a source: see the package doc.
type Pipeline struct {
	cfg    Config
	result Result
	stages [4]stageSamples // capture, preprocess, infer, end-to-end

	corrupt, stalls, reconnects atomic.Uint64
	sinkErrors                  uint64
	lastLog                     [logKinds]atomic.Int64 // unix nanos of the last message of each kind
	sinkLastLog                 []time.Time
	frameFmt                    string // the last frame's format and size, for the summary
	frameW, frameH              int
	framePF                     PixelFormat

	// Allocation accounting: the process's malloc count and GC cycles
	// once warmed up (after warmupFrames classified frames and
	// settleRuntime) and when the loop ends.
	warmMallocs, endMallocs uint64
	warmGCs, endGCs         uint32
	events, eventMallocs    uint64 // logged in the window, and what logging them allocated
	warmFrames, endFrames   uint64
	rss                     *rssReader
	rssStart, rssWarm       int64
}

// warmupFrames is how many classified frames the allocation count leaves
// out: buffers grow to the frame size, then settleRuntime prepares the
// runtime's own bookkeeping for the load.
const warmupFrames = 100

// Kinds of rate-limited log messages.
const (
	logCorrupt = iota
	logSource
	logStall
	logSink
	logKinds
)

// New checks cfg and prepares a pipeline.
func New(cfg Config) (*Pipeline, error) {
	if cfg.Open == nil || cfg.Interpreter == nil || cfg.Preprocess == nil {
		return nil, errors.New("camera: a pipeline needs Open, Interpreter and Preprocess")
	}
	if cfg.Interpreter.Output(cfg.Output) == nil {
		return nil, fmt.Errorf("camera: the model has no output %d", cfg.Output)
	}
	if cfg.TopK <= 0 {
		cfg.TopK = 5
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = 2 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	p := &Pipeline{cfg: cfg, sinkLastLog: make([]time.Time, len(cfg.Sinks))}
	p.result.Top = make([]runtime.Class, 0, cfg.TopK)
	return p, nil
}

// logf logs a message of kind unless one was logged less than a second
// ago.
func (p *Pipeline) logf(kind int, format string, args ...any) {
	now := time.Now().UnixNano()
	last := p.lastLog[kind].Load()
	if now-last < int64(time.Second) || !p.lastLog[kind].CompareAndSwap(last, now) {
		return
	}
	p.cfg.Log.Printf(format, args...)
}

// Run captures and classifies until ctx is cancelled, the source ends
// (finite sources without Reconnect), MaxFrames is reached, or the source
// fails for good. It then stops capture, closes the source and every sink
// (in order), and returns the run's summary. The error is nil for a clean
// end (cancellation included).
func (p *Pipeline) Run(ctx context.Context) (Summary, error) {
	start := time.Now()
	slot, fill, cur := newFrameSlot()
	stop := make(chan struct{})
	var capture sync.WaitGroup
	var srcMu sync.Mutex
	var src Source
	capture.Add(1)
	go func() {
		defer capture.Done()
		p.capture(slot, fill, stop, func(s Source) bool {
			srcMu.Lock()
			defer srcMu.Unlock()
			select {
			case <-stop:
				return false
			default:
			}
			src = s
			return true
		})
	}()
	p.rss = openRSS()
	defer p.rss.close()
	p.rssStart = p.rss.bytes()
	err := p.infer(ctx, slot, cur)
	p.endFrames = p.stages[2].n
	rssEnd := p.rss.bytes()
	if p.warmFrames > 0 {
		var ms goruntime.MemStats
		goruntime.ReadMemStats(&ms)
		p.endMallocs, p.endGCs = ms.Mallocs, ms.NumGC
		if p.cfg.SteadyWindow != nil {
			p.cfg.SteadyWindow(false)
		}
	}

	close(stop)
	srcMu.Lock()
	if src != nil {
		src.Close() // unblocks a read in progress where the platform can
	}
	srcMu.Unlock()
	done := make(chan struct{})
	go func() { capture.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		p.cfg.Log.Printf("the source did not stop within 2 s of being closed; leaving it")
	}
	slot.abandon()
	for i, s := range p.cfg.Sinks {
		if cerr := s.Close(); cerr != nil {
			p.cfg.Log.Printf("closing output %d: %v", i, cerr)
		}
	}
	sum := p.summary(slot, time.Since(start))
	sum.RSSStart, sum.RSSWarm, sum.RSSEnd = p.rssStart, p.rssWarm, rssEnd
	if n := p.endFrames - p.warmFrames; p.warmFrames > 0 && n > 0 {
		sum.SteadyFrames = n
		sum.SteadyMallocs = p.endMallocs - p.warmMallocs
		sum.SteadyGCs = p.endGCs - p.warmGCs
		sum.SteadyEvents, sum.SteadyEventMallocs = p.events, p.eventMallocs
	}
	return sum, err
}

// capture runs on its own goroutine: it opens the source (again, on
// failure, when Reconnect is set), reads frames into the slot and ends the
// slot when the source ends or fails for good. setSource records the open
// source for Close at shutdown and reports false once stopping.
func (p *Pipeline) capture(slot *frameSlot, fill *Frame, stop <-chan struct{}, setSource func(Source) bool) {
	var seq uint64
	backoff := reconnectBackoff{}
	for opened := false; ; opened = true {
		if opened {
			p.reconnects.Add(1)
		}
		src, err := p.cfg.Open()
		for err != nil {
			if !p.cfg.Reconnect {
				slot.end(err)
				return
			}
			p.logf(logSource, "opening the source: %v; retrying in %v", err, backoff.delay())
			if !backoff.sleep(stop) {
				slot.end(nil)
				return
			}
			src, err = p.cfg.Open()
		}
		if !setSource(src) {
			src.Close()
			slot.end(nil)
			return
		}
		for {
			err := src.ReadFrame(fill)
			if err == nil {
				backoff.reset()
				seq++
				fill.Seq = seq
				var ok bool
				if fill, ok = slot.publish(fill, p.cfg.Latest, stop); !ok || stopped(stop) {
					// Checked after every frame too: a source that
					// keeps delivering after Close (a reader without
					// a Close) would otherwise keep this goroutine.
					slot.end(nil)
					return
				}
				continue
			}
			if stopped(stop) {
				slot.end(nil)
				return
			}
			if errors.Is(err, ErrCorruptFrame) {
				n := p.corrupt.Add(1)
				p.logf(logCorrupt, "skipped a corrupt frame (%d so far): %v", n, err)
				continue
			}
			src.Close()
			if !p.cfg.Reconnect {
				if err == io.EOF {
					err = nil
				}
				slot.end(err)
				return
			}
			if err == io.EOF {
				err = errors.New("the source ended")
			}
			p.logf(logSource, "%v; reopening in %v", err, backoff.delay())
			if !backoff.sleep(stop) {
				slot.end(nil)
				return
			}
			break
		}
	}
}

// stopped reports whether stop is closed, without waiting.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// reconnectBackoff doubles the wait between reopen attempts from 100 ms
// to 5 s, and starts over after a frame arrives.
type reconnectBackoff struct{ next time.Duration }

func (b *reconnectBackoff) delay() time.Duration { return max(b.next, 100*time.Millisecond) }
func (b *reconnectBackoff) reset()               { b.next = 0 }

// sleep waits out the delay; false if stop came first.
func (b *reconnectBackoff) sleep(stop <-chan struct{}) bool {
	d := b.delay()
	b.next = min(2*d, 5*time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

// infer is the inference loop, on the caller's goroutine.
func (p *Pipeline) infer(ctx context.Context, slot *frameSlot, cur *Frame) error {
	stall := time.NewTimer(p.cfg.StallTimeout)
	defer stall.Stop()
	lastFrame := time.Now()
	stalled := false
	trigger := p.cfg.Trigger
	waitingForTrigger := trigger != nil
	for {
		if waitingForTrigger {
			select {
			case <-ctx.Done():
				return nil
			case <-trigger:
				waitingForTrigger = false
			case <-stall.C:
				// No frames needed while idle; keep the stall timer quiet.
				stall.Reset(p.cfg.StallTimeout)
				continue
			}
		}
		f, ended, err := slot.take(cur)
		if f == nil {
			if ended {
				return err
			}
			select {
			case <-ctx.Done():
				return nil
			case <-slot.ready:
			case <-stall.C:
				if !stalled {
					stalled = true
					n := p.stalls.Add(1)
					p.logEvent(func() {
						p.logf(logStall, "no frame for %v (stall %d)", time.Since(lastFrame).Round(time.Millisecond), n)
					})
				}
				stall.Reset(p.cfg.StallTimeout)
			}
			continue
		}
		cur = f
		// The gap is measured between capture times: the loop takes a frame
		// some time after its source stamped it (a slow board, or qemu), so
		// the time the loop took the previous one would understate it.
		captured := f.Time
		if captured.IsZero() {
			captured = time.Now()
		}
		if stalled {
			gap := captured.Sub(lastFrame)
			p.logEvent(func() {
				p.cfg.Log.Printf("frames resumed after %v", gap.Round(time.Millisecond))
			})
			stalled = false
		}
		lastFrame = captured
		if !stall.Stop() {
			select {
			case <-stall.C:
			default:
			}
		}
		stall.Reset(p.cfg.StallTimeout)

		if err := p.classify(cur, slot); err != nil {
			return err
		}
		if p.cfg.MaxFrames > 0 && p.stages[2].n >= p.cfg.MaxFrames {
			return nil
		}
		waitingForTrigger = trigger != nil
		if ctx.Err() != nil {
			return nil
		}
	}
}

// classify runs one frame through preprocessing, the model and the sinks.
func (p *Pipeline) classify(f *Frame, slot *frameSlot) error {
	t0 := time.Now()
	if err := p.cfg.Preprocess.Process(f); err != nil {
		n := p.corrupt.Add(1)
		p.logf(logCorrupt, "skipped a frame the preprocessing rejected (%d corrupt so far): %v", n, err)
		return nil
	}
	t1 := time.Now()
	if err := p.cfg.Interpreter.Run(); err != nil {
		return err
	}
	r := &p.result
	r.Top = p.cfg.Interpreter.TopK(p.cfg.Output, p.cfg.TopK, r.Top)
	t2 := time.Now()
	r.Seq, r.Time, r.Frame = f.Seq, f.Time, f
	r.Latency = Latency{Capture: f.capture, Preprocess: t1.Sub(t0), Infer: t2.Sub(t1), EndToEnd: t2.Sub(f.Time)}
	for i, d := range [4]time.Duration{r.Latency.Capture, r.Latency.Preprocess, r.Latency.Infer, r.Latency.EndToEnd} {
		p.stages[i].add(d)
	}
	r.Stats = p.stats(slot)
	if r.Stats.Inferred == warmupFrames {
		p.openSteadyWindow()
	}
	for i, s := range p.cfg.Sinks {
		if err := s.Publish(r); err != nil {
			p.sinkErrors++
			r.Stats.SinkErrors = p.sinkErrors
			if now := time.Now(); now.Sub(p.sinkLastLog[i]) >= time.Second {
				p.sinkLastLog[i] = now
				p.logEvent(func() {
					p.cfg.Log.Printf("output %d: %v (%d output errors so far)", i, err, p.sinkErrors)
				})
			}
		}
	}
	if p.frameFmt == "" || p.frameW != f.Width || p.frameH != f.Height || p.framePF != f.Format {
		p.frameW, p.frameH, p.framePF = f.Width, f.Height, f.Format
		p.frameFmt = fmt.Sprintf("%v %dx%d", f.Format, f.Width, f.Height)
	}
	r.Frame = nil
	return nil
}

// logEvent runs log, which logs an event on the inference goroutine (a
// stall, frames resuming, an output's error), and inside the steady-state
// window counts what it allocated (fmt's and log's buffers, boxed
// arguments) apart: an event is not a frame. Two ReadMemStats per event
// (tens of microseconds) are nothing next to the second-long stall or the
// rate-limited error being logged.
func (p *Pipeline) logEvent(log func()) {
	if p.warmFrames == 0 {
		log()
		return
	}
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	before := ms.Mallocs
	log()
	goruntime.ReadMemStats(&ms)
	p.events++
	p.eventMallocs += ms.Mallocs - before
}

// openSteadyWindow settles the runtime and reads the malloc count the
// steady state is measured from. The count is exact: ReadMemStats stops
// the world and flushes every P's allocation counters (runtime/metrics'
// counts lag by what the Ps' cached spans hold). Restarting the world
// may need threads, which settleRuntime has made.
func (p *Pipeline) openSteadyWindow() {
	settleRuntime()
	p.rssWarm = p.rss.bytes()
	if p.cfg.SteadyWindow != nil {
		p.cfg.SteadyWindow(true)
	}
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	p.warmMallocs, p.warmGCs, p.warmFrames = ms.Mallocs, ms.NumGC, warmupFrames
}

func (p *Pipeline) stats(slot *frameSlot) Stats {
	captured, dropped := slot.counts()
	return Stats{Captured: captured, Inferred: p.stages[2].n, Dropped: dropped, Corrupt: p.corrupt.Load(),
		Stalls: p.stalls.Load(), Reconnects: p.reconnects.Load(), SinkErrors: p.sinkErrors}
}

func (p *Pipeline) summary(slot *frameSlot, elapsed time.Duration) Summary {
	s := Summary{Stats: p.stats(slot), Elapsed: elapsed, FrameFmt: p.frameFmt, Threads: p.cfg.Interpreter.Threads()}
	if p.cfg.Model != nil {
		s.Variant = p.cfg.Model.KernelVariant()
	}
	for i, name := range [4]string{"capture", "preprocess", "infer", "end-to-end"} {
		s.Stages = append(s.Stages, p.stages[i].summary(name))
	}
	return s
}
