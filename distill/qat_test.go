package distill

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
	"github.com/edgeinfer/edgeinfer/train"
)

// TestInt8MatchesFakeQuant checks the promise of quantization-aware
// training: the int8 model that Int8 emits computes what the fake-quantized
// float model computed. For each preset (BN folding, fused ReLU/ReLU6,
// hard-swish, depthwise convolutions, residual additions, global pooling),
// random weights are calibrated on random images and the runtime's int8
// logits must equal the fake-quantized logits within two output
// quantization steps (the runtime requantizes with 32-bit fixed-point
// multipliers where the float model divides, so single roundings can land
// one step apart and propagate), with the same top-1 class.
func TestInt8MatchesFakeQuant(t *testing.T) {
	for _, preset := range Presets {
		t.Run(preset, func(t *testing.T) {
			m, err := Preset(preset, []int{1, 28, 28}, 10, 7)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(11, 12))
			x := train.NewTensor(16, 1, 28, 28)
			for i := range x.Data {
				x.Data[i] = float32(r.NormFloat64())
			}
			// A few training steps' worth of batch-norm statistics.
			for range 3 {
				if _, err := m.Forward(x, true); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Fold(m)
			if err != nil {
				t.Fatal(err)
			}
			q, qs, err := PrepareQAT(f)
			if err != nil {
				t.Fatal(err)
			}
			SetQuantizing(qs, false, true)
			if _, err := q.Forward(x, true); err != nil {
				t.Fatal(err)
			}
			SetQuantizing(qs, true, false)
			logits, err := q.Forward(x, false)
			if err != nil {
				t.Fatal(err)
			}
			fm, err := Int8(q, qs, nil)
			if err != nil {
				t.Fatal(err)
			}
			rm, err := runtime.LoadModel(fm)
			if err != nil {
				t.Fatal(err)
			}
			defer rm.Close()
			it, err := rm.NewInterpreter(runtime.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer it.Close()
			outScale := qs[len(qs)-1].FQ.Scale()
			var out []float32
			agree := 0
			for s := range 16 {
				if err := it.SetInputFloat32(0, x.Data[s*784:(s+1)*784], format.NCHW); err != nil {
					t.Fatal(err)
				}
				if err := it.Run(); err != nil {
					t.Fatal(err)
				}
				if out, err = it.OutputFloat32(0, out[:0], format.NCHW); err != nil {
					t.Fatal(err)
				}
				want := logits.Data[s*10 : (s+1)*10]
				for k := range out {
					if d := math.Abs(float64(out[k] - want[k])); d > 2.01*float64(outScale) {
						t.Errorf("sample %d logit %d: int8 %v, fake-quant %v (%.1f steps)", s, k, out[k], want[k], d/float64(outScale))
					}
				}
				if argmaxF(out) == argmaxF(want) {
					agree++
				}
			}
			if agree < 15 {
				t.Errorf("top-1 agrees on %d of 16 samples", agree)
			}
		})
	}
}

func argmaxF(z []float32) int {
	b := 0
	for i, v := range z {
		if v > z[b] {
			b = i
		}
	}
	return b
}
