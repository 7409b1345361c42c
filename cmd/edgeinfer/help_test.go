package main

import (
	"strings"
	"testing"
)

func TestHelpListsEveryVerb(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		out := mustRun(t, args...)
		if !strings.HasPrefix(out, "edgeinfer runs int8 CNN models") {
			t.Errorf("%v: output starts %q", args, out[:min(len(out), 40)])
		}
		for _, c := range commands() {
			if !strings.Contains(out, "  "+c.name+" ") || !strings.Contains(out, c.summary) {
				t.Errorf("%v: verb %q or its summary missing from\n%s", args, c.name, out)
			}
		}
	}
}

func TestVerbUsage(t *testing.T) {
	// Each verb's -h prints its usage with every flag; `help VERB` prints
	// the same text.
	flags := map[string][]string{
		"convert": {"-o", "-float", "-calib", "-calib-count", "-calib-method", "-keep-float", "-report", "-labels", "-input-shape", "-mean", "-std", "-scale"},
		"inspect": {"-json", "-tensors"},
		"run":     {"-input-raw", "-output-raw", "-threads", "-top", "-json"},
		"bench":   {"-threads", "-runs", "-warmup", "-seed", "-json"},
		"demo":    {"-threads", "-top"},
		"help":    nil,
	}
	for _, c := range commands() {
		// A verb missing from flags still gets the checks below; its own
		// test file checks its flags.
		want := flags[c.name]
		usage := mustRun(t, c.name, "-h")
		if !strings.HasPrefix(usage, "Usage:\n  edgeinfer "+c.name) {
			t.Errorf("%s -h starts %q", c.name, usage[:min(len(usage), 40)])
		}
		for _, f := range want {
			if !strings.Contains(usage, "  "+f) {
				t.Errorf("%s -h does not document %s:\n%s", c.name, f, usage)
			}
		}
		if got := mustRun(t, "help", c.name); got != usage {
			t.Errorf("help %s differs from %s -h:\n%s\nvs\n%s", c.name, c.name, got, usage)
		}
		// -h anywhere on the line wins over operands.
		if got := mustRun(t, c.name, "some-operand", "--help"); got != usage {
			t.Errorf("%s some-operand --help: got\n%s", c.name, got)
		}
	}
}

func TestInspectUsageDocumentsJSONFields(t *testing.T) {
	// The JSON field names --help documents are the ones inspect emits
	// (TestInspectJSON decodes them); here: every top-level name is listed.
	usage := mustRun(t, "inspect", "-h")
	for _, name := range []string{
		"file", "format_version", "description", "kernels", "producer", "source_model_sha256", "calibration",
		"inputs", "outputs", "source_layout", "source_shape", "quant", "zero_point", "labels_count", "labels",
		"preprocessing", "quant_report", "output_sqnr_db", "extra", "ops", "output_shape", "macs", "tensors",
		"totals", "weights_bytes", "arena_bytes", "arena_lower_bound_bytes", "arena_ratio",
	} {
		if !strings.Contains(usage, name) {
			t.Errorf("inspect -h does not mention %q", name)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	verbs := "verbs: " + verbNames()
	for _, tc := range []struct {
		args   []string
		prefix string
		want   []string
	}{
		{nil, "edgeinfer: missing verb", []string{verbNames()}},
		{[]string{"frobnicate"}, "edgeinfer: unknown verb \"frobnicate\"", []string{verbs}},
		{[]string{"help", "frobnicate"}, "edgeinfer: help: unknown verb \"frobnicate\"", []string{verbs}},
		{[]string{"help", "run", "bench"}, "edgeinfer: help: ", []string{"at most one verb"}},
		{[]string{"inspect"}, "edgeinfer: inspect: ", []string{"want one MODEL operand, got 0"}},
		{[]string{"inspect", "a", "b"}, "edgeinfer: inspect: ", []string{"want one MODEL operand, got 2"}},
		{[]string{"inspect", "--bogus", "m.einf"}, "edgeinfer: inspect: ", []string{"flag provided but not defined: -bogus", "edgeinfer inspect -h"}},
		{[]string{"run"}, "edgeinfer: run: ", []string{"missing MODEL"}},
		{[]string{"run", "m.einf"}, "edgeinfer: run: ", []string{"--input-raw", "IMAGE"}},
		{[]string{"run", "m.einf", "--input-raw", "in.f32"}, "edgeinfer: run: ", []string{"--input-raw and --output-raw go together"}},
		{[]string{"run", "m.einf", "--output-raw", "out.f32"}, "edgeinfer: run: ", []string{"--input-raw and --output-raw go together"}},
		{[]string{"run", "m.einf", "a.png", "--input-raw", "in", "--output-raw", "out"}, "edgeinfer: run: ", []string{"not both"}},
		{[]string{"run", "m.einf", "--input-raw", "in", "--output-raw", "out", "--json"}, "edgeinfer: run: ", []string{"--top and --json apply to IMAGE"}},
		{[]string{"run", "m.einf", "a.png", "--top", "0"}, "edgeinfer: run: ", []string{"--top 0"}},
		{[]string{"run", "m.einf", "a.png", "--top", "x"}, "edgeinfer: run: ", []string{"invalid value \"x\" for flag -top"}},
		{[]string{"run", "m.einf", "a.png", "--threads", "-1"}, "edgeinfer: run: ", []string{"--threads -1"}},
		{[]string{"run", "m.einf", "a.png", "--top"}, "edgeinfer: run: ", []string{"flag needs an argument: -top"}},
		{[]string{"bench"}, "edgeinfer: bench: ", []string{"want one MODEL operand, got 0"}},
		{[]string{"bench", "m.einf", "--runs", "0"}, "edgeinfer: bench: ", []string{"--runs 0"}},
		{[]string{"bench", "m.einf", "--runs", "many"}, "edgeinfer: bench: ", []string{"invalid value \"many\" for flag -runs"}},
		{[]string{"bench", "m.einf", "--warmup", "-1"}, "edgeinfer: bench: ", []string{"--warmup -1"}},
		{[]string{"bench", "m.einf", "--threads", "-2"}, "edgeinfer: bench: ", []string{"--threads -2"}},
	} {
		stdout, stderr, code := invoke(tc.args...)
		checkFailure(t, stdout, stderr, code, exitUsage, tc.prefix, tc.want...)
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := newVerbFlags("x", "edgeinfer x", "")
	n := fs.Int("n", 0, "")
	b := fs.Bool("b", false, "")
	cl := &cli{}
	got, err := fs.parse(cl, []string{"a", "-n", "3", "b", "--b", "c", "--", "-n", "d"})
	if err != nil {
		t.Fatal(err)
	}
	if *n != 3 || !*b || strings.Join(got, ",") != "a,b,c,-n,d" {
		t.Errorf("n=%d b=%v operands %q; want 3, true, [a b c -n d]", *n, *b, got)
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("first\nsecond  line\n"); got != "first; second line" {
		t.Errorf("oneLine: %q", got)
	}
}
