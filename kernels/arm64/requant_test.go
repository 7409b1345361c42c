package arm64

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// TestRequantizeEdges checks the vector requantization against
// quant.MultiplyByQuantizedMultiplier on every shift in [-31, 30] with the
// accumulators and multipliers where SQRDMULH saturates and where
// RoundingDivideByPOT's ties (and its negative-value fixup) matter.
func TestRequantizeEdges(t *testing.T) {
	accs := []int32{math.MinInt32, math.MinInt32 + 1, math.MaxInt32, math.MaxInt32 - 1, 0, 1, -1}
	for k := 0; k < 31; k++ {
		p := int32(1) << k
		accs = append(accs, p, -p, p+1, -p-1, p-1, -p+1, 3*p/2, -3*p/2)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for len(accs)%4 != 0 || len(accs) < 512 {
		accs = append(accs, int32(r.Uint32()))
	}
	mults := []int32{math.MinInt32, math.MaxInt32, 1 << 30, 1<<30 + 1, -(1 << 30), 0, 1, -1, 1518500250}
	for i := 0; i < 8; i++ {
		mults = append(mults, int32(r.Uint32()))
	}
	outs := []Out{{0, -128, 127}, {-128, -128, 127}, {127, -128, 127}, {5, 0, 6}}
	variants(t, func(t *testing.T, v Variant) {
		n := len(accs)
		bias, mult, shift := make([]int32, n), make([]int32, n), make([]int32, n)
		got, want := make([]int8, n), make([]int8, n)
		for _, m := range mults {
			for s := int32(-31); s <= 30; s++ {
				for i := range mult {
					mult[i], shift[i] = m, s
					bias[i] = 0
				}
				params := RequantParams(bias, mult, shift)
				for _, o := range outs {
					Requantize(v, accs, params, got, o)
					for i, a := range accs {
						x := int64(quant.MultiplyByQuantizedMultiplier(a, m, int(s))) + int64(o.ZeroPoint)
						want[i] = int8(max(min(x, int64(o.Max)), int64(o.Min)))
						if got[i] != want[i] {
							t.Fatalf("acc %d mult %d shift %d out %+v: got %d, want %d", a, m, s, o, got[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestRequantizeBias checks the bias lane and per-channel parameters.
func TestRequantizeBias(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 64
	acc := make([]int32, n)
	bias := make([]int32, n)
	for i := range acc {
		acc[i] = int32(r.IntN(1<<22) - 1<<21)
		bias[i] = int32(r.IntN(1<<16) - 1<<15)
	}
	acc[0], bias[0] = math.MaxInt32, 1 // the bias add wraps, as in the reference
	mult, shift := quantChannels(r, n)
	variants(t, func(t *testing.T, v Variant) {
		got, check := guarded(n)
		o := Out{ZeroPoint: -3, Min: -128, Max: 127}
		Requantize(v, acc, RequantParams(bias, mult, shift), got, o)
		check(t, "Requantize")
		for i := range acc {
			x := int64(quant.MultiplyByQuantizedMultiplier(acc[i]+bias[i], mult[i], int(shift[i]))) + int64(o.ZeroPoint)
			if want := int8(max(min(x, 127), -128)); got[i] != want {
				t.Errorf("channel %d: got %d, want %d", i, got[i], want)
			}
		}
	})
}
