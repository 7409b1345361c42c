package kernels

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// softmaxShape is [Outer][Axis][Inner].
type softmaxShape struct{ outer, axis, inner int }

func (s softmaxShape) String() string { return fmt.Sprintf("[%d][%d][%d]", s.outer, s.axis, s.inner) }

func (s softmaxShape) elements() int { return s.outer * s.axis * s.inner }

// unitOf maps an element index to its softmax vector.
func (s softmaxShape) unitOf(i int) int { return i/(s.axis*s.inner)*s.inner + i%s.inner }

// vectors calls f with the element indices of every softmax vector.
func (s softmaxShape) vectors(f func(idx []int)) {
	idx := make([]int, s.axis)
	for o := range s.outer {
		for in := range s.inner {
			for k := range idx {
				idx[k] = (o*s.axis+k)*s.inner + in
			}
			f(idx)
		}
	}
}

func softmaxShapes() []softmaxShape {
	ss := []softmaxShape{{1, 10, 1}, {3, 7, 1}, {2, 5, 3}, {1, 1, 1}, {4, 33, 2}, {2, 256, 1}, {5, 2, 7}, {1, 1000, 1}}
	r := newRand(50)
	for range 10 {
		ss = append(ss, softmaxShape{1 + r.IntN(4), 1 + r.IntN(40), 1 + r.IntN(4)})
	}
	return ss
}

// testExpTable is the int8 softmax table exp(-beta*inScale*d), computed
// here with math.Exp (the kernel takes whatever table it is given).
func testExpTable(inScale, beta float64) [256]float64 {
	var t [256]float64
	for d := range t {
		t[d] = math.Exp(-beta * inScale * float64(d))
	}
	return t
}

func TestSoftmaxInt8(t *testing.T) {
	r := newRand(51)
	for k, s := range softmaxShapes() {
		inScale, beta := 0.01+0.3*r.Float64(), []float64{1, 0.5, 2}[k%3]
		out := []quantCase{{1.0 / 256, -128}, {1.0 / 200, -100}, {1.0 / 128, 0}}[k%3]
		p := &SoftmaxInt8Params{Outer: s.outer, Axis: s.axis, Inner: s.inner, Exp: testExpTable(inScale, beta),
			InScale: inScale, Beta: beta, OutScale: float64(out.scale), OutZeroPoint: out.zp}
		in := randInt8s(r, s.elements(), -128, 127)
		if k%4 == 0 { // a narrow range: large probabilities, ties
			in = randInt8s(r, s.elements(), 0, 3)
		}
		got := checkUnitsInt8(t, r, len(in), p.Units(), s.unitOf, func(o []int8, lo, hi int) { SoftmaxInt8(p, in, o, lo, hi) })
		gotF := checkUnitsFloat32(t, r, len(in), p.Units(), s.unitOf, func(o []float32, lo, hi int) { SoftmaxInt8ToFloat32(p, in, o, lo, hi) })
		s.vectors(func(idx []int) {
			m := int8(-128)
			for _, i := range idx {
				m = max(m, in[i])
			}
			sum, exact := 0.0, 0.0
			for _, i := range idx {
				sum += p.Exp[int(m)-int(in[i])]
				exact += math.Exp(beta * inScale * float64(int(in[i])-int(m)))
			}
			for _, i := range idx {
				e := p.Exp[int(m)-int(in[i])]
				want := int8(math.Min(math.Max(roundHalfAway(e/sum/float64(out.scale))+float64(out.zp), -128), 127))
				if got[i] != want {
					t.Fatalf("%v: out[%d] = %d, want %d", s, i, got[i], want)
				}
				if wantF := float32(e / sum); !sameFloat32(gotF[i], wantF) {
					t.Fatalf("%v: float out[%d] = %v, want %v", s, i, gotF[i], wantF)
				}
				// Within half a step of the real softmax (before clamping).
				prob := math.Exp(beta*inScale*float64(int(in[i])-int(m))) / exact
				ideal := math.Min(math.Max(prob/float64(out.scale)+float64(out.zp), -128), 127)
				if math.Abs(float64(got[i])-ideal) > 0.5+1e-9 {
					t.Fatalf("%v: out[%d] = %d, the probability %g quantizes to %g", s, i, got[i], prob, ideal)
				}
			}
		})
	}
}

func TestLogSoftmaxInt8(t *testing.T) {
	r := newRand(52)
	for k, s := range softmaxShapes() {
		inScale, beta := 0.01+0.2*r.Float64(), []float64{1, 0.5, 2}[k%3]
		out := []quantCase{{16.0 / 256, 127}, {0.1, 100}, {0.05, 127}}[k%3]
		p := &SoftmaxInt8Params{Outer: s.outer, Axis: s.axis, Inner: s.inner, Exp: testExpTable(inScale, beta),
			InScale: inScale, Beta: beta, OutScale: float64(out.scale), OutZeroPoint: out.zp}
		in := randInt8s(r, s.elements(), -128, 127)
		got := checkUnitsInt8(t, r, len(in), p.Units(), s.unitOf, func(o []int8, lo, hi int) { LogSoftmaxInt8(p, in, o, lo, hi) })
		s.vectors(func(idx []int) {
			m := int8(-128)
			for _, i := range idx {
				m = max(m, in[i])
			}
			sum := 0.0
			for _, i := range idx {
				sum += p.Exp[int(m)-int(in[i])]
			}
			for _, i := range idx {
				step := -beta * inScale
				v := step*float64(int(m)-int(in[i])) - math.Log(sum)
				want := int8(math.Min(math.Max(roundHalfAway(v/float64(out.scale))+float64(out.zp), -128), 127))
				if got[i] != want {
					t.Fatalf("%v: out[%d] = %d, want %d (log-probability %g)", s, i, got[i], want, v)
				}
				if ideal := math.Min(math.Max(v/float64(out.scale)+float64(out.zp), -128), 127); math.Abs(float64(got[i])-ideal) > 0.5+1e-9 {
					t.Fatalf("%v: out[%d] = %d, the log-probability %g quantizes to %g", s, i, got[i], v, ideal)
				}
			}
		})
	}
}

// TestSoftmaxInt8HandWorked: equal inputs share the probability (1/2 is
// 128/256 -> 0 with zero point -128; 1/3 is 85.33 -> -43), and with
// exp(-beta*inScale) = 1/3 the inputs [1, 0] have probabilities 3/4 and
// 1/4: 192 - 128 = 64 and 64 - 128 = -64. Log-softmax of two equal inputs
// is ln(1/2) = -0.693, -11.09 steps of 1/16: 127 - 11 = 116.
func TestSoftmaxInt8HandWorked(t *testing.T) {
	p := &SoftmaxInt8Params{Outer: 1, Axis: 2, Inner: 1, Exp: testExpTable(1, 1), InScale: 1, Beta: 1, OutScale: 1.0 / 256, OutZeroPoint: -128}
	out := make([]int8, 3)
	SoftmaxInt8(p, []int8{5, 5}, out, 0, 1)
	p3 := *p
	p3.Axis = 3
	SoftmaxInt8(&p3, []int8{-7, -7, -7}, out[:3], 0, 1)
	if !slices.Equal(out, []int8{-43, -43, -43}) {
		t.Errorf("softmax of three equal inputs = %v, want [-43 -43 -43]", out)
	}
	SoftmaxInt8(p, []int8{5, 5}, out, 0, 1)
	if !slices.Equal(out[:2], []int8{0, 0}) {
		t.Errorf("softmax of two equal inputs = %v, want [0 0]", out[:2])
	}
	ln3 := math.Log(3)
	q := &SoftmaxInt8Params{Outer: 1, Axis: 2, Inner: 1, Exp: testExpTable(ln3, 1), InScale: ln3, Beta: 1, OutScale: 1.0 / 256, OutZeroPoint: -128}
	SoftmaxInt8(q, []int8{1, 0}, out, 0, 1)
	if !slices.Equal(out[:2], []int8{64, -64}) {
		t.Errorf("softmax [1 0] = %v, want [64 -64]", out[:2])
	}
	l := &SoftmaxInt8Params{Outer: 1, Axis: 2, Inner: 1, Exp: testExpTable(0.5, 1), InScale: 0.5, Beta: 1, OutScale: 16.0 / 256, OutZeroPoint: 127}
	LogSoftmaxInt8(l, []int8{9, 9}, out, 0, 1)
	if !slices.Equal(out[:2], []int8{116, 116}) {
		t.Errorf("log-softmax of two equal inputs = %v, want [116 116]", out[:2])
	}
}

func TestSoftmaxFloat32(t *testing.T) {
	r := newRand(53)
	for k, s := range softmaxShapes() {
		beta := []float32{1, 0.5, 1.7}[k%3]
		p := &SoftmaxFloat32Params{Outer: s.outer, Axis: s.axis, Inner: s.inner, Beta: beta}
		in := randSpreadFloat32s(r, s.elements(), 6)
		if k%5 == 0 { // large values: only the max-subtraction keeps exp finite
			for i := range in {
				in[i] += 1000
			}
		}
		got := checkUnitsFloat32(t, r, len(in), p.Units(), s.unitOf, func(o []float32, lo, hi int) { SoftmaxFloat32(p, in, o, lo, hi) })
		gotLog := checkUnitsFloat32(t, r, len(in), p.Units(), s.unitOf, func(o []float32, lo, hi int) { LogSoftmaxFloat32(p, in, o, lo, hi) })
		s.vectors(func(idx []int) {
			m := math.Inf(-1)
			for _, i := range idx {
				m = math.Max(m, float64(in[i]))
			}
			sum := 0.0
			for _, i := range idx {
				sum += math.Exp(float64(beta) * (float64(in[i]) - m))
			}
			total := 0.0
			for _, i := range idx {
				z := float64(beta) * (float64(in[i]) - m)
				want, wantLog := float32(math.Exp(z)/sum), float32(z-math.Log(sum))
				if !(ulpDiff32(got[i], want) <= 1 || math.Abs(float64(got[i]-want)) <= 1e-38) {
					t.Fatalf("%v beta %v: softmax out[%d] = %v, want %v", s, beta, i, got[i], want)
				}
				if ulpDiff32(gotLog[i], wantLog) > 1 {
					t.Fatalf("%v beta %v: log-softmax out[%d] = %v, want %v", s, beta, i, gotLog[i], wantLog)
				}
				total += float64(got[i])
			}
			if math.Abs(total-1) > 1e-6*float64(len(idx)) {
				t.Fatalf("%v: probabilities sum to %v", s, total)
			}
		})
	}
	// Hand-worked: [0, ln 3] is [1/4, 3/4]; log-softmax of [0, 0] is -ln 2.
	out := make([]float32, 2)
	p := &SoftmaxFloat32Params{Outer: 1, Axis: 2, Inner: 1, Beta: 1}
	SoftmaxFloat32(p, []float32{0, float32(math.Log(3))}, out, 0, 1)
	if out[0] != 0.25 || out[1] != 0.75 {
		t.Errorf("softmax [0 ln3] = %v, want [0.25 0.75]", out)
	}
	LogSoftmaxFloat32(p, []float32{0, 0}, out, 0, 1)
	if want := float32(-math.Ln2); out[0] != want || out[1] != want {
		t.Errorf("log-softmax [0 0] = %v, want [-ln2 -ln2]", out)
	}
}

// TestRoundHalfAwayClamp pins the rounding of the softmax and LRN
// requantization: ties away from zero, NaN to the zero point, then the int8
// clamp.
func TestRoundHalfAwayClamp(t *testing.T) {
	for _, c := range []struct {
		v    float64
		zp   int32
		want int32
	}{
		{2.5, 0, 3}, {-2.5, 0, -3}, {2.4999, 0, 2}, {-2.4999, 0, -2}, {-0.5, 10, 9}, {0.5, -10, -9},
		{math.NaN(), 7, 7}, {1000, 0, 127}, {-1000, 0, -128}, {math.Inf(-1), 5, -128}, {126.5, 0, 127}, {-127.5, 0, -128},
	} {
		if got := roundHalfAwayClamp(c.v, c.zp); got != c.want {
			t.Errorf("roundHalfAwayClamp(%v, %d) = %d, want %d", c.v, c.zp, got, c.want)
		}
	}
}

func TestSoftmaxAllocs(t *testing.T) {
	i8, o8, f, of := make([]int8, 6*40), make([]int8, 6*40), make([]float32, 6*40), make([]float32, 6*40)
	p := &SoftmaxInt8Params{Outer: 2, Axis: 40, Inner: 3, Exp: testExpTable(0.1, 1), InScale: 0.1, Beta: 1, OutScale: 1.0 / 256, OutZeroPoint: -128}
	pf := &SoftmaxFloat32Params{Outer: 2, Axis: 40, Inner: 3, Beta: 1}
	checkNoAllocs(t, "SoftmaxInt8", func() { SoftmaxInt8(p, i8, o8, 0, 6) })
	checkNoAllocs(t, "SoftmaxInt8ToFloat32", func() { SoftmaxInt8ToFloat32(p, i8, of, 1, 6) })
	checkNoAllocs(t, "LogSoftmaxInt8", func() { LogSoftmaxInt8(p, i8, o8, 0, 5) })
	checkNoAllocs(t, "SoftmaxFloat32", func() { SoftmaxFloat32(pf, f, of, 0, 6) })
	checkNoAllocs(t, "LogSoftmaxFloat32", func() { LogSoftmaxFloat32(pf, f, of, 2, 6) })
}

func BenchmarkSoftmaxInt8(b *testing.B) {
	p := &SoftmaxInt8Params{Outer: 1, Axis: 1000, Inner: 1, Exp: testExpTable(0.1, 1), InScale: 0.1, Beta: 1, OutScale: 1.0 / 256, OutZeroPoint: -128}
	in, out := randInt8s(newRand(54), 1000, -128, 127), make([]int8, 1000)
	b.ReportAllocs()
	for b.Loop() {
		SoftmaxInt8(p, in, out, 0, 1)
	}
}
