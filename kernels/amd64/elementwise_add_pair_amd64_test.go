//go:build gc && !purego

package amd64

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
)

// BenchmarkAddPair compares, in one run, AddInt8AVX2 in the pair form with
// the same ADD in the REQUANT8_FAST form (Pair nil), over residual-add
// sizes; it reports elements per ns.
func BenchmarkAddPair(b *testing.B) {
	if !cpu.X86.HasAVX2 {
		b.Skip("no AVX2")
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{56 * 56 * 24, 28 * 28 * 40, 14 * 14 * 112} {
		c := randomBinaryCase(r, n)
		c.aShift, c.bShift = min(c.aShift, 0), min(c.bShift, 0)
		_, ak := c.consts(b)
		if ak.Pair == nil {
			b.Fatal("no pair form")
		}
		fast := *ak
		fast.Pair = nil
		out := make([]int8, n)
		for _, k := range []struct {
			name string
			k    *AddInt8Consts
		}{{"fast", &fast}, {"pair", ak}} {
			b.Run(fmt.Sprintf("%d/%s", n, k.name), func(b *testing.B) {
				for b.Loop() {
					AddInt8AVX2(out, c.a, c.b, k.k)
				}
				b.ReportMetric(float64(n)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
			})
		}
	}
}
