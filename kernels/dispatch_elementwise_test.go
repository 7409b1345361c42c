package kernels

import (
	"fmt"
	"testing"
)

// TestPreparedBinaryMatchesReference compares PrepareAddInt8 (ADD and SUB)
// and PrepareMulInt8 of every variant with AddInt8 and MulInt8 over the
// broadcast cases of elementwise_test.go (same shape, per-channel,
// scalars, strided, zero sizes), with long same-shape runs so that the
// vector loops and their tails run, units split like the runtime's
// workers, guard bands, in-place outputs and no allocations.
func TestPreparedBinaryMatchesReference(t *testing.T) {
	r := newRand(43)
	cases := append(broadcastCases(r),
		broadcastCase{[]int{1, 14, 14, 67}, []int{1, 14, 14, 67}, []int{1, 14, 14, 67}},
		broadcastCase{[]int{1, 7, 7, 96}, []int{1, 7, 7, 96}, []int{1, 1, 1, 96}},
		// Row broadcasts (squeeze-excite scales): many pixels per call of
		// the vector kernel, the row as either operand, chunks cut inside
		// pixels, and a row too long to repeat.
		broadcastCase{[]int{1, 28, 28, 32}, []int{1, 28, 28, 32}, []int{1, 1, 1, 32}},
		broadcastCase{[]int{1, 9, 9, 40}, []int{1, 1, 1, 40}, []int{1, 9, 9, 40}},
		broadcastCase{[]int{1, 5, 7, 13}, []int{1, 5, 7, 13}, []int{1, 1, 1, 13}},
		broadcastCase{[]int{1, 2, 2, 2100}, []int{1, 2, 2, 2100}, []int{1, 1, 1, 2100}},
		broadcastCase{[]int{1, 3, 3, 1152}, []int{1, 1, 1, 1152}, []int{1, 3, 3, 1152}},
		broadcastCase{[]int{1, 2, 3, 2048}, []int{1, 2, 3, 2048}, []int{1, 1, 1, 2048}},
		broadcastCase{[]int{1, 4, 1, 1025}, []int{1, 4, 1, 1025}, []int{1, 1, 1, 1025}},
		broadcastCase{[]int{1, 31, 17, 7}, []int{1, 31, 17, 7}, []int{1, 1, 1, 7}},
		broadcastCase{[]int{1, 3, 3, 1001}, []int{1, 3, 3, 1001}, []int{1, 3, 3, 1001}})
	for k, c := range cases {
		qa, qb, qo := randQuant(r), randQuant(r), randQuant(r)
		actMin, actMax := int32(-128), int32(127)
		if k%3 == 0 {
			actMin, actMax = qo.zp, min(qo.zp+100, 127)
		}
		a := randInt8s(r, elements(c.a), -128, 127)
		b := randInt8s(r, elements(c.b), -128, 127)
		n := elements(c.out)
		for _, bc := range broadcastsOf(t, c) {
			type op struct {
				name string
				ref  func(a, b, out []int8, lo, hi int)
				prep func(v Variant) (*PreparedBinaryInt8, bool)
			}
			add, sub := addParams(bc, qa, qb, qo, false, actMin, actMax), addParams(bc, qa, qb, qo, true, actMin, actMax)
			mqo := quantCase{float32(float64(qa.scale) * float64(qb.scale) * 50), qo.zp}
			mul := mulParams(bc, qa, qb, mqo, actMin, actMax)
			// A multiplier over 1 (a left shift): the row-broadcast MUL
			// falls back to the same-shape kernel.
			mulLeft := mulParams(bc, qa, qb, quantCase{float32(float64(qa.scale) * float64(qb.scale) / 3), qo.zp}, actMin, actMax)
			ops := []op{
				{"add", func(a, b, out []int8, lo, hi int) { AddInt8(add, a, b, out, lo, hi) },
					func(v Variant) (*PreparedBinaryInt8, bool) { return PrepareAddInt8(v, add) }},
				{"sub", func(a, b, out []int8, lo, hi int) { AddInt8(sub, a, b, out, lo, hi) },
					func(v Variant) (*PreparedBinaryInt8, bool) { return PrepareAddInt8(v, sub) }},
				{"mul", func(a, b, out []int8, lo, hi int) { MulInt8(mul, a, b, out, lo, hi) },
					func(v Variant) (*PreparedBinaryInt8, bool) { return PrepareMulInt8(v, mul) }},
				{"mul left shift", func(a, b, out []int8, lo, hi int) { MulInt8(mulLeft, a, b, out, lo, hi) },
					func(v Variant) (*PreparedBinaryInt8, bool) { return PrepareMulInt8(v, mulLeft) }},
			}
			for _, o := range ops {
				want := make([]int8, n)
				o.ref(a, b, want, 0, n)
				for _, v := range Variants() {
					name := fmt.Sprintf("%s %s %v rank %d", v, o.name, c, bc.Rank)
					prep, ok := o.prep(v)
					if !ok {
						if v == AVX2 || v == NEON || v == DotProd {
							t.Fatalf("%s: not prepared", name)
						}
						continue
					}
					if prep.Units != n {
						t.Fatalf("%s: %d units, want %d", name, prep.Units, n)
					}
					var got []int8
					if n <= 1500 {
						got = runChecked(t, n, prep.Units, perElement, func(out []int8, lo, hi int) { prep.Run(a, b, out, lo, hi) })
					} else { // runChecked is quadratic in units: three ranges here
						got = make([]int8, n)
						cut1, cut2 := n/3+r.IntN(9), 2*n/3+r.IntN(9)
						prep.Run(a, b, got, 0, cut1)
						prep.Run(a, b, got, cut1, cut2)
						prep.Run(a, b, got, cut2, n)
					}
					compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
					if len(c.a) == len(c.out) && elements(c.a) == n {
						inPlace := append([]int8(nil), a...)
						prep.Run(inPlace, b, inPlace, 0, n)
						compareInt8(t, inPlace, want, func(i int) string { return fmt.Sprintf("%s in place: output %d", name, i) })
					}
					if n > 1000 {
						checkNoAllocs(t, name, func() { prep.Run(a, b, got, 0, n) })
					}
				}
			}
		}
	}
}

// TestPreparedLUTMatchesReference compares PrepareLUTInt8 of every variant
// with LUTInt8 over every input value and lengths around the vector width,
// units split like the runtime's workers, in place, and no allocations;
// per-channel tables stay on the reference.
func TestPreparedLUTMatchesReference(t *testing.T) {
	r := newRand(45)
	for _, n := range []int{1, 31, 32, 33, 256, 1000, 4099} {
		p := &LUTParams{Elements: n, Channels: 1, Table: randInt8s(r, 256, -128, 127)}
		in := randInt8s(r, n, -128, 127)
		want := make([]int8, n)
		LUTInt8(p, in, want, 0, n)
		for _, v := range Variants() {
			name := fmt.Sprintf("%s/%d", v, n)
			prep, ok := PrepareLUTInt8(v, p)
			if !ok {
				if v == AVX2 || v == NEON || v == DotProd {
					t.Fatalf("%s: not prepared", name)
				}
				continue
			}
			var got []int8
			if n <= 1500 {
				got = runChecked(t, n, prep.Units, perElement, func(out []int8, lo, hi int) { prep.Run(in, out, nil, lo, hi) })
			} else {
				got = make([]int8, n)
				prep.Run(in, got, nil, 0, n/2+1)
				prep.Run(in, got, nil, n/2+1, n)
			}
			compareInt8(t, got, want, func(i int) string { return fmt.Sprintf("%s: output %d", name, i) })
			inPlace := append([]int8(nil), in...)
			prep.Run(inPlace, inPlace, nil, 0, n)
			compareInt8(t, inPlace, want, func(i int) string { return fmt.Sprintf("%s in place: output %d", name, i) })
			checkNoAllocs(t, name, func() { prep.Run(in, got, nil, 0, n) })
		}
		if _, ok := PrepareLUTInt8(AVX2, &LUTParams{Elements: n, Channels: 3, Table: make([]int8, 768)}); ok {
			t.Errorf("per-channel table prepared")
		}
	}
}
