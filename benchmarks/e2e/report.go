package main

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/edgeinfer/edgeinfer/benchmarks/peak"
)

// report is everything x86.md shows.
type report struct {
	Config  *config
	Machine machine
	Models  []*modelResult
	Started time.Time
	Took    time.Duration
}

// displayNames are the usual names of zoo models.
var displayNames = map[string]string{
	"mobilenet_v2":       "MobileNetV2-1.0-224",
	"mobilenet_v2_relu":  "MobileNetV2-1.0-224 (ReLU)",
	"mobilenet_v3_small": "MobileNetV3-Small",
	"mobilenet_v3_large": "MobileNetV3-Large",
	"resnet18":           "ResNet-18",
	"resnet50":           "ResNet-50",
	"efficientnet_b0":    "EfficientNet-B0",
	"squeezenet1_1":      "SqueezeNet 1.1",
	"shufflenet_v2_x1_0": "ShuffleNetV2 1.0",
	"googlenet":          "GoogLeNet",
	"densenet121":        "DenseNet-121",
	"inception_v3":       "Inception-v3",
	"vgg11":              "VGG-11",
	"alexnet":            "AlexNet",
}

func displayName(zoo string) string {
	if d, ok := displayNames[zoo]; ok {
		return d
	}
	return zoo
}

// bar is one acceptance criterion of issue 4.
type bar struct {
	what     string
	measured float64
	limit    float64
	atMost   bool   // measured must be ≤ limit (else ≥)
	unit     string // "" for ratios (×), else printed after plain numbers
	// fast is the same ratio over each contender's p10 instead of its
	// p50 (NaN for a bar that is not a latency ratio): this machine's
	// latencies are bimodal, and p10 shows the fast mode. The bar is
	// judged on measured, the p50.
	fast float64
}

func (b bar) format(v float64) string {
	if b.unit == "" {
		return times(v)
	}
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%g%s", v, b.unit)
}

func (b bar) pass() string {
	switch {
	case math.IsNaN(b.measured):
		return "not measured"
	case b.atMost && b.measured <= b.limit, !b.atMost && b.measured >= b.limit:
		return "**pass**"
	}
	return "fail"
}

// fp32Bars are issue 4's latency bars against ONNX Runtime fp32: on one
// thread, edgeinfer int8's p50 at most limit times ORT fp32's.
var fp32Bars = []struct {
	what, model string
	limit       float64
}{{"MobileNetV2", "mobilenet_v2", 0.5}, {"ResNet-18", "resnet18", 0.6}, {"EfficientNet-B0", "efficientnet_b0", 0.6}}

// bars evaluates the acceptance criteria over the models measured.
func (r *report) bars() []bar {
	// latencyRatio is model's latency of a over that of b, both at
	// percentile p.
	type side struct {
		engine, precision string
		threads           int
	}
	latencyRatio := func(model string, a, b side, p int) float64 {
		m := r.model(model)
		if m == nil {
			return math.NaN()
		}
		return ratio(m.find(a.engine, a.precision, a.threads).percentileOf(p),
			m.find(b.engine, b.precision, b.threads).percentileOf(p))
	}
	ei8, ei8t2 := side{"edgeinfer", "int8", 1}, side{"edgeinfer", "int8", 2}
	ortFP32, ortInt8 := side{"ort", "fp32", 1}, side{"ort", "int8", 1}
	ratioBar := func(what, model string, a, b side, limit float64, atMost bool) bar {
		return bar{what, latencyRatio(model, a, b, 50), limit, atMost, "", latencyRatio(model, a, b, 10)}
	}
	fp32Bar := func(i int) bar {
		fb := fp32Bars[i]
		return ratioBar(fb.what+" edgeinfer int8 / ORT fp32 (1 thread)", fb.model, ei8, ortFP32, fb.limit, true)
	}
	return []bar{
		fp32Bar(0),
		ratioBar("MobileNetV2 edgeinfer int8 / ORT int8 QDQ (1 thread)", "mobilenet_v2", ei8, ortInt8, 1.0, true),
		fp32Bar(1),
		fp32Bar(2),
		ratioBar("MobileNetV2 edgeinfer int8 speed-up, 2 threads over 1", "mobilenet_v2", ei8, ei8t2, 1.7, false),
		{"MobileNetV2 edgeinfer int8 allocations per run, 1 and 2 threads (most of the two)", maxAllocs(r.model("mobilenet_v2")), 0, true, " allocs", math.NaN()},
	}
}

func (r *report) markdown() string {
	var b strings.Builder
	cfg, mc := r.Config, r.Machine
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# edgeinfer against ONNX Runtime on x86\n\n")
	w("Written by `benchmarks/run.sh` (the harness is `benchmarks/e2e`) on %s UTC; do not edit by hand.", r.Started.UTC().Format("2006-01-02 15:04"))
	if cfg.quick {
		w(" **Quick mode** (%d rounds of %s blocks): a check of the pipeline, not a measurement.", cfg.rounds, cfg.block)
	}
	w("\n\n## Machine and versions\n\n")
	w("| | |\n| --- | --- |\n")
	vm := ""
	if mc.Hypervisor {
		vm = ", virtual machine"
	}
	w("| CPU | %s, %d logical CPUs%s |\n", mc.CPU, mc.Processors, vm)
	w("| vector flags | %s |\n", strings.Join(mc.SIMD, " "))
	w("| OS | Linux %s, %s |\n", mc.Kernel, mc.GOARCH)
	w("| load average (1/5/15 min) | %s at the start, %s at the end |\n", mc.LoadStart, mc.LoadEnd)
	w("| Go | %s |\n", mc.Go)
	commit := cfg.commit
	if commit == "" {
		commit = "unknown"
	}
	w("| edgeinfer | commit %s; kernel variant in use: **%s** (best this CPU allows: %s) |\n", commit, r.kernelsInUse(), mc.BestKernel)
	w("| ONNX Runtime | %s (npm onnxruntime-node's bundled libonnxruntime.so), CPU execution provider, all graph optimizations, sequential execution, 1 inter-op thread |\n", r.ortRuntime())
	w("\n## Method\n\n")
	w("Each model of the zoo (`models/generate.sh`, random weights with realistic batch-norm statistics, batch 1) runs as ")
	w("edgeinfer int8 (`edgeinfer convert --calib` on the zoo's 32 calibration inputs, minmax ranges), edgeinfer float32 ")
	w("(`convert --float`), ONNX Runtime fp32 (the zoo's ONNX file) and ONNX Runtime int8: the QDQ model that the same ")
	w("`convert` call writes with `--export-qdq`, holding exactly the int8 model's scales, zero points, int8 weights and ")
	w("int32 biases. Every contender runs in a child process of its own (`benchmarks/ort/ort_worker.js` for ORT, the ")
	w("harness binary itself for edgeinfer). After 2 untimed runs and one sizing ")
	w("run, the contenders take turns for %d rounds (the order rotated each round): a block is 1 untimed run and then as ", cfg.rounds)
	w("many timed runs as fill %s (at most %d), with %s idle between blocks. ", cfg.block, cfg.maxBlock, cfg.gap)
	w("allocs/run is edgeinfer's heap allocations (runtime.MemStats.Mallocs) over its timed runs divided by their number, ")
	w("rounded down like testing.AllocsPerRun (ORT's are not counted). ")
	w("p50 and p90 are nearest-rank percentiles over all timed runs of a contender. The input is the zoo's first ")
	w("test input (`test.f32`, N(0, 1)) for every contender, and each model's outputs are compared afterwards. ORT timings include ")
	w("onnxruntime-node's JavaScript-to-native call (tens of µs). The machine is shared, so only ratios within one ")
	w("run mean much.\n")

	if load := maxLoad(mc.LoadStart, mc.LoadEnd); load > float64(mc.Processors) {
		w("\n**The machine was oversubscribed**: load average up to %.1f on %d logical CPUs. Other processes took much ", load, mc.Processors)
		w("of the CPU time, so absolute latencies are inflated and thread scaling is distorted: a 2-thread contender ")
		w("gets a larger share of an oversubscribed machine than a 1-thread one (speed-ups above 2× on 2 CPUs), while ")
		w("thread pools that spin-wait (ONNX Runtime's) lose time to the other processes.\n")
	}
	w("\n## Latency (ms)\n")
	for _, m := range r.Models {
		w("\n### %s (`%s`", displayName(m.Name), m.Name)
		if m.MACs > 0 {
			w(", %.0f M MACs", float64(m.MACs)/1e6)
		}
		w(")\n\n")
		w("| contender | threads | p50 | p90 | runs | p50 / ORT fp32 | p50 / ORT int8 | allocs/run |\n")
		w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, c := range m.Contenders {
			name := c.label()
			name = strings.TrimSuffix(name, fmt.Sprintf(" %dT", c.Threads))
			if c.err != nil && len(c.samples) == 0 {
				w("| %s | %d | — | — | 0 | — | — | — |\n", name, c.Threads)
				continue
			}
			fp32 := m.find("ort", "fp32", c.Threads).p50()
			int8 := m.find("ort", "int8", c.Threads).p50()
			w("| %s | %d | %s | %s | %d | %s | %s | %s |\n", name, c.Threads, ms(c.p50()), ms(c.p90()), len(c.samples),
				times(ratio(c.p50(), fp32)), times(ratio(c.p50(), int8)), c.allocsPerRun())
		}
		if speedups := r.speedups(m); speedups != "" {
			w("\nSpeed-up from 1 to 2 threads (p50): %s.\n", speedups)
		}
		w("\nOutputs on the zoo's first test input (agreement of what the contenders compute):\n\n")
		w("| comparison | SQNR | max abs difference / max abs reference | top-1 |\n| --- | ---: | ---: | --- |\n")
		for _, a := range m.agreements() {
			w("| %s | %s | %s | %s |\n", a.what, a.sqnr(), a.relMaxString(), a.top1())
		}
		var errs []string
		for _, c := range m.Contenders {
			if c.err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", c.label(), c.err))
			}
		}
		if len(errs) > 0 {
			w("\nFailures:\n\n")
			for _, e := range errs {
				w("- %s\n", strings.ReplaceAll(e, "\n", " "))
			}
		}
	}

	w("\n## Acceptance bars (issue 4)\n\n")
	w("Bars are judged at p50, as the issue states them. The p10 column is the same ratio over each contender's 10th ")
	w("percentile: on a shared virtual machine latencies are often bimodal (runs of fast and slow iterations for all ")
	w("contenders alike), and p10 compares the fast mode.\n\n")
	w("| bar | measured (p50) | at p10 | limit | result |\n| --- | ---: | ---: | ---: | --- |\n")
	for _, br := range r.bars() {
		op := "≤"
		if !br.atMost {
			op = "≥"
		}
		fast := "—"
		if !math.IsNaN(br.fast) {
			fast = br.format(br.fast)
		}
		w("| %s | %s | %s | %s %s | %s |\n", br.what, br.format(br.measured), fast, op, br.format(br.limit), br.pass())
	}
	w("%s", r.throughputNeeded())
	w("\nChart: [%s](%s) (p50 per model; lower is better).\n", filepath.Base(cfg.outPNG), filepath.Base(cfg.outPNG))
	w("\nThe run took %s.\n", r.Took.Round(time.Second))
	return b.String()
}

// speedups lists p50(1 thread) / p50(2 threads) per engine and precision.
func (r *report) speedups(m *modelResult) string {
	if !slices.Contains(r.Config.threads, 1) || !slices.Contains(r.Config.threads, 2) {
		return ""
	}
	var parts []string
	for _, k := range contenderOrder {
		s := ratio(m.find(k[0], k[1], 1).p50(), m.find(k[0], k[1], 2).p50())
		if !math.IsNaN(s) {
			parts = append(parts, fmt.Sprintf("%s %s %s", engineName(k[0]), k[1], times(s)))
		}
	}
	return strings.Join(parts, ", ")
}

func engineName(e string) string {
	if e == "ort" {
		return "ORT"
	}
	return e
}

// kernelsInUse is the variant the edgeinfer workers reported.
func (r *report) kernelsInUse() string {
	seen := map[string]bool{}
	var vs []string
	for _, m := range r.Models {
		for _, c := range m.Contenders {
			if c.Engine == "edgeinfer" && c.Kernels != "" && !seen[c.Kernels] {
				seen[c.Kernels] = true
				vs = append(vs, c.Kernels)
			}
		}
	}
	if len(vs) == 0 {
		return "unknown (no edgeinfer contender ran)"
	}
	return strings.Join(vs, ", ")
}

func (r *report) ortRuntime() string {
	for _, m := range r.Models {
		for _, c := range m.Contenders {
			if c.Engine == "ort" && c.Runtime != "" {
				return c.Runtime
			}
		}
	}
	return "onnxruntime-node (did not start)"
}

func ms(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func times(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%.2f×", v)
}

// maxLoad is the largest 1-minute load average of the /proc/loadavg
// excerpts ("1.0 2.0 3.0"); 0 when none parses.
func maxLoad(loads ...string) float64 {
	top := 0.0
	for _, l := range loads {
		var one float64
		if _, err := fmt.Sscan(l, &one); err == nil {
			top = math.Max(top, one)
		}
	}
	return top
}

// allocsPerRun is the heap allocations per timed run, as
// testing.AllocsPerRun counts (rounded down), or "—" when not counted.
func (c *contender) allocsPerRun() string {
	if c.allocs < 0 || len(c.samples) == 0 {
		return "—"
	}
	return fmt.Sprint(c.allocs / int64(len(c.samples)))
}

// maxAllocs is the larger allocs/run of m's edgeinfer int8 contenders at 1
// and 2 threads, NaN when either was not measured.
func maxAllocs(m *modelResult) float64 {
	if m == nil {
		return math.NaN()
	}
	most := 0.0
	for _, t := range []int{1, 2} {
		c := m.find("edgeinfer", "int8", t)
		if c == nil || c.allocs < 0 || len(c.samples) == 0 {
			return math.NaN()
		}
		most = math.Max(most, float64(c.allocs/int64(len(c.samples))))
	}
	return most
}

// throughputNeeded relates each fp32 latency bar to this CPU's measured
// peaks: the multiply-add rate a model must sustain, over the whole
// network, for edgeinfer int8 to meet the bar, against the peak of
// VPMADDWD (the only exact int8 multiply-add on an AVX2 CPU without VNNI)
// and of the VNNI forms where the CPU has them; and the rates both engines
// reached. Empty when no peak was measured.
func (r *report) throughputNeeded() string {
	mc := r.Machine
	pmaddwd := mc.peakOf(peak.VPMADDWD)
	if pmaddwd == 0 {
		return ""
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	var peaks []string
	for _, p := range mc.Peaks {
		peaks = append(peaks, fmt.Sprintf("%s %.1f", p.Sequence, p.GMACs))
	}
	w("\n### What the latency bars ask of this CPU\n\n")
	w("Single-core peaks measured in this run (GMAC/s, the better of the run's start and end; `benchmarks/peak`, the Go ")
	w("port of peak.c): %s. A model's rate below is its multiply-adds over its p50 at 1 thread, whole network included.\n\n", strings.Join(peaks, ", "))
	w("| model | ORT fp32 p50 | bar | edgeinfer int8 p50 needed | rate needed | of the VPMADDWD peak | edgeinfer int8 now | ORT fp32 now (of the FMA peak) |\n")
	w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	rate := func(macs int64, ms float64) float64 { return float64(macs) / (ms * 1e6) }
	pct := func(v, of float64) string {
		if of == 0 || math.IsNaN(v) {
			return "—"
		}
		return fmt.Sprintf("%.0f %%", 100*v/of)
	}
	for _, fb := range fp32Bars {
		m := r.model(fb.model)
		if m == nil || m.MACs == 0 {
			continue
		}
		ort := m.find("ort", "fp32", 1).p50()
		ei := m.find("edgeinfer", "int8", 1).p50()
		need := rate(m.MACs, fb.limit*ort)
		w("| %s | %s ms | ≤ %.2f× | %s ms | %.1f GMAC/s | %s | %.1f GMAC/s (%s) | %.1f GMAC/s (%s) |\n",
			fb.what, ms(ort), fb.limit, ms(fb.limit*ort), need, pct(need, pmaddwd),
			rate(m.MACs, ei), pct(rate(m.MACs, ei), pmaddwd), rate(m.MACs, ort), pct(rate(m.MACs, ort), mc.peakOf(peak.FMA)))
	}
	return b.String()
}

// model returns the result of the zoo model called name, or nil.
func (r *report) model(name string) *modelResult {
	for _, m := range r.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}
