// Command estimate turns the llvm-mca model of the arm64 kernels
// (benchmarks/results/mca.json, written by benchmarks/mca/run.sh) and a
// model's per-op shapes (edgeinfer inspect --json) into a latency estimate
// per Raspberry Pi: a model estimate, not a measurement.
//
// For each convolution and fully connected layer it counts what the
// kernels execute: GEMM tiles (MR x NR outputs, K padded to KR) times
// (main-loop iterations x modeled cycles per iteration + modeled per-block
// overhead), depthwise pixels x 16-channel blocks x (tap pairs x cycles per
// pair + overhead). The Go driver around the assembly (A-panel copy,
// im2col, call, tap pointers) and the ops that run scalar Go (ADD, MEAN)
// are charged by the assumptions printed with the result. Usage:
//
//	edgeinfer inspect --json model.einf > model.json
//	go run ./benchmarks/mca/estimate -model model.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
)

// Assumptions for the parts the mca model does not cover (cycles).
const (
	panelCallCycles  = 60 // Go driver per A panel: loop, slicing, assembly call
	copyBytesPerCyc  = 8  // A-panel copy (packA) and im2col, bytes per cycle
	tapPointerCycles = 4  // depthwise: building one tap pointer in Go
	// ADD, MEAN, pools per output element at the reference Go kernels'
	// cost: an overestimate since they have NEON kernels (ADD models at
	// 5.2 cycles per element on A72, 21 on A53; see docs/DESIGN.md).
	scalarElemCycles = 12
	parallelEff      = 0.85
)

type mcaEntry struct {
	Kernel        string  `json:"kernel"`
	Core          string  `json:"core"`
	MACsPerIter   float64 `json:"macs_per_iter"`
	CyclesPerIter float64 `json:"cycles_per_iter"`
	BlockCycles   float64 `json:"block_cycles"`
	Peak          float64 `json:"peak_macs_per_cycle"`
}

type inspect struct {
	Ops []struct {
		Opcode      string `json:"opcode"`
		Inputs      []int  `json:"inputs"`
		Outputs     []int  `json:"outputs"`
		OutputShape []int  `json:"output_shape"`
		MACs        int64  `json:"macs"`
	} `json:"ops"`
	Tensors []tensor `json:"tensors"`
	Totals  struct {
		MACs int64 `json:"macs"`
	} `json:"totals"`
}

type tensor struct {
	Shape []int `json:"shape"`
}

// Elements is the product of the shape.
func (t tensor) Elements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// board is a Pi and the kernels its variant runs.
type board struct {
	name, core string
	ghz        float64
	gemm       string // mca kernel name
	mr, nr, kr int
	kPerIter   int // K consumed per main-loop iteration
	depthwise  string
	dwPixels   int // output pixels per depthwise pass
	variant    string
}

var boards = []board{
	{"Pi 3B+ (Cortex-A53, 1.4 GHz)", "cortex-a53", 1.4, "gemmNEON", 4, 4, 16, 16, "depthwise2NEON", 2, "neon"},
	{"Pi 4 (Cortex-A72, 1.8 GHz)", "cortex-a72", 1.8, "gemmNEON", 4, 4, 16, 16, "depthwise2NEON", 2, "neon"},
	{"Pi 5 (Cortex-A76, 2.4 GHz)", "cortex-a76", 2.4, "gemmDot4x16", 4, 16, 4, 16, "depthwise2NEON", 2, "dotprod"},
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func main() {
	modelPath := flag.String("model", "", "edgeinfer inspect --json output")
	mcaPath := flag.String("mca", "benchmarks/results/mca.json", "benchmarks/mca/run.sh output")
	flag.Parse()
	log.SetFlags(0)
	var m inspect
	readJSON(*modelPath, &m)
	var entries []mcaEntry
	readJSON(*mcaPath, &entries)
	find := func(kernel, core string) mcaEntry {
		for _, e := range entries {
			if e.Kernel == kernel && e.Core == core {
				return e
			}
		}
		log.Fatalf("%s on %s not in %s", kernel, core, *mcaPath)
		return mcaEntry{}
	}

	fmt.Printf("Model: %d ops, %.1f M MACs.\n\n", len(m.Ops), float64(m.Totals.MACs)/1e6)
	fmt.Println("| board | variant | GEMM MACs (conv 1x1/KxK, FC) | GEMM Mcycles | depthwise MACs | depthwise Mcycles | driver + scalar ops Mcycles | 1 thread ms | 4 threads ms |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, b := range boards {
		g := find(b.gemm, b.core)
		dw := find(b.depthwise, b.core)
		var gemmMACs, dwMACs int64
		var gemmCyc, dwCyc, otherCyc float64
		for _, op := range m.Ops {
			out := op.OutputShape
			elems := 1
			for _, d := range out {
				elems *= d
			}
			switch op.Opcode {
			case "CONV_2D":
				in := m.Tensors[op.Inputs[0]].Shape
				w := m.Tensors[op.Inputs[1]].Shape // [OutC][KH][KW][InC/groups]
				outC, kh, kw, icg := w[0], w[1], w[2], w[3]
				pixels := out[0] * out[1] * out[2]
				if icg == 1 && in[3] == outC && outC > 1 { // depthwise
					dwMACs += op.MACs
					taps := kh * kw
					blocks := outC / 16
					tail := outC - 16*blocks
					passes := float64(pixels) / float64(b.dwPixels)
					dwCyc += passes*float64(blocks)*(float64(ceilDiv(taps, 2))*dw.CyclesPerIter+dw.BlockCycles) +
						float64(pixels)*(float64(taps)*tapPointerCycles+float64(tail*taps)*2)
					continue
				}
				groups := in[3] / icg
				k := kh * kw * icg
				kp := ceilDiv(k, b.kr) * b.kr
				panels := ceilDiv(pixels, b.mr)
				blocks := groups * ceilDiv(outC/groups, b.nr)
				gemmMACs += op.MACs
				gemmCyc += float64(panels*blocks) * (float64(kp)/float64(b.kPerIter)*g.CyclesPerIter + g.BlockCycles)
				copyBytes := float64(b.mr * kp * groups)
				if kh*kw > 1 {
					copyBytes *= 2 // im2col, then the panel copy
				}
				otherCyc += float64(panels) * (panelCallCycles*float64(groups) + copyBytes/copyBytesPerCyc)
			case "FULLY_CONNECTED":
				w := m.Tensors[op.Inputs[1]].Shape // [N][K]
				n, k := w[0], w[1]
				batch := elems / n
				kp := ceilDiv(k, b.kr) * b.kr
				gemmMACs += op.MACs
				gemmCyc += float64(ceilDiv(batch, b.mr)*ceilDiv(n, b.nr)) * (float64(kp)/float64(b.kPerIter)*g.CyclesPerIter + g.BlockCycles)
				otherCyc += float64(ceilDiv(batch, b.mr)) * (panelCallCycles + float64(b.mr*kp)/copyBytesPerCyc)
			case "RESHAPE":
			default:
				otherCyc += float64(elems) * scalarElemCycles
				if op.Opcode == "MEAN" {
					otherCyc += float64(m.Tensors[op.Inputs[0]].Elements()) * 2
				}
			}
		}
		total := gemmCyc + dwCyc + otherCyc
		ms1 := total / (b.ghz * 1e6)
		fmt.Printf("| %s | %s | %.0f M | %.1f | %.1f M | %.1f | %.1f | %.1f | %.1f |\n", b.name, b.variant,
			float64(gemmMACs)/1e6, gemmCyc/1e6, float64(dwMACs)/1e6, dwCyc/1e6, otherCyc/1e6, ms1, ms1/(4*parallelEff))
	}
	fmt.Printf("\nAssumptions beyond llvm-mca: %d cycles per A panel for the Go driver and call, copies at %d B/cycle "+
		"(A panel; im2col twice), %d cycles per depthwise tap pointer, %d cycles per output element for the scalar Go ops "+
		"(ADD, MEAN), L1-resident data (no cache or DRAM stalls), 4 threads at %.0f%% parallel efficiency.\n",
		panelCallCycles, copyBytesPerCyc, tapPointerCycles, scalarElemCycles, parallelEff*100)
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}
