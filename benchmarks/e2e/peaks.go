package main

import (
	"time"

	"github.com/edgeinfer/edgeinfer/benchmarks/peak"
)

// peakRate is one instruction sequence's single-core peak, measured in the
// run by benchmarks/peak (the Go port of peak.c).
type peakRate struct {
	Sequence string  `json:"sequence"`
	GMACs    float64 `json:"gmac_per_s"`
}

// peakSequences are the sequences the report relates a model's throughput
// to: VPMADDWD, the exact int8 sequence edgeinfer's AVX2 kernels use;
// VPMADDUBSW, the saturating one they avoid; the VNNI forms where the CPU
// has them; and FMA, what ONNX Runtime's fp32 kernels use.
var peakSequences = []peak.Sequence{peak.VPMADDWD, peak.VPMADDUBSW, peak.VPDPBUSDYmm, peak.VPDPBUSDZmm, peak.FMA}

// measurePeaks measures each sequence this CPU runs for d and returns, per
// sequence, the better of that and prev's figure: another process can only
// make a measurement slower. The run measures at its start and its end.
func measurePeaks(prev []peakRate, d time.Duration) []peakRate {
	var out []peakRate
	for _, s := range peakSequences {
		g := peak.Measure(s, d)
		if g == 0 {
			continue
		}
		for _, p := range prev {
			if p.Sequence == s.String() {
				g = max(g, p.GMACs)
			}
		}
		out = append(out, peakRate{s.String(), g})
	}
	return out
}

// peakOf returns the measured peak of sequence s in GMAC/s, 0 if not measured.
func (m machine) peakOf(s peak.Sequence) float64 {
	for _, p := range m.Peaks {
		if p.Sequence == s.String() {
			return p.GMACs
		}
	}
	return 0
}
