package calib

import (
	"math"

	"github.com/edgeinfer/edgeinfer/quant"
)

// mseSteps is the number of candidate ranges mseRange tries: the observed
// [min, max] scaled by k/mseSteps, k = 1..mseSteps.
const mseSteps = 200

// mseRange chooses the range that minimizes the expected squared error of
// quantizing the observed distribution: values outside the representable
// range of the int8 parameters the range gives (quant.
// ChooseActivationParams, what the model will use) cost their distance to
// it squared; values inside cost the rounding error of a uniform value,
// scale²/12. Candidates scale [min, max] toward zero, which keeps the
// asymmetry of the distribution.
func mseRange(h *Histogram) (lo, hi float64) {
	bestLo, bestHi, bestErr := h.min, h.max, math.Inf(1)
	for k := 1; k <= mseSteps; k++ {
		a := float64(k) / mseSteps
		l, u := h.min*a, h.max*a
		s, zp := quant.ChooseActivationParams(float32(l), float32(u))
		scale := float64(s)
		qlo, qhi := float64(float64(-128-zp)*scale), float64(float64(127-zp)*scale)
		inside := scale * scale / 12
		e := 0.0
		for i, c := range h.counts {
			if c == 0 {
				continue
			}
			x := h.center(i)
			switch {
			case x < qlo:
				e += float64(c * (qlo - x) * (qlo - x))
			case x > qhi:
				e += float64(c * (x - qhi) * (x - qhi))
			default:
				e += float64(c * inside)
			}
		}
		if e < bestErr {
			bestLo, bestHi, bestErr = l, u, e
		}
	}
	return bestLo, bestHi
}
