package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	stdout, stderr, code := invoke("demo", "--top", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines, want one per embedded sample (20):\n%s", len(lines), stdout)
	}
	right := 0
	for _, l := range lines {
		var r demoResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if len(r.Top) != 2 || r.Top[0].Score < r.Top[1].Score || r.Truth == "" {
			t.Errorf("bad line %q", l)
		}
		if r.Correct != (r.Top[0].Label == r.Truth) {
			t.Errorf("correct=%v but top-1 %q, truth %q", r.Correct, r.Top[0].Label, r.Truth)
		}
		if r.Correct {
			right++
		}
	}
	want := "edgeinfer demo: " + strconv.Itoa(right) + " of 20 samples right"
	if !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr %q, want prefix %q", stderr, want)
	}
}
