package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// broadcastCase is a binary operation's output and operand shapes.
type broadcastCase struct{ out, a, b []int }

func (c broadcastCase) String() string { return fmt.Sprintf("%v=%vx%v", c.out, c.a, c.b) }

// broadcastCases returns hand-picked shapes (same shape, scalars, the
// squeeze-excite per-channel scale, outer products, zero sizes) and random
// ones of rank 1 to 6 with every mix of broadcast dimensions.
func broadcastCases(r *rand.Rand) []broadcastCase {
	cs := []broadcastCase{
		{[]int{2, 5, 7, 3}, []int{2, 5, 7, 3}, []int{2, 5, 7, 3}},
		{[]int{1, 9, 11, 13}, []int{1, 9, 11, 13}, []int{}},
		{[]int{1, 9, 11, 13}, []int{1}, []int{1, 9, 11, 13}},
		{[]int{2, 7, 5, 24}, []int{2, 7, 5, 24}, []int{1, 1, 1, 24}},
		{[]int{2, 7, 5, 24}, []int{2, 1, 1, 24}, []int{2, 7, 5, 24}},
		{[]int{1, 6, 5, 17}, []int{1, 6, 5, 17}, []int{17}},
		{[]int{1, 6, 5, 17}, []int{1, 6, 5, 1}, []int{1, 1, 1, 17}},
		{[]int{3, 4, 5}, []int{3, 1, 5}, []int{1, 4, 1}},
		{[]int{4, 3}, []int{4, 1}, []int{3}},
		{[]int{1}, []int{1}, []int{}},
		{[]int{}, []int{}, []int{}},
		{[]int{3, 0, 2}, []int{3, 0, 2}, []int{1, 1, 2}},
		{[]int{5, 1, 3, 1, 2, 2}, []int{5, 1, 1, 1, 2, 2}, []int{1, 1, 3, 1, 2, 1}},
	}
	for range 40 {
		rank := 1 + r.IntN(MaxRank)
		out := make([]int, rank)
		a, b := make([]int, rank), make([]int, rank)
		for d := range out {
			out[d] = 1 + r.IntN(5)
			switch r.IntN(4) {
			case 0:
				a[d], b[d] = 1, out[d]
			case 1:
				a[d], b[d] = out[d], 1
			default:
				a[d], b[d] = out[d], out[d]
			}
		}
		// Drop leading dimensions of the operands now and then.
		a = a[r.IntN(rank+1)/2:]
		b = b[r.IntN(rank+1)/2:]
		for d := range out { // where neither operand has a dimension > 1, nor has the output
			if i, j := d-(rank-len(a)), d-(rank-len(b)); (i < 0 || a[i] == 1) && (j < 0 || b[j] == 1) {
				out[d] = 1
			}
		}
		cs = append(cs, broadcastCase{out, a, b})
	}
	return cs
}

// numpyOffset returns the element offset in an operand of the given shape
// of output multi-index idx, by NumPy's rules: shapes right-aligned, a
// size-1 dimension always read at index 0.
func numpyOffset(shape, idx []int) int {
	off, stride := 0, 1
	for i := len(shape) - 1; i >= 0; i-- {
		d := len(idx) - len(shape) + i
		if shape[i] != 1 {
			off += idx[d] * stride
		}
		stride *= shape[i]
	}
	return off
}

// multiIndex writes the row-major multi-index of flat index i into idx.
func multiIndex(shape []int, i int, idx []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
}

func elements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// forBroadcast calls f(i, ai, bi) for every output element of the case,
// with the operands' offsets computed by numpyOffset.
func forBroadcast(c broadcastCase, f func(i, ai, bi int)) {
	idx := make([]int, len(c.out))
	for i := range elements(c.out) {
		multiIndex(c.out, i, idx)
		f(i, numpyOffset(c.a, idx), numpyOffset(c.b, idx))
	}
}

// rawBroadcast is the Broadcast of the case without NewBroadcast's dropping
// and merging of dimensions, so the kernels also see short runs and
// per-dimension strides.
func rawBroadcast(c broadcastCase) Broadcast {
	bc := Broadcast{Rank: len(c.out)}
	for d, n := range c.out {
		bc.OutShape[d] = n
		bc.AStride[d] = rawStride(c.a, d, len(c.out))
		bc.BStride[d] = rawStride(c.b, d, len(c.out))
	}
	return bc
}

func rawStride(shape []int, d, rank int) int {
	i := d - (rank - len(shape))
	if i < 0 || shape[i] == 1 {
		return 0
	}
	return elements(shape[i+1:])
}

// broadcastsOf returns the Broadcasts a kernel test runs: NewBroadcast's
// and, when it has another rank, the raw one.
func broadcastsOf(t *testing.T, c broadcastCase) []Broadcast {
	t.Helper()
	bc, err := NewBroadcast(c.out, c.a, c.b)
	if err != nil {
		t.Fatalf("%v: %v", c, err)
	}
	if bc.Units() != elements(c.out) {
		t.Fatalf("%v: NewBroadcast has %d units, want %d", c, bc.Units(), elements(c.out))
	}
	out := []Broadcast{bc}
	if raw := rawBroadcast(c); raw.Rank != bc.Rank && raw.Rank > 0 {
		out = append(out, raw)
	}
	return out
}

func TestNewBroadcastWorked(t *testing.T) {
	for _, c := range []struct {
		broadcastCase
		rank          int
		shape, as, bs []int
	}{
		{broadcastCase{[]int{1, 56, 56, 24}, []int{1, 56, 56, 24}, []int{1, 56, 56, 24}}, 1, []int{75264}, []int{1}, []int{1}},
		{broadcastCase{[]int{1, 7, 7, 96}, []int{1, 7, 7, 96}, []int{1, 1, 1, 96}}, 2, []int{49, 96}, []int{96, 1}, []int{0, 1}},
		{broadcastCase{[]int{1, 7, 7, 96}, []int{96}, []int{1, 7, 7, 96}}, 2, []int{49, 96}, []int{0, 1}, []int{96, 1}},
		{broadcastCase{[]int{2, 3}, []int{2, 3}, []int{}}, 1, []int{6}, []int{1}, []int{0}},
		{broadcastCase{[]int{4, 3}, []int{4, 1}, []int{3}}, 2, []int{4, 3}, []int{1, 0}, []int{0, 1}},
		{broadcastCase{[]int{2, 3, 4, 5}, []int{2, 3, 1, 1}, []int{1, 1, 4, 5}}, 2, []int{6, 20}, []int{1, 0}, []int{0, 1}},
		{broadcastCase{[]int{1, 1}, []int{1}, []int{1, 1}}, 1, []int{1}, []int{0}, []int{0}},
		{broadcastCase{[]int{3, 0, 2}, []int{3, 0, 2}, []int{2}}, 1, []int{0}, []int{0}, []int{0}},
	} {
		bc, err := NewBroadcast(c.out, c.a, c.b)
		if err != nil {
			t.Errorf("%v: %v", c.broadcastCase, err)
			continue
		}
		if bc.Rank != c.rank || !slices.Equal(bc.OutShape[:bc.Rank], c.shape) ||
			!slices.Equal(bc.AStride[:bc.Rank], c.as) || !slices.Equal(bc.BStride[:bc.Rank], c.bs) {
			t.Errorf("%v: got rank %d shape %v strides %v %v, want %d %v %v %v", c.broadcastCase,
				bc.Rank, bc.OutShape[:bc.Rank], bc.AStride[:bc.Rank], bc.BStride[:bc.Rank], c.rank, c.shape, c.as, c.bs)
		}
	}
}

func TestNewBroadcastErrors(t *testing.T) {
	for _, c := range []struct {
		broadcastCase
		want string
	}{
		{broadcastCase{[]int{3, 3}, []int{2, 3}, []int{3, 3}}, "do not broadcast"},
		{broadcastCase{[]int{2, 3}, []int{3}, []int{1, 3}}, "do not broadcast"}, // output larger than both
		{broadcastCase{[]int{3}, []int{2, 3}, []int{3}}, "higher rank"},
		{broadcastCase{[]int{2, -1}, []int{2, -1}, []int{1}}, "negative"},
		{broadcastCase{[]int{2, 2, 2, 2, 2, 2, 2}, []int{2, 1, 2, 1, 2, 1, 2}, []int{1, 2, 1, 2, 1, 2, 1}}, "more than 6"},
	} {
		_, err := NewBroadcast(c.out, c.a, c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.broadcastCase, err, c.want)
		}
	}
}

// testQuantizeMultiplier splits m into a Q31 multiplier and shift for the
// tests' parameters (TFLite's QuantizeMultiplier, written out here so the
// tests do not take their parameters from the code they test).
func testQuantizeMultiplier(m float64) (int32, int32) {
	q, e := math.Frexp(m)
	f := math.Round(q * (1 << 31))
	if f == 1<<31 {
		f /= 2
		e++
	}
	return int32(f), int32(e)
}

// quantCase is an int8 tensor's quantization.
type quantCase struct {
	scale float32
	zp    int32
}

func randQuant(r *rand.Rand) quantCase {
	return quantCase{float32(0.005 + 0.1*r.Float64()), int32(r.IntN(256) - 128)}
}

func (q quantCase) real(v int8) float64 { return (float64(v) - float64(q.zp)) * float64(q.scale) }

// addParams builds TFLite ADD's parameters from the scales (add.cc Prepare).
func addParams(bc Broadcast, a, b, out quantCase, sub bool, actMin, actMax int32) *AddInt8Params {
	twiceMax := 2 * math.Max(float64(a.scale), float64(b.scale))
	p := &AddInt8Params{Broadcast: bc, AOffset: -a.zp, BOffset: -b.zp, LeftShift: 20,
		OutZeroPoint: out.zp, ActMin: actMin, ActMax: actMax}
	p.AMultiplier, p.AShift = testQuantizeMultiplier(float64(a.scale) / twiceMax)
	p.BMultiplier, p.BShift = testQuantizeMultiplier(float64(b.scale) / twiceMax)
	p.OutMultiplier, p.OutShift = testQuantizeMultiplier(twiceMax / (1 << 20 * float64(out.scale)))
	if sub {
		p.BMultiplier = -p.BMultiplier
	}
	return p
}

// naiveAddInt8 is TFLite's int8 ADD over int64 and the big-integer model
// of MultiplyByQuantizedMultiplier.
func naiveAddInt8(p *AddInt8Params, qa, qb int8) int8 {
	ra := naiveMultiplyByQuantizedMultiplier((int32(qa)+p.AOffset)<<20, p.AMultiplier, p.AShift)
	rb := naiveMultiplyByQuantizedMultiplier((int32(qb)+p.BOffset)<<20, p.BMultiplier, p.BShift)
	v := naiveMultiplyByQuantizedMultiplier(int32(ra+rb), p.OutMultiplier, p.OutShift) + int64(p.OutZeroPoint)
	return clamp64ToInt8(v, int64(p.ActMin), int64(p.ActMax))
}

func TestAddInt8(t *testing.T) {
	r := newRand(1)
	for k, c := range broadcastCases(r) {
		for _, sub := range []bool{false, true} {
			qa, qb, qo := randQuant(r), randQuant(r), randQuant(r)
			actMin, actMax := int32(-128), int32(127)
			if k%3 == 0 { // a fused ReLU-like clamp
				actMin, actMax = qo.zp, min(qo.zp+100, 127)
			}
			a := randInt8s(r, elements(c.a), -128, 127)
			b := randInt8s(r, elements(c.b), -128, 127)
			for _, bc := range broadcastsOf(t, c) {
				p := addParams(bc, qa, qb, qo, sub, actMin, actMax)
				n := elements(c.out)
				got := checkUnitsInt8(t, r, n, p.Units(), perElement, func(out []int8, lo, hi int) { AddInt8(p, a, b, out, lo, hi) })
				forBroadcast(c, func(i, ai, bi int) {
					want := naiveAddInt8(p, a[ai], b[bi])
					if got[i] != want {
						t.Fatalf("%v sub=%v rank %d: out[%d] = AddInt8(%d, %d) = %d, want %d", c, sub, bc.Rank, i, a[ai], b[bi], got[i], want)
					}
					// The fixed-point result is the real sum (or difference)
					// to within one step of the output.
					real := qa.real(a[ai]) + qb.real(b[bi])
					if sub {
						real = qa.real(a[ai]) - qb.real(b[bi])
					}
					ideal := min(max(real/float64(qo.scale)+float64(qo.zp), float64(actMin)), float64(actMax))
					if math.Abs(float64(got[i])-ideal) > 1 {
						t.Fatalf("%v sub=%v: out[%d] = %d, real result %g quantizes to %g", c, sub, i, got[i], real, ideal)
					}
				})
			}
		}
	}
}

// TestAddInt8HandWorked: scales 0.5, 0.5 -> 1 give AMultiplier = BMultiplier
// = 2^30 (0.5, shift 0) and OutMultiplier 2^30 with shift -19 (2^-20).
// For a=1, b=2: a' = 2^19, b' = 2^20, the sum 3*2^19 requantizes to
// RoundingDivideByPOT(3*2^18, 19) = 1.5 -> 2 (ties away from zero); the
// real sum is 1.5. SUB gives b' = -2^20 and -2^19 -> -2^18 -> -0.5 -> -1.
func TestAddInt8HandWorked(t *testing.T) {
	bc, _ := NewBroadcast([]int{4}, []int{4}, []int{4})
	p := &AddInt8Params{Broadcast: bc, LeftShift: 20, AMultiplier: 1 << 30, BMultiplier: 1 << 30,
		OutMultiplier: 1 << 30, OutShift: -19, ActMin: -128, ActMax: 127}
	a, b := []int8{3, 1, -1, 127}, []int8{5, 2, -2, 127}
	for _, c := range []struct {
		sub  bool
		want []int8
	}{
		{false, []int8{4, 2, -2, 127}}, // 127*0.5*2 = 127
		{true, []int8{-1, -1, 1, 0}},   // 1.5-2.5 = -1; 0.5-1 = -0.5 -> -1; -0.5+1 = 0.5 -> 1
	} {
		q := *p
		if c.sub {
			q.BMultiplier = -q.BMultiplier
		}
		out := make([]int8, 4)
		AddInt8(&q, a, b, out, 0, 4)
		if !slices.Equal(out, c.want) {
			t.Errorf("sub=%v: got %v, want %v", c.sub, out, c.want)
		}
	}
	// The activation clamp and the zero point: out zero point 10, clamp [10, 12].
	q := *p
	q.OutZeroPoint, q.ActMin, q.ActMax = 10, 10, 12
	out := make([]int8, 4)
	AddInt8(&q, a, b, out, 0, 4)
	if want := []int8{12, 12, 10, 12}; !slices.Equal(out, want) {
		t.Errorf("clamped: got %v, want %v", out, want)
	}
}

func mulParams(bc Broadcast, a, b, out quantCase, actMin, actMax int32) *MulInt8Params {
	p := &MulInt8Params{Broadcast: bc, AOffset: -a.zp, BOffset: -b.zp, OutZeroPoint: out.zp, ActMin: actMin, ActMax: actMax}
	p.Multiplier, p.Shift = testQuantizeMultiplier(float64(a.scale) * float64(b.scale) / float64(out.scale))
	return p
}

func TestMulInt8(t *testing.T) {
	r := newRand(2)
	for k, c := range broadcastCases(r) {
		qa, qb := randQuant(r), randQuant(r)
		// An output scale near the product's range, so outputs spread.
		qo := quantCase{float32(float64(qa.scale) * float64(qb.scale) * (20 + 200*r.Float64())), int32(r.IntN(64) - 32)}
		actMin, actMax := int32(-128), int32(127)
		if k%3 == 0 {
			actMin, actMax = qo.zp-50, qo.zp+60
		}
		a := randInt8s(r, elements(c.a), -128, 127)
		b := randInt8s(r, elements(c.b), -128, 127)
		for _, bc := range broadcastsOf(t, c) {
			p := mulParams(bc, qa, qb, qo, actMin, actMax)
			got := checkUnitsInt8(t, r, elements(c.out), p.Units(), perElement, func(out []int8, lo, hi int) { MulInt8(p, a, b, out, lo, hi) })
			forBroadcast(c, func(i, ai, bi int) {
				acc := (int32(a[ai]) - qa.zp) * (int32(b[bi]) - qb.zp)
				want := clamp64ToInt8(naiveMultiplyByQuantizedMultiplier(acc, p.Multiplier, p.Shift)+int64(qo.zp), int64(actMin), int64(actMax))
				if got[i] != want {
					t.Fatalf("%v rank %d: out[%d] = MulInt8(%d, %d) = %d, want %d", c, bc.Rank, i, a[ai], b[bi], got[i], want)
				}
				real := qa.real(a[ai]) * qb.real(b[bi])
				ideal := min(max(real/float64(qo.scale)+float64(qo.zp), float64(actMin)), float64(actMax))
				if math.Abs(float64(got[i])-ideal) > 1 {
					t.Fatalf("%v: out[%d] = %d, real product %g quantizes to %g", c, i, got[i], real, ideal)
				}
			})
		}
	}
}

// TestMulInt8HandWorked: scales 0.5 * 0.25 / 0.125 = 1 is multiplier 2^30
// with shift 1; 3 * -5 = -15 is 1.5 * -1.25 = -1.875 = -15 * 0.125.
func TestMulInt8HandWorked(t *testing.T) {
	bc, _ := NewBroadcast([]int{3}, []int{3}, []int{1})
	p := &MulInt8Params{Broadcast: bc, Multiplier: 1 << 30, Shift: 1, OutZeroPoint: 3, ActMin: -128, ActMax: 127}
	out := make([]int8, 3)
	MulInt8(p, []int8{3, 100, -100}, []int8{-5}, out, 0, 3)
	if want := []int8{-12, -128, 127}; !slices.Equal(out, want) { // -15+3; -500 and 500 clamp
		t.Errorf("got %v, want %v", out, want)
	}
	// Offsets at multiplier 0.5 (shift 0): (7-2)*(1+4) = 25 -> 12.5 -> 13;
	// (-3-2)*5 = -25 -> -12.5 -> -12 (the high multiply rounds ties toward
	// +Inf, and the shift-0 division does not round again).
	p.AOffset, p.BOffset, p.Shift, p.OutZeroPoint = -2, 4, 0, 0
	MulInt8(p, []int8{7, 2, -3}, []int8{1}, out, 0, 3)
	if want := []int8{13, 0, -12}; !slices.Equal(out, want) {
		t.Errorf("offsets: got %v, want %v", out, want)
	}
}

func TestBinaryFloat32(t *testing.T) {
	r := newRand(3)
	ops := []struct {
		name string
		run  func(*BinaryFloat32Params, []float32, []float32, []float32, int, int)
		ref  func(x, y float64) float64
	}{
		{"Add", AddFloat32, func(x, y float64) float64 { return x + y }},
		{"Sub", SubFloat32, func(x, y float64) float64 { return x - y }},
		{"Mul", MulFloat32, func(x, y float64) float64 { return x * y }},
	}
	for k, c := range broadcastCases(r) {
		a := randSpreadFloat32s(r, elements(c.a), 4)
		b := randSpreadFloat32s(r, elements(c.b), 4)
		lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
		switch k % 3 {
		case 1:
			lo, hi = 0, 6
		case 2:
			lo, hi = -1, float32(math.Inf(1))
		}
		for _, op := range ops {
			for _, bc := range broadcastsOf(t, c) {
				p := &BinaryFloat32Params{Broadcast: bc, ActMin: lo, ActMax: hi}
				got := checkUnitsFloat32(t, r, elements(c.out), p.Units(), perElement, func(out []float32, l, h int) { op.run(p, a, b, out, l, h) })
				forBroadcast(c, func(i, ai, bi int) {
					// One float32 operation is its float64 result rounded
					// once (53 >= 2*24+2 bits makes the double rounding
					// innocuous), so the comparison is bit exact.
					want := float32(op.ref(float64(a[ai]), float64(b[bi])))
					want = min(max(want, lo), hi)
					if !sameFloat32(got[i], want) {
						t.Fatalf("%s %v rank %d: out[%d] = f(%v, %v) = %v, want %v", op.name, c, bc.Rank, i, a[ai], b[bi], got[i], want)
					}
				})
			}
		}
	}
}

func TestBinaryFloat32Special(t *testing.T) {
	bc, _ := NewBroadcast([]int{4}, []int{4}, []int{1})
	nan := float32(math.NaN())
	p := &BinaryFloat32Params{Broadcast: bc, ActMin: 0, ActMax: 6}
	out := make([]float32, 4)
	AddFloat32(p, []float32{nan, -3, 2.5, 100}, []float32{1}, out, 0, 4)
	if !math.IsNaN(float64(out[0])) || out[1] != 0 || out[2] != 3.5 || out[3] != 6 {
		t.Errorf("ReLU6(x+1) = %v, want [NaN 0 3.5 6]", out)
	}
	// ReLU of -0 is +0 (Go's max), SUB with the scalar first.
	p = &BinaryFloat32Params{Broadcast: Broadcast{Rank: 1, OutShape: [MaxRank]int{2}, AStride: [MaxRank]int{0}, BStride: [MaxRank]int{1}},
		ActMin: 0, ActMax: float32(math.Inf(1))}
	SubFloat32(p, []float32{0}, []float32{0, -2}, out, 0, 2)
	if math.Float32bits(out[0]) != 0 || out[1] != 2 {
		t.Errorf("ReLU(0 - [0, -2]) = %v, want [+0 2]", out[:2])
	}
}

func TestElementwiseAllocs(t *testing.T) {
	c := broadcastCase{[]int{2, 7, 5, 24}, []int{2, 7, 5, 24}, []int{1, 1, 1, 24}}
	bc, _ := NewBroadcast(c.out, c.a, c.b)
	raw := rawBroadcast(broadcastCase{[]int{3, 4, 5}, []int{3, 1, 5}, []int{1, 4, 1}})
	n := elements(c.out)
	a8, b8, o8 := make([]int8, n), make([]int8, 24), make([]int8, n)
	af, bf, of := make([]float32, n), make([]float32, 24), make([]float32, n)
	add := addParams(bc, quantCase{0.1, 3}, quantCase{0.2, -4}, quantCase{0.3, 1}, false, -128, 127)
	mul := mulParams(bc, quantCase{0.1, 3}, quantCase{0.2, -4}, quantCase{0.3, 1}, -128, 127)
	fp := &BinaryFloat32Params{Broadcast: bc, ActMin: 0, ActMax: 6}
	rawAdd := *add
	rawAdd.Broadcast = raw
	checkNoAllocs(t, "AddInt8", func() { AddInt8(add, a8, b8, o8, 3, n) })
	checkNoAllocs(t, "AddInt8 raw", func() { AddInt8(&rawAdd, a8, b8, o8, 1, 60) })
	checkNoAllocs(t, "MulInt8", func() { MulInt8(mul, a8, b8, o8, 0, n) })
	checkNoAllocs(t, "AddFloat32", func() { AddFloat32(fp, af, bf, of, 0, n) })
	checkNoAllocs(t, "SubFloat32", func() { SubFloat32(fp, af, bf, of, 5, n) })
	checkNoAllocs(t, "MulFloat32", func() { MulFloat32(fp, af, bf, of, 0, n-1) })
}

func BenchmarkAddInt8(b *testing.B) {
	for _, c := range []broadcastCase{
		{[]int{1, 56, 56, 24}, []int{1, 56, 56, 24}, []int{1, 56, 56, 24}},
		{[]int{1, 14, 14, 96}, []int{1, 14, 14, 96}, []int{1, 1, 1, 96}},
	} {
		b.Run(c.String(), func(b *testing.B) {
			r := newRand(4)
			bc, _ := NewBroadcast(c.out, c.a, c.b)
			p := addParams(bc, quantCase{0.1, 3}, quantCase{0.2, -4}, quantCase{0.3, 1}, false, -128, 127)
			x, y, out := randInt8s(r, elements(c.a), -128, 127), randInt8s(r, elements(c.b), -128, 127), make([]int8, elements(c.out))
			b.SetBytes(int64(len(out)))
			b.ReportAllocs()
			for b.Loop() {
				AddInt8(p, x, y, out, 0, len(out))
			}
		})
	}
}

func BenchmarkMulInt8PerChannel(b *testing.B) {
	c := broadcastCase{[]int{1, 14, 14, 96}, []int{1, 14, 14, 96}, []int{1, 1, 1, 96}}
	r := newRand(5)
	bc, _ := NewBroadcast(c.out, c.a, c.b)
	p := mulParams(bc, quantCase{0.1, 3}, quantCase{0.2, -4}, quantCase{0.3, 1}, -128, 127)
	x, y, out := randInt8s(r, elements(c.a), -128, 127), randInt8s(r, elements(c.b), -128, 127), make([]int8, elements(c.out))
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		MulInt8(p, x, y, out, 0, len(out))
	}
}

func BenchmarkAddFloat32(b *testing.B) {
	c := broadcastCase{[]int{1, 56, 56, 24}, []int{1, 56, 56, 24}, []int{1, 56, 56, 24}}
	bc, _ := NewBroadcast(c.out, c.a, c.b)
	p := &BinaryFloat32Params{Broadcast: bc, ActMin: 0, ActMax: float32(math.Inf(1))}
	r := newRand(6)
	x, y, out := randFloat32s(r, elements(c.a)), randFloat32s(r, elements(c.b)), make([]float32, elements(c.out))
	b.SetBytes(int64(4 * len(out)))
	b.ReportAllocs()
	for b.Loop() {
		AddFloat32(p, x, y, out, 0, len(out))
	}
}

// TestRequantizerMatchesQuant: the kernels' branch-free requantization is
// quant.MultiplyByQuantizedMultiplier plus zero point and clamp, for every
// shift quant.QuantizeMultiplier produces and inputs that hit the
// saturations and the rounding ties.
func TestRequantizerMatchesQuant(t *testing.T) {
	r := newRand(7)
	edge := []int32{0, 1, -1, 2, -2, 3, -3, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1, 1 << 30, -1 << 30}
	pick := func() int32 {
		switch r.IntN(4) {
		case 0:
			return edge[r.IntN(len(edge))]
		case 1:
			return int32(r.IntN(1<<17) - 1<<16)
		case 2: // a multiple of a power of two: rounding ties
			return int32(r.IntN(1<<12)-1<<11) << r.IntN(20)
		}
		return int32(r.Uint32())
	}
	for shift := int32(-31); shift <= 30; shift++ {
		for range 4000 {
			x, mult := pick(), pick()
			if r.IntN(2) == 0 {
				mult = int32(1<<30 + r.IntN(1<<30)) // QuantizeMultiplier's range
			}
			zp := int32(r.IntN(256) - 128)
			lo, hi := int32(r.IntN(300)-150), int32(r.IntN(300)-150)
			lo, hi = min(lo, hi), max(lo, hi)
			rq := newRequantizer(mult, shift, zp, lo, hi)
			v := int64(quant.MultiplyByQuantizedMultiplier(x, mult, int(shift))) + int64(zp)
			want := int8(min(max(v, int64(max(lo, -128))), int64(min(hi, 127))))
			if got := rq.apply(x); got != want {
				t.Fatalf("requantize(%d, %d, shift %d, zp %d, [%d, %d]) = %d, want %d", x, mult, shift, zp, lo, hi, got, want)
			}
		}
	}
}
