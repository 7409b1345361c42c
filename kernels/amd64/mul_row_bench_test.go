package amd64

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMulRow reports elements per nanosecond of the row-broadcast MUL
// (lanes filled once, runs of up to MulRowMaxLanes elements) next to the
// same-shape MUL on the same runs with the row repeated, for the
// implementations this build runs.
func BenchmarkMulRow(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	const c, n = 144, 144 * 14 * 100
	m := randomMulRowCase(r, c, n)
	m.first = 0
	k, err := NewMulRowInt8(m.fullOff, m.rowOff, m.mult, m.shift, m.zp, m.actMin, m.actMax)
	if err != nil {
		b.Fatal(err)
	}
	mk, err := NewMulInt8Consts(m.fullOff, m.rowOff, m.mult, m.shift, m.zp, m.actMin, m.actMax)
	if err != nil {
		b.Fatal(err)
	}
	const run = MulRowMaxLanes / c * c
	var l MulRowLanes
	k.Fill(&l, m.row, 0, run)
	rep := make([]int8, run)
	for i := range rep {
		rep[i] = m.row[i%c]
	}
	out := make([]int8, n)
	for i, impl := range mulRowImpls {
		same := binaryImpls[len(binaryImpls)-len(mulRowImpls)+i]
		for _, op := range []struct {
			name string
			run  func(out, x []int8)
		}{
			{"row", func(out, x []int8) { impl.run(out, x, &l, k) }},
			{"same", func(out, x []int8) { same.mul(out, x, rep, mk, nil) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", impl.name, op.name), func(b *testing.B) {
				for b.Loop() {
					for o := 0; o < n; o += run {
						op.run(out[o:min(o+run, n)], m.x[o:])
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
			})
		}
	}
}
