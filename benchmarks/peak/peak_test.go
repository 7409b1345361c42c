package peak

import (
	"testing"
	"time"
)

// BenchmarkPeak reports each supported sequence's measured peak in GMAC/s:
//
//	go test -run - -bench Peak ./benchmarks/peak/
func BenchmarkPeak(b *testing.B) {
	for s := VPMADDWD; s <= FMA; s++ {
		b.Run(s.String(), func(b *testing.B) {
			if !Supported(s) {
				b.Skip("not supported by this CPU or build")
			}
			var g float64
			for b.Loop() {
				g = max(g, Measure(s, 20*time.Millisecond))
			}
			b.ReportMetric(g, "GMAC/s")
		})
	}
}

// TestMeasure checks that every supported sequence runs and reports a
// positive rate, and that unsupported ones report 0.
func TestMeasure(t *testing.T) {
	for s := VPMADDWD; s <= FMA; s++ {
		g := Measure(s, time.Millisecond)
		if Supported(s) != (g > 0) {
			t.Errorf("%v: supported %v, measured %.1f GMAC/s", s, Supported(s), g)
		}
		t.Logf("%v: %.1f GMAC/s", s, g)
	}
}
