package main

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// benchJSON restates the documented `bench --json` fields.
type benchJSON struct {
	Model        string  `json:"model"`
	Kernels      string  `json:"kernels"`
	Threads      int     `json:"threads"`
	Runs         int     `json:"runs"`
	Warmup       int     `json:"warmup"`
	Seed         uint64  `json:"seed"`
	ArenaBytes   int     `json:"arena_bytes"`
	MACs         int64   `json:"macs"`
	P50ms        float64 `json:"p50_ms"`
	P90ms        float64 `json:"p90_ms"`
	P99ms        float64 `json:"p99_ms"`
	MeanMS       float64 `json:"mean_ms"`
	MinMS        float64 `json:"min_ms"`
	MaxMS        float64 `json:"max_ms"`
	GMACs        float64 `json:"gmacs"`
	AllocsPerRun *uint64 `json:"allocs_per_run"`
	Allocs       *uint64 `json:"allocs"`
}

func checkBenchJSON(t *testing.T, out, path string, threads, runs int) {
	t.Helper()
	var r benchJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields() // every field is documented and restated above
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rm, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rm.Close()
	if r.Model != path || r.Kernels != runtime.KernelVariant() || r.Threads != threads || r.Runs != runs ||
		r.ArenaBytes != rm.ArenaBytes() || r.MACs != independentMACs(rm.Format()) {
		t.Errorf("bench: %+v; want model %s kernels %s threads %d runs %d arena %d MACs %d",
			r, path, runtime.KernelVariant(), threads, runs, rm.ArenaBytes(), independentMACs(rm.Format()))
	}
	// Run allocates nothing. The Go runtime allocates a few objects for
	// itself now and then (a wait record for a goroutine blocked in the
	// worker pool, an M started after ReadMemStats' stop-the-world), so
	// the total may be above 0, but never one per run.
	switch {
	case r.AllocsPerRun == nil || r.Allocs == nil:
		t.Errorf("allocs_per_run or allocs missing: %s", out)
	case *r.AllocsPerRun != 0 || *r.Allocs/uint64(runs) != 0:
		t.Errorf("allocs_per_run %d (allocs %d over %d runs), want 0", *r.AllocsPerRun, *r.Allocs, runs)
	}
	if !(0 < r.MinMS && r.MinMS <= r.P50ms && r.P50ms <= r.P90ms && r.P90ms <= r.P99ms && r.P99ms <= r.MaxMS &&
		r.MinMS <= r.MeanMS && r.MeanMS <= r.MaxMS) {
		t.Errorf("latencies out of order: %+v", r)
	}
	// gmacs is MACs per second at p50; p50_ms carries float64 precision.
	if want := float64(r.MACs) / (r.P50ms / 1e3) / 1e9; math.Abs(r.GMACs-want) > 1e-9*want {
		t.Errorf("gmacs %v, want %v", r.GMACs, want)
	}
}

func TestBenchJSON(t *testing.T) {
	for _, tc := range []struct {
		name    string
		threads int
	}{{"mobilenet_v2_block", 1}, {"resnet_block", 2}, {"op_zoo", 2}} {
		for _, kind := range []string{"int8", "float32"} {
			path := suiteModel(t, tc.name, kind)
			out := mustRun(t, "bench", path, "--json", "--runs", "20", "--warmup", "2", "--threads", strconv.Itoa(tc.threads))
			checkBenchJSON(t, out, path, tc.threads, 20)
		}
	}
}

func TestBenchText(t *testing.T) {
	path := suiteModel(t, "lenet5", "int8")
	out := mustRun(t, "bench", path, "--runs", "5", "--warmup", "0", "--threads", "1")
	for _, want := range [][]string{
		{"model", path},
		{"kernels", runtime.KernelVariant()},
		{"threads", "1"},
		{"runs", "5", "timed", "after", "0", "warmup,"},
		{"allocations", "0", "per", "run"},
	} {
		found := false
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) >= len(want) && slices.Equal(f[:len(want)], want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line starting %q in\n%s", want, out)
		}
	}
}

func TestPercentile(t *testing.T) {
	// Nearest rank on 1..100 ms is the value itself; on 1..10 it rounds up.
	var hundred, ten []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	ten = hundred[:10]
	for _, tc := range []struct {
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 90, 90 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{ten, 50, 5 * time.Millisecond},
		{ten, 90, 9 * time.Millisecond},
		{ten, 99, 10 * time.Millisecond},
		{ten[:1], 50, time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%d values, %d) = %v, want %v", len(tc.sorted), tc.p, got, tc.want)
		}
	}
}
