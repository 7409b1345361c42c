package quant

import "math"

// Deterministic elementary functions.
//
// Lookup tables and softmax exponentials are computed at plan time, possibly
// on a different machine from the one that converted and tested the model, so
// they must give the same bits everywhere. The standard library does not: on
// amd64 and arm64 math.Exp is assembly with its own polynomial, math.Log is
// assembly on amd64, and the pure-Go fallbacks are compiled with fused
// multiply-adds on arm64 (and on amd64 with GOAMD64=v3), which round
// differently. The functions below are the FreeBSD msun algorithms that
// Go's pure-Go fallbacks also use, with every product wrapped in an explicit
// float64 conversion where it is computed: the Go specification says an
// explicit conversion rounds to the target precision, which forbids fusing
// it into an FMA. Wrapping only the products written next to an addition is
// not enough, because the compiler also fuses a product stored in a variable
// with an addition in a later statement. They use only +, -, *, / and exact bit operations
// (Frexp, Ldexp, Abs), all of which are correctly rounded IEEE-754 on every
// GOARCH, so the result is bit-identical across architectures.

// Exp returns e^x, within 1 ulp (FreeBSD e_exp.c).
func Exp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00

		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
	)
	switch {
	case x != x || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return 0
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	// Reduce: x = k*ln2 + r with |r| <= ln2/2, r kept as hi - lo.
	var k int
	switch {
	case x < 0:
		k = int(float64(log2e*x) - 0.5)
	case x > 0:
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	return expMulti(hi, lo, k)
}

// expMulti returns e^r * 2^k where r = hi - lo and |r| <= ln(2)/2.
func expMulti(hi, lo float64, k int) float64 {
	const (
		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	r := hi - lo
	t := float64(r * r)
	poly := p4 + float64(t*p5)
	poly = p3 + float64(t*poly)
	poly = p2 + float64(t*poly)
	poly = p1 + float64(t*poly)
	c := r - float64(t*poly)
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// Log returns the natural logarithm of x, within 1 ulp (FreeBSD e_log.c).
func Log(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		l1    = 6.666666666666735130e-01
		l2    = 3.999999999940941908e-01
		l3    = 2.857142874366239149e-01
		l4    = 2.222219843214978396e-01
		l5    = 1.818357216161805012e-01
		l6    = 1.531383769920937332e-01
		l7    = 1.479819860511658591e-01
	)
	switch {
	case x != x || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	// Reduce: x = 2^k * (1+f) with sqrt(2)/2 <= 1+f < sqrt(2).
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)

	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := l5 + float64(s4*l7)
	t1 = l3 + float64(s4*t1)
	t1 = l1 + float64(s4*t1)
	t1 = float64(s2 * t1)
	t2 := l4 + float64(s4*l6)
	t2 = l2 + float64(s4*t2)
	t2 = float64(s4 * t2)
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// Tanh returns the hyperbolic tangent of x, within 2 ulp (the Cephes
// algorithm of Go's math.Tanh, on top of this package's Exp).
func Tanh(x float64) float64 {
	const (
		maxLog = 8.8029691931113054295988e+01 // log(2^127)

		p0 = -9.64399179425052238628e-1
		p1 = -9.92877231001918586564e1
		p2 = -1.61468768441708447952e3
		q0 = 1.12811678491632931402e2
		q1 = 2.23548839060100448583e3
		q2 = 4.84406305325125486048e3
	)
	z := math.Abs(x)
	switch {
	case z != z:
		return x
	case z > 0.5*maxLog:
		if x < 0 {
			return -1
		}
		return 1
	case z >= 0.625:
		s := Exp(float64(2 * z))
		z = 1 - 2/(s+1)
		if x < 0 {
			z = -z
		}
		return z
	case x == 0:
		return x
	}
	s := float64(x * x)
	num := float64(p0*s) + p1
	num = float64(num*s) + p2
	den := float64((s+q0)*s) + q1
	den = float64(den*s) + q2
	return x + float64(float64(x*s)*num)/den
}

// Sigmoid returns the logistic function 1 / (1 + e^-x).
func Sigmoid(x float64) float64 {
	return 1 / (1 + Exp(-x))
}
