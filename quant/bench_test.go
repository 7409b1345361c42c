package quant

import "testing"

var benchSink int32

func BenchmarkMultiplyByQuantizedMultiplier(b *testing.B) {
	m, s := QuantizeMultiplier(0.0123)
	acc := int32(0)
	for i := 0; b.Loop(); i++ {
		acc += MultiplyByQuantizedMultiplier(int32(i)*977, m, s)
	}
	benchSink = acc
}

var benchFloat float64

func BenchmarkExp(b *testing.B) {
	x, sum := -20.0, 0.0
	for b.Loop() {
		sum += Exp(x)
		x += 1e-6
	}
	benchFloat = sum
}

func BenchmarkSigmoidLUT(b *testing.B) {
	for b.Loop() {
		t := SigmoidLUT(0.05, -3, SigmoidOutputScale, SigmoidOutputZeroPoint)
		benchSink += int32(t[7])
	}
}
