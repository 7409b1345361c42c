package quant

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// ulps is the distance between a and b in units in the last place
// (the number of float64 values between them); 0 for equal values.
func ulps(a, b float64) float64 {
	if a == b || a != a && b != b {
		return 0
	}
	if math.Signbit(a) != math.Signbit(b) {
		return ulps(a, 0) + ulps(0, b)
	}
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	return math.Abs(float64(d))
}

// bigExp returns e^x correctly rounded to float64 (to within 2^-150
// relative before the final rounding): x = m*2^-s is halved until |x| < 2^-8,
// the Taylor series is summed at 256 bits and the result squared back.
func bigExp(x float64) float64 {
	const prec = 256
	s := 0
	for r := math.Abs(x); r >= 0x1p-8; r /= 2 {
		s++
	}
	y := new(big.Float).SetPrec(prec).SetFloat64(math.Ldexp(x, -s)) // exact
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 60; n++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	for range s {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

func TestExpExact(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	n := randomCount(t, 40_000)
	for i := range n {
		x := -40 + 80*r.Float64() // where lookup tables and softmax live
		if i%4 == 0 {
			x = -745 + (745+709.7)*r.Float64() // everything, subnormal results included
		}
		if got, want := Exp(x), bigExp(x); ulps(got, want) > 1 {
			t.Fatalf("Exp(%v) = %v, exact %v: %v ulp", x, got, want, ulps(got, want))
		}
	}
}

// TestExpMatchesMath compares with the standard library over a dense range.
// The bound is 2 ulp, not 1, because math.Exp's amd64 assembly is itself up
// to 2 ulp from the exact value (measured against bigExp). The range stops
// at 709.4 because the amd64 math.Exp returns +Inf from x ≈ 709.436 on,
// where e^x is still finite (arm64's gives the finite value, as does Exp).
func TestExpMatchesMath(t *testing.T) {
	n := randomCount(t, 2_000_000)
	for i := range n {
		x := -745 + (745+709.4)*float64(i)/float64(n)
		if got, want := Exp(x), math.Exp(x); ulps(got, want) > 2 {
			t.Fatalf("Exp(%v) = %v, math.Exp %v: %v ulp", x, got, want, ulps(got, want))
		}
		y := -30 + 60*float64(i)/float64(n)
		if got, want := Exp(y), math.Exp(y); ulps(got, want) > 2 {
			t.Fatalf("Exp(%v) = %v, math.Exp %v: %v ulp", y, got, want, ulps(got, want))
		}
	}
}

// TestLogMatchesMath compares with the standard library over normal
// inputs. Subnormal inputs are checked through Log(x) = log(x*2^54) - 54*ln2
// instead: the amd64 math.Log assembly is wrong for them (it returns
// -708.5075 for 1.757e-308, whose logarithm is -708.6325; arm64 is right).
func TestLogMatchesMath(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	n := randomCount(t, 2_000_000)
	for i := range n {
		x := 1e-3 + 1e3*float64(i)/float64(n)
		if i%2 == 1 {
			x = math.Float64frombits(r.Uint64() &^ (1 << 63)) // any positive float64
		}
		if x < 0x1p-1022 {
			if got, want := Log(x), math.Log(x*0x1p54)-54*math.Ln2; math.Abs(got-want) > 1e-15*math.Abs(want) {
				t.Fatalf("Log(%v) = %v, want %v", x, got, want)
			}
			continue
		}
		if got, want := Log(x), math.Log(x); ulps(got, want) > 1 {
			t.Fatalf("Log(%v) = %v, math.Log %v: %v ulp", x, got, want, ulps(got, want))
		}
	}
	// Log inverts Exp to within rounding.
	for i := range 10_000 {
		x := -700 + 1400*float64(i)/10_000
		if got := Log(Exp(x)); math.Abs(got-x) > 1e-15*math.Max(1, math.Abs(x)) {
			t.Fatalf("Log(Exp(%v)) = %v", x, got)
		}
	}
}

func TestTanhSigmoidMatchMath(t *testing.T) {
	n := randomCount(t, 2_000_000)
	for i := range n {
		x := -25 + 50*float64(i)/float64(n)
		if got, want := Tanh(x), math.Tanh(x); ulps(got, want) > 2 {
			t.Fatalf("Tanh(%v) = %v, math.Tanh %v: %v ulp", x, got, want, ulps(got, want))
		}
		// Both sides round 1+e and the quotient, and their exponentials
		// differ by up to 2 ulp: 3 ulp in all (measured maximum: 3).
		if got, want := Sigmoid(x), 1/(1+math.Exp(-x)); ulps(got, want) > 3 {
			t.Fatalf("Sigmoid(%v) = %v, 1/(1+math.Exp(-x)) %v: %v ulp", x, got, want, ulps(got, want))
		}
		if got := Tanh(-x); got != -Tanh(x) {
			t.Fatalf("Tanh(%v) = %v is not odd", -x, got)
		}
	}
}

func TestTranscendentalSpecialValues(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Exp(0)", Exp(0), 1},
		{"Exp(+Inf)", Exp(inf), inf},
		{"Exp(-Inf)", Exp(-inf), 0},
		{"Exp(710)", Exp(710), inf},
		{"Exp(-746)", Exp(-746), 0},
		{"Exp(1e-300)", Exp(1e-300), 1},
		{"Exp(NaN)", Exp(nan), nan},
		{"Log(1)", Log(1), 0},
		{"Log(0)", Log(0), -inf},
		{"Log(-1)", Log(-1), nan},
		{"Log(+Inf)", Log(inf), inf},
		{"Log(NaN)", Log(nan), nan},
		{"Log(2^-1074)", Log(math.SmallestNonzeroFloat64), -1074 * math.Ln2},
		{"Tanh(0)", Tanh(0), 0},
		{"Tanh(+Inf)", Tanh(inf), 1},
		{"Tanh(-Inf)", Tanh(-inf), -1},
		{"Tanh(NaN)", Tanh(nan), nan},
		{"Sigmoid(0)", Sigmoid(0), 0.5},
		{"Sigmoid(+Inf)", Sigmoid(inf), 1},
		{"Sigmoid(-Inf)", Sigmoid(-inf), 0},
	} {
		if ulps(c.got, c.want) > 1 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.Signbit(Tanh(math.Copysign(0, -1))) {
		t.Error("Tanh(-0) lost the sign")
	}
}

// transcendentalChecksum hashes (FNV-1a) the bits of Exp, Log, Tanh and
// Sigmoid over a fixed set of arguments.
func transcendentalChecksum() uint64 {
	h := uint64(14695981039346656037)
	add := func(v float64) {
		b := math.Float64bits(v)
		for range 8 {
			h ^= b & 0xff
			h *= 1099511628211
			b >>= 8
		}
	}
	r := rand.New(rand.NewPCG(29, 30))
	for range 200_000 {
		x := -40 + float64(80*r.Float64()) // no FMA here either
		add(Exp(x))
		add(Tanh(x))
		add(Sigmoid(x))
		add(Log(math.Abs(x)))
		y := math.Float64frombits(r.Uint64())
		add(Exp(y))
		add(Log(y))
		add(Tanh(y))
	}
	return h
}

// TestTranscendentalGolden pins the exact bits. The value was measured on
// amd64 (GOAMD64=v1 and v3, the latter letting the compiler use FMA) and on
// arm64 (qemu-aarch64): a mismatch means some product is being fused into a
// multiply-add, or the algorithm changed; either breaks cross-machine
// reproducibility of lookup tables.
func TestTranscendentalGolden(t *testing.T) {
	const want uint64 = 0xb3f6ab16930b43ba
	if got := transcendentalChecksum(); got != want {
		t.Errorf("checksum of Exp/Log/Tanh/Sigmoid = %#x, want %#x", got, want)
	}
}
