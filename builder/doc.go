// Package builder builds an edgeinfer graph in Go and emits it as a float32
// model or as an int8 model.
//
// A graph is built once, in float32, with weights in the model file's layouts
// (conv OHWI, fully connected [out][in]); every op infers its output shape
// with the validator's formulas:
//
//	b := builder.New()
//	x := b.Input("image", []int{1, 28, 28, 1}, format.NCHW)
//	y := b.Conv2D("conv1", x, w, bias, builder.Conv{Pad: builder.PadSame(5), Act: builder.ActRelu})
//	y = b.MaxPool("pool1", y, builder.Pool{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}})
//	y = b.FullyConnected("fc", b.Flatten("flatten", y), fcW, fcBias, builder.ActNone)
//	b.Output(b.Softmax("prob", y, -1))
//	fm, err := b.Float32Model()
//
// Ops do not return errors: the first error is kept (naming the op being
// added) and returned by Float32Model, Int8Model or Err, so a graph reads as
// straight-line code. Ops added after an error do nothing. Every emitted
// model also passes format.ValidateModel before it is returned.
//
// # Int8 models
//
// Int8Model emits the same graph with the TFLite int8 rules: weights
// symmetric per output channel (axis 0) in [-127, 127], biases int32 at
// inScale*wScale[c], activations asymmetric per tensor. It needs a real range
// for every activation whose quantization is free: set explicitly with
// SetRange (or exact parameters with SetQuantization), or measured by running
// the float graph:
//
//	cm, observed, err := b.CalibrationModel() // every activation is an output
//	for each sample: run cm; b.Observe(observed[i], output i) and b.Observe(input, sample)
//	qm, err := b.Int8Model(builder.Int8Options{})
//
// The package does not run models itself: the runtime's tests use it
// through internal/testmodels, so it must not import the runtime.
// internal/testmodels.Calibrate runs the calibration model with the runtime.
//
// Quantization that is not free follows TFLite: max/avg pool, reduce max,
// pad, reshape, transpose, slice and resize outputs share their input's
// quantization; concatenation outputs use the union of their inputs' ranges
// and a QUANTIZE (requantize) op is inserted in front of every input whose
// quantization differs; logistic and softmax outputs are (1/256, -128), tanh
// (1/128, 0) and log-softmax (16/256, 127).
//
// Dequantize and Quantize mark a float island inside an int8 model: ops
// between them run on float32 tensors. In the float32 model both are
// identities and emit nothing.
package builder
