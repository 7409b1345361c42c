package boards

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels"
)

func TestProfilesListEveryTargetBoard(t *testing.T) {
	want := []string{"pi-zero-2-w", "pi-3b-plus", "pi-4b", "cm4", "pi-5", "generic-arm64", "generic-armv7", "generic-amd64"}
	if got := IDs(); !slices.Equal(got, want) {
		t.Errorf("profile IDs %q, want %q", got, want)
	}
	for _, p := range Profiles() {
		if p.SoC == "" || p.CPU == "" || p.ISA == "" || p.Camera == "" || p.GPIO == "" || len(p.Features) == 0 {
			t.Errorf("%s: SoC, CPU, ISA, features, camera or GPIO notes missing", p.ID)
		}
		if !p.Generic() && (p.Cores == 0 || p.ClockMHz == 0 || p.DefaultThreads == 0 || p.CPUPart == "" || len(p.RevisionTypes) == 0) {
			t.Errorf("%s: a board needs cores, clock, default threads, CPU part and revision types", p.ID)
		}
		if p.Generic() != strings.HasPrefix(p.ID, "generic-") {
			t.Errorf("%s: generic %v but no model prefixes %v", p.ID, p.Generic(), len(p.ModelPrefixes) == 0)
		}
	}
}

func TestProfileKernelsAreVariants(t *testing.T) {
	// Every kernels value is a kernels.Variant of the profile binary's
	// architecture.
	byArch := map[string][]kernels.Variant{
		"arm64": {kernels.NEON, kernels.DotProd, kernels.I8MM, kernels.PureGo},
		"armv7": {kernels.PureGo},
		"amd64": {kernels.AVX2, kernels.AVXVNNI, kernels.AVX512VNNI, kernels.PureGo},
	}
	for _, p := range Profiles() {
		arch := strings.TrimPrefix(p.Binary, "edgeinfer-linux-")
		if !slices.Contains(byArch[arch], kernels.Variant(p.Kernels)) {
			t.Errorf("%s: kernels %q is not a variant of %s binaries", p.ID, p.Kernels, arch)
		}
	}
}

func TestProfileBinariesAreCrossBuilt(t *testing.T) {
	// The binaries the profiles name are the ones scripts/cross-build.sh
	// builds (its targets lines: " NAME GOARCH GOARM ", building
	// edgeinfer-linux-NAME).
	script, err := os.ReadFile("../scripts/cross-build.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Profiles() {
		for _, bin := range []string{p.Binary, p.Binary32} {
			if bin == "" {
				continue
			}
			if !strings.Contains(string(script), `" `+strings.TrimPrefix(bin, "edgeinfer-linux-")+" ") {
				t.Errorf("%s: binary %s is not a target of scripts/cross-build.sh", p.ID, bin)
			}
		}
	}
}

func TestProfilesAreCopies(t *testing.T) {
	p, ok := Lookup("pi-5")
	if !ok {
		t.Fatal("no pi-5")
	}
	p.Features[0] = "changed"
	p.ModelPrefixes[0] = "changed"
	q, _ := Lookup("pi-5")
	if q.Features[0] == "changed" || q.ModelPrefixes[0] == "changed" {
		t.Error("Lookup shares slices with the embedded profiles")
	}
	if _, ok := Lookup("pi-6"); ok {
		t.Error("Lookup found pi-6")
	}
}

func TestDecodeProfilesRejects(t *testing.T) {
	for name, data := range map[string]string{
		"not json":     `{"profiles": [`,
		"no id":        `{"profiles": [{"name": "x", "binary": "b", "kernels": "purego"}]}`,
		"repeated id":  `{"profiles": [{"id": "a", "name": "x", "binary": "b", "kernels": "purego"}, {"id": "a", "name": "y", "binary": "b", "kernels": "purego"}]}`,
		"no kernels":   `{"profiles": [{"id": "a", "name": "x", "binary": "b"}]}`,
		"negative":     `{"profiles": [{"id": "a", "name": "x", "binary": "b", "kernels": "purego", "cores": -1}]}`,
		"unknown type": `{"profiles": [{"id": "a", "name": "x", "binary": "b", "kernels": "purego", "cores": "four"}]}`,
	} {
		if _, err := decodeProfiles([]byte(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
