package camera

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// stageSamples keeps one stage's latencies: running count, sum and max
// over every frame, and the last len(ring) samples for percentiles, in
// memory allocated once.
type stageSamples struct {
	n        uint64
	sum, max time.Duration
	ring     []time.Duration
}

// latencyWindow is how many recent frames the percentiles cover.
const latencyWindow = 1 << 16

func (s *stageSamples) add(d time.Duration) {
	if s.ring == nil {
		s.ring = make([]time.Duration, 0, latencyWindow)
	}
	if len(s.ring) < cap(s.ring) {
		s.ring = append(s.ring, d)
	} else {
		s.ring[s.n%uint64(cap(s.ring))] = d
	}
	s.n++
	s.sum += d
	s.max = max(s.max, d)
}

// StageSummary is one stage's latency over a run.
type StageSummary struct {
	Stage          string
	Frames         uint64
	Mean, P50, P90 time.Duration
	P99, Max       time.Duration
}

func (s *stageSamples) summary(name string) StageSummary {
	out := StageSummary{Stage: name, Frames: s.n, Max: s.max}
	if s.n == 0 {
		return out
	}
	out.Mean = s.sum / time.Duration(s.n)
	sorted := slices.Clone(s.ring)
	slices.Sort(sorted)
	at := func(q float64) time.Duration { return sorted[min(int(q*float64(len(sorted))), len(sorted)-1)] }
	out.P50, out.P90, out.P99 = at(0.50), at(0.90), at(0.99)
	return out
}

// Summary is what a pipeline run did: its counters and each stage's
// latency.
type Summary struct {
	Stats    Stats
	Elapsed  time.Duration
	Stages   []StageSummary // capture, preprocess, infer, end-to-end
	Model    string         // for the report header
	Threads  int
	Variant  string // the kernel variant
	FrameFmt string // the last frame's format and size, e.g. "yuv420 640x480"
	// SteadyMallocs is the process's heap allocations over the
	// SteadyFrames classified after the first 100 (0 frames: too short a
	// run to tell).
	SteadyMallocs, SteadyFrames uint64
	// SteadyGCs is how many GC cycles ran in that window (with nothing
	// allocated, only the runtime's forced one every 2 minutes).
	SteadyGCs uint32
	// SteadyEventMallocs is the part of SteadyMallocs made logging the
	// SteadyEvents (stalls, frames resuming, output errors) of the window.
	SteadyEvents, SteadyEventMallocs uint64
	// Resident memory (bytes) when the run started, after the first 100
	// frames, and when classification ended; 0 where unknown.
	RSSStart, RSSWarm, RSSEnd int64
}

// WriteText prints the summary as a small table, for stderr at exit.
func (s Summary) WriteText(w io.Writer) error {
	st := s.Stats
	fps := 0.0
	if s.Elapsed > 0 {
		fps = float64(st.Inferred) / s.Elapsed.Seconds()
	}
	fmt.Fprintf(w, "frames: %d captured, %d classified (%.1f/s over %.1f s), %d dropped, %d corrupt, %d stalls, %d reconnects, %d sink errors\n",
		st.Captured, st.Inferred, fps, s.Elapsed.Seconds(), st.Dropped, st.Corrupt, st.Stalls, st.Reconnects, st.SinkErrors)
	if s.FrameFmt != "" || s.Model != "" {
		fmt.Fprintf(w, "frames %s; model %s; %d thread(s), kernels %s\n", s.FrameFmt, s.Model, s.Threads, s.Variant)
	}
	if s.SteadyFrames > 0 {
		fmt.Fprintf(w, "steady state: %d allocations over %d frames (%.3f per frame, %d GC cycles, %d logging %d events)",
			s.SteadyMallocs, s.SteadyFrames, float64(s.SteadyMallocs)/float64(s.SteadyFrames), s.SteadyGCs, s.SteadyEventMallocs, s.SteadyEvents)
		if s.RSSWarm > 0 {
			fmt.Fprintf(w, "; RSS %.1f MiB at start, %.1f MiB after 100 frames, %.1f MiB at the end", mib(s.RSSStart), mib(s.RSSWarm), mib(s.RSSEnd))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-11s %8s %9s %9s %9s %9s %9s\n", "stage (ms)", "frames", "mean", "p50", "p90", "p99", "max")
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	var infer time.Duration
	for _, g := range s.Stages {
		if g.Stage == "infer" {
			infer = g.Mean
		}
	}
	for _, g := range s.Stages {
		fmt.Fprintf(w, "%-11s %8d %9.3f %9.3f %9.3f %9.3f %9.3f", g.Stage, g.Frames, ms(g.Mean), ms(g.P50), ms(g.P90), ms(g.P99), ms(g.Max))
		if (g.Stage == "capture" || g.Stage == "preprocess") && infer > 0 {
			fmt.Fprintf(w, "   %5.1f%% of infer", 100*float64(g.Mean)/float64(infer))
		}
		fmt.Fprintln(w)
	}
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
