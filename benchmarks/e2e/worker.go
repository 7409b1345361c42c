package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// The edgeinfer worker is this program started with -serve-edgeinfer: it
// speaks the line protocol of benchmarks/ort/ort_worker.js, so that both
// engines run in a child process of their own while the parent only
// orders blocks and collects timings.
//
//	ready line: {"ready": true, "runtime": "edgeinfer", "kernels": v, "threads": n, "input": [dims]}
//	"run W R" → {"ms": [R numbers]}; "quit" exits; a failure → {"error": msg}

// workerReady is the first line a worker prints.
type workerReady struct {
	Ready   bool   `json:"ready"`
	Runtime string `json:"runtime"`
	Kernels string `json:"kernels,omitempty"`
	Threads int    `json:"threads"`
	Input   []int  `json:"input"`
}

// workerReply answers one run command.
type workerReply struct {
	MS    []float64 `json:"ms,omitempty"`
	Error string    `json:"error,omitempty"`
}

// serveEdgeinfer runs the edgeinfer worker for the model at path until
// "quit" or the end of in.
func serveEdgeinfer(path string, threads int, seed uint64, in io.Reader, out io.Writer) error {
	enc := json.NewEncoder(out)
	fail := func(err error) error {
		enc.Encode(workerReply{Error: err.Error()})
		return err
	}
	m, err := runtime.Load(path)
	if err != nil {
		return fail(err)
	}
	defer m.Close()
	it, err := m.NewInterpreter(runtime.Options{Threads: threads})
	if err != nil {
		return fail(err)
	}
	defer it.Close()
	// Seeded uniform [-1, 1) inputs, like `edgeinfer bench` on a float
	// input and ort_worker.js.
	rng := rand.New(rand.NewPCG(seed, 0))
	var dims []int
	for i := range it.InputCount() {
		t := it.Input(i)
		x := make([]float32, t.Elements())
		for k := range x {
			x[k] = float32(2*rng.Float64() - 1)
		}
		if err := it.SetInputFloat32(i, x, format.NHWC); err != nil {
			return fail(err)
		}
		if i == 0 {
			dims = t.Shape
		}
	}
	if err := enc.Encode(workerReady{Ready: true, Runtime: "edgeinfer", Kernels: m.KernelVariant(), Threads: it.Threads(), Input: dims}); err != nil {
		return err
	}

	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var cmd string
		var warmup, runs int
		line := strings.TrimSpace(sc.Text())
		if line == "quit" {
			return nil
		}
		if n, _ := fmt.Sscanf(line, "%s %d %d", &cmd, &warmup, &runs); n != 3 || cmd != "run" || warmup < 0 || runs < 1 {
			return fail(fmt.Errorf("bad command %q", line))
		}
		// Collect garbage before the block, as testing.B does, so that no
		// collection is due inside it (Run itself allocates nothing).
		goruntime.GC()
		for range warmup {
			if err := it.Run(); err != nil {
				return fail(err)
			}
		}
		ms := make([]float64, runs)
		for i := range ms {
			start := time.Now()
			err := it.Run()
			ms[i] = float64(time.Since(start).Nanoseconds()) / 1e6
			if err != nil {
				return fail(err)
			}
		}
		if err := enc.Encode(workerReply{MS: ms}); err != nil {
			return err
		}
	}
	return sc.Err()
}
