//go:build gc && !purego

package amd64_test

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// BenchmarkMaxPoolNarrow times a max pool with fewer channels than one
// 32-lane vector step (ShuffleNetV2's stem pool, 112x112x24 3x3/2), which
// runs in two overlapping 16-byte steps per pixel, in one walk of the taps.
func BenchmarkMaxPoolNarrow(b *testing.B) { benchmarkStemMaxPool(b, 24) }

// BenchmarkMaxPoolStem64 times ResNet-18's stem pool (112x112x64 3x3/2),
// two 32-byte steps per pixel in one walk of the taps.
func BenchmarkMaxPoolStem64(b *testing.B) { benchmarkStemMaxPool(b, 64) }

func benchmarkStemMaxPool(b *testing.B, c int) {
	g := amd64.PoolGeom{N: 1, InH: 112, InW: 112, C: c, OutH: 56, OutW: 56, KH: 3, KW: 3,
		StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1}
	p, err := amd64.NewMaxPoolInt8(g, 0, -128, 127)
	if err != nil {
		b.Fatal(err)
	}
	in := make([]int8, g.InH*g.InW*g.C)
	for i := range in {
		in[i] = int8(uint32(i) * 2654435761 >> 24)
	}
	out := make([]int8, g.OutH*g.OutW*g.C)
	b.ReportAllocs()
	for b.Loop() {
		p.RunAVX2(in, out, 0, p.Units())
	}
}
