package quant

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestQuantizeWeightsPerChannelWorked(t *testing.T) {
	w := []float32{
		127, -63.5, 31.75, 0, // maxabs 127: scale 1, -63.5 rounds away from zero
		0, 0, 0, 0, // all zero: scale 1
		63.5, -63.5, 0.25, -0.75, // maxabs 63.5: scale 0.5; 0.5 -> 1, -1.5 -> -2
		-2, 1, 0.5, 1e-44, // maxabs is negative: -127; 1/(2/127) is 63.5 in float32
	}
	q, scales := QuantizeWeightsPerChannel(w, 4)
	wantQ := []int8{127, -64, 32, 0, 0, 0, 0, 0, 127, -127, 1, -2, -127, 64, 32, 0}
	wantScales := []float32{1, 1, 0.5, float32(2.0 / 127)}
	if !slices.Equal(q, wantQ) || !slices.Equal(scales, wantScales) {
		t.Errorf("QuantizeWeightsPerChannel = %v %v, want %v %v", q, scales, wantQ, wantScales)
	}

	// A channel below float32's normal range is treated as zero.
	q, scales = QuantizeWeightsPerChannel([]float32{1e-44, -1e-42}, 1)
	if !slices.Equal(q, []int8{0, 0}) || scales[0] != 1 {
		t.Errorf("tiny channel: %v %v, want [0 0] [1]", q, scales)
	}
}

func TestQuantizeWeightsPerChannelProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for range 500 {
		channels := 1 + r.IntN(64)
		n := 1 + r.IntN(300)
		w := make([]float32, channels*n)
		for i := range w {
			w[i] = float32(r.NormFloat64() * math.Exp2(-8+8*r.Float64()))
		}
		q, scales := QuantizeWeightsPerChannel(w, channels)
		for c := range channels {
			block := w[c*n : (c+1)*n]
			var maxAbs float64
			for _, v := range block {
				maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
			}
			if want := float32(maxAbs) / 127; scales[c] != want {
				t.Fatalf("channel %d scale %v, want maxabs/127 = %v", c, scales[c], want)
			}
			for i, v := range block {
				got := q[c*n+i]
				if got < -127 {
					t.Fatalf("weight %v quantized to %d", v, got)
				}
				exact := float64(v) / float64(scales[c])
				if math.Abs(float64(got)-exact) > 0.5+1e-5 {
					t.Fatalf("weight %v at scale %v quantized to %d (exact %g)", v, scales[c], got, exact)
				}
				if math.Abs(float64(v)) == maxAbs && math.Abs(float64(got)) != 127 {
					t.Fatalf("channel %d's largest weight %v quantized to %d, want ±127", c, v, got)
				}
			}
		}
	}
}

func TestQuantizeWeightsPerTensor(t *testing.T) {
	q, scale := QuantizeWeightsPerTensor([]float32{63.5, -127, 1.25})
	if !slices.Equal(q, []int8{64, -127, 1}) || scale != 1 {
		t.Errorf("QuantizeWeightsPerTensor = %v %v, want [64 -127 1] 1", q, scale)
	}
	q, scale = QuantizeWeightsPerTensor(nil)
	if len(q) != 0 || scale != 1 {
		t.Errorf("QuantizeWeightsPerTensor(nil) = %v %v, want [] 1", q, scale)
	}
}

func TestQuantizeWeightsPerChannelPanicsOnBadShape(t *testing.T) {
	for _, channels := range []int{0, -1, 3} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("QuantizeWeightsPerChannel(4 weights, %d channels) did not panic", channels)
				}
			}()
			QuantizeWeightsPerChannel(make([]float32, 4), channels)
		}()
	}
}

func TestQuantizeBiasWorked(t *testing.T) {
	got := QuantizeBias([]float32{1, -1, 0.5, 0.1875, -0.1875, 1e10, -1e10, float32(math.NaN())}, 0.5, []float32{0.25})
	want := []int32{8, -8, 4, 2, -2, math.MaxInt32, -math.MaxInt32, 0}
	if !slices.Equal(got, want) {
		t.Errorf("per-tensor QuantizeBias = %v, want %v", got, want)
	}
	got = QuantizeBias([]float32{1, 1, 3}, 1, []float32{0.5, 0.25, 0})
	want = []int32{2, 4, 0}
	if !slices.Equal(got, want) {
		t.Errorf("per-channel QuantizeBias = %v, want %v", got, want)
	}
}

// TestQuantizeBiasExact compares QuantizeBias with the exact rational
// quotient b / (inScale*wScale) rounded half away from zero.
func TestQuantizeBiasExact(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	const n = 64
	for range 2000 {
		b := make([]float32, n)
		ws := make([]float32, n)
		for i := range b {
			b[i] = float32(r.NormFloat64() * math.Exp2(-4+8*r.Float64()))
			ws[i] = float32(math.Exp2(-12 + 10*r.Float64()))
		}
		in := float32(math.Exp2(-10 + 10*r.Float64()))
		got := QuantizeBias(b, in, ws)
		for i := range b {
			den := new(big.Rat).Mul(new(big.Rat).SetFloat64(float64(in)), new(big.Rat).SetFloat64(float64(ws[i])))
			quo := new(big.Rat).Quo(new(big.Rat).SetFloat64(float64(b[i])), den)
			// round half away from zero: sign * floor(|quo| + 1/2)
			neg := quo.Sign() < 0
			quo.Abs(quo).Add(quo, big.NewRat(1, 2))
			want := new(big.Int).Quo(quo.Num(), quo.Denom())
			if neg {
				want.Neg(want)
			}
			if !want.IsInt64() || want.Int64() != int64(got[i]) {
				t.Fatalf("QuantizeBias(%v, %v, %v) = %d, want %v", b[i], in, ws[i], got[i], want)
			}
		}
	}
}
