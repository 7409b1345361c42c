package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// A contender is one engine, precision and thread count on one model.
type contender struct {
	Engine    string // "edgeinfer" or "ort"
	Precision string // "int8" or "fp32"
	Threads   int
	File      string // the model file it runs
	Input     string // the input file (float32, first tensor), "" for random

	Runtime string // version string from the worker's ready line
	Kernels string // edgeinfer's kernel variant

	samples []float64 // latencies in ms, over all blocks
	output  []float32 // the first output on Input, after the last run
	allocs  int64     // heap allocations in the timed runs; -1 when the worker does not count them
	perRun  float64   // estimated latency, sizes the blocks
	err     error     // why it has no (more) results
	w       *worker
}

func (c *contender) label() string {
	name := "edgeinfer"
	if c.Engine == "ort" {
		name = "ORT"
	}
	return fmt.Sprintf("%s %s %dT", name, c.Precision, c.Threads)
}

// worker is a child process speaking the worker line protocol (see
// worker.go and benchmarks/ort/ort_worker.js).
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	stderr strings.Builder
}

// startWorker starts argv and reads its ready line.
func startWorker(argv []string) (*worker, workerReady, error) {
	w := &worker{cmd: exec.Command(argv[0], argv[1:]...)}
	w.cmd.Stderr = &w.stderr
	var err error
	if w.stdin, err = w.cmd.StdinPipe(); err != nil {
		return nil, workerReady{}, err
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, workerReady{}, err
	}
	if err := w.cmd.Start(); err != nil {
		return nil, workerReady{}, err
	}
	w.lines = bufio.NewScanner(stdout)
	w.lines.Buffer(make([]byte, 0, 1<<16), 1<<24)
	var ready workerReady
	if err := w.read(&ready); err != nil {
		w.close()
		return nil, workerReady{}, err
	}
	if !ready.Ready {
		w.close()
		return nil, workerReady{}, errors.New("worker did not report ready")
	}
	return w, ready, nil
}

// read decodes the worker's next line into v, turning an {"error": ...}
// line or an early exit into an error.
func (w *worker) read(v any) error {
	if !w.lines.Scan() {
		msg := strings.TrimSpace(w.stderr.String())
		if err := w.lines.Err(); err != nil {
			msg = err.Error()
		}
		if msg == "" {
			msg = "no output"
		}
		return fmt.Errorf("worker exited: %s", lastLine(msg))
	}
	line := w.lines.Bytes()
	var e workerReply
	if json.Unmarshal(line, &e) == nil && e.Error != "" {
		return errors.New(e.Error)
	}
	return json.Unmarshal(line, v)
}

// time runs a block: warmup untimed runs, then runs timed ones. allocs is
// the heap allocations during the timed runs, -1 when the worker does not
// count them (ORT).
func (w *worker) time(warmup, runs int) (ms []float64, allocs int64, err error) {
	if _, err := fmt.Fprintf(w.stdin, "run %d %d\n", warmup, runs); err != nil {
		return nil, 0, err
	}
	var r workerReply
	if err := w.read(&r); err != nil {
		return nil, 0, err
	}
	if len(r.MS) != runs {
		return nil, 0, fmt.Errorf("worker returned %d timings for %d runs", len(r.MS), runs)
	}
	allocs = -1
	if r.Allocs != nil {
		allocs = int64(*r.Allocs)
	}
	return r.MS, allocs, nil
}

// output fetches the first output of the last run.
func (w *worker) output() ([]float32, error) {
	if _, err := fmt.Fprintln(w.stdin, "output"); err != nil {
		return nil, err
	}
	var r workerReply
	if err := w.read(&r); err != nil {
		return nil, err
	}
	if len(r.Output) == 0 {
		return nil, errors.New("worker returned no output")
	}
	return r.Output, nil
}

func (w *worker) close() {
	fmt.Fprintln(w.stdin, "quit")
	w.stdin.Close()
	done := make(chan struct{})
	go func() { w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		w.cmd.Process.Kill()
		<-done
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// workerArgv is the command line of c's worker process.
func workerArgv(c *contender, ortDir string, seed uint64) ([]string, error) {
	switch c.Engine {
	case "edgeinfer":
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		argv := []string{self, "-serve-edgeinfer", c.File, "-threads", fmt.Sprint(c.Threads), "-seed", fmt.Sprint(seed)}
		if c.Input != "" {
			argv = append(argv, "-input", c.Input)
		}
		return argv, nil
	case "ort":
		argv := []string{"node", ortDir + "/ort_worker.js", c.File, "--threads", fmt.Sprint(c.Threads), "--seed", fmt.Sprint(seed)}
		if c.Input != "" {
			argv = append(argv, "--input", c.Input)
		}
		return argv, nil
	}
	return nil, fmt.Errorf("unknown engine %q", c.Engine)
}
