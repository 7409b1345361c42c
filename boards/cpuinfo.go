package boards

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// CPUInfo is what detection reads from /proc/cpuinfo. The file differs by
// architecture: x86 lists "model name" and "flags" per processor; arm64
// lists "Features" and "CPU part" per processor and, on a Raspberry Pi
// kernel, "Hardware", "Revision" and "Model" once at the end; 32-bit ARM
// adds "model name".
type CPUInfo struct {
	Arch       string   `json:"arch"`                 // "amd64", "arm64", "arm" or "" (unknown)
	Processors int      `json:"processors"`           // "processor" entries
	ModelName  string   `json:"model_name,omitempty"` // x86 and 32-bit ARM "model name"
	Part       string   `json:"cpu_part,omitempty"`   // ARM "CPU part" of the first processor
	Features   []string `json:"features"`             // "flags" (x86) or "Features" (ARM) of the first processor
	Hardware   string   `json:"hardware,omitempty"`   // "Hardware" (the Pi kernel says BCM2835 on every Pi)
	Revision   string   `json:"revision,omitempty"`   // Raspberry Pi revision code, hex
	Model      string   `json:"model,omitempty"`      // "Model" line (Raspberry Pi kernels)
}

// ParseCPUInfo reads the fields of a /proc/cpuinfo text. Missing fields
// stay empty: no field is required.
func ParseCPUInfo(text []byte) CPUInfo {
	var c CPUInfo
	armArch := ""
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "processor":
			c.Processors++
		case "model name":
			setOnce(&c.ModelName, value)
		case "flags", "Features":
			if c.Features == nil {
				c.Features = strings.Fields(value)
			}
			if key == "flags" {
				c.Arch = "amd64"
			}
		case "CPU architecture":
			setOnce(&armArch, value)
		case "CPU part":
			setOnce(&c.Part, value)
		case "Hardware":
			setOnce(&c.Hardware, value)
		case "Revision":
			setOnce(&c.Revision, value)
		case "Model":
			setOnce(&c.Model, value)
		}
	}
	switch {
	case c.Arch != "":
	case armArch == "8" || armArch == "AArch64":
		c.Arch = "arm64"
	case armArch != "":
		// 7, or "7" spelt as in "CPU architecture: 7" by 32-bit kernels.
		c.Arch = "arm"
	}
	return c
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// Has reports whether the CPU lists the feature flag f ("avx2", "asimddp").
func (c *CPUInfo) Has(f string) bool {
	for _, g := range c.Features {
		if g == f {
			return true
		}
	}
	return false
}

// revisionType decodes the board type of a Raspberry Pi new-style revision
// code (bit 23 set; type in bits 4-11), e.g. 0x11 for "c03114", a Pi 4B.
func revisionType(code string) (int, bool) {
	v, err := strconv.ParseUint(strings.TrimPrefix(code, "0x"), 16, 32)
	if err != nil || v&(1<<23) == 0 {
		return 0, false
	}
	return int(v>>4) & 0xff, true
}
