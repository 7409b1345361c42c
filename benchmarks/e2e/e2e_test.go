package main

import (
	"bufio"
	"encoding/json"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/testmodels"
)

func TestPercentileNearestRank(t *testing.T) {
	// Nearest rank: the ceil(p/100 × n)-th smallest. For 1..10, p50 is the
	// 5th (5), p90 the 9th (9), p99 the 10th; for one sample, that sample.
	s := []float64{7, 3, 9, 1, 10, 2, 8, 4, 6, 5}
	for p, want := range map[int]float64{50: 5, 90: 9, 99: 10, 1: 1} {
		if got := percentile(s, p); got != want {
			t.Errorf("p%d = %v, want %v", p, got, want)
		}
	}
	if got := percentile([]float64{4.5}, 90); got != 4.5 {
		t.Errorf("one sample: %v", got)
	}
	if !math.IsNaN(percentile(nil, 50)) {
		t.Error("no samples: not NaN")
	}
	if s[0] != 7 {
		t.Error("percentile sorted its argument")
	}
}

func TestBlockRuns(t *testing.T) {
	for _, tt := range []struct {
		block time.Duration
		ms    float64
		limit int
		want  int
	}{
		{2 * time.Second, 30, 40, 40},  // 66 runs fit: capped
		{2 * time.Second, 300, 40, 6},  // 6.67 → 6
		{2 * time.Second, 3000, 40, 1}, // slower than a block: still one
		{300 * time.Millisecond, 0, 40, 1},
	} {
		if got := blockRuns(tt.block, tt.ms, tt.limit); got != tt.want {
			t.Errorf("blockRuns(%v, %v, %d) = %d, want %d", tt.block, tt.ms, tt.limit, got, tt.want)
		}
	}
}

// fakeResult is a model whose contenders have the given samples.
func fakeResult(name string, samples map[string][]float64) *modelResult {
	m := &modelResult{Name: name, MACs: 300e6}
	for _, threads := range []int{1, 2} {
		for _, k := range contenderOrder {
			c := &contender{Engine: k[0], Precision: k[1], Threads: threads, Kernels: "avx2", Runtime: "x"}
			c.samples = samples[c.label()]
			if c.Engine == "ort" {
				c.allocs = -1
			}
			m.Contenders = append(m.Contenders, c)
		}
	}
	return m
}

func TestReportBars(t *testing.T) {
	mv2 := fakeResult("mobilenet_v2", map[string][]float64{
		"edgeinfer int8 1T": {10, 11, 12}, // p50 11
		"ORT fp32 1T":       {20, 22, 24}, // p50 22
		"ORT int8 1T":       {10, 10, 10}, // p50 10
		"edgeinfer int8 2T": {6, 6, 7},    // p50 6
	})
	r18 := fakeResult("resnet18", map[string][]float64{
		"edgeinfer int8 1T": {30},
		"ORT fp32 1T":       {50},
	})
	cfg := &config{threads: []int{1, 2}, rounds: 3, block: time.Second, maxBlock: 9, outPNG: "x86.png", commit: "abc"}
	r := report{Config: cfg, Models: []*modelResult{mv2, r18}, Machine: machine{CPU: "Test CPU", BestKernel: "avx2", Processors: 2, LoadStart: "1.5 1 1", LoadEnd: "2.5 1 1",
		Peaks: []peakRate{{"VPMADDWD", 60}, {"VFMADD231PS ymm", 40}}}}
	bars := r.bars()
	want := []struct {
		measured float64
		pass     string
	}{
		{11.0 / 22, "**pass**"}, // 0.5 ≤ 0.5
		{11.0 / 10, "fail"},     // 1.1 > 1.0
		{30.0 / 50, "**pass**"}, // 0.6 ≤ 0.6
		{math.NaN(), "not measured"},
		{11.0 / 6, "**pass**"}, // 1.83 ≥ 1.7
		{0, "**pass**"},        // no allocations counted at 1 or 2 threads
	}
	for i, w := range want {
		got := bars[i]
		if !(got.measured == w.measured || math.IsNaN(got.measured) && math.IsNaN(w.measured)) || got.pass() != w.pass {
			t.Errorf("bar %q: %v %s, want %v %s", got.what, got.measured, got.pass(), w.measured, w.pass)
		}
	}
	md := r.markdown()
	for _, s := range []string{
		"| edgeinfer int8 | 1 | 11.0 | 12.0 | 3 | 0.50× | 1.10× | 0 |",
		"| ORT fp32 | 1 | 22.0 | 24.0 | 3 | 1.00× | 2.20× | — |",
		"| ORT fp32 | 2 | — | — | 0 | — | — | — |",
		"kernel variant in use: **avx2**",
		"Speed-up from 1 to 2 threads (p50): edgeinfer int8 1.83×",
		"| MobileNetV2 edgeinfer int8 / ORT fp32 (1 thread) | 0.50× | 0.50× | ≤ 0.50× | **pass** |",
		"| MobileNetV2 edgeinfer int8 speed-up, 2 threads over 1 | 1.83× | 1.67× | ≥ 1.70× | **pass** |",
		"| MobileNetV2 edgeinfer int8 allocations per run, 1 and 2 threads (most of the two) | 0 allocs | — | ≤ 0 allocs | **pass** |",
		"### ResNet-18 (`resnet18`, 300 M MACs)",
		"load average up to 2.5 on 2 logical CPUs",
		// 300 M MACs in 0.5 x 22 ms = 11 ms: 27.3 GMAC/s, 45 % of 60;
		// edgeinfer 300 M in 11 ms, ORT 300 M in 22 ms = 13.6, 34 % of 40.
		"| MobileNetV2 | 22.0 ms | ≤ 0.50× | 11.0 ms | 27.3 GMAC/s | 45 % | 27.3 GMAC/s (45 %) | 13.6 GMAC/s (34 %) |",
		"| ResNet-18 | 50.0 ms | ≤ 0.60× | 30.0 ms | 10.0 GMAC/s | 17 % | 10.0 GMAC/s (17 %) | 6.0 GMAC/s (15 %) |",
		"peak.c): VPMADDWD 60.0, VFMADD231PS ymm 40.0.",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("report lacks %q:\n%s", s, md)
		}
	}
}

func TestChartRenders(t *testing.T) {
	// Missing contenders (no samples) must leave a gap, not break the
	// log axis.
	models := []*modelResult{
		fakeResult("mobilenet_v2", map[string][]float64{"edgeinfer int8 1T": {10}, "edgeinfer fp32 1T": {400}, "ORT fp32 1T": {20}, "ORT int8 2T": {9}}),
		fakeResult("resnet18", nil),
	}
	path := filepath.Join(t.TempDir(), "chart.png")
	if err := writeChart(path, models, []int{1, 2}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	// 3.6 × 3.8 inches per model at vgimg's default 96 dpi: 691.2 × 364.8.
	if cfg.Width != 691 || cfg.Height != 365 {
		t.Errorf("chart is %d×%d", cfg.Width, cfg.Height)
	}
}

func TestEdgeinferWorkerProtocol(t *testing.T) {
	c, ok := testmodels.Lookup("lenet5")
	if !ok {
		t.Fatal("no lenet5 in the test suite")
	}
	m, err := c.Int8()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lenet5.einf")
	if err := format.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serveEdgeinfer(path, 2, 1, "", inR, outW); outW.Close() }()
	lines := bufio.NewScanner(outR)

	var ready workerReady
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &ready) != nil || !ready.Ready || ready.Threads != 2 || ready.Kernels == "" || len(ready.Input) == 0 {
		t.Fatalf("ready line %q", lines.Text())
	}
	io.WriteString(inW, "run 1 3\n")
	var r workerReply
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &r) != nil || len(r.MS) != 3 || r.MS[0] <= 0 || r.Allocs == nil {
		t.Fatalf("run reply %q", lines.Text())
	}
	io.WriteString(inW, "output\n")
	var o workerReply
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &o) != nil || len(o.Output) != 10 {
		t.Fatalf("output reply %q", lines.Text())
	}
	io.WriteString(inW, "run x\n")
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &r) != nil || !strings.Contains(r.Error, "bad command") {
		t.Fatalf("bad command reply %q", lines.Text())
	}
	if err := <-done; err == nil {
		t.Error("a bad command did not end the worker with an error")
	}
}

func TestEdgeinferWorkerMissingModel(t *testing.T) {
	var out strings.Builder
	err := serveEdgeinfer(filepath.Join(t.TempDir(), "none.einf"), 1, 1, "", strings.NewReader(""), &out)
	var r workerReply
	if err == nil || json.Unmarshal([]byte(out.String()), &r) != nil || !strings.Contains(r.Error, "none.einf") {
		t.Errorf("err %v, output %q", err, out.String())
	}
}

func TestCompare(t *testing.T) {
	ref := []float32{1, -2, 3, 0}
	x := []float32{1, -2, 2.9, 0.1} // noise 0.01 + 0.01 against signal 14
	a := compare("x", ref, x)
	if want := 10 * math.Log10(14/0.02); math.Abs(a.sqnrDB-want) > 1e-4 || a.identical || !a.top1Same {
		t.Errorf("SQNR %v (want %v), identical %v, top-1 same %v", a.sqnrDB, want, a.identical, a.top1Same)
	}
	if want := 0.1 / 3; math.Abs(a.relMax-want) > 1e-6 {
		t.Errorf("relMax %v, want %v", a.relMax, want)
	}
	if b := compare("y", ref, []float32{1, -2, 3, 4}); b.top1Same || b.top1() != "differs" {
		t.Errorf("argmax moved from 2 to 3: %+v", b)
	}
	if c := compare("z", ref, ref); !c.identical || c.sqnr() != "identical" {
		t.Errorf("identical outputs: %+v", c)
	}
	if d := compare("w", ref, ref[:3]); d.missing == "" || d.sqnr() != "—" {
		t.Errorf("sizes differ: %+v", d)
	}
}
