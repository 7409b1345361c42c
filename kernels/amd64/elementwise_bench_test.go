package amd64

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkBinary reports elements per nanosecond of MUL and ADD, generic
// and AVX2, over one long run and over the 96-element runs of a
// squeeze-excite channel scale.
func BenchmarkBinary(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	c := randomBinaryCase(r, 96*682)
	c.shift = min(c.shift, 0)
	mk, ak := c.consts(b)
	out := make([]int8, len(c.a))
	for _, impl := range binaryImpls {
		for _, op := range []struct {
			name string
			run  func(out, a, b []int8, mk *MulInt8Consts, ak *AddInt8Consts)
		}{{"mul", impl.mul}, {"add", impl.add}} {
			for _, run := range []int{len(out), 96, 192, 1056, 2976} {
				b.Run(fmt.Sprintf("%s/%s/run%d", op.name, impl.name, run), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						for o := 0; o < len(out); o += run {
							op.run(out[o:o+run], c.a[o:], c.b[o:], mk, ak)
						}
					}
					b.ReportMetric(float64(len(out))*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
				})
			}
		}
	}
}
