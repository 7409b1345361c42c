package testmodels

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// Calibrate records min/max ranges for every activation of b: it runs b's
// calibration model (the float32 graph with every op result as an output)
// with the runtime on each sample and observes what comes out. samples[s][i]
// is graph input i of sample s in the model's layout.
//
// It lives here rather than in builder because the runtime's tests import
// builder; runtime tests that use this package must be external
// (package runtime_test) to avoid an import cycle.
func Calibrate(b *builder.Builder, samples [][][]float32) error {
	cm, observed, err := b.CalibrationModel()
	if err != nil {
		return err
	}
	rm, err := runtime.LoadModel(cm)
	if err != nil {
		return err
	}
	defer rm.Close()
	it, err := rm.NewInterpreter(runtime.Options{Threads: 1})
	if err != nil {
		return err
	}
	defer it.Close()
	inputs := b.Inputs()
	var out []float32
	for s, sample := range samples {
		if len(sample) != len(inputs) {
			return fmt.Errorf("sample %d has %d inputs, the graph %d", s, len(sample), len(inputs))
		}
		for i, x := range sample {
			if err := it.SetInputFloat32(i, x, format.NHWC); err != nil {
				return fmt.Errorf("sample %d: %w", s, err)
			}
			b.Observe(inputs[i], x)
		}
		if err := it.Run(); err != nil {
			return fmt.Errorf("sample %d: %w", s, err)
		}
		for k, t := range observed {
			if out, err = it.OutputFloat32(k, out, format.NHWC); err != nil {
				return fmt.Errorf("sample %d: %w", s, err)
			}
			b.Observe(t, out)
		}
	}
	return b.Err()
}
