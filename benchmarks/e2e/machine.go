package main

import (
	"os"
	goruntime "runtime"
	"slices"
	"strings"

	"github.com/edgeinfer/edgeinfer/boards"
)

// machine is what the report says about the computer it ran on.
type machine struct {
	CPU        string   `json:"cpu"`        // /proc/cpuinfo model name
	Processors int      `json:"processors"` // logical CPUs
	SIMD       []string `json:"simd_flags"` // the vector-ISA flags that matter to int8 kernels
	Hypervisor bool     `json:"hypervisor"`
	Kernel     string   `json:"os_kernel"` // Linux release
	Go         string   `json:"go"`
	GOARCH     string   `json:"goarch"`
	BestKernel string   `json:"best_kernels"` // the fastest kernel variant the CPU's flags allow
	LoadStart  string   `json:"load_start"`   // /proc/loadavg at the start and end of the run
	LoadEnd    string   `json:"load_end"`
	// Peaks are the single-core multiply-add peaks of the SIMD sequences
	// that matter here, the best of a measurement at the run's start and
	// one at its end.
	Peaks []peakRate `json:"peaks"`
}

// simdFlags lists, in order, the /proc/cpuinfo flags the report shows.
var simdFlags = []string{"sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni",
	"avx512f", "avx512bw", "avx512vl", "avx512_vnni", "amx_int8",
	"asimd", "asimddp", "i8mm", "sve"}

func describeMachine() machine {
	m := machine{Go: goruntime.Version(), GOARCH: goruntime.GOARCH, Processors: goruntime.NumCPU(), LoadStart: loadAverage()}
	cpuinfo, _ := os.ReadFile(boards.CPUInfoPath)
	c := boards.ParseCPUInfo(cpuinfo)
	m.CPU = c.ModelName
	for _, f := range simdFlags {
		if c.Has(f) {
			m.SIMD = append(m.SIMD, f)
		}
	}
	m.Hypervisor = slices.Contains(c.Features, "hypervisor")
	if d, err := boards.DetectHost(); err == nil {
		m.BestKernel = d.Kernels
		if m.CPU == "" {
			m.CPU = d.Profile.Name
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadAverage is the first three fields of /proc/loadavg: the 1, 5 and 15
// minute load averages, which say how busy the machine was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
