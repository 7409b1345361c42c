package testmodels

import (
	"fmt"
	"math"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// Run runs m with the runtime on every sample (samples[s][i] is graph
// input i, in the model's layout) and returns outputs[s][k], output k of
// sample s as real values in the model's layout.
func Run(m *format.Model, samples [][][]float32, opts runtime.Options) ([][][]float32, error) {
	rm, err := runtime.LoadModel(m)
	if err != nil {
		return nil, err
	}
	defer rm.Close()
	it, err := rm.NewInterpreter(opts)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	outputs := make([][][]float32, len(samples))
	for s, sample := range samples {
		if len(sample) != it.InputCount() {
			return nil, fmt.Errorf("sample %d has %d inputs, the model %d", s, len(sample), it.InputCount())
		}
		for i, x := range sample {
			if err := it.SetInputFloat32(i, x, format.NHWC); err != nil {
				return nil, fmt.Errorf("sample %d: %w", s, err)
			}
		}
		if err := it.Run(); err != nil {
			return nil, fmt.Errorf("sample %d: %w", s, err)
		}
		outputs[s] = make([][]float32, it.OutputCount())
		for k := range outputs[s] {
			if outputs[s][k], err = it.OutputFloat32(k, nil, format.NHWC); err != nil {
				return nil, fmt.Errorf("sample %d: %w", s, err)
			}
		}
	}
	return outputs, nil
}

// SQNR is the signal-to-quantization-noise ratio of got against the
// reference ref, in dB: 10*log10(sum(ref²) / sum((ref-got)²)), summed in
// float64. It is +Inf when got equals ref and NaN when the lengths differ
// or ref is all zeros while got is not.
func SQNR(ref, got []float32) float64 {
	if len(ref) != len(got) {
		return math.NaN()
	}
	var signal, noise float64
	for i, r := range ref {
		d := float64(r) - float64(got[i])
		signal += float64(r) * float64(r)
		noise += d * d
	}
	switch {
	case noise == 0:
		return math.Inf(1)
	case signal == 0:
		return math.NaN()
	}
	return 10 * math.Log10(signal/noise)
}
