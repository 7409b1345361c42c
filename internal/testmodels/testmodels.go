// Package testmodels is the deterministic model suite the runtime, kernel
// and CLI tests run: small CNNs of the common families (LeNet, AlexNet,
// VGG, ResNet, Inception, MobileNet v2/v3, ShuffleNet, DenseNet,
// SqueezeNet) plus an op zoo, together covering every operator of the
// format. Weights are seeded random numbers (He-uniform), so every build is
// bit-identical; each model comes as a float32 model and as an int8 model
// calibrated (min/max) on samples disjoint from its evaluation inputs.
package testmodels

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
)

// Sample counts: enough calibration samples that the min/max ranges cover
// the evaluation samples' typical values, few enough that calibrating the
// whole suite with the reference kernels takes well under a second.
const (
	calibrationSamples = 8
	evaluationSamples  = 4
)

// producer names this package in the models' metadata.
const producer = "edgeinfer/internal/testmodels"

// Case is one model of the suite.
type Case struct {
	Name        string
	Description string

	// Inputs are the evaluation samples: Inputs[s][i] is graph input i of
	// sample s, flat in the model's layout (NHWC for images).
	Inputs [][][]float32
	// CalibrationInputs are the samples Int8 calibrates on, drawn from the
	// same distribution as Inputs but disjoint from them.
	CalibrationInputs [][][]float32
	// Int8Options is how Int8 emits the model (FloatIO for the op zoo,
	// which exercises QUANTIZE and DEQUANTIZE at the graph boundary).
	Int8Options builder.Int8Options

	def        *definition
	calibrated *calibration
}

// definition is what a model file in this package declares.
type definition struct {
	name, description string
	seed              uint64
	int8              builder.Int8Options
	build             func(n *net)
}

// calibration memoizes the calibrated builder of a Case: emitting from it
// gives a fresh model on every call, so callers may modify what they get.
type calibration struct {
	once sync.Once
	b    *builder.Builder
	err  error
}

// classLabels name the 10 classes of the classifier outputs.
var classLabels = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// definitions lists the suite in a fixed order.
var definitions = []*definition{
	lenet5, alexnet, vgg, resnet, inception, mobilenetV2, mobilenetV3,
	shufflenet, densenet, squeezenet, opZoo,
}

// All returns the suite. Each call builds the graphs once to learn the
// input shapes and draws the (deterministic) samples.
func All() []Case {
	cases := make([]Case, 0, len(definitions))
	for _, d := range definitions {
		c, err := d.newCase()
		if err != nil {
			// The definitions are fixed code: an error here is a bug in
			// this package that every test using the suite must see.
			panic(err)
		}
		cases = append(cases, c)
	}
	return cases
}

// Lookup returns the case with the given name.
func Lookup(name string) (Case, bool) {
	for _, d := range definitions {
		if d.name == name {
			c, err := d.newCase()
			if err != nil {
				panic(err)
			}
			return c, true
		}
	}
	return Case{}, false
}

func (d *definition) newCase() (Case, error) {
	b, err := d.graph()
	if err != nil {
		return Case{}, err
	}
	c := Case{
		Name: d.name, Description: d.description, Int8Options: d.int8,
		def: d, calibrated: new(calibration),
	}
	c.Inputs = samples(b, d.seed, 1, evaluationSamples)
	c.CalibrationInputs = samples(b, d.seed, 2, calibrationSamples)
	return c, nil
}

func (d *definition) graph() (*builder.Builder, error) {
	n := newNet(d.seed)
	d.build(n)
	if err := n.Err(); err != nil {
		return nil, fmt.Errorf("testmodels: %s: %w", d.name, err)
	}
	n.SetDescription(d.description)
	n.SetProducer(format.Producer{Name: producer})
	if out := n.Outputs()[0]; slices.Equal(n.Shape(out), []int{1, len(classLabels)}) {
		n.SetLabels(classLabels)
	}
	return n.Builder, nil
}

// samples draws count samples for b's inputs, uniform in [-1, 1) (the
// range of a normalized image), from the PCG stream (seed, stream).
func samples(b *builder.Builder, seed, stream uint64, count int) [][][]float32 {
	rng := rand.New(rand.NewPCG(seed, stream))
	out := make([][][]float32, count)
	for s := range out {
		for _, in := range b.Inputs() {
			n := 1
			for _, d := range b.Shape(in) {
				n *= d
			}
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(2*rng.Float64() - 1)
			}
			out[s] = append(out[s], x)
		}
	}
	return out
}

// Graph returns a new builder holding the case's graph, uncalibrated.
func (c Case) Graph() (*builder.Builder, error) { return c.def.graph() }

// Float32 builds the float32 model.
func (c Case) Float32() (*format.Model, error) {
	b, err := c.def.graph()
	if err != nil {
		return nil, err
	}
	return b.Float32Model()
}

// Int8 builds the int8 model, calibrated with min/max ranges measured by
// running the float32 model (runtime reference kernels) on
// CalibrationInputs. Calibration runs once per Case value family; every
// call returns a new model.
func (c Case) Int8() (*format.Model, error) {
	cal := c.calibrated
	cal.once.Do(func() {
		b, err := c.def.graph()
		if err == nil {
			err = Calibrate(b, c.CalibrationInputs)
		}
		if err == nil {
			b.SetProducer(format.Producer{
				Name: producer,
				Calibration: &format.Calibration{
					Method: "minmax", Samples: len(c.CalibrationInputs),
					Source: "uniform [-1, 1)", Seed: int64(c.def.seed),
				},
			})
		}
		cal.b, cal.err = b, err
	})
	if cal.err != nil {
		return nil, fmt.Errorf("testmodels: %s: calibration: %w", c.Name, cal.err)
	}
	m, err := cal.b.Int8Model(c.Int8Options)
	if err != nil {
		return nil, fmt.Errorf("testmodels: %s: %w", c.Name, err)
	}
	return m, nil
}
