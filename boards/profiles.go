// Package boards describes the boards edgeinfer targets (Raspberry Pi Zero 2
// W, 3B+, 4B, 5, CM4, and generic arm64, armv7 and amd64 machines) and
// detects which one a process runs on.
//
// The profiles are data, profiles.json, embedded into the binary so that a
// board needs nothing but the edgeinfer executable to describe itself.
package boards

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

// Profile is one board. The JSON names are those of profiles.json and of
// `edgeinfer boards --json`.
type Profile struct {
	ID   string `json:"id"`   // short name: "pi-4b", "generic-arm64"
	Name string `json:"name"` // marketing name: "Raspberry Pi 4 Model B"

	// ModelPrefixes are the prefixes of the board's device-tree model
	// string (/proc/device-tree/model, also the "Model" line of a Pi's
	// /proc/cpuinfo), e.g. "Raspberry Pi 4 Model B" for "Raspberry Pi 4
	// Model B Rev 1.4". Empty for generic profiles.
	ModelPrefixes []string `json:"model_prefixes"`
	// RevisionTypes are the board types of the Raspberry Pi new-style
	// revision codes (the "Revision" line of /proc/cpuinfo, bits 4-11) that
	// mean this board.
	RevisionTypes []int `json:"revision_types"`

	SoC      string   `json:"soc"`
	CPU      string   `json:"cpu"`      // core name: "Cortex-A72"
	CPUPart  string   `json:"cpu_part"` // /proc/cpuinfo "CPU part" of that core: "0xd08"
	Cores    int      `json:"cores"`    // 0 for generic profiles
	ClockMHz int      `json:"clock_mhz"`
	ISA      string   `json:"isa"` // "ARMv8.0-A"
	Features []string `json:"features"`
	Memory   string   `json:"memory"`

	// Binary is the cross-built executable for the board's 64-bit OS
	// (scripts/cross-build.sh names), Binary32 the one for a 32-bit OS.
	Binary   string `json:"binary"`
	Binary32 string `json:"binary_32bit"`

	// DefaultThreads is the --threads value to use on the board; 0 means
	// one per core, for generic profiles.
	DefaultThreads int `json:"default_threads"`
	// Kernels is the kernel variant (kernels.Variant name) the board runs
	// with a 64-bit OS. A 32-bit OS always runs "purego".
	Kernels string `json:"kernels"`

	Camera string `json:"camera"` // how to get frames on this board
	GPIO   string `json:"gpio"`   // how to reach its pins
	Notes  string `json:"notes"`
}

// Generic reports whether p is one of the generic profiles, which stand for
// every machine of an architecture rather than one board.
func (p *Profile) Generic() bool { return len(p.ModelPrefixes) == 0 }

//go:embed profiles.json
var profilesJSON []byte

// profiles is profilesJSON decoded once; a decoding error is a broken
// build (profiles_test.go checks the file), so it panics at start-up.
var profiles = mustDecode(profilesJSON)

func mustDecode(data []byte) []Profile {
	ps, err := decodeProfiles(data)
	if err != nil {
		panic(err)
	}
	return ps
}

// decodeProfiles decodes and checks a profiles file.
func decodeProfiles(data []byte) ([]Profile, error) {
	var file struct {
		Profiles []Profile `json:"profiles"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("boards: profiles.json: %w", err)
	}
	seen := map[string]bool{}
	for i, p := range file.Profiles {
		switch {
		case p.ID == "" || p.Name == "":
			return nil, fmt.Errorf("boards: profiles.json: profile %d has no id or name", i)
		case seen[p.ID]:
			return nil, fmt.Errorf("boards: profiles.json: profile %d: id %q repeated", i, p.ID)
		case p.Binary == "" || p.Kernels == "":
			return nil, fmt.Errorf("boards: profiles.json: profile %q has no binary or kernels", p.ID)
		case p.Cores < 0 || p.DefaultThreads < 0 || p.ClockMHz < 0:
			return nil, fmt.Errorf("boards: profiles.json: profile %q has a negative count", p.ID)
		}
		seen[p.ID] = true
	}
	return file.Profiles, nil
}

// Profiles returns every profile: the boards first, then the generic ones,
// in the order of profiles.json.
func Profiles() []Profile {
	ps := make([]Profile, len(profiles))
	for i, p := range profiles {
		ps[i] = p.clone()
	}
	return ps
}

// Lookup returns the profile with the given ID.
func Lookup(id string) (Profile, bool) {
	for _, p := range profiles {
		if p.ID == id {
			return p.clone(), true
		}
	}
	return Profile{}, false
}

// IDs lists the profile IDs in order.
func IDs() []string {
	ids := make([]string, len(profiles))
	for i, p := range profiles {
		ids[i] = p.ID
	}
	return ids
}

// clone copies p's slices so that callers cannot change the embedded data.
func (p Profile) clone() Profile {
	p.ModelPrefixes = slices.Clone(p.ModelPrefixes)
	p.RevisionTypes = slices.Clone(p.RevisionTypes)
	p.Features = slices.Clone(p.Features)
	return p
}
