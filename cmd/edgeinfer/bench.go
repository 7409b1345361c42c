package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	goruntime "runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

const benchDetails = `Fills every input with seeded random values (uniform over the values the
input can represent: its int8/uint8 range dequantized, [-1, 1) for float32),
runs the model --warmup times untimed and --runs times timed, and prints:
latency percentiles p50/p90/p99 (nearest rank), mean, min and max; heap
allocations (the MemStats.Mallocs delta over the timed loop: allocs in
total, and allocs_per_run = allocs / runs rounded down, as
testing.AllocsPerRun counts: Run is meant to allocate nothing, and the
few objects the Go runtime allocates for itself now and then, such as a
wait record for a goroutine blocked in the worker pool or a thread
started after a stop-the-world, show as allocs < runs); the arena size,
thread count, kernel variant, MACs per run and GMAC/s at the median.

--profile also times every op during the timed runs (two clock reads per op)
and prints a table per op, longest first: index, op type and shape class,
output tensor, output shape, MACs per run, total ms, mean and fastest µs
per run, share of the run time and GMAC/s (over the op's total time); then
the same summed per op type.

--json prints one JSON object:
  {"model": string, "kernels": string,
   "kernels_emulated": string (only in a test build that emulates an
     instruction of the variant; its timings are not the variant's),
   "threads": int, "runs": int,
   "warmup": int, "seed": int, "arena_bytes": int, "macs": int,
   "p50_ms", "p90_ms", "p99_ms", "mean_ms", "min_ms", "max_ms": number,
   "gmacs": number (10^9 MACs per second at p50),
   "allocs_per_run": int, "allocs": int,
   "profile" (with --profile only): {"runs": int, "total_ms": number,
     "ops": [{"index": int, "op": string, "detail": string, "name": string,
              "output": string, "shape": [int], "macs": int, "total_ms",
              "mean_us", "min_us", "percent": number,
              "gmacs": number or null}],
     "types": [{"op": string, "detail": string, "count": int, "macs": int,
                "total_ms", "mean_us", "percent": number,
                "gmacs": number or null}]}}
  (ops and types sorted by total_ms, longest first; percent is of the
  profile's total_ms, the wall time of the profiled runs)`

// benchResult is the bench report; its JSON field names are documented in
// benchDetails.
type benchResult struct {
	Model        string `json:"model"`
	Kernels      string `json:"kernels"`
	Emulated     string `json:"kernels_emulated,omitempty"` // kernels.Emulation: a test build's timings are not the variant's
	Threads      int    `json:"threads"`
	Runs         int    `json:"runs"`
	Warmup       int    `json:"warmup"`
	Seed         uint64 `json:"seed"`
	ArenaBytes   int    `json:"arena_bytes"`
	MACs         int64  `json:"macs"`
	P50ms        real64 `json:"p50_ms"`
	P90ms        real64 `json:"p90_ms"`
	P99ms        real64 `json:"p99_ms"`
	MeanMS       real64 `json:"mean_ms"`
	MinMS        real64 `json:"min_ms"`
	MaxMS        real64 `json:"max_ms"`
	GMACs        real64 `json:"gmacs"`
	AllocsPerRun uint64 `json:"allocs_per_run"`
	Allocs       uint64 `json:"allocs"`

	Profile *benchProfile `json:"profile,omitempty"`
}

func benchMain(cl *cli, args []string) error {
	fs := newVerbFlags("bench", "edgeinfer bench MODEL [--threads N] [--runs N] [--warmup N] [--seed S] [--profile] [--json]", benchDetails)
	threads := fs.Int("threads", 0, threadsUsage)
	runs := fs.Int("runs", 100, "timed runs")
	warmup := fs.Int("warmup", 10, "untimed runs before the timed ones")
	seed := fs.Uint64("seed", 1, "seed of the random input")
	asJSON := fs.Bool("json", false, "print one JSON object")
	profile := fs.Bool("profile", false, "time every op during the timed runs and print a per-op table")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	switch {
	case len(operands) != 1:
		return usagef("want one MODEL operand, got %d", len(operands))
	case *runs < 1:
		return usagef("--runs %d: want 1 or more", *runs)
	case *warmup < 0:
		return usagef("--warmup %d: want 0 or more", *warmup)
	}
	n, err := resolveThreads(*threads)
	if err != nil {
		return err
	}
	path := operands[0]
	m, it, err := newInterpreter(path, n)
	if err != nil {
		return err
	}
	defer m.Close()
	defer it.Close()

	if err := setRandomInputs(it, *seed); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Collect the loading garbage first, as testing.B does, so that no
	// collection is due during the timed runs: a GC cycle also empties the
	// scheduler's central cache of wait records, which goroutines blocking
	// in the worker pool would then allocate again. The warmup refills it.
	goruntime.GC()
	for range *warmup {
		if err := it.Run(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	it.EnableProfile(*profile) // enabled before the timed runs; it allocates its counters now
	latencies, mallocs, err := timeRuns(it, *runs)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}

	r := benchResult{
		Model: path, Kernels: m.KernelVariant(), Emulated: kernels.Emulation(kernels.Variant(m.KernelVariant())), Threads: it.Threads(), Runs: *runs, Warmup: *warmup,
		Seed: *seed, ArenaBytes: m.ArenaBytes(), MACs: m.MACs(),
		Allocs: mallocs, AllocsPerRun: mallocs / uint64(*runs),
	}
	slices.Sort(latencies)
	var sum time.Duration
	for _, d := range latencies {
		sum += d
	}
	p50 := percentile(latencies, 50)
	r.P50ms = real64(milliseconds(p50))
	r.P90ms = real64(milliseconds(percentile(latencies, 90)))
	r.P99ms = real64(milliseconds(percentile(latencies, 99)))
	r.MeanMS = real64(milliseconds(sum) / float64(len(latencies)))
	r.MinMS = real64(milliseconds(latencies[0]))
	r.MaxMS = real64(milliseconds(latencies[len(latencies)-1]))
	r.GMACs = real64(math.NaN())
	if p50 > 0 {
		r.GMACs = real64(float64(r.MACs) / p50.Seconds() / 1e9)
	}

	if *profile {
		r.Profile = newBenchProfile(it.Profile())
	}
	if *asJSON {
		return json.NewEncoder(cl.stdout).Encode(r)
	}
	tw := tabwriter.NewWriter(cl.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "model\t%s\n", r.Model)
	if r.Emulated != "" {
		fmt.Fprintf(tw, "kernels\t%s (%s)\n", r.Kernels, r.Emulated)
	} else {
		fmt.Fprintf(tw, "kernels\t%s\n", r.Kernels)
	}
	fmt.Fprintf(tw, "threads\t%d\n", r.Threads)
	fmt.Fprintf(tw, "arena\t%d bytes (%s)\n", r.ArenaBytes, binaryBytes(int64(r.ArenaBytes)))
	fmt.Fprintf(tw, "MACs\t%d (%s) per run\n", r.MACs, siCount(float64(r.MACs)))
	fmt.Fprintf(tw, "runs\t%d timed after %d warmup, input seed %d\n", r.Runs, r.Warmup, r.Seed)
	fmt.Fprintf(tw, "latency\tp50 %.3f ms  p90 %.3f ms  p99 %.3f ms  mean %.3f ms  min %.3f ms  max %.3f ms\n",
		r.P50ms, r.P90ms, r.P99ms, r.MeanMS, r.MinMS, r.MaxMS)
	fmt.Fprintf(tw, "throughput\t%.3f GMAC/s at p50\n", r.GMACs)
	fmt.Fprintf(tw, "allocations\t%d per run (%d over the %d timed runs)\n", r.AllocsPerRun, r.Allocs, r.Runs)
	if err := tw.Flush(); err != nil || r.Profile == nil {
		return err
	}
	return r.Profile.write(cl.stdout)
}

// timeRuns times runs Runs and counts the heap allocations made during
// them (by any goroutine: the interpreter's workers included).
func timeRuns(it *runtime.Interpreter, runs int) (latencies []time.Duration, mallocs uint64, err error) {
	latencies = make([]time.Duration, runs)
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for i := range latencies {
		start := time.Now()
		err = it.Run()
		latencies[i] = time.Since(start)
		if err != nil {
			return nil, 0, err
		}
	}
	goruntime.ReadMemStats(&after)
	return latencies, after.Mallocs - before.Mallocs, nil
}

// percentile is the nearest-rank p-th percentile of sorted durations: the
// smallest value with at least p% of the values at or below it.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank, 1)-1]
}

// setRandomInputs fills every input with values drawn uniformly from the
// real range the input represents, from a PCG stream seeded with seed.
func setRandomInputs(it *runtime.Interpreter, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0))
	for i := range it.InputCount() {
		t := it.Input(i)
		lo, hi := representableRange(t)
		x := make([]float32, t.Elements())
		for k := range x {
			x[k] = float32(lo + (hi-lo)*rng.Float64())
		}
		if err := it.SetInputFloat32(i, x, format.NHWC); err != nil {
			return err
		}
	}
	return nil
}

// representableRange is the real interval a quantized input covers
// (dequantized integer range), or [-1, 1) for a float input.
func representableRange(t *runtime.Tensor) (lo, hi float64) {
	q := t.Quant
	if q == nil || len(q.Scale) == 0 || len(q.ZeroPoint) == 0 {
		return -1, 1
	}
	qmin, qmax := -128.0, 127.0
	if t.DType == format.Uint8 {
		qmin, qmax = 0, 255
	}
	s, zp := float64(q.Scale[0]), float64(q.ZeroPoint[0])
	return (qmin - zp) * s, (qmax - zp) * s
}
