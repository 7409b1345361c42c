package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/syncwriter"
	edgeruntime "github.com/edgeinfer/edgeinfer/runtime"
)

// fakeSource delivers count gray frames (frame i filled with i%256), each
// after delay(i), then io.EOF; fail(i), when set, is returned instead of
// frame i.
type fakeSource struct {
	count  int
	w, h   int
	delay  func(i int) time.Duration
	fail   func(i int) error
	next   int
	closed atomic.Bool
	done   chan struct{} // closed by Close: ends a delay early
	once   sync.Once
}

func (s *fakeSource) doneChan() chan struct{} {
	s.once.Do(func() { s.done = make(chan struct{}) })
	return s.done
}

func (s *fakeSource) ReadFrame(f *Frame) error {
	if s.closed.Load() {
		return errSourceClosed
	}
	if s.next >= s.count {
		return io.EOF
	}
	i := s.next
	s.next++
	if s.delay != nil {
		select {
		case <-time.After(s.delay(i)):
		case <-s.doneChan():
			return errSourceClosed
		}
	}
	if s.fail != nil {
		if err := s.fail(i); err != nil {
			return err
		}
	}
	n := s.w * s.h
	if cap(f.store) < n {
		f.store = make([]byte, n)
	}
	for k := range f.store[:n] {
		f.store[k] = byte(i)
	}
	f.Format, f.Width, f.Height, f.Range = Gray, s.w, s.h, FullRange
	f.Planes, f.Strides = [3][]byte{f.store[:n]}, [3]int{s.w}
	f.Time = time.Now()
	return nil
}

func (s *fakeSource) Close() error {
	if !s.closed.Swap(true) {
		close(s.doneChan())
	}
	return nil
}

// recorder is a sink that records what it was given, optionally taking
// its time.
type recorder struct {
	mu      sync.Mutex
	seqs    []uint64
	pixels  []byte // the classified frame's first pixel
	stats   []Stats
	delay   time.Duration
	closed  int
	onFrame func(r *Result)
}

func (r *recorder) Publish(res *Result) error {
	r.mu.Lock()
	r.seqs = append(r.seqs, res.Seq)
	r.pixels = append(r.pixels, res.Frame.Planes[0][0])
	r.stats = append(r.stats, res.Stats)
	r.mu.Unlock()
	if r.onFrame != nil {
		r.onFrame(res)
	}
	time.Sleep(r.delay)
	return nil
}

func (r *recorder) Close() error { r.closed++; return nil }

// grayPipeline is a pipeline over a 4x4 gray image model.
func grayPipeline(t *testing.T, open func() (Source, error), latest bool, sinks ...Sink) (*Pipeline, *strings.Builder) {
	t.Helper()
	m, it := imageModel(t, 4, 4, format.Preprocessing{ColorOrder: format.Gray})
	prep, err := NewPreprocessor(m, it, 0, PreprocessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	p, err := New(Config{Open: open, Latest: latest, Model: m, Interpreter: it, Preprocess: prep, TopK: 2,
		Sinks: sinks, StallTimeout: time.Second, Log: log.New(syncwriter.New(&logs), "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	return p, &logs
}

func once(s Source) func() (Source, error) {
	used := false
	return func() (Source, error) {
		if used {
			return nil, errors.New("opened twice")
		}
		used = true
		return s, nil
	}
}

// When inference is slower than capture, stale frames are dropped, and
// the count is exact: captured = classified + dropped, and the dropped
// frames are exactly the sequence numbers no result carries.
func TestPipelineDropsStaleFramesExactly(t *testing.T) {
	src := &fakeSource{count: 300, w: 8, h: 8, delay: func(int) time.Duration { return 200 * time.Microsecond }}
	rec := &recorder{delay: 3 * time.Millisecond}
	p, _ := grayPipeline(t, once(src), true, rec)
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st := sum.Stats
	if st.Captured != 300 || st.Inferred != uint64(len(rec.seqs)) || st.Captured != st.Inferred+st.Dropped {
		t.Fatalf("stats %+v with %d results: want 300 captured = classified + dropped", st, len(rec.seqs))
	}
	if st.Dropped == 0 {
		t.Fatalf("no frame dropped: %+v", st)
	}
	missing := uint64(0)
	prev := uint64(0)
	for k, s := range rec.seqs {
		if s <= prev {
			t.Fatalf("result %d has seq %d after %d", k, s, prev)
		}
		missing += s - prev - 1
		prev = s
		// Frames before this one that were not classified were dropped
		// already; more may have been since it was taken.
		if got := rec.stats[k].Dropped; got < missing {
			t.Errorf("result %d (seq %d): dropped %d, but %d earlier frames were skipped", k, s, got, missing)
		}
		if rec.pixels[k] != byte(s-1) {
			t.Errorf("result %d (seq %d) classified frame %d's pixels", k, s, rec.pixels[k])
		}
	}
	missing += 300 - prev
	if missing != st.Dropped {
		t.Errorf("%d sequence numbers have no result, dropped count %d", missing, st.Dropped)
	}
	if rec.closed != 1 {
		t.Errorf("sink closed %d times", rec.closed)
	}
}

// Files are classified frame by frame: capture waits, nothing is dropped.
func TestPipelineEveryFrameMode(t *testing.T) {
	src := &fakeSource{count: 50, w: 8, h: 8}
	rec := &recorder{delay: time.Millisecond}
	p, _ := grayPipeline(t, once(src), false, rec)
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Captured != 50 || sum.Stats.Inferred != 50 || sum.Stats.Dropped != 0 {
		t.Fatalf("stats %+v", sum.Stats)
	}
	for k, s := range rec.seqs {
		if s != uint64(k+1) {
			t.Fatalf("result %d has seq %d", k, s)
		}
	}
}

// Corrupt frames are counted and logged and the stream goes on; a source
// that stalls for 5 s is logged and counted once and survived.
func TestPipelineSurvivesCorruptFramesAndAStall(t *testing.T) {
	if testing.Short() {
		t.Skip("stalls for 5 s")
	}
	src := &fakeSource{count: 10, w: 8, h: 8,
		delay: func(i int) time.Duration {
			if i == 5 {
				return 5 * time.Second
			}
			return 0
		},
		fail: func(i int) error {
			if i == 2 || i == 7 {
				return corruptf("test frame %d", i)
			}
			return nil
		}}
	rec := &recorder{}
	p, logs := grayPipeline(t, once(src), true, rec)
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st := sum.Stats
	if st.Captured != 8 || st.Corrupt != 2 || st.Stalls != 1 || st.Captured != st.Inferred+st.Dropped {
		t.Errorf("stats %+v: want 8 captured, 2 corrupt, 1 stall", st)
	}
	for _, want := range []string{`skipped a corrupt frame \(1 so far\): corrupt frame: test frame 2`,
		`no frame for 1(\.\d+)?s \(stall 1\)`, `frames resumed after 5(\.\d+)?s`} {
		if !regexp.MustCompile(want).MatchString(logs.String()) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// An unplugged camera (ErrNoDevice) is reopened with backoff, and the
// sequence numbers go on.
func TestPipelineReconnects(t *testing.T) {
	opens := 0
	open := func() (Source, error) {
		opens++
		switch opens {
		case 1:
			return &fakeSource{count: 10, w: 8, h: 8, fail: func(i int) error {
				if i == 3 {
					return ErrNoDevice
				}
				return nil
			}}, nil
		case 2:
			return nil, errors.New("no such file (still unplugged)")
		}
		return &fakeSource{count: 1000, w: 8, h: 8, delay: func(int) time.Duration { return time.Millisecond }}, nil
	}
	rec := &recorder{}
	p, logs := grayPipeline(t, open, true, rec)
	p.cfg.Reconnect, p.cfg.MaxFrames = true, 8
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Reconnects != 1 || opens != 3 || sum.Stats.Inferred != 8 {
		t.Errorf("stats %+v after %d opens: want 1 reconnect (a failed open, then a good one), 8 classified", sum.Stats, opens)
	}
	// The failed reopen is within a second of the unplug message, so the
	// rate limit keeps it out of the log.
	if !strings.Contains(logs.String(), "the camera is gone (unplugged?); reopening in 100ms") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// Cancelling the context stops a pipeline blocked on a silent source, and
// closes the source and the sinks.
func TestPipelineShutdown(t *testing.T) {
	src := &fakeSource{count: 1 << 30, w: 8, h: 8, delay: func(i int) time.Duration {
		if i == 3 {
			return time.Hour // blocks until the test ends
		}
		return 0
	}}
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	rec.onFrame = func(r *Result) {
		if r.Seq == 3 {
			go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		}
	}
	p, _ := grayPipeline(t, once(src), false, rec) // every frame: seq 3 is classified
	start := time.Now()
	sum, err := p.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Inferred != 3 || rec.closed != 1 || !src.closed.Load() {
		t.Errorf("stats %+v, sink closed %d, source closed %v", sum.Stats, rec.closed, src.closed.Load())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

// In trigger mode only triggered frames are classified.
func TestPipelineTrigger(t *testing.T) {
	src := &fakeSource{count: 1 << 30, w: 8, h: 8, delay: func(int) time.Duration { return time.Millisecond }}
	rec := &recorder{}
	trigger := make(chan struct{})
	p, _ := grayPipeline(t, once(src), true, rec)
	p.cfg.Trigger, p.cfg.MaxFrames = trigger, 3
	go func() {
		for range 3 {
			time.Sleep(20 * time.Millisecond)
			trigger <- struct{}{}
		}
	}()
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Inferred != 3 || sum.Stats.Dropped < 10 {
		t.Errorf("stats %+v: want 3 classified and the frames between triggers dropped", sum.Stats)
	}
}

// The steady-state loop body (read a raw frame, preprocess it, run the
// model, top-k, write the JSON line) allocates nothing.
func TestLoopBodyAllocatesNothing(t *testing.T) {
	m, it := imageModel(t, 32, 32, format.Preprocessing{Fit: format.FitCenterCrop, Interpolation: format.ResizeBilinear})
	prep, err := NewPreprocessor(m, it, 0, PreprocessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, 640*480*3/2)
	for i := range frame {
		frame[i] = byte(i * 31)
	}
	src, _ := streamSource(&repeatReader{data: frame}, nil, SourceOptions{Format: I420, Width: 640, Height: 480, Range: LimitedRange})
	sink := NewJSONLines(io.Discard)
	f := new(Frame)
	res := &Result{Top: make([]edgeruntime.Class, 0, 5)}
	allocs := testing.AllocsPerRun(50, func() {
		if err := src.ReadFrame(f); err != nil {
			t.Fatal(err)
		}
		if err := prep.Process(f); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		res.Top = it.TopK(0, 5, res.Top)
		res.Frame, res.Seq, res.Time = f, f.Seq, f.Time
		if err := sink.Publish(res); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame", allocs)
	}
}

// repeatReader yields data over and over, in uneven reads.
type repeatReader struct {
	data []byte
	off  int
	n    int
}

func (r *repeatReader) Read(b []byte) (int, error) {
	r.n++
	k := copy(b[:min(len(b), 4096+r.n%3000)], r.data[r.off:])
	r.off = (r.off + k) % len(r.data)
	return k, nil
}

// The whole pipeline, capture goroutine and slot included, allocates
// nothing per frame once running: the process's malloc count does not
// move between frame 200 and frame 1200, nor over the window the summary
// reports (frames 101 to 1200), which opens and closes the SteadyWindow
// hook once each.
func TestPipelineSteadyStateAllocatesNothing(t *testing.T) {
	frame := make([]byte, 64*48*3/2)
	src, _ := streamSource(&repeatReader{data: frame}, nil, SourceOptions{Format: I420, Width: 64, Height: 48})
	var before, after runtime.MemStats
	rec := &memSink{at: map[uint64]*runtime.MemStats{}}
	p, _ := grayPipeline(t, once(src), true, NewJSONLines(io.Discard), rec)
	p.cfg.MaxFrames = 1200
	p.cfg.StallTimeout = time.Minute // a loaded machine's pause is not a stall to log here
	var window []string
	p.cfg.SteadyWindow = func(open bool) {
		window = append(window, fmt.Sprintf("open=%v after %d", open, rec.n))
	}
	rec.marks = [2]uint64{200, 1200}
	rec.ms = [2]*runtime.MemStats{&before, &after}
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if before.Mallocs == 0 || after.Mallocs == 0 {
		t.Fatalf("the sink saw fewer than 1200 results (%d classified)", rec.n)
	}
	if d := after.Mallocs - before.Mallocs; d != 0 {
		t.Errorf("%d allocations over %d classified frames", d, rec.classifiedBetween)
	}
	if sum.SteadyMallocs != 0 || sum.SteadyFrames != 1100 {
		t.Errorf("summary: %d allocations over %d steady frames; want 0 over 1100", sum.SteadyMallocs, sum.SteadyFrames)
	}
	// The window opens before the 100th result is published.
	if want := []string{"open=true after 99", "open=false after 1200"}; !slices.Equal(window, want) {
		t.Errorf("SteadyWindow calls %q, want %q", window, want)
	}
}

// memSink reads the memory statistics when the classified-frame count
// reaches each mark.
type memSink struct {
	at                map[uint64]*runtime.MemStats
	marks             [2]uint64
	ms                [2]*runtime.MemStats
	n                 uint64
	classifiedBetween uint64
}

func (s *memSink) Publish(r *Result) error {
	s.n++
	for i, m := range s.marks {
		if s.n == m {
			runtime.ReadMemStats(s.ms[i])
		}
	}
	if s.n > s.marks[0] && s.n <= s.marks[1] {
		s.classifiedBetween++
	}
	return nil
}

func (s *memSink) Close() error { return nil }

// A stall inside the steady-state window is logged, and what logging it
// allocates (fmt, log) is counted apart: the frames still allocate
// nothing.
func TestPipelineCountsEventAllocationsApart(t *testing.T) {
	frame := make([]byte, 64*48*3/2)
	var results atomic.Uint64
	r := &stallingReader{r: &repeatReader{data: frame}, results: &results, stallAt: 300, stall: 1500 * time.Millisecond}
	src, _ := streamSource(r, nil, SourceOptions{Format: I420, Width: 64, Height: 48})
	p, logs := grayPipeline(t, once(src), true, NewJSONLines(io.Discard), countingSink{&results})
	p.cfg.MaxFrames = 600
	p.cfg.StallTimeout = time.Second
	sum, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Stalls != 1 || sum.SteadyEvents != 2 {
		t.Fatalf("%d stalls, %d events in the window; want 1 stall logged and its end (log: %q)", sum.Stats.Stalls, sum.SteadyEvents, logs.String())
	}
	if sum.SteadyEventMallocs == 0 || sum.SteadyMallocs != sum.SteadyEventMallocs {
		t.Errorf("%d allocations in the window, %d of them logging events; want all of them, and some", sum.SteadyMallocs, sum.SteadyEventMallocs)
	}
}

// stallingReader reads from r, but once results reaches stallAt it waits
// stall before its next read. A first 1 ms wait, early, makes the
// goroutine's sleep timer (allocated by its first time.Sleep).
type stallingReader struct {
	r       io.Reader
	results *atomic.Uint64
	stallAt uint64
	stall   time.Duration
	warm    bool
	stalled bool
}

func (s *stallingReader) Read(b []byte) (int, error) {
	if !s.warm {
		s.warm = true
		time.Sleep(time.Millisecond)
	}
	if !s.stalled && s.results.Load() >= s.stallAt {
		s.stalled = true
		time.Sleep(s.stall)
	}
	return s.r.Read(b)
}

// countingSink counts results without allocating.
type countingSink struct{ n *atomic.Uint64 }

func (c countingSink) Publish(*Result) error { c.n.Add(1); return nil }
func (c countingSink) Close() error          { return nil }
