//go:build gc && !purego

package amd64_test

import (
	"fmt"
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// BenchmarkAvgPoolInception times Inception v3's average pools (3x3,
// stride 1, padding 1, the padding counted) and one without the padding
// counted, whose border windows have other divisors; it reports output
// bytes per ns.
func BenchmarkAvgPoolInception(b *testing.B) {
	for _, s := range []struct {
		hw, c      int
		includePad bool
	}{{35, 288, true}, {17, 768, true}, {8, 2048, true}, {35, 192, false}} {
		g := amd64.PoolGeom{N: 1, InH: s.hw, InW: s.hw, C: s.c, OutH: s.hw, OutW: s.hw, KH: 3, KW: 3,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1}
		p, err := amd64.NewAvgPoolInt8(g, s.includePad, -7, -128, 127)
		if err != nil {
			b.Fatal(err)
		}
		in := make([]int8, g.InH*g.InW*g.C)
		for i := range in {
			in[i] = int8(uint32(i) * 2654435761 >> 24)
		}
		out := make([]int8, g.OutH*g.OutW*g.C)
		b.Run(fmt.Sprintf("%dx%dx%d_pad%v", s.hw, s.hw, s.c, s.includePad), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.RunAVX2(in, out, 0, p.Units())
			}
			b.ReportMetric(float64(len(out))*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "B/ns")
		})
	}
}
