package kernels

import (
	"fmt"
	"math"
	"testing"
)

// unaryInputs returns special values (signed zeros, NaN, infinities, the
// kinks of the activations, a subnormal, the extremes) and n random ones.
func unaryInputs(seed uint64, n int) []float32 {
	in := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		-3, 3, 6, -6, 1, -1, 0.5, -0.5, 1e-40, -1e-40, math.MaxFloat32, -math.MaxFloat32, 20, -20, 90, -90}
	return append(in, randSpreadFloat32s(newRand(seed), n, 8)...)
}

// sameValue is bit equality, except that any NaN equals any NaN.
func sameValue(a, b float32) bool {
	return sameFloat32(a, b) || (a != a && b != b)
}

// checkUnary runs a float32 pointwise kernel through checkUnits and
// compares each output with want(i, x) using ok.
func checkUnary(t *testing.T, name string, p *UnaryFloat32Params, in []float32, run func(*UnaryFloat32Params, []float32, []float32, int, int), want func(i int, x float32) float32, ok func(got, want float32) bool) {
	t.Helper()
	got := checkUnitsFloat32(t, newRand(uint64(len(in))), len(in), p.Units(), perElement, func(out []float32, lo, hi int) { run(p, in, out, lo, hi) })
	for i, x := range in {
		if w := want(i, x); !ok(got[i], w) {
			t.Fatalf("%s(%v) = %v (%#08x), want %v (%#08x)", name, x, got[i], math.Float32bits(got[i]), w, math.Float32bits(w))
		}
	}
}

func TestClampFloat32(t *testing.T) {
	in := unaryInputs(30, 500)
	inf := math.Inf(1)
	for _, b := range [][2]float64{{0, 6}, {0, inf}, {-1, 1}, {-inf, 2.5}, {-inf, inf}} {
		p := &UnaryFloat32Params{Elements: len(in), Min: float32(b[0]), Max: float32(b[1])}
		// math.Max(-0, +0) is +0 and NaN propagates, as Go's max.
		checkUnary(t, fmt.Sprintf("Clamp%v", b), p, in, ClampFloat32, func(_ int, x float32) float32 {
			return float32(math.Min(math.Max(float64(x), b[0]), b[1]))
		}, sameValue)
	}
}

func TestLeakyReluPReluFloat32(t *testing.T) {
	in := unaryInputs(31, 500)
	for _, alpha := range []float32{0.01, 0.2, -0.5, 1.5, 0} {
		p := &UnaryFloat32Params{Elements: len(in), Alpha: alpha}
		// One float32 product is the float64 product rounded once.
		checkUnary(t, fmt.Sprintf("LeakyRelu(%v)", alpha), p, in, LeakyReluFloat32, func(_ int, x float32) float32 {
			if x < 0 {
				return float32(float64(alpha) * float64(x))
			}
			return x
		}, sameValue)
	}
	r := newRand(32)
	for _, channels := range []int{1, 3, 7, 32} {
		slope := randSpreadFloat32s(r, channels, 1)
		p := &UnaryFloat32Params{Elements: len(in), Channels: channels, Slope: slope}
		checkUnary(t, fmt.Sprintf("PRelu(%d channels)", channels), p, in, PReluFloat32, func(i int, x float32) float32 {
			if x < 0 {
				return float32(float64(slope[i%channels]) * float64(x))
			}
			return x
		}, sameValue)
	}
}

// TestHardSwishHardSigmoidFloat32 compares with the float32 evaluation
// order written in float64 (each step rounded once, so bit exact), and
// with the real functions.
func TestHardSwishHardSigmoidFloat32(t *testing.T) {
	in := unaryInputs(33, 2000)
	p := &UnaryFloat32Params{Elements: len(in)}
	checkUnary(t, "HardSwish", p, in, HardSwishFloat32, func(_ int, x float32) float32 {
		relu6 := min(max(float32(float64(x)+3), 0), 6)
		return float32(float64(float32(float64(x)*float64(relu6))) / 6)
	}, sameValue)
	checkUnary(t, "HardSwish (real)", p, in, HardSwishFloat32, func(_ int, x float32) float32 {
		v := float64(x)
		return float32(v * math.Min(math.Max(v+3, 0), 6) / 6)
	}, func(got, want float32) bool {
		// Within a few float32 steps of the larger of the value and of the
		// rounding of x+3 (near -3 that sum loses relative precision).
		// (Beyond |x| = MaxFloat32/6 the float32 product x*6 overflows.)
		return sameValue(got, want) || math.Abs(float64(got)-float64(want)) <= 3e-7*math.Max(math.Abs(float64(want)), 3) ||
			math.Abs(float64(want)) > math.MaxFloat32/6
	})
	for _, ab := range [][2]float32{{1.0 / 6, 0.5}, {0.2, 0.5}, {-0.3, 0.1}} {
		a, b := ab[0], ab[1]
		p := &UnaryFloat32Params{Elements: len(in), Alpha: a, Beta: b}
		checkUnary(t, fmt.Sprintf("HardSigmoid%v", ab), p, in, HardSigmoidFloat32, func(_ int, x float32) float32 {
			v := float32(float64(float32(float64(a)*float64(x))) + float64(b))
			return float32(math.Min(math.Max(float64(v), 0), 1))
		}, sameValue)
	}
}

// TestLogisticTanhFloat32 compares with math's float64 functions: the
// results may differ by one float32 step where the float64 values straddle
// a rounding boundary.
func TestLogisticTanhFloat32(t *testing.T) {
	in := unaryInputs(34, 3000)
	p := &UnaryFloat32Params{Elements: len(in)}
	within1 := func(got, want float32) bool { return sameValue(got, want) || ulpDiff32(got, want) <= 1 }
	checkUnary(t, "Logistic", p, in, LogisticFloat32, func(_ int, x float32) float32 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}, within1)
	checkUnary(t, "Tanh", p, in, TanhFloat32, func(_ int, x float32) float32 {
		return float32(math.Tanh(float64(x)))
	}, within1)
	// Hand-worked: the midpoint, symmetry and saturation.
	in = []float32{0, float32(math.Log(3)), 200, -200} // e^-200 is far below float32's least subnormal
	out := make([]float32, 4)
	LogisticFloat32(&UnaryFloat32Params{Elements: 4}, in, out, 0, 4)
	if out[0] != 0.5 || out[1] != 0.75 || out[2] != 1 || out[3] != 0 {
		t.Errorf("Logistic(0, ln 3, 200, -200) = %v, want [0.5 0.75 1 0]", out)
	}
	TanhFloat32(&UnaryFloat32Params{Elements: 4}, in, out, 0, 4)
	if out[0] != 0 || out[1] != 0.8 || out[2] != 1 || out[3] != -1 { // tanh(ln 3) = (9-1)/(9+1)
		t.Errorf("Tanh(0, ln 3, 200, -200) = %v, want [0 0.8 1 -1]", out)
	}
	HardSwishFloat32(&UnaryFloat32Params{Elements: 4}, []float32{3, -3, 1, 4}, out, 0, 4)
	if out[0] != 3 || out[1] != 0 || out[2] != float32(4.0/6) || out[3] != 4 {
		t.Errorf("HardSwish(3, -3, 1, 4) = %v, want [3 0 0.6666667 4]", out)
	}
}

func TestUnaryFloat32Allocs(t *testing.T) {
	in, out := make([]float32, 1000), make([]float32, 1000)
	p := &UnaryFloat32Params{Elements: 1000, Min: 0, Max: 6, Alpha: 0.1, Beta: 0.5, Channels: 10, Slope: make([]float32, 10)}
	for name, run := range map[string]func(*UnaryFloat32Params, []float32, []float32, int, int){
		"Clamp": ClampFloat32, "LeakyRelu": LeakyReluFloat32, "PRelu": PReluFloat32, "HardSwish": HardSwishFloat32,
		"HardSigmoid": HardSigmoidFloat32, "Logistic": LogisticFloat32, "Tanh": TanhFloat32,
	} {
		checkNoAllocs(t, name, func() { run(p, in, out, 7, 1000) })
	}
}
