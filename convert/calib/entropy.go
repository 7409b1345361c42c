package calib

import (
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/quant"
)

// entropyRange chooses the range by minimum KL divergence, TensorRT's
// method: over the histogram of magnitudes (or of the values themselves
// when they are one-sided), each candidate threshold T (a bin edge) clips
// the distribution P to [0, T] (the outliers added to the last bin),
// quantizes it to the int8 levels that [0, T] gets (128 for a signed
// tensor, whose symmetric range spends half of the 256 on each side; 256
// for a one-sided one) and expands it back to Q; the T with the smallest
// KL(P || Q) wins. The zero bin is flattened first (see below).
func entropyRange(h *Histogram) (lo, hi float64) {
	half := histogramBins / 2
	var bins []float64
	levels := 128
	switch {
	case h.min >= 0:
		bins = h.counts[half:]
		levels = 256
	case h.max <= 0:
		bins = reversed(h.counts[:half])
		levels = 256
	default:
		bins = h.magnitudes()
	}
	// The first bin holds the exact zeros a ReLU produces, a spike that
	// would otherwise dominate the divergence and pull the threshold down;
	// like NVIDIA's pytorch-quantization calibrator, give it its
	// neighbour's count.
	bins = slices.Clone(bins)
	if len(bins) > 1 {
		bins[0] = bins[1]
	}
	t := float64(klThreshold(bins, levels)) * h.width()
	switch {
	case h.min >= 0:
		return h.min, math.Min(h.max, t)
	case h.max <= 0:
		return math.Max(h.min, -t), h.max
	}
	return h.clampRange(t)
}

func reversed(x []float64) []float64 {
	r := make([]float64, len(x))
	for i, v := range x {
		r[len(x)-1-i] = v
	}
	return r
}

// klThreshold returns the number of leading bins of hist (a distribution
// over [0, len(hist)) bin widths) whose quantization to levels levels
// diverges least from the clipped distribution.
func klThreshold(hist []float64, levels int) int {
	last := len(hist)
	for last > 0 && hist[last-1] == 0 {
		last--
	}
	if last <= levels {
		return last // every level gets at most one bin: no loss to trade
	}
	best, bestKL := last, math.Inf(1)
	p := make([]float64, last)
	q := make([]float64, last)
	for i := levels; i <= last; i++ {
		copy(p, hist[:i])
		outliers := 0.0
		for _, c := range hist[i:last] {
			outliers += c
		}
		p[i-1] += outliers
		// Quantize hist[:i] (without the outliers) into levels groups of
		// i/levels bins, the last taking the remainder, and spread each
		// group's total evenly over its non-empty bins.
		merged := i / levels
		for j := range levels {
			start, stop := j*merged, (j+1)*merged
			if j == levels-1 {
				stop = i
			}
			sum, nonzero := 0.0, 0
			for k := start; k < stop; k++ {
				sum += hist[k]
				if p[k] != 0 {
					nonzero++
				}
			}
			for k := start; k < stop; k++ {
				q[k] = 0
				if p[k] != 0 {
					q[k] = sum / float64(nonzero)
				}
			}
		}
		if kl := klDivergence(p[:i], q[:i]); kl < bestKL {
			best, bestKL = i, kl
		}
	}
	return best
}

// klDivergence is KL(p || q) of two histograms of counts. Empty bins are
// smoothed first as MXNet's _smooth_distribution does (eps 1e-4 counts
// moved onto each empty bin from the non-empty ones), so that a bin where
// q is empty but p is not costs a large but finite amount; then both are
// normalized to sum 1.
func klDivergence(p, q []float64) float64 {
	ps, qs := smooth(p), smooth(q)
	if ps == nil || qs == nil {
		return math.Inf(1)
	}
	kl := 0.0
	for k, pk := range ps {
		if pk > 0 {
			kl += float64(pk * quant.Log(pk/qs[k]))
		}
	}
	return kl
}

// smooth returns h with eps added to every empty bin and taken evenly
// from the others, normalized to sum 1; nil when h is empty or a
// non-empty bin holds less than it must give (the candidate is then
// skipped, as MXNet's NaN divergence is never the minimum).
func smooth(h []float64) []float64 {
	const eps = 1e-4
	zeros := 0
	for _, v := range h {
		if v == 0 {
			zeros++
		}
	}
	nonzeros := len(h) - zeros
	if nonzeros == 0 {
		return nil
	}
	take := eps * float64(zeros) / float64(nonzeros)
	out := make([]float64, len(h))
	total := 0.0
	for k, v := range h {
		if v == 0 {
			out[k] = eps
		} else if out[k] = v - take; out[k] <= 0 {
			return nil
		}
		total += out[k]
	}
	for k := range out {
		out[k] /= total
	}
	return out
}
