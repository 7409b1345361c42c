// Command e2e is edgeinfer's end-to-end benchmark against ONNX Runtime: for
// each model it times edgeinfer (int8 and float32) and ONNX Runtime (the
// float ONNX model and its QDQ int8 twin with the same calibration) at each
// thread count, interleaved in rounds so that machine noise hits every
// contender alike, and writes a Markdown report and a PNG chart.
//
// benchmarks/run.sh prepares the models and runs it; see
// benchmarks/README.md. It is a module of its own (benchmarks/e2e/go.mod) so
// that the chart's dependencies (gonum/plot) stay out of edgeinfer's.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// config is what the command line sets.
type config struct {
	zoo, work, ortDir string
	models            []string
	threads           []int
	rounds            int           // blocks per contender
	block             time.Duration // timed work per block
	maxBlock          int           // runs per block at most
	gap               time.Duration // idle time between blocks
	seed              uint64
	commit            string
	outMD, outPNG     string
	quick             bool
	peakTime          time.Duration // measuring time per peak sequence, at the start and at the end
}

func main() {
	var cfg config
	models := flag.String("models", "mobilenet_v2,resnet18,efficientnet_b0", "zoo `names`, comma separated")
	threads := flag.String("threads", "1,2", "thread `counts`, comma separated (with -serve-edgeinfer: one count)")
	flag.StringVar(&cfg.zoo, "zoo", "models/generated", "the model zoo `dir` (models/generate.sh): NAME/model.onnx, manifest.json")
	flag.StringVar(&cfg.work, "work", "benchmarks/work", "`dir` of converted models: NAME/int8.einf, fp32.einf, int8_qdq.onnx")
	flag.StringVar(&cfg.ortDir, "ort", "benchmarks/ort", "`dir` of ort_worker.js with onnxruntime-node installed")
	flag.IntVar(&cfg.rounds, "rounds", 7, "timed blocks per contender")
	flag.DurationVar(&cfg.block, "block", 2*time.Second, "timed work per block (runs = block / latency)")
	flag.IntVar(&cfg.maxBlock, "max-block", 40, "timed runs per block at most")
	flag.DurationVar(&cfg.gap, "gap", 50*time.Millisecond, "idle time between blocks (lets thread pools stop spinning)")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the random inputs")
	flag.StringVar(&cfg.commit, "commit", "", "edgeinfer commit to report")
	flag.StringVar(&cfg.outMD, "o", "benchmarks/results/x86.md", "report `file`; the raw timings go beside it as .json")
	flag.StringVar(&cfg.outPNG, "png", "", "chart `file` (default: the report's name with .png)")
	flag.DurationVar(&cfg.peakTime, "peak-time", 500*time.Millisecond, "time per instruction-sequence peak, measured at the start and the end")
	flag.BoolVar(&cfg.quick, "quick", false, "2 rounds of 0.3 s blocks: checks the pipeline, not a measurement")
	serve := flag.String("serve-edgeinfer", "", "internal: be the edgeinfer worker for `MODEL.einf`")
	input := flag.String("input", "", "with -serve-edgeinfer: the input `file` (float32, first tensor used)")
	chartFrom := flag.String("chart-from", "", "only redraw the chart (-png, or -o's name with .png) from a run's `x86.json`")
	flag.Parse()

	ts, err := parseInts(*threads)
	if err != nil {
		fatalf("-threads: %v", err)
	}
	if *serve != "" {
		if len(ts) != 1 {
			fatalf("-serve-edgeinfer takes one -threads count")
		}
		if err := serveEdgeinfer(*serve, ts[0], cfg.seed, *input, os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		return
	}
	cfg.threads = ts
	cfg.models = strings.Split(*models, ",")
	if cfg.quick {
		cfg.rounds, cfg.block = 2, 300*time.Millisecond
	}
	if cfg.outPNG == "" {
		cfg.outPNG = strings.TrimSuffix(cfg.outMD, filepath.Ext(cfg.outMD)) + ".png"
	}
	if *chartFrom != "" {
		if err := redrawChart(*chartFrom, cfg.outPNG); err != nil {
			fatalf("%v", err)
		}
		return
	}
	if cfg.rounds < 1 || cfg.maxBlock < 1 {
		fatalf("-rounds and -max-block must be 1 or more")
	}
	if err := run(&cfg); err != nil {
		fatalf("%v", err)
	}
}

func run(cfg *config) error {
	machine := describeMachine()
	machine.Peaks = measurePeaks(nil, cfg.peakTime)
	manifest, err := readManifest(filepath.Join(cfg.zoo, "manifest.json"))
	if err != nil {
		return err
	}
	start := time.Now()
	var results []*modelResult
	for _, name := range cfg.models {
		m := newModelResult(cfg, name, manifest[name])
		fmt.Fprintf(os.Stderr, "e2e: %s: %d contenders\n", name, len(m.Contenders))
		measure(cfg, m)
		for _, c := range m.Contenders {
			if c.err != nil {
				fmt.Fprintf(os.Stderr, "e2e: %s: %s: %v\n", name, c.label(), c.err)
			}
		}
		results = append(results, m)
	}
	machine.LoadEnd = loadAverage()
	machine.Peaks = measurePeaks(machine.Peaks, cfg.peakTime)
	rep := report{Config: cfg, Machine: machine, Models: results, Started: start, Took: time.Since(start)}
	if err := os.MkdirAll(filepath.Dir(cfg.outMD), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(cfg.outMD, []byte(rep.markdown()), 0o644); err != nil {
		return err
	}
	if err := writeJSON(strings.TrimSuffix(cfg.outMD, filepath.Ext(cfg.outMD))+".json", &rep); err != nil {
		return err
	}
	if err := writeChart(cfg.outPNG, results, cfg.threads); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	fmt.Fprintf(os.Stderr, "e2e: wrote %s (and .json) and %s in %s\n", cfg.outMD, cfg.outPNG, time.Since(start).Round(time.Second))
	return nil
}

// newModelResult lists the contenders of one model: each engine and
// precision at each thread count, with the file it runs.
func newModelResult(cfg *config, name string, info manifestModel) *modelResult {
	m := &modelResult{Name: name, MACs: info.MACs}
	files := map[[2]string]string{
		{"edgeinfer", "int8"}: filepath.Join(cfg.work, name, "int8.einf"),
		{"edgeinfer", "fp32"}: filepath.Join(cfg.work, name, "fp32.einf"),
		{"ort", "fp32"}:       filepath.Join(cfg.zoo, name, "model.onnx"),
		{"ort", "int8"}:       filepath.Join(cfg.work, name, "int8_qdq.onnx"),
	}
	// Every contender runs the zoo's first test input, so that their
	// outputs can be compared.
	input := filepath.Join(cfg.zoo, name, "test.f32")
	if _, err := os.Stat(input); err != nil {
		input = ""
	}
	for _, t := range cfg.threads {
		for _, k := range contenderOrder {
			c := &contender{Engine: k[0], Precision: k[1], Threads: t, File: files[k], Input: input}
			if _, err := os.Stat(c.File); err != nil {
				c.err = fmt.Errorf("no model file: %v%s", err, convertLogTail(filepath.Join(cfg.work, name)))
			}
			m.Contenders = append(m.Contenders, c)
		}
	}
	return m
}

// contenderOrder is the order of engines and precisions in every table.
var contenderOrder = [][2]string{{"edgeinfer", "int8"}, {"edgeinfer", "fp32"}, {"ort", "fp32"}, {"ort", "int8"}}

// convertLogTail is the last line of run.sh's conversion log of a model,
// which says why a file is missing.
func convertLogTail(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "convert.log"))
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return ""
	}
	return " (convert.log: " + lastLine(string(b)) + ")"
}

// measure times every contender of m: a warm-up block sizes each
// contender's blocks, then rounds of one block per contender, the order
// rotated by one each round (A B C, B C A, ...), so slow drifts of the
// machine's load spread over all of them.
func measure(cfg *config, m *modelResult) {
	var live []*contender
	for _, c := range m.Contenders {
		if c.err != nil {
			continue
		}
		argv, err := workerArgv(c, cfg.ortDir, cfg.seed)
		if err == nil {
			var ready workerReady
			c.w, ready, err = startWorker(argv)
			c.Runtime, c.Kernels = ready.Runtime, ready.Kernels
		}
		if err != nil {
			c.err = err
			continue
		}
		live = append(live, c)
	}
	defer func() {
		for _, c := range live {
			c.w.close()
		}
	}()
	// Two untimed runs (first-run allocation and planning), then one timed
	// run to size the blocks.
	for _, c := range live {
		time.Sleep(cfg.gap)
		ms, _, err := c.w.time(2, 1)
		if err != nil {
			c.err = err
			continue
		}
		c.perRun = ms[0]
	}
	for r := range cfg.rounds {
		for k := range live {
			c := live[(r+k)%len(live)]
			if c.err != nil {
				continue
			}
			runs := blockRuns(cfg.block, c.perRun, cfg.maxBlock)
			time.Sleep(cfg.gap)
			ms, allocs, err := c.w.time(1, runs)
			if err != nil {
				c.err = err
				continue
			}
			if allocs < 0 || c.allocs < 0 {
				c.allocs = -1
			} else {
				c.allocs += allocs
			}
			c.samples = append(c.samples, ms...)
			c.perRun = percentile(c.samples, 50)
		}
		fmt.Fprintf(os.Stderr, "e2e: %s: round %d/%d\n", m.Name, r+1, cfg.rounds)
	}
	for _, c := range live {
		if c.err == nil {
			c.output, c.err = c.w.output()
		}
	}
}

// blockRuns is how many runs of perRunMS fill a block, between 1 and limit.
func blockRuns(block time.Duration, perRunMS float64, limit int) int {
	if perRunMS <= 0 {
		return 1
	}
	n := int(float64(block.Microseconds()) / 1000 / perRunMS)
	return min(max(n, 1), limit)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want positive integers", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
	os.Exit(1)
}
