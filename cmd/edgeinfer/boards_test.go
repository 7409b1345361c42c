package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/boards"
)

func TestBoardsListsProfilesAndThisMachine(t *testing.T) {
	out := mustRun(t, "boards")
	for _, p := range boards.Profiles() {
		if !strings.Contains(out, "\n"+p.ID+" ") || !strings.Contains(out, p.Name) {
			t.Errorf("profile %s (%s) missing from\n%s", p.ID, p.Name, out)
		}
	}
	d, err := boards.DetectHost()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "this machine: "+d.Profile.ID+" ") || !strings.Contains(out, "kernels "+d.Kernels) {
		t.Errorf("detected %s with kernels %s, not in\n%s", d.Profile.ID, d.Kernels, out)
	}
	if !strings.Contains(out, "pi-5  ") || !strings.Contains(out, "4 × Cortex-A76 2.4 GHz") {
		t.Errorf("the Pi 5 row lacks its CPU:\n%s", out)
	}
}

func TestBoardsJSON(t *testing.T) {
	var got struct {
		Profiles []boards.Profile `json:"profiles"`
		Detected boards.Detection `json:"detected"`
	}
	dec := json.NewDecoder(strings.NewReader(mustRun(t, "boards", "--json")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(got.Profiles))
	for i, p := range got.Profiles {
		ids[i] = p.ID
	}
	if !slices.Equal(ids, boards.IDs()) {
		t.Errorf("JSON profiles %q, want %q", ids, boards.IDs())
	}
	want, err := boards.DetectHost()
	if err != nil {
		t.Fatal(err)
	}
	if got.Detected.Profile.ID != want.Profile.ID || got.Detected.Kernels != want.Kernels || got.Detected.Threads != want.Threads {
		t.Errorf("JSON detection %+v, want %+v", got.Detected, want)
	}
}

func TestBoardsProfile(t *testing.T) {
	out := mustRun(t, "boards", "pi-5")
	p, _ := boards.Lookup("pi-5")
	for _, s := range []string{"pi-5: Raspberry Pi 5", "CPU part 0xd0b", "kernels  dotprod", "edgeinfer-linux-arm64", "camera ", "GPIO ", "pinctrl-rp1"} {
		if !strings.Contains(out, s) {
			t.Errorf("boards pi-5 lacks %q:\n%s", s, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 101 {
			t.Errorf("line of %d bytes: %q", len(line), line)
		}
	}
	var q boards.Profile
	if err := json.Unmarshal([]byte(mustRun(t, "boards", "pi-5", "--json")), &q); err != nil {
		t.Fatal(err)
	}
	if q.ID != p.ID || q.Camera != p.Camera || !slices.Equal(q.Features, p.Features) {
		t.Errorf("boards pi-5 --json gave %+v, want %+v", q, p)
	}
}

func TestBoardsBadOperands(t *testing.T) {
	for _, args := range [][]string{{"boards", "pi-6"}, {"boards", "pi-4b", "pi-5"}} {
		stdout, stderr, code := invoke(args...)
		checkFailure(t, stdout, stderr, code, exitUsage, "edgeinfer: boards: ", "profile")
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aa bb cc dd", 5, "..")
	if want := "aa bb\n..cc dd"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("averyveryverylongword x", 5, ""); got != "averyveryverylongword\nx" {
		t.Errorf("wrap of a long word = %q", got)
	}
}
