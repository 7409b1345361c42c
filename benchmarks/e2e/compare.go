package main

import (
	"fmt"
	"math"
	"slices"
)

// agreement compares two outputs of one input: a benchmark of a model that
// computes something else would be meaningless, so the report checks that
// the contenders agree.
type agreement struct {
	what      string
	sqnrDB    float64 // 10·log10(Σref² / Σ(ref−x)²); +Inf when identical
	relMax    float64 // max|ref−x| / max|ref|
	top1Same  bool
	identical bool
	missing   string // why it could not be compared
}

// compare measures x against the reference ref.
func compare(what string, ref, x []float32) agreement {
	a := agreement{what: what}
	if len(ref) == 0 || len(x) == 0 {
		a.missing = "no output"
		return a
	}
	if len(ref) != len(x) {
		a.missing = fmt.Sprintf("output sizes differ: %d and %d", len(ref), len(x))
		return a
	}
	var signal, noise, maxRef, maxDiff float64
	for i := range ref {
		r, d := float64(ref[i]), float64(ref[i])-float64(x[i])
		signal += r * r
		noise += d * d
		maxRef = math.Max(maxRef, math.Abs(r))
		maxDiff = math.Max(maxDiff, math.Abs(d))
	}
	a.identical = slices.Equal(ref, x)
	a.sqnrDB = 10 * math.Log10(signal/noise)
	a.relMax = maxDiff / maxRef
	a.top1Same = argmax(ref) == argmax(x)
	return a
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

// agreements lists the comparisons the report shows for one model, at 1
// thread, plus edgeinfer's 1-thread against 2-thread outputs, which must
// be identical.
func (m *modelResult) agreements() []agreement {
	out := func(engine, precision string, threads int) []float32 {
		if c := m.find(engine, precision, threads); c != nil {
			return c.output
		}
		return nil
	}
	list := []agreement{
		compare("edgeinfer fp32 vs ORT fp32", out("ort", "fp32", 1), out("edgeinfer", "fp32", 1)),
		compare("edgeinfer int8 vs ORT int8 (QDQ)", out("ort", "int8", 1), out("edgeinfer", "int8", 1)),
		compare("edgeinfer int8 vs ORT fp32", out("ort", "fp32", 1), out("edgeinfer", "int8", 1)),
		compare("ORT int8 (QDQ) vs ORT fp32", out("ort", "fp32", 1), out("ort", "int8", 1)),
	}
	for _, p := range []string{"int8", "fp32"} {
		if m.find("edgeinfer", p, 2) != nil {
			list = append(list, compare("edgeinfer "+p+" 2 threads vs 1 thread", out("edgeinfer", p, 1), out("edgeinfer", p, 2)))
		}
	}
	return list
}

func (a agreement) sqnr() string {
	switch {
	case a.missing != "":
		return "—"
	case a.identical:
		return "identical"
	}
	return fmt.Sprintf("%.1f dB", a.sqnrDB)
}

func (a agreement) relMaxString() string {
	if a.missing != "" {
		return "—"
	}
	return fmt.Sprintf("%.2g", a.relMax)
}

func (a agreement) top1() string {
	switch {
	case a.missing != "":
		return a.missing
	case a.top1Same:
		return "same"
	}
	return "differs"
}
