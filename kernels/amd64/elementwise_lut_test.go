package amd64

import (
	"math/rand/v2"
	"testing"
)

// lutImpls are the table lookups this build runs; the AVX2 one joins from
// elementwise_lut_amd64_test.go.
var lutImpls = []struct {
	name string
	run  func(out, in []int8, t *LUTTable)
}{{"generic", LUTInt8Generic}}

// TestLUT checks every implementation against direct indexing, for every
// input value (a ramp over all 256), lengths 0..100 (the 32-byte blocks'
// tails), in place, with guard bands.
func TestLUT(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for iter := range 60 {
		table := make([]int8, 256)
		for i := range table {
			table[i] = int8(r.IntN(256) - 128)
		}
		tab := NewLUTTable(table)
		n := iter % 101
		if iter == 59 {
			n = 256
		}
		in := make([]int8, n)
		for i := range in {
			in[i] = int8(r.IntN(256) - 128)
			if iter == 59 {
				in[i] = int8(i - 128)
			}
		}
		want := make([]int8, n)
		for i, q := range in {
			want[i] = table[int(q)+128]
		}
		for _, impl := range lutImpls {
			got, check := guardedInt8(t, n)
			impl.run(got, in, tab)
			check()
			checkBytes(t, impl.name, got, want, func(i int) any { return in[i] })
			inPlace := append([]int8(nil), in...)
			impl.run(inPlace, inPlace, tab)
			checkBytes(t, impl.name+" in place", inPlace, want, func(i int) any { return in[i] })
		}
	}
}

// BenchmarkLUT reports bytes per nanosecond of each implementation over
// 64 KB.
func BenchmarkLUT(b *testing.B) {
	table := make([]int8, 256)
	for i := range table {
		table[i] = int8(i * 7)
	}
	tab := NewLUTTable(table)
	in := make([]int8, 1<<16)
	for i := range in {
		in[i] = int8(i * 13)
	}
	out := make([]int8, len(in))
	for _, impl := range lutImpls {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				impl.run(out, in, tab)
			}
		})
	}
}
