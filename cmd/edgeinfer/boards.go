package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/edgeinfer/edgeinfer/boards"
)

const boardsDetails = `Lists the board profiles built into edgeinfer (SoC, CPU, ISA, default
threads and kernel variant, camera and GPIO notes) and detects the machine
it runs on from /proc/device-tree/model and /proc/cpuinfo. With a profile
ID, prints that profile in full.

The detected kernel variant is the fastest one the CPU's flags allow for
this binary's architecture; 'edgeinfer bench' reports the one in use.

--json prints one JSON object: {"profiles": [profile...], "detected":
detection} without an ID, the profile with one. A profile has the fields
id, name, model_prefixes, revision_types, soc, cpu, cpu_part, cores,
clock_mhz, isa, features, memory, binary, binary_32bit, default_threads,
kernels, camera, gpio, notes; a detection has profile, method, model, cpu
{arch, processors, model_name, cpu_part, features, hardware, revision,
model}, goarch, kernels, threads.`

func boardsMain(cl *cli, args []string) error {
	fs := newVerbFlags("boards", "edgeinfer boards [ID] [--json]", boardsDetails)
	asJSON := fs.Bool("json", false, "print JSON")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	switch len(operands) {
	case 0:
		d, err := boards.DetectHost()
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(cl.stdout).Encode(struct {
				Profiles []boards.Profile `json:"profiles"`
				Detected boards.Detection `json:"detected"`
			}{boards.Profiles(), d})
		}
		return printBoards(cl.stdout, boards.Profiles(), d)
	case 1:
		p, ok := boards.Lookup(operands[0])
		if !ok {
			return usagef("no board profile %q (have %s)", operands[0], strings.Join(boards.IDs(), ", "))
		}
		if *asJSON {
			return json.NewEncoder(cl.stdout).Encode(p)
		}
		return printProfile(cl.stdout, p)
	}
	return usagef("want at most one profile ID, got %d operands", len(operands))
}

// printBoards prints the profile table and the detected machine.
func printBoards(w io.Writer, ps []boards.Profile, d boards.Detection) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBOARD\tCPU\tISA\tTHREADS\tKERNELS")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, cpuSummary(p), p.ISA, threadsSummary(p.DefaultThreads), p.Kernels)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nthis machine: %s (%s), detected by %s", d.Profile.ID, d.Profile.Name, d.Method)
	if d.Model != "" {
		fmt.Fprintf(w, " %q", d.Model)
	}
	cpu := d.CPU.ModelName
	if cpu == "" {
		cpu = d.Profile.CPU
	}
	_, err := fmt.Fprintf(w, "\n  CPU %s, %d processors; kernels %s (the best this CPU allows a linux/%s binary), %d threads\n",
		cpu, d.CPU.Processors, d.Kernels, d.GOARCH, d.Threads)
	return err
}

// printProfile prints one profile in full, long notes wrapped.
func printProfile(w io.Writer, p boards.Profile) error {
	fmt.Fprintf(w, "%s: %s\n", p.ID, p.Name)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %-8s %s\n", name, wrap(value, 90, strings.Repeat(" ", 11)))
		}
	}
	field("SoC", p.SoC)
	cpu := cpuSummary(p)
	if p.CPUPart != "" {
		cpu += " (CPU part " + p.CPUPart + ")"
	}
	field("CPU", cpu)
	field("ISA", p.ISA+": "+strings.Join(p.Features, ", "))
	field("memory", p.Memory)
	bin := p.Binary
	if p.Binary32 != "" && p.Binary32 != p.Binary {
		bin += " (on a 32-bit OS: " + p.Binary32 + ")"
	}
	field("binary", bin)
	field("threads", threadsSummary(p.DefaultThreads))
	field("kernels", p.Kernels)
	field("camera", p.Camera)
	field("GPIO", p.GPIO)
	field("notes", p.Notes)
	return nil
}

func cpuSummary(p boards.Profile) string {
	if p.Cores == 0 {
		return p.CPU
	}
	return fmt.Sprintf("%d × %s %.1f GHz", p.Cores, p.CPU, float64(p.ClockMHz)/1000)
}

func threadsSummary(n int) string {
	if n == 0 {
		return "1 per core"
	}
	return fmt.Sprint(n)
}

// wrap breaks s into lines of at most width bytes at spaces, indenting the
// continuation lines.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(word) > width {
				b.WriteString("\n" + indent)
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
