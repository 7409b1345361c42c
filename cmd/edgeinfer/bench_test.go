package main

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// benchJSON restates the documented `bench --json` fields.
type benchJSON struct {
	Model        string  `json:"model"`
	Kernels      string  `json:"kernels"`
	Emulated     string  `json:"kernels_emulated"`
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
	Profile      *struct {
		Runs    int     `json:"runs"`
		TotalMS float64 `json:"total_ms"`
		Ops     []struct {
			Index   int      `json:"index"`
			Op      string   `json:"op"`
			Detail  string   `json:"detail"`
			Kernel  string   `json:"kernel"`
			Name    string   `json:"name"`
			Output  string   `json:"output"`
			Shape   []int    `json:"shape"`
			MACs    int64    `json:"macs"`
			TotalMS float64  `json:"total_ms"`
			MeanUS  float64  `json:"mean_us"`
			MinUS   float64  `json:"min_us"`
			Percent float64  `json:"percent"`
			GMACs   *float64 `json:"gmacs"`
		} `json:"ops"`
		Types []struct {
			Op      string   `json:"op"`
			Detail  string   `json:"detail"`
			Count   int      `json:"count"`
			MACs    int64    `json:"macs"`
			TotalMS float64  `json:"total_ms"`
			MeanUS  float64  `json:"mean_us"`
			Percent float64  `json:"percent"`
			GMACs   *float64 `json:"gmacs"`
		} `json:"types"`
	} `json:"profile"`
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
	// Only a test build that emulates an instruction says so, and then it
	// must (scripts/test-vnni-emulated.sh runs this test in such a build).
	if want := kernels.Emulation(kernels.Variant(r.Kernels)); r.Emulated != want {
		t.Errorf("kernels_emulated %q, want %q", r.Emulated, want)
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

// TestBenchProfile checks bench --profile --json against the model: one
// line per planned op with its type, output and MACs, times that add up
// to at most the profiled total (itself at most the timed runs' sum), and
// no allocation per run with the timing on.
func TestBenchProfile(t *testing.T) {
	const runs = 10
	for _, threads := range []int{1, 2} {
		path := suiteModel(t, "mobilenet_v2_block", "int8")
		out := mustRun(t, "bench", path, "--json", "--profile", "--runs", strconv.Itoa(runs), "--warmup", "1", "--threads", strconv.Itoa(threads))
		checkBenchJSON(t, out, path, threads, runs)
		var r benchJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		p := r.Profile
		if p == nil {
			t.Fatalf("no profile in %s", out)
		}
		rm, err := runtime.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		defer rm.Close()
		ops := rm.Ops()
		if p.Runs != runs || len(p.Ops) != len(ops) {
			t.Fatalf("profile of %d runs with %d ops; want %d runs, %d ops", p.Runs, len(p.Ops), runs, len(ops))
		}
		seen := make([]bool, len(ops))
		var sum, typeSum float64
		var typeCount int
		for k, o := range p.Ops {
			if o.Index < 0 || o.Index >= len(ops) || seen[o.Index] {
				t.Fatalf("op index %d repeated or out of range", o.Index)
			}
			seen[o.Index] = true
			want := ops[o.Index]
			g := rm.Format()
			outT := &g.Tensors[want.Outputs[0]]
			if o.Op != want.Op.String() || o.Name != want.Name || o.Output != outT.Name || !slices.Equal(o.Shape, outT.Shape) || o.MACs != want.MACs {
				t.Errorf("profile line %+v does not describe op %d %q", o, o.Index, want.Name)
			}
			if k > 0 && o.TotalMS > p.Ops[k-1].TotalMS {
				t.Errorf("ops not sorted by time: %v after %v", o.TotalMS, p.Ops[k-1].TotalMS)
			}
			if math.Abs(o.MeanUS*runs/1e3-o.TotalMS) > 1e-9*o.TotalMS+1e-12 || o.MinUS*runs/1e3 > o.TotalMS*(1+1e-9) {
				t.Errorf("op %d: total %v ms, mean %v µs, min %v µs over %d runs", o.Index, o.TotalMS, o.MeanUS, o.MinUS, runs)
			}
			if !slices.Contains([]string{"vector", "reference", "view"}, o.Kernel) {
				t.Errorf("op %d: kernel %q", o.Index, o.Kernel)
			}
			if (o.MACs > 0 && o.TotalMS > 0) != (o.GMACs != nil) {
				t.Errorf("op %d: gmacs %v with %d MACs in %v ms", o.Index, o.GMACs, o.MACs, o.TotalMS)
			}
			sum += o.TotalMS
		}
		for _, ty := range p.Types {
			typeSum += ty.TotalMS
			typeCount += ty.Count
		}
		// The timed runs include Run's entry checks and the timer's own
		// reads, the profile's total the ops between them.
		if timed := r.MeanMS * runs; !(sum > 0 && sum <= p.TotalMS*(1+1e-9) && p.TotalMS <= timed*(1+1e-9)) {
			t.Errorf("op times sum to %v ms, profile total %v ms, timed runs %v ms; want 0 < sum <= total <= timed", sum, p.TotalMS, timed)
		}
		if typeCount != len(ops) || math.Abs(typeSum-sum) > 1e-9*sum {
			t.Errorf("types count %d ops in %v ms; the ops are %d in %v ms", typeCount, typeSum, len(ops), sum)
		}
	}
}

func TestBenchProfileText(t *testing.T) {
	path := suiteModel(t, "lenet5", "int8")
	out := mustRun(t, "bench", path, "--profile", "--runs", "3", "--warmup", "0", "--threads", "1")
	rm, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rm.Close()
	_, table, ok := strings.Cut(out, "per-op profile over 3 runs")
	if !ok {
		t.Fatalf("no profile header in\n%s", out)
	}
	table, types, ok := strings.Cut(table, "by op type:")
	if !ok {
		t.Fatalf("no per-type summary in\n%s", out)
	}
	for _, op := range rm.Ops() {
		found := false
		for _, l := range strings.Split(table, "\n") {
			if f := strings.Fields(l); len(f) > 2 && f[0] == strconv.Itoa(op.Index) && f[1] == op.Op.String() {
				found = true
			}
		}
		if !found {
			t.Errorf("no line for op %d (%s) in\n%s", op.Index, op.Op, table)
		}
		if !strings.Contains(types, op.Op.String()) {
			t.Errorf("op type %s missing from the summary\n%s", op.Op, types)
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
