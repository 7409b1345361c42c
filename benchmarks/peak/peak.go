// Package peak measures the single-core peak throughput of the SIMD
// instruction sequences edgeinfer's int8 kernels are built from, so that
// kernel benchmarks can report the fraction of that peak they reach. It is
// a Go-assembly port of work/shared/tools/peak.c (same sequences, same
// independent-chain structure).
package peak

import (
	"fmt"
	"time"
)

// Sequence is one instruction sequence whose peak Measure reports.
type Sequence int

const (
	// VPMADDWD is VPMADDWD ymm + VPADDD: 16 int16 multiply-adds per
	// VPMADDWD, the AVX2 GEMM's inner sequence (sign-extended int8).
	VPMADDWD Sequence = iota
	// VPMADDUBSW is VPMADDUBSW + VPMADDWD by ones + VPADDD: 32 u8 x s8
	// multiply-adds per VPMADDUBSW (the saturating sequence edgeinfer
	// avoids; measured for comparison).
	VPMADDUBSW
	// VPDPBUSDYmm is VEX VPDPBUSD ymm (AVX-VNNI): 32 multiply-adds.
	VPDPBUSDYmm
	// VPDPBUSDZmm is EVEX VPDPBUSD zmm (AVX-512 VNNI): 64 multiply-adds.
	VPDPBUSDZmm
	// FMA is VFMADD231PS ymm: 8 float32 multiply-adds (for comparison with
	// float kernels).
	FMA
)

var names = [...]string{"VPMADDWD", "VPMADDUBSW", "VPDPBUSD ymm", "VPDPBUSD zmm", "VFMADD231PS ymm"}

func (s Sequence) String() string {
	if int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("Sequence(%d)", int(s))
}

// macsPerIteration is how many multiply-adds one loop iteration (four
// steps) performs.
var macsPerIteration = [...]float64{4 * 3 * 16, 4 * 3 * 32, 4 * 12 * 32, 4 * 12 * 64, 4 * 12 * 8}

// Measure runs sequence s for about d and returns its throughput in
// billions of multiply-adds per second, or 0 when this CPU or build cannot
// run it. The result is the best of several rounds, because other
// processes can only make a round slower.
func Measure(s Sequence, d time.Duration) float64 {
	if !Supported(s) {
		return 0
	}
	const iters = 1 << 16
	best := 0.0
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		t := time.Now()
		run(s, iters)
		if g := iters * macsPerIteration[s] / float64(time.Since(t).Nanoseconds()); g > best {
			best = g
		}
	}
	return best
}
