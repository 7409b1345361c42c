package calib

import "math"

// histogramBins is the number of bins of a Histogram: 2048 per sign. At
// worst (the range doubled just before the last sample) the values use
// half of them, 1024 per sign: still four bins per int8 step over the
// whole range, and finer than the 128 reference levels KL calibration
// compares against.
const histogramBins = 4096

// Histogram counts the finite values of one tensor over the calibration
// set in equal bins over [-R, R). R starts at the largest magnitude of the
// first non-zero sample and doubles whenever a value falls outside, adding
// pairs of bins together; since every R is the first one times a power of
// two, the merged bins are exact and the result depends only on the values
// and their order, never on timing.
type Histogram struct {
	counts   [histogramBins]float64
	r        float64 // half-width; 0 until a non-zero value arrives
	zeros    float64 // values observed while r was 0 (all exactly 0)
	n        float64 // finite values observed
	min, max float64
}

// Add counts the finite values of x.
func (h *Histogram) Add(x []float32) {
	if h.n == 0 {
		h.min, h.max = math.Inf(1), math.Inf(-1)
	}
	if h.r == 0 {
		m := 0.0
		for _, v := range x {
			if f := math.Abs(float64(v)); !math.IsInf(f, 0) && f > m {
				m = f
			}
		}
		if m > 0 {
			h.r = m * (1 + 0x1p-20)
			h.counts[histogramBins/2] += h.zeros
			h.zeros = 0
		}
	}
	for _, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		h.n++
		h.min, h.max = min(h.min, f), max(h.max, f)
		if h.r == 0 {
			h.zeros++ // f is 0: no magnitude seen yet
			continue
		}
		for math.Abs(f) >= h.r {
			h.grow()
		}
		h.counts[h.bin(f)]++
	}
}

// Extremes is the count and the extremes of one sample's finite values:
// all that a minmax observer keeps. Unlike bins, they merge in any order
// to the same result, so calibration computes them for several samples at
// once (ExtremesOf) and merges them in sample order (ObserveExtremes).
type Extremes struct {
	n        int
	min, max float32
}

// ExtremesOf counts the finite values of x and finds their extremes (-0
// below +0, as Go's min and max order them).
func ExtremesOf(x []float32) Extremes {
	e := Extremes{min: float32(math.Inf(1)), max: float32(math.Inf(-1))}
	for _, v := range x {
		if v-v != 0 { // NaN or ±Inf
			continue
		}
		e.n++
		e.min, e.max = min(e.min, v), max(e.max, v)
	}
	return e
}

// addExtremes is Add without the bins: it counts the finite values and
// updates the extremes exactly as Add does.
func (h *Histogram) addExtremes(e Extremes) {
	if h.n == 0 {
		h.min, h.max = math.Inf(1), math.Inf(-1)
	}
	if e.n > 0 {
		h.n += float64(e.n)
		h.min, h.max = min(h.min, float64(e.min)), max(h.max, float64(e.max))
	}
}

// bin is the index of the bin holding f (|f| < r).
func (h *Histogram) bin(f float64) int {
	b := int(math.Floor((f + h.r) / (2 * h.r) * histogramBins))
	return min(max(b, 0), histogramBins-1)
}

// grow doubles r: the old bins [0, n) map pairwise onto [n/4, 3n/4).
func (h *Histogram) grow() {
	var merged [histogramBins]float64
	for i, c := range h.counts {
		merged[histogramBins/4+i/2] += c
	}
	h.counts = merged
	h.r *= 2
}

// Count is the number of finite values observed.
func (h *Histogram) Count() float64 { return h.n }

// Min and Max are the exact extremes of the observed values (NaN before
// any).
func (h *Histogram) Min() float64 { return h.nanIfEmpty(h.min) }
func (h *Histogram) Max() float64 { return h.nanIfEmpty(h.max) }

func (h *Histogram) nanIfEmpty(v float64) float64 {
	if h.n == 0 {
		return math.NaN()
	}
	return v
}

// width is the width of one bin.
func (h *Histogram) width() float64 { return 2 * h.r / histogramBins }

// center is the middle of bin i.
func (h *Histogram) center(i int) float64 { return -h.r + float64((float64(i)+0.5)*h.width()) }

// Quantile returns the value below which a fraction q of the observed
// values lie, interpolating linearly inside the bin that holds it, and
// clamped to [Min, Max].
func (h *Histogram) Quantile(q float64) float64 {
	if h.n == 0 {
		return math.NaN()
	}
	if h.r == 0 {
		return 0
	}
	target := float64(q * h.n)
	acc := 0.0
	for i, c := range h.counts {
		if c > 0 && acc+c >= target {
			lo := -h.r + float64(float64(i)*h.width())
			v := lo + float64((target-acc)/c*h.width())
			return min(max(v, h.min), h.max)
		}
		acc += c
	}
	return h.max
}

// magnitudes returns the histogram of |x| over [0, r): bins of the same
// width, the negative half folded onto the positive one.
func (h *Histogram) magnitudes() []float64 {
	half := histogramBins / 2
	m := make([]float64, half)
	for i := range half {
		m[i] = h.counts[half+i] + h.counts[half-1-i]
	}
	return m
}
