package testmodels

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// Calibrate records min/max ranges for every activation of b: it runs b's
// calibration model (the float32 graph with every op result as an output)
// with the runtime's float32 kernels on each sample and observes what
// comes out. samples[s][i] is graph input i of sample s in the model's
// layout.
//
// It lives here rather than in builder because the runtime's tests import
// builder; runtime tests that use this package must be external
// (package runtime_test) to avoid an import cycle.
func Calibrate(b *builder.Builder, samples [][][]float32) error {
	cm, observed, err := b.CalibrationModel()
	if err != nil {
		return err
	}
	outputs, err := Run(cm, samples, runtime.Options{Threads: 1})
	if err != nil {
		return fmt.Errorf("calibration model: %w", err)
	}
	inputs := b.Inputs()
	for s, sample := range samples {
		for i, x := range sample {
			b.Observe(inputs[i], x)
		}
		for k, t := range observed {
			b.Observe(t, outputs[s][k])
		}
	}
	return b.Err()
}
