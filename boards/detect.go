package boards

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// Detection is the board a process runs on and how it was recognized.
type Detection struct {
	Profile Profile `json:"profile"`
	// Method says which evidence chose the profile: "device-tree model",
	// "cpuinfo model", "cpuinfo revision" or "architecture" (a generic
	// profile).
	Method string `json:"method"`
	// Model is the board's model string (device tree or cpuinfo), empty
	// when the machine has none.
	Model string  `json:"model,omitempty"`
	CPU   CPUInfo `json:"cpu"`
	// GOARCH is the architecture of the running binary, which may differ
	// from the CPU's: a 32-bit OS on a 64-bit Pi runs GOARCH=arm.
	GOARCH string `json:"goarch"`
	// Kernels is the fastest kernel variant this binary can use given the
	// CPU's feature flags: the choice the runtime makes from
	// golang.org/x/sys/cpu, derived here from the text of /proc/cpuinfo.
	// It names what the CPU allows; a build without that variant's
	// assembly runs purego.
	Kernels string `json:"kernels"`
	// Threads is the profile's default thread count, or the number of
	// processors for a generic profile.
	Threads int `json:"threads"`
}

// Paths of the files DetectHost reads.
const (
	DeviceTreeModelPath = "/proc/device-tree/model"
	CPUInfoPath         = "/proc/cpuinfo"
)

// DetectHost detects the machine this process runs on from
// DeviceTreeModelPath and CPUInfoPath (either may be missing: x86 has no
// device tree, containers may hide it).
func DetectHost() (Detection, error) {
	model, err := readOptional(DeviceTreeModelPath)
	if err != nil {
		return Detection{}, err
	}
	cpuinfo, err := readOptional(CPUInfoPath)
	if err != nil {
		return Detection{}, err
	}
	return Detect(model, cpuinfo, runtime.GOARCH)
}

func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("boards: %w", err)
	}
	return b, nil
}

// Detect picks the profile of a machine from the contents of its
// /proc/device-tree/model (nil when absent), its /proc/cpuinfo, and the
// GOARCH of the binary that asks. The evidence is tried in order:
//  1. the device-tree model string against each profile's ModelPrefixes;
//  2. the "Model" line of cpuinfo, the same string on Raspberry Pi kernels
//     (containers often hide /proc/device-tree but not /proc/cpuinfo);
//  3. the board type of cpuinfo's Raspberry Pi revision code;
//  4. a generic profile for the architecture: the binary's GOARCH, since
//     a 32-bit userland on a 64-bit board runs the armv7 build.
//
// A board model that matches no profile (a Pi 400, an Orange Pi) also gets
// the generic profile, with Model set.
func Detect(deviceTreeModel, cpuinfo []byte, goarch string) (Detection, error) {
	d := Detection{CPU: ParseCPUInfo(cpuinfo), GOARCH: goarch}
	// The device-tree string is NUL-terminated.
	d.Model = strings.TrimSpace(string(bytes.TrimRight(deviceTreeModel, "\x00")))
	found := false
	if d.Model != "" {
		d.Profile, found = byModel(d.Model)
		d.Method = "device-tree model"
	}
	if !found && d.Model == "" && d.CPU.Model != "" {
		d.Model = d.CPU.Model
		d.Profile, found = byModel(d.Model)
		d.Method = "cpuinfo model"
	}
	if !found && d.Model == "" {
		if typ, ok := revisionType(d.CPU.Revision); ok {
			d.Profile, found = byRevisionType(typ)
			d.Method = "cpuinfo revision"
		}
	}
	if !found {
		id, err := genericID(goarch)
		if err != nil {
			return Detection{}, err
		}
		d.Profile, _ = Lookup(id)
		d.Method = "architecture"
	}
	d.Kernels = bestKernels(&d.CPU, goarch)
	d.Threads = d.Profile.DefaultThreads
	if d.Threads == 0 {
		d.Threads = max(d.CPU.Processors, 1)
	}
	return d, nil
}

func byModel(model string) (Profile, bool) {
	for _, p := range profiles {
		for _, prefix := range p.ModelPrefixes {
			if strings.HasPrefix(model, prefix) {
				return p.clone(), true
			}
		}
	}
	return Profile{}, false
}

func byRevisionType(typ int) (Profile, bool) {
	for _, p := range profiles {
		for _, t := range p.RevisionTypes {
			if t == typ {
				return p.clone(), true
			}
		}
	}
	return Profile{}, false
}

// genericID names the generic profile for a GOARCH.
func genericID(goarch string) (string, error) {
	switch goarch {
	case "arm64":
		return "generic-arm64", nil
	case "arm":
		return "generic-armv7", nil
	case "amd64":
		return "generic-amd64", nil
	}
	return "", fmt.Errorf("boards: no profile for GOARCH %s (have arm64, arm and amd64)", goarch)
}

// bestKernels is the fastest kernel variant a binary of goarch can run on a
// CPU with these flags, by the feature tests of package kernels
// (variant_amd64.go, variant_arm64.go) spelt as /proc/cpuinfo flags.
func bestKernels(c *CPUInfo, goarch string) string {
	switch goarch {
	case "arm64":
		switch {
		case c.Has("i8mm") && c.Has("asimddp"):
			return "i8mm"
		case c.Has("asimddp"):
			return "dotprod"
		}
		return "neon"
	case "amd64":
		switch {
		case !c.Has("avx2"):
			return "purego"
		case c.Has("avx512f") && c.Has("avx512bw") && c.Has("avx512vl") && c.Has("avx512_vnni"):
			return "avx512vnni"
		case c.Has("avx_vnni"):
			return "avxvnni"
		}
		return "avx2"
	}
	return "purego"
}
