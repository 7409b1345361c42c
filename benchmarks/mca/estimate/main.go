// Command estimate turns the llvm-mca model of the arm64 kernels
// (benchmarks/results/mca.json, written by benchmarks/mca/run.sh) and a
// model's per-op shapes (edgeinfer inspect --json) into a latency estimate
// per Raspberry Pi: a model estimate, not a measurement.
//
// For each convolution and fully connected layer it counts what the
// kernels execute: GEMM tiles (MR x NR outputs, K padded to KR) times
// (main-loop iterations x modeled cycles per iteration + modeled per-block
// overhead), depthwise pixels x 16-channel blocks x (tap pairs x cycles per
// pair + overhead). The element-wise NEON kernels (ADD, MUL, table
// lookups, pools, the mean's sums) are charged their modeled main loop per
// element, tap or row; the Go driver around the assembly (A-panel copy,
// im2col, call, tap pointers), copies and any op left on the reference Go
// kernels by the assumptions printed with the result. Usage:
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
	"strings"
)

// Assumptions for the parts the mca model does not cover (cycles).
const (
	panelCallCycles  = 60 // Go driver per A panel: loop, slicing, assembly call
	copyBytesPerCyc  = 8  // A-panel copy (packA) and im2col, bytes per cycle
	tapPointerCycles = 4  // depthwise: building one tap pointer in Go
	scalarElemCycles = 12 // ops on the reference Go kernels, per output element
	poolTaps         = 9  // pools: 3x3 windows (inspect does not give the window)
	parallelEff      = 0.85
)

type mcaEntry struct {
	Kernel        string  `json:"kernel"`
	Core          string  `json:"core"`
	MACsPerIter   float64 `json:"macs_per_iter"`
	UnitsPerIter  float64 `json:"units_per_iter"` // element-wise kernels: elements, tap channels or row columns
	CyclesPerIter float64 `json:"cycles_per_iter"`
	BlockCycles   float64 `json:"block_cycles"`
	Peak          float64 `json:"peak_macs_per_cycle"`
}

type inspect struct {
	Ops []struct {
		Opcode      string `json:"opcode"`
		Kernel      string `json:"kernel"` // the runtime's plan: "AddInt8", "Conv2DInt8+LUTInt8", "fused", ...
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
	fmt.Println("| board | variant | GEMM MACs (conv 1x1/KxK, FC) | GEMM Mcycles | depthwise MACs | depthwise Mcycles | driver + element-wise ops Mcycles | 1 thread ms | 4 threads ms |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, b := range boards {
		// perUnit is an element-wise kernel's modeled cycles per unit.
		perUnit := func(kernel string) float64 {
			e := find(kernel, b.core)
			return e.CyclesPerIter / e.UnitsPerIter
		}
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
			if strings.HasSuffix(op.Kernel, "+LUTInt8") { // a table epilogue on the output
				otherCyc += float64(elems) * perUnit("lutNEON")
			}
			switch op.Kernel {
			case "fused", "view":
				continue
			case "AddInt8":
				otherCyc += float64(elems) * perUnit("addNEON")
				continue
			case "MulInt8":
				otherCyc += float64(elems) * perUnit("mulNEON")
				continue
			case "LUTInt8":
				otherCyc += float64(elems) * perUnit("lutNEON")
				continue
			case "MaxPoolInt8":
				otherCyc += float64(elems*poolTaps) * perUnit("maxPoolNEON")
				continue
			case "AvgPoolInt8":
				otherCyc += float64(elems*poolTaps) * perUnit("avgPool32NEON")
				continue
			case "MeanInt8":
				otherCyc += float64(m.Tensors[op.Inputs[0]].Elements()) * perUnit("meanSumNEON")
				continue
			case "Concat", "Slice", "Transpose", "Interleave":
				otherCyc += float64(elems) / copyBytesPerCyc
				continue
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
			default:
				otherCyc += float64(elems) * scalarElemCycles
			}
		}
		total := gemmCyc + dwCyc + otherCyc
		ms1 := total / (b.ghz * 1e6)
		fmt.Printf("| %s | %s | %.0f M | %.1f | %.1f M | %.1f | %.1f | %.1f | %.1f |\n", b.name, b.variant,
			float64(gemmMACs)/1e6, gemmCyc/1e6, float64(dwMACs)/1e6, dwCyc/1e6, otherCyc/1e6, ms1, ms1/(4*parallelEff))
	}
	fmt.Printf("\nAssumptions beyond llvm-mca: %d cycles per A panel for the Go driver and call, copies at %d B/cycle "+
		"(A panel; im2col twice; concatenations, slices, transposes), %d cycles per depthwise tap pointer, %d taps per "+
		"pooled output, %d cycles per output element for ops left on the reference Go kernels, L1-resident data (no cache "+
		"or DRAM stalls), 4 threads at %.0f%% parallel efficiency.\n",
		panelCallCycles, copyBytesPerCyc, tapPointerCycles, poolTaps, scalarElemCycles, parallelEff*100)
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
