package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// labelsShown is how many labels the text form lists (JSON has all).
const labelsShown = 5

// writeText renders the report for a terminal: a header of key/value
// lines, then tables. Numbers are exact first, rounded in parentheses.
func (r *inspectReport) writeText(w io.Writer, withTensors bool) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	kv := func(key, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t%s\n", key, fmt.Sprintf(format, args...))
	}

	kv("model", "%s", r.File)
	kv("format", "version %d", r.FormatVersion)
	if p := r.Producer; p != nil {
		kv("producer", "%s", joinNonEmpty(p.Name, p.Version))
		if p.SourceModel != "" || p.SourceModelSHA256 != "" {
			kv("source model", "%s", joinNonEmpty(p.SourceModel, prefixed("sha256 ", p.SourceModelSHA256)))
		}
		if c := p.Calibration; c != nil {
			kv("calibration", "%s", calibrationText(c))
		}
	}
	if r.Description != "" {
		kv("description", "%s", r.Description)
	}
	kv("kernels", "%s", r.Kernels)
	if r.LabelsCount > 0 {
		shown := r.Labels[:min(labelsShown, len(r.Labels))]
		more := ""
		if len(r.Labels) > len(shown) {
			more = ", ..."
		}
		kv("labels", "%d: %s%s", r.LabelsCount, strings.Join(shown, ", "), more)
	}
	if p := r.Preprocessing; p != nil {
		kv("preprocessing", "%s", preprocessingText(p))
	}
	if q := r.QuantReport; q != nil {
		kv("quant report", "%s", quantReportText(q))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Extra)) {
		kv("extra", "%s = %s", k, r.Extra[k])
	}
	tw.Flush()

	fmt.Fprintln(w, "\ninputs")
	writeIOTable(w, r.Inputs)
	fmt.Fprintln(w, "\noutputs")
	writeIOTable(w, r.Outputs)

	fmt.Fprintln(w, "\nops")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\topcode\tname\tkernel\toutput\tMACs")
	for _, op := range r.Ops {
		kernel := op.Kernel
		if op.InPlace {
			kernel += " (in place)"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%d\n", op.Index, op.OpCode, op.Name, kernel, shapeString(op.OutputShape), op.MACs)
	}
	tw.Flush()

	if withTensors {
		fmt.Fprintln(w, "\ntensors")
		tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  #\tname\tshape\tdtype\tkind\tbytes\tquantization")
		for _, t := range r.Tensors {
			kind := "activation"
			if t.Constant {
				kind = "constant"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%d\t%s\n", t.Index, t.Name, shapeString(t.Shape), t.DType, kind, t.Bytes, quantText(t.Quant))
		}
		tw.Flush()
	}

	t := r.Totals
	fmt.Fprintln(w, "\ntotals")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "  ops\t%d\n", t.Ops)
	fmt.Fprintf(tw, "  tensors\t%d\n", t.Tensors)
	fmt.Fprintf(tw, "  MACs\t%d (%s)\n", t.MACs, siCount(float64(t.MACs)))
	fmt.Fprintf(tw, "  weights\t%d bytes (%s)\n", t.WeightsBytes, binaryBytes(t.WeightsBytes))
	fmt.Fprintf(tw, "  arena\t%d bytes (%s), %s placement\n", t.ArenaBytes, binaryBytes(int64(t.ArenaBytes)), t.ArenaStrategy)
	fmt.Fprintf(tw, "  arena lower bound\t%d bytes (%s); arena/bound %s\n", t.ArenaLowerBoundBytes, binaryBytes(int64(t.ArenaLowerBoundBytes)), ratioText(float64(t.ArenaRatio)))
	return tw.Flush()
}

func writeIOTable(w io.Writer, ios []ioJSON) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  tensor\tname\tshape\tdtype\tquantization\tsource")
	for _, j := range ios {
		source := "-"
		if j.SourceLayout != "" {
			source = j.SourceLayout + " " + shapeString(j.SourceShape)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\n", j.Tensor, j.Name, shapeString(j.Shape), j.DType, quantText(j.Quant), source)
	}
	tw.Flush()
}

// quantText is "scale 0.0078125 zp -1" per tensor, or the scale range of
// a per-channel quantization.
func quantText(q *quantJSON) string {
	if q == nil {
		return "-"
	}
	if q.Axis < 0 && len(q.Scale) == 1 && len(q.ZeroPoint) == 1 {
		return fmt.Sprintf("scale %s zp %d", realText(float64(q.Scale[0])), q.ZeroPoint[0])
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range q.Scale {
		lo, hi = min(lo, float64(s)), max(hi, float64(s))
	}
	return fmt.Sprintf("per-channel axis %d: %d scales in [%s, %s]", q.Axis, len(q.Scale), realText(lo), realText(hi))
}

func calibrationText(c *calibrationJSON) string {
	parts := []string{c.Method}
	if c.Samples > 0 {
		parts = append(parts, fmt.Sprintf("%d samples", c.Samples))
	}
	if c.Source != "" {
		parts = append(parts, "of "+c.Source)
	}
	if c.Percentile != 0 {
		parts = append(parts, "percentile "+realText(float64(c.Percentile)))
	}
	parts = append(parts, fmt.Sprintf("seed %d", c.Seed))
	return strings.Join(parts, ", ")
}

func preprocessingText(p *preprocessingJSON) string {
	return fmt.Sprintf("%s %dx%dx%d (WxHxC), %s, %s; x = (pixel*%s + %s - mean) / std, mean %s, std %s",
		p.ColorOrder, p.Width, p.Height, p.Channels, p.Fit, p.Interpolation,
		realText(float64(p.Scale)), realText(float64(p.Offset)), realsText(p.Mean), realsText(p.Std))
}

// quantReportText summarizes the report: the output's SQNR and top-1
// agreement, and the worst tensor.
func quantReportText(q *quantReportJSON) string {
	s := fmt.Sprintf("output SQNR %s dB, top-1 agreement %s over %d samples",
		realText(float64(q.OutputSQNRdB)), realText(float64(q.Top1Agreement)), q.Samples)
	if len(q.Tensors) == 0 {
		return s
	}
	worst := q.Tensors[0]
	for _, t := range q.Tensors[1:] {
		if t.SQNRdB < worst.SQNRdB {
			worst = t
		}
	}
	return s + fmt.Sprintf("; %d tensors, worst %s at %s dB", len(q.Tensors), worst.Tensor, realText(float64(worst.SQNRdB)))
}

// realText is the shortest float32 decimal of f (NaN, +Inf and -Inf as such).
func realText(f float64) string { return strconv.FormatFloat(f, 'g', -1, 32) }

func realsText(x []real32) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = realText(float64(v))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func ratioText(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.3f", f)
}

// siCount formats a count with an SI prefix: 1.23 M.
func siCount(n float64) string {
	for _, u := range []struct {
		div    float64
		prefix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if n >= u.div {
			return fmt.Sprintf("%.3g %s", n/u.div, u.prefix)
		}
	}
	return fmt.Sprintf("%.0f", n)
}

// binaryBytes formats a byte count in KiB/MiB/GiB.
func binaryBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func joinNonEmpty(parts ...string) string {
	var s []string
	for _, p := range parts {
		if p != "" {
			s = append(s, p)
		}
	}
	return strings.Join(s, " ")
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
