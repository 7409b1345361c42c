//go:build gc && !purego

package kernels

import (
	"fmt"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// BenchmarkMulRowBroadcast compares, on the squeeze-excite MUL shapes of
// EfficientNet-B0, the row-broadcast kernel (mulRowAVX2, "row") with the
// same-shape kernel on a repeated row (mulAVX2.rows, "repeat") in one run,
// over the whole output as one thread's range; it reports elements per ns.
func BenchmarkMulRowBroadcast(b *testing.B) {
	if !cpu.X86.HasAVX2 {
		b.Skip("no AVX2")
	}
	r := newRand(7)
	for _, s := range [][3]int{{56, 56, 144}, {112, 112, 32}, {28, 28, 240}, {14, 14, 672}, {7, 7, 1152}} {
		c := broadcastCase{[]int{1, s[0], s[1], s[2]}, []int{1, s[0], s[1], s[2]}, []int{1, 1, 1, s[2]}}
		bc, err := NewBroadcast(c.out, c.a, c.b)
		if err != nil {
			b.Fatal(err)
		}
		qa, qb := randQuant(r), randQuant(r)
		p := mulParams(bc, qa, qb, quantCase{float32(float64(qa.scale) * float64(qb.scale) * 60), 3}, -128, 127)
		row := newMulRowAVX2(p, s[2], false)
		if row == nil {
			b.Fatal("no row kernel")
		}
		k, err := amd64.NewMulInt8Consts(p.AOffset, p.BOffset, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
		if err != nil {
			b.Fatal(err)
		}
		old := &mulAVX2{p: p, k: k}
		x, y := randInt8s(r, elements(c.a), -128, 127), randInt8s(r, s[2], -128, 127)
		n := elements(c.out)
		out := make([]int8, n)
		for _, impl := range []struct {
			name string
			run  func(a, b, out []int8, lo, hi int)
		}{
			{"repeat", func(a, b, out []int8, lo, hi int) { old.rows(s[2], false, a, b, out, lo, hi) }},
			{"row", row.run},
		} {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", s[0], s[1], s[2], impl.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.run(x, y, out, 0, n)
				}
				b.ReportMetric(float64(n)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
			})
		}
	}
}
