package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// The edgeinfer worker is this program started with -serve-edgeinfer: it
// speaks the line protocol of benchmarks/ort/ort_worker.js, so that both
// engines run in a child process of their own while the parent only
// orders blocks and collects timings.
//
//	ready line: {"ready": true, "runtime": "edgeinfer", "kernels": v, "threads": n, "input": [dims]}
//	"run W R" → {"ms": [R numbers], "allocs": heap allocations in the R runs}; "output" → {"output": [first output, source layout]}
//	"quit" exits; a failure → {"error": msg}

// workerReady is the first line a worker prints.
type workerReady struct {
	Ready   bool   `json:"ready"`
	Runtime string `json:"runtime"`
	Kernels string `json:"kernels,omitempty"`
	Threads int    `json:"threads"`
	Input   []int  `json:"input"`
}

// workerReply answers one command.
type workerReply struct {
	MS     []float64 `json:"ms,omitempty"`
	Allocs *uint64   `json:"allocs,omitempty"` // heap allocations during the timed runs (edgeinfer only)
	Output []float32 `json:"output,omitempty"`
	Error  string    `json:"error,omitempty"`
}

// serveEdgeinfer runs the edgeinfer worker for the model at path until
// "quit" or the end of in. The input is the first tensor of the file
// inputPath (float32 in the source model's layout, NCHW for ONNX images, as
// the zoo's test.f32), or seeded uniform [-1, 1) values when inputPath is
// empty.
func serveEdgeinfer(path string, threads int, seed uint64, inputPath string, in io.Reader, out io.Writer) error {
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
	if it.InputCount() != 1 || it.OutputCount() < 1 {
		return fail(fmt.Errorf("%s: %d inputs and %d outputs, want 1 and at least 1", path, it.InputCount(), it.OutputCount()))
	}
	t := it.Input(0)
	var input []float32
	if inputPath != "" {
		if input, err = readFirstInput(inputPath, t.Elements()); err != nil {
			return fail(err)
		}
	} else {
		// Seeded uniform [-1, 1) values, like `edgeinfer bench` on a float
		// input.
		rng := rand.New(rand.NewPCG(seed, 0))
		input = make([]float32, t.Elements())
		for k := range input {
			input[k] = float32(2*rng.Float64() - 1)
		}
	}
	if err := it.SetInputFloat32(0, input, t.SourceLayout); err != nil {
		return fail(err)
	}
	dims := t.Shape
	if err := enc.Encode(workerReady{Ready: true, Runtime: "edgeinfer", Kernels: m.KernelVariant(), Threads: it.Threads(), Input: dims}); err != nil {
		return err
	}

	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var cmd string
		var warmup, runs int
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "quit":
			return nil
		case "output":
			// The output of the last run, in the source model's layout.
			y, err := it.OutputFloat32(0, nil, it.Output(0).SourceLayout)
			if err != nil {
				return fail(err)
			}
			if err := enc.Encode(workerReply{Output: y}); err != nil {
				return err
			}
			continue
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
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		for i := range ms {
			start := time.Now()
			err := it.Run()
			ms[i] = float64(time.Since(start).Nanoseconds()) / 1e6
			if err != nil {
				return fail(err)
			}
		}
		goruntime.ReadMemStats(&after)
		allocs := after.Mallocs - before.Mallocs
		if err := enc.Encode(workerReply{MS: ms, Allocs: &allocs}); err != nil {
			return err
		}
	}
	return sc.Err()
}

// readFirstInput reads the first float32 tensor of elements values from a
// file of little-endian float32 tensors back to back (the zoo's test.f32).
func readFirstInput(path string, elements int) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if elements <= 0 || len(b) < 4*elements {
		return nil, fmt.Errorf("%s: %d bytes, want at least one tensor of %d float32 values", path, len(b), elements)
	}
	x := make([]float32, elements)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x, nil
}
