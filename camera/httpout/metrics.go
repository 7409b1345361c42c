package httpout

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
)

// latencyBuckets are the histogram upper bounds in seconds: 1 ms to 5 s,
// enough to tell a 3 ms preprocess from a 300 ms MobileNet on a Pi Zero.
var latencyBuckets = [...]float64{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}

// histogram is a Prometheus histogram whose Observe is a few atomic adds.
type histogram struct {
	counts [len(latencyBuckets) + 1]atomic.Uint64 // per bucket, not cumulative; last is +Inf
	sumNS  atomic.Int64
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(latencyBuckets) && s > latencyBuckets[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNS.Add(int64(d))
}

// rateWindow estimates a rate from the times of the last events.
type rateWindow struct {
	mu    sync.Mutex
	times [64]time.Time // ring
	n     int           // events recorded, capped at len(times)
	next  int
}

func (r *rateWindow) add(t time.Time) {
	r.mu.Lock()
	r.times[r.next] = t
	r.next = (r.next + 1) % len(r.times)
	r.n = min(r.n+1, len(r.times))
	r.mu.Unlock()
}

// perSecond is the rate over the recorded events no older than window
// before now; 0 when fewer than two are that recent.
func (r *rateWindow) perSecond(now time.Time, window time.Duration) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var first, last time.Time
	count := 0
	for i := 0; i < r.n; i++ {
		t := r.times[(r.next-1-i+2*len(r.times))%len(r.times)]
		if now.Sub(t) > window {
			break
		}
		if count == 0 {
			last = t
		}
		first = t
		count++
	}
	if count < 2 || !last.After(first) {
		return 0
	}
	return float64(count-1) / last.Sub(first).Seconds()
}

// Metrics collects what /metrics shows. Its methods are safe for
// concurrent use; observe allocates nothing.
type Metrics struct {
	stages  [4]histogram // capture, preprocess, infer, end_to_end
	results rateWindow
	// The pipeline's cumulative counters (camera.Stats) as of the last
	// result, one atomic each.
	captured, inferred, dropped, corrupt, stalls, reconnects, sinkErrors atomic.Uint64
	lastNS                                                               atomic.Int64 // time of the last result, unix ns
	start                                                                time.Time

	extraMu sync.Mutex
	extra   []extraCounter
}

var stageNames = [...]string{"capture", "preprocess", "infer", "end_to_end"}

type extraCounter struct {
	name, help string
	value      func() uint64
}

func newMetrics(now time.Time) *Metrics {
	return &Metrics{start: now}
}

// AddCounter adds a counter that /metrics reads from value at each scrape
// (MQTT drops, snapshots saved …). name must be a valid Prometheus name.
func (m *Metrics) AddCounter(name, help string, value func() uint64) {
	m.extraMu.Lock()
	m.extra = append(m.extra, extraCounter{name, help, value})
	m.extraMu.Unlock()
}

// observe records one result; it is called from one goroutine (the
// pipeline's).
func (m *Metrics) observe(r *camera.Result, now time.Time) {
	m.stages[0].observe(r.Latency.Capture)
	m.stages[1].observe(r.Latency.Preprocess)
	m.stages[2].observe(r.Latency.Infer)
	m.stages[3].observe(r.Latency.EndToEnd)
	m.results.add(now)
	m.captured.Store(r.Stats.Captured)
	m.inferred.Store(r.Stats.Inferred)
	m.dropped.Store(r.Stats.Dropped)
	m.corrupt.Store(r.Stats.Corrupt)
	m.stalls.Store(r.Stats.Stalls)
	m.reconnects.Store(r.Stats.Reconnects)
	m.sinkErrors.Store(r.Stats.SinkErrors)
	m.lastNS.Store(now.UnixNano())
}

// lastResult returns when the last result was observed (zero if none).
func (m *Metrics) lastResult() time.Time {
	ns := m.lastNS.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// WriteText writes the metrics in the Prometheus text exposition format
// (version 0.0.4).
func (m *Metrics) WriteText(w io.Writer, now time.Time) error {
	b := make([]byte, 0, 4096)
	counter := func(name, help string, v uint64) {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v float64) {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name, name, formatFloat(v))
	}
	gauge("edgeinfer_fps", "Frames classified per second over the last 5 s.", m.results.perSecond(now, 5*time.Second))
	counter("edgeinfer_frames_captured_total", "Frames the source delivered.", m.captured.Load())
	counter("edgeinfer_inferences_total", "Frames classified.", m.inferred.Load())
	counter("edgeinfer_frames_dropped_total", "Frames replaced by a newer one before inference took them.", m.dropped.Load())
	counter("edgeinfer_frames_corrupt_total", "Frames the source could not decode.", m.corrupt.Load())
	counter("edgeinfer_source_stalls_total", "Times no frame arrived within the stall timeout.", m.stalls.Load())
	counter("edgeinfer_source_reconnects_total", "Times the source was reopened.", m.reconnects.Load())
	counter("edgeinfer_sink_errors_total", "Output publish calls that failed.", m.sinkErrors.Load())
	m.extraMu.Lock()
	for _, e := range m.extra {
		counter(e.name, e.help, e.value())
	}
	m.extraMu.Unlock()
	if last := m.lastResult(); !last.IsZero() {
		gauge("edgeinfer_last_result_age_seconds", "Seconds since the last classified frame.", now.Sub(last).Seconds())
	}
	gauge("edgeinfer_uptime_seconds", "Seconds since the outputs started.", now.Sub(m.start).Seconds())

	const h = "edgeinfer_stage_latency_seconds"
	b = fmt.Appendf(b, "# HELP %s Time one frame spent in each pipeline stage.\n# TYPE %s histogram\n", h, h)
	for i, name := range stageNames {
		hist := &m.stages[i]
		var cum uint64
		for j := range hist.counts {
			cum += hist.counts[j].Load()
			le := "+Inf"
			if j < len(latencyBuckets) {
				le = formatFloat(latencyBuckets[j])
			}
			b = fmt.Appendf(b, "%s_bucket{stage=%q,le=%q} %d\n", h, name, le, cum)
		}
		b = fmt.Appendf(b, "%s_sum{stage=%q} %s\n%s_count{stage=%q} %d\n", h, name,
			formatFloat(time.Duration(hist.sumNS.Load()).Seconds()), h, name, cum)
	}
	_, err := w.Write(b)
	return err
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
