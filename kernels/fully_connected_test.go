package kernels

import (
	"fmt"
	"math"
	"testing"
)

type fcCase struct{ batch, k, n int }

func (c fcCase) String() string { return fmt.Sprintf("b%d_k%d_n%d", c.batch, c.k, c.n) }

var fcCases = []fcCase{
	{1, 1, 1}, {1, 3, 5}, {2, 17, 13}, {3, 100, 4}, {2, 257, 9}, {1, 64, 3}, {2, 1, 8}, {1, 1000, 10},
}

func naiveFullyConnectedInt8(t *testing.T, p *FullyConnectedInt8Params, in, w []int8, bias []int32) []int8 {
	out := make([]int8, p.Batch*p.N)
	for b := range p.Batch {
		for n := range p.N {
			var acc int64
			if bias != nil {
				acc = int64(bias[n])
			}
			for k := range p.K {
				acc += int64(w[n*p.K+k]) * (int64(in[b*p.K+k]) - int64(p.InZeroPoint))
			}
			if acc != int64(int32(acc)) {
				t.Fatalf("test accumulator %d overflows int32", acc)
			}
			out[b*p.N+n] = naiveRequantize(int32(acc), p.Multiplier[n], p.Shift[n], p.OutZeroPoint, p.ActMin, p.ActMax)
		}
	}
	return out
}

func fcWhere(n int) func(i int) string {
	return func(i int) string { return fmt.Sprintf("out[b=%d n=%d]", i/n, i%n) }
}

func TestFullyConnectedInt8(t *testing.T) {
	for ci, c := range fcCases {
		t.Run(c.String(), func(t *testing.T) {
			r := newRand(uint64(300 + ci))
			in := randInt8s(r, c.batch*c.k, -128, 127)
			w := randInt8s(r, c.n*c.k, -127, 127)
			var bias []int32
			if ci%3 != 2 {
				bias = make([]int32, c.n)
				for i := range bias {
					bias[i] = int32(r.IntN(1<<15) - 1<<14)
				}
			}
			p := &FullyConnectedInt8Params{FullyConnectedGeom: FullyConnectedGeom{Batch: c.batch, K: c.k, N: c.n},
				InZeroPoint: int32(r.IntN(61) - 30), Requant: randRequant(r, c.n, 73*74*math.Sqrt(float64(c.k))+1, 1)}
			if ci%4 == 1 {
				p.ActMin = p.OutZeroPoint
			}
			if ci%4 == 3 {
				p.Requant = randRequant(r, c.n, 10, 1)
			}
			want := naiveFullyConnectedInt8(t, p, in, w, bias)
			got := runChecked(t, len(want), c.n, func(i int) int { return i % c.n },
				func(out []int8, lo, hi int) { FullyConnectedInt8(p, in, w, bias, out, lo, hi) })
			compareInt8(t, got, want, fcWhere(c.n))
		})
	}
}

func TestFullyConnectedFloat32(t *testing.T) {
	for ci, c := range fcCases {
		t.Run(c.String(), func(t *testing.T) {
			r := newRand(uint64(400 + ci))
			in, w := randFloat32s(r, c.batch*c.k), randFloat32s(r, c.n*c.k)
			var bias []float32
			if ci%3 != 2 {
				bias = randFloat32s(r, c.n)
			}
			p := &FullyConnectedFloat32Params{FullyConnectedGeom: FullyConnectedGeom{Batch: c.batch, K: c.k, N: c.n},
				ActMin: float32(math.Inf(-1)), ActMax: float32(math.Inf(1))}
			if ci%2 == 1 {
				p.ActMin, p.ActMax = -1, 3
			}
			var bits []float32
			var exact, mag []float64
			for b := range c.batch {
				for n := range c.n {
					var a32 float32
					var a64, m float64
					for k := range c.k {
						x, wv := in[b*c.k+k], w[n*c.k+k]
						a32 += float32(wv * x)
						a64 += float64(wv) * float64(x)
						m += math.Abs(float64(wv) * float64(x))
					}
					if bias != nil {
						a32 += bias[n]
						a64 += float64(bias[n])
						m += math.Abs(float64(bias[n]))
					}
					bits = append(bits, min(max(a32, p.ActMin), p.ActMax))
					exact = append(exact, min(max(a64, float64(p.ActMin)), float64(p.ActMax)))
					mag = append(mag, m)
				}
			}
			got := runChecked(t, len(bits), c.n, func(i int) int { return i % c.n },
				func(out []float32, lo, hi int) { FullyConnectedFloat32(p, in, w, bias, out, lo, hi) })
			compareFloat32(t, got, exact, mag, float64(c.k+2)*0x1p-24, fcWhere(c.n))
			compareBits(t, got, bits, fcWhere(c.n))
		})
	}
}

func TestFullyConnectedInt8HandWorked(t *testing.T) {
	// Input zero point -2, so in - zp: b0 = [0 1 2] + 2 = [2 3 4], b1 = [-2 5 -3] + 2 = [0 7 -1].
	// Weights w0 = [1 2 3], w1 = [-1 0 4]; bias [1 -3]; multipliers 0.5 and
	// 0.75 (shift 0); output zero point 1.
	//   b0 n0: 2+6+12 = 20, +1 = 21, *0.5 = 10.5 -> 11, +1 = 12
	//   b0 n1: -2+0+16 = 14, -3 = 11, *0.75 = 8.25 -> 8, +1 = 9
	//   b1 n0: 0+14-3 = 11, +1 = 12, *0.5 = 6, +1 = 7
	//   b1 n1: 0+0-4 = -4, -3 = -7, *0.75 = -5.25 -> -5, +1 = -4
	p := &FullyConnectedInt8Params{FullyConnectedGeom: FullyConnectedGeom{Batch: 2, K: 3, N: 2}, InZeroPoint: -2,
		Requant: Requant{Multiplier: []int32{1 << 30, 3 << 29}, Shift: []int32{0, 0}, OutZeroPoint: 1, ActMin: -128, ActMax: 127}}
	out := make([]int8, 4)
	FullyConnectedInt8(p, []int8{0, 1, 2, -2, 5, -3}, []int8{1, 2, 3, -1, 0, 4}, []int32{1, -3}, out, 0, 2)
	compareInt8(t, out, []int8{12, 9, 7, -4}, fcWhere(2))
}

func TestFullyConnectedAllocs(t *testing.T) {
	r := newRand(5)
	g := FullyConnectedGeom{Batch: 2, K: 33, N: 7}
	p8 := &FullyConnectedInt8Params{FullyConnectedGeom: g, Requant: randRequant(r, g.N, 1000, 1)}
	in8, w8, out8 := randInt8s(r, g.Batch*g.K, -128, 127), randInt8s(r, g.N*g.K, -127, 127), make([]int8, g.Batch*g.N)
	bias8 := make([]int32, g.N)
	checkNoAllocs(t, "FullyConnectedInt8", func() { FullyConnectedInt8(p8, in8, w8, bias8, out8, 0, g.N) })
	pf := &FullyConnectedFloat32Params{FullyConnectedGeom: g, ActMin: -1, ActMax: 1}
	inF, wF, outF := randFloat32s(r, len(in8)), randFloat32s(r, len(w8)), make([]float32, len(out8))
	checkNoAllocs(t, "FullyConnectedFloat32", func() { FullyConnectedFloat32(pf, inF, wF, nil, outF, 0, g.N) })
}

func BenchmarkFullyConnected(b *testing.B) {
	g := FullyConnectedGeom{Batch: 1, K: 1024, N: 1000}
	r := newRand(11)
	macs := float64(g.Batch * g.K * g.N)
	b.Run("int8_1024to1000", func(b *testing.B) {
		p := &FullyConnectedInt8Params{FullyConnectedGeom: g, InZeroPoint: 3, Requant: randRequant(r, g.N, 1e5, 1)}
		in, w, bias, out := randInt8s(r, g.K, -128, 127), randInt8s(r, g.N*g.K, -127, 127), make([]int32, g.N), make([]int8, g.N)
		reportMACs(b, macs, func() { FullyConnectedInt8(p, in, w, bias, out, 0, g.N) })
	})
	b.Run("float32_1024to1000", func(b *testing.B) {
		p := &FullyConnectedFloat32Params{FullyConnectedGeom: g, ActMin: float32(math.Inf(-1)), ActMax: float32(math.Inf(1))}
		in, w, bias, out := randFloat32s(r, g.K), randFloat32s(r, g.N*g.K), randFloat32s(r, g.N), make([]float32, g.N)
		reportMACs(b, macs, func() { FullyConnectedFloat32(p, in, w, bias, out, 0, g.N) })
	})
}
