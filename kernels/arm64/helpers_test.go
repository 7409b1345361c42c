package arm64

import (
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// variants runs f for every variant this machine supports and fails if the
// assembly was built but did not run (an arm64 build without it would
// silently test only the twin).
func variants(t *testing.T, f func(t *testing.T, v Variant)) {
	t.Helper()
	ran := 0
	for _, v := range []Variant{Go, NEON, Dot} {
		if !Supported(v) {
			continue
		}
		ran++
		t.Run(v.String(), func(t *testing.T) { f(t, v) })
	}
	if haveAsm && ran < 2 {
		t.Fatalf("assembly built but only %d variant ran", ran)
	}
}

// reference is the int8 convolution formula of the reference kernels, on
// unpacked data: clamp(MBQM(bias + sum w*(x-zp), mult, shift) + outZP).
func reference(bias int32, w, x []int8, zp, mult, shift int32, o Out) int8 {
	acc := bias
	for i := range w {
		acc += int32(w[i]) * (int32(x[i]) - zp)
	}
	v := int64(quant.MultiplyByQuantizedMultiplier(acc, mult, int(shift))) + int64(o.ZeroPoint)
	return int8(max(min(v, int64(o.Max)), int64(o.Min)))
}

// quantChannels draws per-channel multipliers and shifts the way the
// converter makes them (QuantizeMultiplier of a real scale ratio), plus
// the occasional extreme one.
func quantChannels(r *rand.Rand, n int) (mult, shift []int32) {
	mult, shift = make([]int32, n), make([]int32, n)
	for i := range mult {
		m, s := quant.QuantizeMultiplier(0.00001 + r.Float64()*r.Float64()*0.05)
		if r.IntN(8) == 0 {
			m, s = quant.QuantizeMultiplier(r.Float64() * 8)
		}
		mult[i], shift[i] = m, int32(s)
	}
	return mult, shift
}

func randInt8(r *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(r.Uint32())
	}
	return v
}

// randWeights draws weights in [-127, 127], with runs of the extremes that
// stress the int16 pair sums.
func randWeights(r *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	extreme := r.IntN(3) == 0
	for i := range v {
		v[i] = int8(r.IntN(255) - 127)
		if extreme {
			v[i] = []int8{-127, 127}[r.IntN(2)]
		}
	}
	return v
}

func randOut(r *rand.Rand) (zp int32, o Out) {
	zp = int32(r.IntN(256) - 128)
	if r.IntN(4) == 0 {
		zp = []int32{-128, 127}[r.IntN(2)]
	}
	o = Out{ZeroPoint: int32(r.IntN(256) - 128), Min: -128, Max: 127}
	if r.IntN(3) == 0 {
		o.Min = int32(r.IntN(128) - 128)
		o.Max = o.Min + int32(r.IntN(int(127-o.Min)+1))
	}
	return zp, o
}

const guardByte = 0x5a

// guarded returns a slice of n bytes inside a buffer with guard bytes on
// both sides, and a check that the guards are intact.
func guarded(n int) ([]int8, func(t *testing.T, what string)) {
	const g = 64
	buf := make([]int8, g+n+g)
	for i := range buf {
		buf[i] = guardByte
	}
	return buf[g : g+n : g+n], func(t *testing.T, what string) {
		t.Helper()
		for i := 0; i < g; i++ {
			if buf[i] != guardByte || buf[g+n+i] != guardByte {
				t.Fatalf("%s: guard band overwritten", what)
			}
		}
	}
}
