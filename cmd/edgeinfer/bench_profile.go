package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// benchProfile is bench --profile's report: per-op times aggregated over
// the timed runs, and the same grouped by op type.
type benchProfile struct {
	Runs    int             `json:"runs"`
	TotalMS real64          `json:"total_ms"` // wall time of the profiled runs
	Ops     []benchOpTime   `json:"ops"`      // sorted by time, longest first
	Types   []benchTypeTime `json:"types"`    // sorted by time, longest first
}

// benchOpTime is one op's line of the profile.
type benchOpTime struct {
	Index   int    `json:"index"`
	Op      string `json:"op"`     // op type, e.g. "CONV_2D"
	Detail  string `json:"detail"` // shape class, e.g. "dw 3x3/2" ("" when none)
	Kernel  string `json:"kernel"` // "vector", "reference" (portable Go) or "view" (runs nothing)
	Name    string `json:"name"`
	Output  string `json:"output"`
	Shape   []int  `json:"shape"`
	MACs    int64  `json:"macs"` // per run
	TotalMS real64 `json:"total_ms"`
	MeanUS  real64 `json:"mean_us"`
	MinUS   real64 `json:"min_us"`  // fastest run of the op
	Percent real64 `json:"percent"` // of total_ms of the profile
	GMACs   real64 `json:"gmacs"`   // MACs per second over the op's time; null without MACs
}

// benchTypeTime sums the ops of one type and shape class.
type benchTypeTime struct {
	Op      string `json:"op"`
	Detail  string `json:"detail"`
	Count   int    `json:"count"`
	MACs    int64  `json:"macs"`
	TotalMS real64 `json:"total_ms"`
	MeanUS  real64 `json:"mean_us"` // per run, all ops of the type together
	Percent real64 `json:"percent"`
	GMACs   real64 `json:"gmacs"`
}

// newBenchProfile turns an Interpreter's profile into the report.
func newBenchProfile(p runtime.Profile) *benchProfile {
	r := &benchProfile{Runs: p.Runs, TotalMS: real64(milliseconds(p.Total))}
	runs := float64(max(p.Runs, 1))
	share := func(d time.Duration) real64 {
		if p.Total <= 0 {
			return real64(math.NaN())
		}
		return real64(100 * float64(d) / float64(p.Total))
	}
	gmacs := func(macs int64, d time.Duration) real64 {
		if macs == 0 || d <= 0 {
			return real64(math.NaN())
		}
		return real64(float64(macs) * runs / d.Seconds() / 1e9)
	}
	type key struct{ op, detail string }
	types := map[key]*benchTypeTime{}
	typeTime := map[key]time.Duration{}
	for _, o := range p.Ops {
		op := o.Op.String()
		r.Ops = append(r.Ops, benchOpTime{
			Index: o.Index, Op: op, Detail: o.Detail, Kernel: o.Kernel, Name: o.Name, Output: o.Output, Shape: o.Shape,
			MACs: o.MACs, TotalMS: real64(milliseconds(o.Time)), MeanUS: real64(float64(o.Time) / float64(time.Microsecond) / runs),
			MinUS:   real64(float64(o.Min) / float64(time.Microsecond)),
			Percent: share(o.Time), GMACs: gmacs(o.MACs, o.Time),
		})
		k := key{op, o.Detail}
		tt := types[k]
		if tt == nil {
			tt = &benchTypeTime{Op: op, Detail: o.Detail}
			types[k] = tt
		}
		tt.Count++
		tt.MACs += o.MACs
		typeTime[k] += o.Time
	}
	for k, tt := range types {
		d := typeTime[k]
		tt.TotalMS = real64(milliseconds(d))
		tt.MeanUS = real64(float64(d) / float64(time.Microsecond) / runs)
		tt.Percent = share(d)
		tt.GMACs = gmacs(tt.MACs, d)
		r.Types = append(r.Types, *tt)
	}
	slices.SortStableFunc(r.Ops, func(a, b benchOpTime) int { return cmp.Compare(b.TotalMS, a.TotalMS) })
	slices.SortFunc(r.Types, func(a, b benchTypeTime) int {
		return cmp.Or(cmp.Compare(b.TotalMS, a.TotalMS), cmp.Compare(a.Op, b.Op), cmp.Compare(a.Detail, b.Detail))
	})
	return r
}

// write prints the per-op table and the per-type summary.
func (r *benchProfile) write(w io.Writer) error {
	fmt.Fprintf(w, "\nper-op profile over %d runs (%.3f ms in total), longest first:\n", r.Runs, float64(r.TotalMS))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "#\top\tkernel\toutput\tshape\tMACs\ttotal ms\tmean µs\tmin µs\t% run\tGMAC/s\t")
	for _, o := range r.Ops {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%.3f\t%.1f\t%.1f\t%.1f\t%s\t\n", o.Index, joinDetail(o.Op, o.Detail), o.Kernel, o.Output,
			shapeText(o.Shape), macsText(o.MACs), float64(o.TotalMS), float64(o.MeanUS), float64(o.MinUS), float64(o.Percent), gmacsText(o.GMACs))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nby op type:")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tcount\tMACs\ttotal ms\tµs per run\t% run\tGMAC/s\t")
	for _, t := range r.Types {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.3f\t%.1f\t%.1f\t%s\t\n", joinDetail(t.Op, t.Detail), t.Count, macsText(t.MACs),
			float64(t.TotalMS), float64(t.MeanUS), float64(t.Percent), gmacsText(t.GMACs))
	}
	return tw.Flush()
}

func joinDetail(op, detail string) string {
	if detail == "" {
		return op
	}
	return op + " " + detail
}

func shapeText(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}

func macsText(n int64) string {
	if n == 0 {
		return "-"
	}
	return siCount(float64(n))
}

func gmacsText(g real64) string {
	if math.IsNaN(float64(g)) {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(g))
}
