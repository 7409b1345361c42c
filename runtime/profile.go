package runtime

import (
	"fmt"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
)

// OpTime is one planned operator's share of the profiled runs.
type OpTime struct {
	Index  int           // operator index in execution order (Model.Ops)
	Op     format.OpCode // operator type
	Detail string        // the kernel's shape class, e.g. "1x1", "3x3/2", "dw 3x3" ("" when none)
	Name   string        // operator name
	Output string        // output tensor name
	Shape  []int         // output tensor shape
	MACs   int64         // multiply-accumulates per run
	Time   time.Duration // total over the profiled runs (0 for views, which run nothing)
	Min    time.Duration // fastest single run of the op (0 for views): steadier than Time/Runs on a busy machine
	// Kernel says what computes the op: "vector" (a vector kernel of the
	// interpreter's variant), "reference" (a reference kernel of package
	// kernels: portable Go, the numerics' definition) or "view" (nothing
	// runs: a reshape, or an op another one absorbed).
	Kernel string
}

// Profile is the per-operator time of an Interpreter's runs since
// profiling was enabled or last reset.
type Profile struct {
	Runs  int           // profiled runs
	Total time.Duration // their wall time, from Run's entry to its return
	Ops   []OpTime      // every planned operator, in execution order
}

// opTimer accumulates step times while profiling is on. Its slices are
// allocated when profiling is enabled, so profiled runs allocate nothing.
type opTimer struct {
	runs  int
	total time.Duration
	op    []time.Duration // per planned operator: total
	min   []time.Duration // per planned operator: fastest run (0 before any)
}

// EnableProfile turns per-operator timing on (with the counters reset) or
// off. While it is on, Run reads the clock around every op, which costs
// two clock reads per op (tens of nanoseconds each); while it is off, Run
// pays one nil check.
func (it *Interpreter) EnableProfile(on bool) {
	if !on {
		it.prof = nil
		return
	}
	n := len(it.model.ops)
	it.prof = &opTimer{op: make([]time.Duration, n), min: make([]time.Duration, n)}
}

// ResetProfile zeroes the profile counters (no effect when profiling is off).
func (it *Interpreter) ResetProfile() {
	if p := it.prof; p != nil {
		p.runs, p.total = 0, 0
		clear(p.op)
		clear(p.min)
	}
}

// Profile returns the counters accumulated since profiling was enabled or
// last reset; its Ops are empty when profiling is off.
func (it *Interpreter) Profile() Profile {
	p := it.prof
	if p == nil {
		return Profile{}
	}
	m := it.model
	out := Profile{Runs: p.runs, Total: p.total, Ops: make([]OpTime, len(m.ops))}
	for i := range m.ops {
		op := &m.graph.Operators[i]
		t := &m.graph.Tensors[op.Outputs[0]]
		out.Ops[i] = OpTime{
			Index: i, Op: op.Op, Detail: m.ops[i].detail, Name: op.Name,
			Output: t.Name, Shape: append([]int(nil), t.Shape...),
			MACs: m.ops[i].macs, Time: p.op[i], Min: p.min[i], Kernel: m.ops[i].kernelKind(),
		}
	}
	return out
}

// runProfiled is Run with each step's time added to its operator's
// counter. A multi-threaded step is timed on the caller, from handing out
// its chunks to the last one finishing.
func (it *Interpreter) runProfiled() {
	p := it.prof
	start := time.Now()
	prev := start
	for i := range it.steps {
		s := &it.steps[i]
		if len(s.bounds) == 2 {
			s.run(s.bounds[0], s.bounds[1])
		} else {
			it.pool.run(s)
		}
		now := time.Now()
		d := now.Sub(prev)
		p.op[s.op] += d
		if m := p.min[s.op]; d < m || m == 0 {
			p.min[s.op] = d
		}
		prev = now
	}
	p.total += prev.Sub(start)
	p.runs++
}

// convDetail names a convolution's shape class for profiles: "dw KxK" for
// depthwise, "KxK" for others, "/S" appended for stride S > 1, "gG" for
// G > 1 groups that are not depthwise.
func convDetail(o *format.Conv2DOptions, kh, kw, inC int) string {
	s := fmt.Sprintf("%dx%d", kh, kw)
	switch {
	case o.Groups == inC && inC > 1:
		s = "dw " + s
	case o.Groups > 1:
		s += fmt.Sprintf(" g%d", o.Groups)
	}
	if o.StrideH > 1 || o.StrideW > 1 {
		if o.StrideH == o.StrideW {
			s += fmt.Sprintf("/%d", o.StrideH)
		} else {
			s += fmt.Sprintf("/%dx%d", o.StrideH, o.StrideW)
		}
	}
	return s
}

// kernelKind is OpTime.Kernel for op.
func (op *opPlan) kernelKind() string {
	switch {
	case op.bind == nil:
		return "view"
	case op.vector:
		return "vector"
	}
	return "reference"
}
