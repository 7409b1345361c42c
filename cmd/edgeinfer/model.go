package main

import (
	"fmt"
	goruntime "runtime"
	"strings"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// loadModel loads and plans the model file at path. Its errors name the
// file once, however the layers below phrase them.
func loadModel(path string) (*runtime.Model, error) {
	m, err := runtime.Load(path)
	if err != nil {
		return nil, inFile(path, err)
	}
	return m, nil
}

// inFile prefixes err with "path: " unless its message starts so already
// (format's errors and runtime.Load's do).
func inFile(path string, err error) error {
	if strings.HasPrefix(err.Error(), path+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

// threadsUsage documents every --threads flag; the default, 0, means one
// goroutine per CPU core.
const threadsUsage = "goroutines per op; 0: one per CPU core"

// resolveThreads turns a --threads value into an Interpreter thread count.
func resolveThreads(n int) (int, error) {
	switch {
	case n < 0:
		return 0, usagef("--threads %d: want 0 (one per CPU core) or more", n)
	case n == 0:
		return goruntime.NumCPU(), nil
	}
	return n, nil
}

// newInterpreter loads the model at path and makes an interpreter with the
// given threads (already resolved).
func newInterpreter(path string, threads int) (*runtime.Model, *runtime.Interpreter, error) {
	m, err := loadModel(path)
	if err != nil {
		return nil, nil, err
	}
	it, err := m.NewInterpreter(runtime.Options{Threads: threads})
	if err != nil {
		m.Close()
		return nil, nil, inFile(path, err)
	}
	return m, it, nil
}

// sourceLayout is the layout graph tensor t had in the source model: the
// metadata's IOLayouts entry for a 4-D tensor, NHWC when there is none.
func sourceLayout(m *format.Model, t int) format.Layout {
	if l, ok := m.Metadata.IOLayouts[t]; ok {
		return l
	}
	return format.NHWC
}

// sourceShape is a model (NHWC) shape in the given source layout.
func sourceShape(shape []int, l format.Layout) []int {
	if l == format.NCHW && len(shape) == 4 {
		return []int{shape[0], shape[3], shape[1], shape[2]}
	}
	return shape
}

func layoutName(l format.Layout) string {
	switch l {
	case format.NHWC:
		return "NHWC"
	case format.NCHW:
		return "NCHW"
	}
	return fmt.Sprintf("layout(%d)", uint8(l))
}

func shapeString(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "x")
}
