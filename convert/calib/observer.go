// Package calib measures the activation ranges of a float graph over a
// calibration set: data sources that produce input samples (raw float32
// tensors, IDX image files, image folders) and observers that choose the
// range each tensor is quantized over.
//
// Every observer keeps a Histogram of the tensor's values; they differ in
// how they pick the range from it:
//
//   - minmax: the exact smallest and largest values (TFLite's default).
//   - percentile: the Percentile-th and (100-Percentile)-th percentiles,
//     dropping rare outliers.
//   - entropy: the clipping threshold whose int8 quantization of the
//     distribution has the least Kullback-Leibler divergence from it
//     (TensorRT's calibrator, also ONNX Runtime's Entropy method).
//   - mse: the range that minimizes the expected squared quantization
//     error, clipping included.
//
// Results depend only on the values and the order they arrive in.
package calib

import (
	"fmt"
	"math"
	"strings"
)

// Methods lists the observer names, in the order the CLI documents them.
// "auto" is not an observer: the quantizer tries the others on the same
// histograms and keeps the best (quantize.Options.Method).
var Methods = []string{"minmax", "percentile", "entropy", "mse", "auto"}

// DefaultPercentile is the percentile method's default: 99.99, which drops
// the top 0.01% on each side (ONNX Runtime's default is 99.999 for
// symmetric ranges over |x|; over signed values one side sees half the
// tail).
const DefaultPercentile = 99.99

// Observer accumulates one tensor's values and chooses the real range to
// quantize it over.
type Observer struct {
	method     string
	percentile float64
	h          Histogram
	// extremesOnly: a minmax observer needs only the count and the
	// extremes, and skips binning (most of an observer's time).
	extremesOnly bool
}

// NewObserver returns an observer using method (one of Methods);
// percentile is used by the percentile method (0 means
// DefaultPercentile).
func NewObserver(method string, percentile float64) (*Observer, error) {
	switch method {
	case "minmax", "entropy", "mse":
	case "percentile", "auto":
		if percentile == 0 {
			percentile = DefaultPercentile
		}
		if !(percentile > 50 && percentile <= 100) {
			return nil, fmt.Errorf("calib: percentile %v: want a value in (50, 100]", percentile)
		}
	default:
		return nil, fmt.Errorf("calib: unknown calibration method %q (want one of %s)", method, strings.Join(Methods, ", "))
	}
	return &Observer{method: method, percentile: percentile, extremesOnly: method == "minmax"}, nil
}

// Observe adds values (one sample of the tensor). NaN and ±Inf are
// ignored.
func (o *Observer) Observe(x []float32) {
	if o.extremesOnly {
		o.h.addExtremes(ExtremesOf(x))
		return
	}
	o.h.Add(x)
}

// NeedsValues reports whether the observer bins the values; one that does
// not (minmax) can take a sample as its Extremes instead.
func (o *Observer) NeedsValues() bool { return !o.extremesOnly }

// ObserveExtremes is Observe for an observer that does not need the
// values, with the sample's ExtremesOf. It reports false, observing
// nothing, for an observer that does.
func (o *Observer) ObserveExtremes(e Extremes) bool {
	if !o.extremesOnly {
		return false
	}
	o.h.addExtremes(e)
	return true
}

// Histogram returns the observed distribution. A minmax observer counts
// the values and keeps their extremes, but bins none.
func (o *Observer) Histogram() *Histogram { return &o.h }

// Range returns the real range to quantize over; ok is false when no
// finite value was observed.
func (o *Observer) Range() (lo, hi float32, ok bool) {
	return o.RangeBy(o.method)
}

// RangeBy is Range with another method (one of Methods but "auto") on the
// same histogram: every method reads the same distribution. A minmax
// observer has no histogram: ok is false for the other methods.
func (o *Observer) RangeBy(method string) (lo, hi float32, ok bool) {
	h := &o.h
	if h.n == 0 || o.extremesOnly && method != "minmax" {
		return 0, 0, false
	}
	l, u := h.min, h.max
	if h.r > 0 {
		switch method {
		case "percentile":
			p := o.percentile
			if p == 0 {
				p = DefaultPercentile
			}
			l, u = h.Quantile(1-p/100), h.Quantile(p/100)
		case "entropy":
			l, u = entropyRange(h)
		case "mse":
			l, u = mseRange(h)
		}
	}
	return float32(l), float32(u), true
}

// clampRange intersects the symmetric range [-t, t] with the observed
// [min, max].
func (h *Histogram) clampRange(t float64) (lo, hi float64) {
	return math.Max(h.min, -t), math.Min(h.max, t)
}
