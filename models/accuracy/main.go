// Command accuracy measures edgeinfer's int8 conversion of every model of
// the zoo against the float model, and against PyTorch's own post-training
// quantization where torchvision has a quantizable variant, in one run,
// and writes the table of benchmarks/results/accuracy.md.
//
//	go run ./models/accuracy [-zoo models/generated] [-out benchmarks/results/accuracy.md]
//	    [-only a,b] [-skip-ptq] [-threads N]
//
// The zoo comes from models/generate.sh (random weights, calib.f32 with 32
// inputs, test.f32 with 16 and PyTorch's float outputs in
// test_golden.f32). For each model it converts model.onnx to int8,
// calibrating on all of calib.f32 with the model's method (methods below),
// runs the int8 model on test.f32 with the edgeinfer runtime and computes
// the output SQNR 10·log10(Σf²/Σ(f−q)²) against test_golden.f32, the same
// formula and inputs models/ptq_torch.py uses for PyTorch's int8 models,
// which it runs in the same invocation. It also converts the float32
// model and reports its SQNR (conversion exactness), and times a
// MobileNetV2 conversion with 100 calibration inputs.
package main

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// methods is the calibration each model converts with, where it is not
// defaultMethod.
var methods = map[string]string{}

// defaultMethod is the calibration of the models with a PyTorch bar: "auto"
// calibrates once and keeps whichever observer (minmax, percentile,
// entropy, mse) gives the best output SQNR on the report's calibration
// samples, never on the test inputs. One fixed observer is not best for
// every network: on mobilenet_v3_small minmax gave 14.1 dB and mse 16.9 dB,
// where PyTorch's minmax run gave 15.5 dB.
const defaultMethod = "auto"

// unbarredMethod is the calibration of the models without a PyTorch bar:
// minmax (TFLite's default), one emission instead of four, which keeps
// the run within an hour on a shared 2-core machine.
const unbarredMethod = "minmax"

// errUnfinished marks a row whose conversion has not ended (the table is
// written after each model).
var errUnfinished = errors.New("not measured yet (run interrupted)")

// ptqMarginDB is how far under PyTorch's best PTQ result ours may be.
const ptqMarginDB = 1

// floatTests is how many test inputs the float32 model runs on.
const floatTests = 1

// reportSamples is how many calibration samples the conversion report
// measures (the calibration itself uses all 32): the table measures on
// the test inputs instead.
const reportSamples = 8

type manifest struct {
	Models map[string]struct {
		ONNX        string `json:"onnx"`
		Calib       string `json:"calib"`
		CalibCount  int    `json:"calib_count"`
		Test        string `json:"test"`
		TestCount   int    `json:"test_count"`
		InputShape  []int  `json:"input_shape"`
		OutputShape []int  `json:"output_shape"`
		Quantizable bool   `json:"has_quantizable_variant"`
		MACs        int64  `json:"macs"`
		Params      int64  `json:"params"`
	} `json:"models"`
}

type ptqReport struct {
	Engine string `json:"engine"`
	Models map[string]struct {
		Histogram float64 `json:"sqnr_db_histogram"`
		MinMax    float64 `json:"sqnr_db_minmax"`
		Top1Hist  int     `json:"top1_same_histogram"`
		Top1Min   int     `json:"top1_same_minmax"`
	} `json:"models"`
}

type row struct {
	name          string
	method        string
	int8DB, f32DB float64
	top1, tests   int
	calibDB       float64
	keepFloat     []string
	seconds       float64
	ops           int
	ptq           *float64 // PyTorch's best SQNR
	ptqObserver   string
	err           error
}

func main() {
	zoo := flag.String("zoo", "models/generated", "zoo `dir` (models/generate.sh output)")
	out := flag.String("out", "benchmarks/results/accuracy.md", "write the markdown table to `file`")
	only := flag.String("only", "", "comma-separated model `names` (default: all)")
	skipPTQ := flag.Bool("skip-ptq", false, "do not run PyTorch's PTQ (the table then has no bar)")
	threads := flag.Int("threads", 1, "runtime threads per conversion")
	jobs := flag.Int("jobs", 4, "conversions run at once")
	flag.Parse()
	if err := run(*zoo, *out, *only, *skipPTQ, *threads, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(1)
	}
}

func run(zoo, out, only string, skipPTQ bool, threads, jobs int) error {
	var man manifest
	b, err := os.ReadFile(filepath.Join(zoo, "manifest.json"))
	if err != nil {
		return fmt.Errorf("%w (run models/generate.sh first)", err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		return err
	}
	var names []string
	for name := range man.Models {
		if only == "" || slices.Contains(strings.Split(only, ","), name) {
			names = append(names, name)
		}
	}
	// The smallest models first: the table is rewritten after each one,
	// so an interrupted run still has every small model's row.
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(man.Models[a].MACs, man.Models[b].MACs); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	start := time.Now()

	// PyTorch's PTQ runs alongside edgeinfer's conversions (the machine
	// is shared; the table needs both from the same invocation).
	var ptq ptqReport
	ptqDone := make(chan error, 1)
	go func() { ptqDone <- runPTQ(man, names, zoo, skipPTQ, &ptq) }()

	rows := make([]row, len(names))
	for i, n := range names {
		rows[i] = row{name: n, err: errUnfinished}
	}
	var mu sync.Mutex
	next := make(chan int)
	done := make(chan struct{})
	for range max(jobs, 1) {
		go func() {
			for i := range next {
				m := man.Models[names[i]]
				r := measure(zoo, names[i], m.ONNX, m.Calib, m.Test, m.TestCount, threads, m.Quantizable)
				if r.err != nil {
					fmt.Fprintf(os.Stderr, "%-20s error: %v\n", r.name, r.err)
				} else {
					fmt.Fprintf(os.Stderr, "%-20s int8 %6.2f dB  float32 %6.1f dB  top-1 %d/%d  %s  %.1f s\n", r.name, r.int8DB, r.f32DB, r.top1, r.tests, r.method, r.seconds)
				}
				mu.Lock()
				rows[i] = r
				partial := slices.Clone(rows)
				mu.Unlock()
				slices.SortFunc(partial, func(a, b row) int { return strings.Compare(a.name, b.name) })
				os.WriteFile(out, []byte(table(partial, "(running)", "", jobs, time.Since(start))), 0o644)
			}
			done <- struct{}{}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	for range max(jobs, 1) {
		<-done
	}
	if err := <-ptqDone; err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		if p, ok := ptq.Models[r.name]; ok {
			best, obs := p.Histogram, "histogram"
			if p.MinMax > best {
				best, obs = p.MinMax, "minmax"
			}
			r.ptq, r.ptqObserver = &best, obs
		}
	}

	// Timed alone, after everything else.
	var mnv2 string
	if slices.Contains(names, "mobilenet_v2") {
		d, cpu, err := timeMobileNetV2(zoo)
		if err != nil {
			return err
		}
		mnv2 = fmt.Sprintf("%.1f s (process CPU time %.1f s)", d.Seconds(), cpu.Seconds())
		fmt.Fprintf(os.Stderr, "mobilenet_v2, 100 calibration inputs: %s\n", mnv2)
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.name, b.name) })
	md := table(rows, ptq.Engine, mnv2, jobs, time.Since(start))
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Print(md)
	for _, r := range rows {
		if r.err != nil {
			return fmt.Errorf("%s: %w", r.name, r.err)
		}
		if r.ptq != nil && r.int8DB < *r.ptq-ptqMarginDB {
			return fmt.Errorf("%s: int8 SQNR %.2f dB is more than %d dB under PyTorch's %.2f dB", r.name, r.int8DB, ptqMarginDB, *r.ptq)
		}
	}
	return nil
}

// runPTQ runs models/ptq_torch.py on the quantizable models among names
// and reads its report into ptq.
func runPTQ(man manifest, names []string, zoo string, skip bool, ptq *ptqReport) error {
	if !skip {
		var quantizable []string
		for _, n := range names {
			if man.Models[n].Quantizable {
				quantizable = append(quantizable, n)
			}
		}
		if len(quantizable) > 0 {
			tmp, err := os.CreateTemp("", "ptq*.json")
			if err != nil {
				return err
			}
			tmp.Close()
			defer os.Remove(tmp.Name())
			fmt.Fprintf(os.Stderr, "PyTorch PTQ of %s\n", strings.Join(quantizable, ", "))
			cmd := exec.Command("/usr/bin/python3", "models/ptq_torch.py", zoo, "--only", strings.Join(quantizable, ","), "--out", tmp.Name())
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("ptq_torch.py: %w", err)
			}
			b, err := os.ReadFile(tmp.Name())
			if err != nil {
				return err
			}
			if err := json.Unmarshal(b, ptq); err != nil {
				return err
			}
		}
	}
	return nil
}

func measure(zoo, name, onnxPath, calibPath, testPath string, tests, threads int, quantizable bool) row {
	r := row{name: name, tests: tests, method: defaultMethod}
	if !quantizable {
		r.method = unbarredMethod
	}
	if m, ok := methods[name]; ok {
		r.method = m
	}
	model := filepath.Join(zoo, onnxPath)
	x, err := readFloats(filepath.Join(zoo, testPath))
	if err != nil {
		r.err = err
		return r
	}
	golden, err := readFloats(filepath.Join(zoo, strings.TrimSuffix(testPath, ".f32")+"_golden.f32"))
	if err != nil {
		r.err = err
		return r
	}
	t0 := time.Now()
	res, err := convert.Convert(model, convert.Options{
		Calib:    "raw:" + filepath.Join(zoo, calibPath),
		Quantize: quantize.Options{Method: r.method, BiasCorrection: true, ReportSamples: reportSamples},
	})
	r.seconds = time.Since(t0).Seconds()
	if err != nil {
		r.err = err
		return r
	}
	r.ops = len(res.Model.Operators)
	if r.method == "auto" {
		r.method = "auto: " + res.Report.Method
	}
	r.calibDB = float64(res.Report.OutputSQNR)
	r.keepFloat = res.Report.KeepFloat
	q, err := runAll(res.Model, x, tests, threads)
	if err != nil {
		r.err = err
		return r
	}
	r.int8DB = sqnr(golden, q)
	r.top1 = sameTop1(golden, q, tests)

	// The float32 model checks the conversion itself (float rounding);
	// a few inputs show it.
	fres, err := convert.Convert(model, convert.Options{Float: true})
	if err != nil {
		r.err = err
		return r
	}
	k := min(tests, floatTests)
	f, err := runAll(fres.Model, x[:len(x)/tests*k], k, threads)
	if err != nil {
		r.err = err
		return r
	}
	r.f32DB = sqnr(golden[:len(golden)/tests*k], f)
	return r
}

// timeMobileNetV2 converts MobileNetV2 with 100 calibration inputs
// (N(0, 1), seeded, as the zoo's) and returns how long Convert took, in
// wall-clock and in process CPU time.
func timeMobileNetV2(zoo string) (time.Duration, time.Duration, error) {
	rng := rand.New(rand.NewPCG(100, 2))
	x := make([]float32, 100*3*224*224)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	tmp, err := os.CreateTemp("", "mnv2calib*.f32")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(tmp.Name())
	if err := binary.Write(tmp, binary.LittleEndian, x); err != nil {
		return 0, 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, 0, err
	}
	c0 := cpuTime()
	t0 := time.Now()
	res, err := convert.Convert(filepath.Join(zoo, "mobilenet_v2", "model.onnx"), convert.Options{
		Calib:    "raw:" + tmp.Name(),
		Quantize: quantize.Options{Method: "minmax", BiasCorrection: true, Samples: 100},
	})
	d, cpu := time.Since(t0), cpuTime()-c0
	if err != nil {
		return 0, 0, err
	}
	if res.Report.Samples != 100 {
		return 0, 0, fmt.Errorf("mobilenet_v2 calibrated on %d samples, want 100", res.Report.Samples)
	}
	return d, cpu, nil
}

func table(rows []row, engine, mnv2 string, jobs int, total time.Duration) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# int8 accuracy on the model zoo\n\n")
	fmt.Fprintf(&b, "Written by `go run ./models/accuracy` (%s, %d models, %.0f s in all). Random-weight models from\n", time.Now().UTC().Format("2006-01-02"), len(rows), total.Seconds())
	fmt.Fprintf(&b, "`models/generate.sh`; edgeinfer calibrates on the 32 inputs of calib.f32 with bias correction; SQNR is\n")
	fmt.Fprintf(&b, "10·log10(Σf²/Σ(f−q)²) of the first output over the 16 test inputs against PyTorch's float outputs, the\n")
	fmt.Fprintf(&b, "formula and inputs of `models/ptq_torch.py`, which ran in the same invocation (engine %s; the better of\n", orDash(engine))
	fmt.Fprintf(&b, "its HistogramObserver and MinMaxObserver runs). The check is int8 ≥ PyTorch − %d dB. Conversions ran %d at\n", ptqMarginDB, jobs)
	b.WriteString("a time beside PyTorch on a 2-core machine shared with other work, so their times are upper bounds.\n\n")
	b.WriteString("| model | ops | calibration | int8 SQNR (dB) | PyTorch PTQ (dB) | Δ (dB) | check | top-1 kept | float32 SQNR (dB, 1 input) | convert (s) |\n")
	b.WriteString("| --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n")
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(&b, "| %s | | | error: %s | | | fail | | | |\n", r.name, strings.ReplaceAll(r.err.Error(), "\n", " "))
			continue
		}
		ptq, delta, check := "–", "–", "no PTQ variant"
		if r.ptq != nil {
			ptq = fmt.Sprintf("%.2f (%s)", *r.ptq, r.ptqObserver)
			delta = fmt.Sprintf("%+.2f", r.int8DB-*r.ptq)
			check = "pass"
			if r.int8DB < *r.ptq-ptqMarginDB {
				check = "FAIL"
			}
		}
		method := r.method
		if len(r.keepFloat) > 0 {
			method += ", float: " + strings.Join(r.keepFloat, " ")
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %.2f | %s | %s | %s | %d/%d | %.1f | %.1f |\n",
			r.name, r.ops, method, r.int8DB, ptq, delta, check, r.top1, r.tests, r.f32DB, r.seconds)
	}
	if mnv2 != "" {
		fmt.Fprintf(&b, "\nMobileNetV2 with 100 calibration inputs (N(0, 1), 3x224x224) converts in %s (convert.Convert, this\n", mnv2)
		b.WriteString("machine, shared with other jobs).\n")
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func readFloats(path string) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not whole float32s", path, len(b))
	}
	x := make([]float32, len(b)/4)
	if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, x); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return x, nil
}

// runAll runs the model on the n NCHW inputs back to back in x and returns
// the first outputs, concatenated.
func runAll(m *format.Model, x []float32, n, threads int) ([]float32, error) {
	rm, err := runtime.LoadModel(m)
	if err != nil {
		return nil, err
	}
	it, err := rm.NewInterpreter(runtime.Options{Threads: threads})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	per := len(x) / n
	var out []float32
	for i := range n {
		if err := it.SetInputFloat32(0, x[i*per:(i+1)*per], format.NCHW); err != nil {
			return nil, err
		}
		if err := it.Run(); err != nil {
			return nil, err
		}
		y, err := it.OutputFloat32(0, nil, format.NCHW)
		if err != nil {
			return nil, err
		}
		out = append(out, y...)
	}
	return out, nil
}

func sqnr(ref, got []float32) float64 {
	var s, e float64
	for i := range ref {
		d := float64(got[i]) - float64(ref[i])
		s += float64(ref[i]) * float64(ref[i])
		e += d * d
	}
	return 10 * math.Log10(s/e)
}

// sameTop1 counts the outputs whose largest entry is at the same index.
func sameTop1(ref, got []float32, n int) int {
	per := len(ref) / n
	same := 0
	for i := range n {
		if argmax(ref[i*per:(i+1)*per]) == argmax(got[i*per:(i+1)*per]) {
			same++
		}
	}
	return same
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
