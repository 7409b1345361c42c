package calib

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// feed observes xs in chunks of 1000 values, as a calibration set of
// 1000-value tensors would arrive.
func feed(o *Observer, xs []float32) {
	for len(xs) > 0 {
		n := min(1000, len(xs))
		o.Observe(xs[:n])
		xs = xs[n:]
	}
}

func gaussian(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 11))
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(r.NormFloat64())
	}
	return xs
}

func laplace(n int, b float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 12))
	xs := make([]float32, n)
	for i := range xs {
		x := r.ExpFloat64() * b
		if r.IntN(2) == 0 {
			x = -x
		}
		xs[i] = float32(x)
	}
	return xs
}

func observe(t *testing.T, method string, xs []float32) (*Observer, float64, float64) {
	t.Helper()
	o, err := NewObserver(method, 0)
	if err != nil {
		t.Fatal(err)
	}
	feed(o, xs)
	lo, hi, ok := o.Range()
	if !ok {
		t.Fatal("no range")
	}
	return o, float64(lo), float64(hi)
}

func TestMinMax(t *testing.T) {
	xs := gaussian(100000, 1)
	xs[777] = float32(math.NaN())
	xs[778] = float32(math.Inf(1))
	_, lo, hi := observe(t, "minmax", xs)
	clean := slices.DeleteFunc(slices.Clone(xs), func(v float32) bool { return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) })
	if lo != float64(slices.Min(clean)) || hi != float64(slices.Max(clean)) {
		t.Errorf("range [%v, %v], want the finite extremes [%v, %v]", lo, hi, slices.Min(clean), slices.Max(clean))
	}
}

// The histogram's doubling is exact: a tensor whose first sample has
// magnitudes up to 1 and second up to 4 (R doubles twice) gets the same
// bins as when the samples arrive the other way round (R starts at 4).
func TestHistogramGrowthIsExact(t *testing.T) {
	small, large := gaussian(10000, 2), gaussian(10000, 3)
	scale := func(xs []float32, m float32) {
		peak := float32(0)
		for _, x := range xs {
			peak = max(peak, float32(math.Abs(float64(x))))
		}
		for i := range xs {
			xs[i] *= m / peak
		}
	}
	scale(small, 1)
	scale(large, 4)
	var a, b Histogram
	a.Add(small)
	a.Add(large)
	b.Add(large)
	b.Add(small)
	if a.r != b.r || a.counts != b.counts {
		t.Errorf("R %v and %v; bins equal: %v", a.r, b.r, a.counts == b.counts)
	}
}

func TestPercentile(t *testing.T) {
	xs := gaussian(1000000, 3)
	o, lo, hi := observe(t, "percentile", xs)
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	n := float64(len(sorted))
	wantHi := float64(sorted[int(math.Ceil(n*DefaultPercentile/100))-1])
	wantLo := float64(sorted[int(math.Ceil(n*(1-DefaultPercentile/100)))-1])
	w := o.h.width()
	if math.Abs(hi-wantHi) > w || math.Abs(lo-wantLo) > w {
		t.Errorf("range [%v, %v], want the empirical percentiles [%v, %v] within a bin (%v)", lo, hi, wantLo, wantHi, w)
	}
}

// mxnetThreshold is an independent port of MXNet's _get_optimal_threshold
// (the reference TensorRT-style KL calibrator) for a one-sided histogram
// of nbins bins and nq quantized levels, returning the chosen number of
// bins.
func mxnetThreshold(hist []float64, nq int) int {
	smoothDist := func(p []float64) []float64 {
		const eps = 0.0001
		var nz, z float64
		for _, v := range p {
			if v == 0 {
				z++
			} else {
				nz++
			}
		}
		eps1 := eps * z / nz
		out := make([]float64, len(p))
		for i, v := range p {
			if v == 0 {
				out[i] = eps
			} else {
				out[i] = v - eps1
			}
		}
		return out
	}
	entropy := func(p, q []float64) float64 { // scipy.stats.entropy: normalizes both
		var sp, sq float64
		for i := range p {
			sp += p[i]
			sq += q[i]
		}
		e := 0.0
		for i := range p {
			if p[i] > 0 {
				e += p[i] / sp * math.Log((p[i]/sp)/(q[i]/sq))
			}
		}
		return e
	}
	last := len(hist)
	for hist[last-1] == 0 {
		last--
	}
	best, bestD := 0, math.Inf(1)
	for i := nq; i <= last; i++ {
		sliced := hist[:i]
		p := slices.Clone(sliced)
		for _, v := range hist[i:] {
			p[i-1] += v
		}
		merged := len(sliced) / nq
		qb := make([]float64, nq)
		for j := range nq {
			for _, v := range sliced[j*merged : (j+1)*merged] {
				qb[j] += v
			}
		}
		for _, v := range sliced[nq*merged:] {
			qb[nq-1] += v
		}
		q := make([]float64, len(sliced))
		for j := range nq {
			start, stop := j*merged, (j+1)*merged
			if j == nq-1 {
				stop = len(sliced)
			}
			norm := 0
			for _, v := range p[start:stop] {
				if v != 0 {
					norm++
				}
			}
			if norm != 0 {
				for k := start; k < stop; k++ {
					q[k] = qb[j] / float64(norm)
				}
			}
		}
		for k := range q {
			if p[k] == 0 {
				q[k] = 0
			}
		}
		d := entropy(smoothDist(p), smoothDist(q))
		if d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// Entropy calibration of a Gaussian picks the threshold an independent
// port of MXNet's calibrator picks from the same magnitudes histogram
// (built here directly from the samples).
func TestEntropyMatchesReference(t *testing.T) {
	xs := gaussian(300000, 4)
	o, lo, hi := observe(t, "entropy", xs)
	w := o.h.width()
	hist := make([]float64, histogramBins/2)
	for _, x := range xs {
		hist[int(math.Abs(float64(x))/w)]++
	}
	hist[0] = hist[1] // the zero-spike flattening entropyRange applies
	want := float64(mxnetThreshold(hist, 128)) * w
	if hi != float64(float32(math.Min(want, float64(slices.Max(xs))))) || lo != float64(float32(math.Max(-want, float64(slices.Min(xs))))) {
		t.Errorf("range [%v, %v], want ±%v", lo, hi, want)
	}
	t.Logf("threshold %.3f sigma", want)
}

// A one-sided (post-ReLU) distribution uses 256 levels over [0, T], and
// rare far outliers (10 values at 30 sigma) are clipped where min/max
// would keep them.
func TestEntropyOneSidedClipsOutliers(t *testing.T) {
	xs := gaussian(200000, 5)
	for i, x := range xs {
		xs[i] = float32(math.Abs(float64(x)))
	}
	for i := range 10 {
		xs[100000+i*1000] = 30
	}
	o, lo, hi := observe(t, "entropy", xs)
	bins := slices.Clone(o.h.counts[histogramBins/2:])
	bins[0] = bins[1]
	want := float64(float32(float64(mxnetThreshold(bins, 256)) * o.h.width()))
	if lo != float64(slices.Min(xs)) || hi != want {
		t.Errorf("range [%v, %v], want [%v, %v]", lo, hi, slices.Min(xs), want)
	}
	if hi >= 30 {
		t.Errorf("threshold %v keeps the outliers at 30", hi)
	}
	t.Logf("threshold %.3f", hi)
}

// For a Laplace(b) distribution the MSE-optimal symmetric int8 range
// minimizes clipping error 2b²e^(-a/b) plus rounding error (2a/255)²/12
// over the values inside; the optimum, found here by golden-section
// search on that expression, is about 9.9b.
func TestMSELaplace(t *testing.T) {
	const b = 0.5
	cost := func(a float64) float64 {
		return 2*b*b*math.Exp(-a/b) + (2*a/255)*(2*a/255)/12*(1-math.Exp(-a/b))
	}
	lo, hi := 1.0, 20.0
	for range 200 {
		m1, m2 := lo+(hi-lo)*0.382, lo+(hi-lo)*0.618
		if cost(m1) < cost(m2) {
			hi = m2
		} else {
			lo = m1
		}
	}
	want := (lo + hi) / 2
	xs := laplace(1000000, b, 6)
	_, rlo, rhi := observe(t, "mse", xs)
	if math.Abs(rhi-want) > 0.03*want || math.Abs(-rlo-want) > 0.05*want {
		t.Errorf("range [%v, %v], want about ±%v (%.2f b)", rlo, rhi, want, want/b)
	}
}

func TestNewObserverErrors(t *testing.T) {
	if _, err := NewObserver("kl", 0); err == nil {
		t.Error("unknown method accepted")
	}
	if _, err := NewObserver("percentile", 40); err == nil {
		t.Error("percentile 40 accepted")
	}
	o, _ := NewObserver("mse", 0)
	if _, _, ok := o.Range(); ok {
		t.Error("range without observations")
	}
	o.Observe([]float32{0, 0, 0})
	if lo, hi, ok := o.Range(); !ok || lo != 0 || hi != 0 {
		t.Errorf("all-zero tensor: [%v, %v] %v, want [0, 0]", lo, hi, ok)
	}
}

// A minmax observer keeps no bins, but counts the values and finds the
// extremes exactly as the histogram of the other methods does (NaN, ±Inf,
// signed zeros, and chunks with no finite value at all included).
func TestMinMaxWithoutBins(t *testing.T) {
	xs := gaussian(20000, 5)
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for i := 3000; i < 4000; i++ { // a whole chunk without finite values
		xs[i] = []float32{nan, inf, -inf}[i%3]
	}
	xs[10] = float32(math.Copysign(0, -1))
	mm, err := NewObserver("minmax", 0)
	if err != nil {
		t.Fatal(err)
	}
	full, err := NewObserver("auto", 0)
	if err != nil {
		t.Fatal(err)
	}
	feed(mm, xs)
	feed(full, xs)
	h, g := mm.Histogram(), full.Histogram()
	if h.Count() != g.Count() || h.Count() != 20000-1000 {
		t.Errorf("count %v, histogram's %v, want %d", h.Count(), g.Count(), 20000-1000)
	}
	lo, hi, ok := mm.Range()
	glo, ghi, gok := full.RangeBy("minmax")
	if !ok || !gok || math.Float32bits(lo) != math.Float32bits(glo) || math.Float32bits(hi) != math.Float32bits(ghi) {
		t.Errorf("range [%v, %v] %v, histogram's [%v, %v] %v", lo, hi, ok, glo, ghi, gok)
	}
	if _, _, ok := mm.RangeBy("entropy"); ok {
		t.Error("a minmax observer gave an entropy range without a histogram")
	}
	// Extremes merge in any order: the 1000-value chunks in reverse.
	rev, _ := NewObserver("minmax", 0)
	for end := len(xs); end > 0; end -= 1000 {
		if !rev.ObserveExtremes(ExtremesOf(xs[end-1000 : end])) {
			t.Fatal("a minmax observer refused extremes")
		}
	}
	rlo, rhi, _ := rev.Range()
	if rev.Histogram().Count() != h.Count() || math.Float32bits(rlo) != math.Float32bits(lo) || math.Float32bits(rhi) != math.Float32bits(hi) {
		t.Errorf("extremes in reverse: count %v range [%v, %v], want %v [%v, %v]", rev.Histogram().Count(), rlo, rhi, h.Count(), lo, hi)
	}
	if full.ObserveExtremes(ExtremesOf(xs)) || !full.NeedsValues() || mm.NeedsValues() {
		t.Error("a histogram observer took extremes instead of values")
	}
	// Only zeros: the extremes are ±0 as the histogram has them.
	for _, z := range [][]float32{{0, float32(math.Copysign(0, -1))}, {float32(math.Copysign(0, -1))}} {
		mm, _ := NewObserver("minmax", 0)
		full, _ := NewObserver("auto", 0)
		mm.Observe(z)
		full.Observe(z)
		lo, hi, _ := mm.Range()
		glo, ghi, _ := full.RangeBy("minmax")
		if math.Float32bits(lo) != math.Float32bits(glo) || math.Float32bits(hi) != math.Float32bits(ghi) {
			t.Errorf("zeros %v: range [%v, %v], histogram's [%v, %v]", z, lo, hi, glo, ghi)
		}
	}
}
