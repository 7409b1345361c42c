package main

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/internal/defaultmodel"
)

// demoLine is one JSON line of the camera pipeline, as demo prints it.
type demoLine struct {
	Seq  uint64 `json:"seq"`
	Time string `json:"time"`
	Name string `json:"name"`
	Top  []struct {
		Index int     `json:"index"`
		Label string  `json:"label"`
		Score float64 `json:"score"`
	} `json:"top"`
	Latency map[string]float64 `json:"latency_ms"`
	Dropped *uint64            `json:"dropped"`
}

func TestDemo(t *testing.T) {
	samples, err := defaultmodel.Samples()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := invoke("demo", "--top", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(samples) {
		t.Fatalf("%d lines, want one per embedded sample (%d):\n%s", len(lines), len(samples), stdout)
	}
	right := 0
	for i, l := range lines {
		var r demoLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		// Files are classified frame by frame, in name order, none dropped.
		if r.Seq != uint64(i+1) || r.Name != samples[i].Name || r.Dropped == nil || *r.Dropped != 0 {
			t.Errorf("line %d: seq %d name %q dropped %v, want seq %d name %q dropped 0", i, r.Seq, r.Name, r.Dropped, i+1, samples[i].Name)
		}
		if len(r.Top) != 2 || r.Top[0].Score < r.Top[1].Score || r.Top[0].Label == "" {
			t.Errorf("bad top-2 in %q", l)
		}
		for _, stage := range []string{"capture", "preprocess", "infer", "end_to_end"} {
			if v, ok := r.Latency[stage]; !ok || v < 0 {
				t.Errorf("line %d: latency %q missing or negative in %q", i, stage, l)
			}
		}
		if r.Top[0].Index == samples[i].Class {
			right++
		}
	}
	want := "edgeinfer demo: " + strconv.Itoa(right) + " of " + strconv.Itoa(len(samples)) + " samples right (top-1)\n"
	if !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr %q, want prefix %q", stderr, want)
	}
	if !regexp.MustCompile(`frames: 20 captured, 20 classified .* 0 dropped, 0 corrupt`).MatchString(stderr) {
		t.Errorf("summary missing or wrong counts:\n%s", stderr)
	}
	for _, stage := range []string{"capture", "preprocess", "infer", "end-to-end"} {
		if !regexp.MustCompile(`(?m)^` + stage + ` +20 `).MatchString(stderr) {
			t.Errorf("no %s row for 20 frames in the summary:\n%s", stage, stderr)
		}
	}
}
