package boards

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// readSample reads a testdata machine: its device-tree model (nil when the
// sample has none) and cpuinfo.
func readSample(t *testing.T, name string) (model, cpuinfo []byte) {
	t.Helper()
	dir := filepath.Join("testdata", name)
	model, err := os.ReadFile(filepath.Join(dir, "model"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	cpuinfo, err = os.ReadFile(filepath.Join(dir, "cpuinfo"))
	if err != nil {
		t.Fatal(err)
	}
	return model, cpuinfo
}

func TestDetectSamples(t *testing.T) {
	tests := []struct {
		sample, goarch string
		id, method     string
		model          string
		kernels        string
		threads        int
		cpu            CPUInfo // Arch, Processors, Part, Revision checked
	}{
		{"pi-zero-2-w", "arm64", "pi-zero-2-w", "device-tree model", "Raspberry Pi Zero 2 W Rev 1.0", "neon", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd03", Revision: "902120"}},
		// A 32-bit OS: the armv7 binary runs the pure-Go kernels.
		{"pi-3b-plus-32bit", "arm", "pi-3b-plus", "device-tree model", "Raspberry Pi 3 Model B Plus Rev 1.3", "purego", 4,
			CPUInfo{Arch: "arm", Processors: 4, Part: "0xd03", Revision: "a020d3"}},
		{"pi-3b-plus-revision-only", "arm64", "pi-3b-plus", "cpuinfo revision", "", "neon", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd03", Revision: "a020d3"}},
		{"pi-4b", "arm64", "pi-4b", "device-tree model", "Raspberry Pi 4 Model B Rev 1.4", "neon", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd08", Revision: "c03114"}},
		{"cm4", "arm64", "cm4", "device-tree model", "Raspberry Pi Compute Module 4 Rev 1.0", "neon", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd08", Revision: "b03140"}},
		{"pi-5", "arm64", "pi-5", "device-tree model", "Raspberry Pi 5 Model B Rev 1.0", "dotprod", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd0b", Revision: "d04170"}},
		{"pi-5-container", "arm64", "pi-5", "cpuinfo model", "Raspberry Pi 5 Model B Rev 1.0", "dotprod", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd0b", Revision: "d04170"}},
		// A 32-bit userland on the Pi 5's 64-bit CPU.
		{"pi-5", "arm", "pi-5", "device-tree model", "Raspberry Pi 5 Model B Rev 1.0", "purego", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd0b", Revision: "d04170"}},
		{"pi-400", "arm64", "generic-arm64", "architecture", "Raspberry Pi 400 Rev 1.0", "neon", 4,
			CPUInfo{Arch: "arm64", Processors: 4, Part: "0xd08", Revision: "c03130"}},
		{"x86-epyc", "amd64", "generic-amd64", "architecture", "", "avx2", 2,
			CPUInfo{Arch: "amd64", Processors: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.sample+"/"+tt.goarch, func(t *testing.T) {
			model, cpuinfo := readSample(t, tt.sample)
			d, err := Detect(model, cpuinfo, tt.goarch)
			if err != nil {
				t.Fatal(err)
			}
			if d.Profile.ID != tt.id || d.Method != tt.method || d.Model != tt.model {
				t.Errorf("got profile %q by %q, model %q; want %q by %q, model %q",
					d.Profile.ID, d.Method, d.Model, tt.id, tt.method, tt.model)
			}
			if d.Kernels != tt.kernels || d.Threads != tt.threads || d.GOARCH != tt.goarch {
				t.Errorf("got kernels %s, %d threads, goarch %s; want %s, %d, %s",
					d.Kernels, d.Threads, d.GOARCH, tt.kernels, tt.threads, tt.goarch)
			}
			c := d.CPU
			if c.Arch != tt.cpu.Arch || c.Processors != tt.cpu.Processors || c.Part != tt.cpu.Part || c.Revision != tt.cpu.Revision {
				t.Errorf("cpuinfo parsed as arch %q, %d processors, part %q, revision %q; want %q, %d, %q, %q",
					c.Arch, c.Processors, c.Part, c.Revision, tt.cpu.Arch, tt.cpu.Processors, tt.cpu.Part, tt.cpu.Revision)
			}
			// A board profile's CPU part is the one its cpuinfo shows.
			if !d.Profile.Generic() && d.Profile.CPUPart != c.Part {
				t.Errorf("profile %s says CPU part %s, the sample has %s", d.Profile.ID, d.Profile.CPUPart, c.Part)
			}
		})
	}
}

func TestParseCPUInfoFields(t *testing.T) {
	_, text := readSample(t, "x86-epyc")
	c := ParseCPUInfo(text)
	if c.ModelName != "AMD EPYC" || !c.Has("avx2") || c.Has("avx512f") || c.Has("avx") == false {
		t.Errorf("x86 sample: model name %q, avx2 %v, avx512f %v", c.ModelName, c.Has("avx2"), c.Has("avx512f"))
	}
	_, text = readSample(t, "pi-3b-plus-32bit")
	c = ParseCPUInfo(text)
	want := []string{"half", "thumb", "fastmult", "vfp", "edsp", "neon", "vfpv3", "tls", "vfpv4", "idiva", "idivt", "vfpd32", "lpae", "evtstrm", "crc32"}
	if c.ModelName != "ARMv7 Processor rev 4 (v7l)" || !slices.Equal(c.Features, want) || c.Hardware != "BCM2835" {
		t.Errorf("armv7 sample: model name %q, features %q, hardware %q", c.ModelName, c.Features, c.Hardware)
	}
	if got := ParseCPUInfo(nil); got.Arch != "" || got.Processors != 0 || got.Features != nil {
		t.Errorf("empty cpuinfo parsed as %+v", got)
	}
}

func TestRevisionType(t *testing.T) {
	// Board types of the new-style revision codes (bit 23 set, type in
	// bits 4-11): 0x0d 3B+, 0x11 4B, 0x12 Zero 2 W, 0x13 400, 0x14 CM4,
	// 0x17 5. Old-style codes (a 4-digit number, bit 23 clear) have none.
	for code, want := range map[string]int{"a020d3": 0x0d, "c03114": 0x11, "902120": 0x12, "c03130": 0x13, "b03140": 0x14, "d04170": 0x17} {
		if got, ok := revisionType(code); !ok || got != want {
			t.Errorf("revisionType(%s) = %#x, %v; want %#x", code, got, ok, want)
		}
	}
	for _, code := range []string{"000e", "0010", "", "zz", "1000002"} {
		if got, ok := revisionType(code); ok {
			t.Errorf("revisionType(%q) = %#x, want none", code, got)
		}
	}
}

func TestBestKernels(t *testing.T) {
	// Each case lists the flags the kernels package's feature tests need.
	tests := []struct {
		goarch, flags, want string
	}{
		{"amd64", "sse2 avx", "purego"},
		{"amd64", "avx avx2", "avx2"},
		{"amd64", "avx2 avx_vnni", "avxvnni"},
		{"amd64", "avx2 avx512f avx512bw avx512vl avx512_vnni avx_vnni", "avx512vnni"},
		{"amd64", "avx2 avx512f avx512bw avx512_vnni", "avx2"}, // no VL: not avx512vnni
		{"amd64", "avx512f avx512bw avx512vl avx512_vnni", "purego"},
		{"arm64", "fp asimd", "neon"},
		{"arm64", "fp asimd asimddp", "dotprod"},
		{"arm64", "fp asimd asimddp i8mm", "i8mm"},
		{"arm", "half thumb neon vfpv4", "purego"},
		{"386", "avx2", "purego"},
	}
	for _, tt := range tests {
		c := ParseCPUInfo([]byte("processor\t: 0\nflags\t\t: " + tt.flags + "\n"))
		if got := bestKernels(&c, tt.goarch); got != tt.want {
			t.Errorf("%s with %q: %s, want %s", tt.goarch, tt.flags, got, tt.want)
		}
	}
}

func TestDetectUnknownArch(t *testing.T) {
	if _, err := Detect(nil, nil, "riscv64"); err == nil {
		t.Error("riscv64 without a board model: no error")
	}
	// A matching board model needs no generic profile.
	d, err := Detect([]byte("Raspberry Pi 5 Model B Rev 1.1\x00"), nil, "riscv64")
	if err != nil || d.Profile.ID != "pi-5" || d.Kernels != "purego" || d.Threads != 4 {
		t.Errorf("got %+v, %v", d, err)
	}
}

func TestDetectHost(t *testing.T) {
	// Whatever this machine is, it is detected without error and gets a
	// positive thread count.
	d, err := DetectHost()
	if err != nil {
		t.Fatal(err)
	}
	if d.Profile.ID == "" || d.Threads < 1 {
		t.Errorf("host detected as %+v", d)
	}
}
