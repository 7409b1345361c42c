// Package convert turns a trained float ONNX model into an edgeinfer
// model: import (convert/onnx), graph optimization (convert/passes),
// lowering to NHWC with the model format's ops (convert/lower), and for an
// int8 model, calibration, bias correction and a quality report
// (convert/quantize, convert/calib).
//
//	res, err := convert.Convert("model.onnx", convert.Options{
//		Calib:         "images:calib/",
//		Preprocessing: &format.Preprocessing{Scale: 1.0 / 255, Fit: format.FitCenterCrop},
//		Quantize:      quantize.Options{Method: "percentile", BiasCorrection: true},
//	})
//	err = format.WriteFile("model.einf", res.Model)
package convert

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/passes"
	"github.com/edgeinfer/edgeinfer/convert/qdq"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
)

// ProducerName is recorded in every converted model's metadata.
const ProducerName = "edgeinfer-convert"

// Options configures Convert.
type Options struct {
	// InputShapes fixes dynamic input dims by input name (see
	// onnx.Options.InputShapes).
	InputShapes map[string][]int
	// Float emits a float32 model; no calibration is needed.
	Float bool
	// Calib is the calibration source for an int8 model (calib.Open).
	Calib string
	// Quantization settings; Quantize.Progress reports progress.
	Quantize quantize.Options
	// Preprocessing says how 8-bit images become the input: it drives
	// idx: and images: calibration sources and is recorded in the model
	// (Width, Height and Channels are filled in from the input) so that
	// `edgeinfer run IMAGE` prepares images the same way. Nil records
	// none (a raw: source, or a model that does not take images).
	Preprocessing *format.Preprocessing
	// Labels are the class names of the first output.
	Labels []string
	// Description is recorded in the metadata.
	Description string
}

// Result is a converted model.
type Result struct {
	Model  *format.Model
	Report *quantize.Report // nil for a float32 model
	// Graph is the optimized float graph the model was lowered from.
	Graph *graph.Graph
	// Int8 is the quantization of an int8 model (nil for float32): what
	// qdq.Export writes into an ONNX QDQ model.
	Int8 *quantize.Result
}

// Convert converts the ONNX model at path. Errors about unsupported
// operators, attributes or types, from the importer or the lowering, are
// an *UnsupportedError listing every offending node.
func Convert(path string, opts Options) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	g, err := onnx.Load(path, onnx.Options{InputShapes: opts.InputShapes})
	if err != nil {
		var ue *onnx.UnsupportedError
		if errors.As(err, &ue) {
			return nil, fromImport(path, ue)
		}
		return nil, err
	}
	// A pre-quantized (QDQ) model brings its own activation quantization.
	var pins *qdq.Quantization
	if qdq.Has(g) {
		if opts.Float {
			return nil, fmt.Errorf("%s: a quantized (QDQ) model converts to int8, not float32", path)
		}
		if pins, err = qdq.Strip(g); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := passes.Optimize(g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkLabels(g, opts.Labels); err != nil {
		return nil, err
	}
	producer := format.Producer{
		Name: ProducerName, Version: version(),
		SourceModel: filepath.Base(path), SourceModelSHA256: hex.EncodeToString(sum[:]),
	}
	prep, err := preprocessing(g, opts.Preprocessing)
	if err != nil {
		return nil, err
	}
	meta := func(b *builder.Builder) {
		if opts.Description != "" {
			b.SetDescription(opts.Description)
		}
		if len(opts.Labels) > 0 {
			b.SetLabels(opts.Labels)
		}
		if prep != nil {
			b.SetPreprocessing(*prep)
		}
		b.SetProducer(producer)
	}
	if opts.Float {
		res, err := lower.Lower(g, lower.Options{})
		if err != nil {
			return nil, fromLower(path, err)
		}
		meta(res.Builder)
		m, err := res.Builder.Float32Model()
		if err != nil {
			return nil, err
		}
		return &Result{Model: m, Graph: g}, nil
	}
	if opts.Calib == "" && pins == nil {
		return nil, errors.New("an int8 model needs a calibration source (raw:FILE, idx:PATH or images:DIR), or ask for a float32 model")
	}
	// The lowering must succeed before calibration spends time on it.
	if _, err := lower.Lower(g, lower.Options{}); err != nil {
		return nil, fromLower(path, err)
	}
	q := opts.Quantize
	if q.Method == "" {
		q.Method = "minmax"
	}
	if pins != nil {
		// The QDQ model's biases go with its weights as they are.
		q.Pinned, q.PinnedWeights, q.BiasCorrection = pins.Activations, pins.Weights, false
	}
	var src calib.Source
	if opts.Calib != "" {
		var inputs []calib.Input
		for _, i := range g.Inputs {
			inputs = append(inputs, calib.Input{Name: g.Tensors[i].Name, Shape: g.Tensors[i].Shape})
		}
		var sp format.Preprocessing
		if prep != nil {
			sp = *prep
		}
		s, err := calib.Open(opts.Calib, inputs, sp)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		if p := s.Preprocessing(); p != nil {
			prep = p // idx: and images: sources complete it
		}
		c := &format.Calibration{Method: q.Method, Samples: s.Len(), Source: s.String()}
		if q.Samples > 0 {
			c.Samples = min(c.Samples, q.Samples)
		}
		if q.Method == "percentile" {
			c.Percentile = float32(q.Percentile)
			if c.Percentile == 0 {
				c.Percentile = calib.DefaultPercentile
			}
		}
		producer.Calibration = c
		src = s
	} else {
		producer.Calibration = &format.Calibration{Method: "qdq", Source: filepath.Base(path)}
	}
	r, err := quantize.Quantize(g, src, q, meta)
	if err != nil {
		return nil, fromLower(path, err)
	}
	return &Result{Model: r.Model, Report: r.Report, Graph: g, Int8: r}, nil
}

// preprocessing completes p with the image size of the graph's single
// NCHW input.
func preprocessing(g *graph.Graph, p *format.Preprocessing) (*format.Preprocessing, error) {
	if p == nil {
		return nil, nil
	}
	if len(g.Inputs) != 1 {
		return nil, fmt.Errorf("image preprocessing applies to a model with one input; this one has %d", len(g.Inputs))
	}
	in := g.Tensors[g.Inputs[0]]
	if len(in.Shape) != 4 || in.Shape[0] != 1 {
		return nil, fmt.Errorf("image preprocessing: input %q has shape %v, not one NCHW image", in.Name, in.Shape)
	}
	c := *p
	c.Mean, c.Std = slices.Clone(p.Mean), slices.Clone(p.Std)
	c.Channels, c.Height, c.Width = in.Shape[1], in.Shape[2], in.Shape[3]
	switch {
	case c.Channels == 1:
		c.ColorOrder = format.Gray
	case c.Channels != 3:
		return nil, fmt.Errorf("image preprocessing: input %q has %d channels; images give 1 (gray) or 3", in.Name, c.Channels)
	case c.ColorOrder == format.Gray:
		return nil, fmt.Errorf("image preprocessing: gray images for the 3-channel input %q", in.Name)
	}
	for _, v := range [][]float32{c.Mean, c.Std} {
		if len(v) != 0 && len(v) != 1 && len(v) != c.Channels {
			return nil, fmt.Errorf("image preprocessing: %d mean or std values for %d channels; give 1 or %d", len(v), c.Channels, c.Channels)
		}
	}
	if slices.Contains(c.Std, 0) {
		return nil, errors.New("image preprocessing: a std of 0")
	}
	return &c, nil
}

func checkLabels(g *graph.Graph, labels []string) error {
	if len(labels) == 0 {
		return nil
	}
	out := g.Tensors[g.Outputs[0]]
	s := out.Shape
	if len(s) == 0 || s[len(s)-1] != len(labels) && !(len(s) == 4 && s[1] == len(labels) && s[2] == 1 && s[3] == 1) {
		return fmt.Errorf("%d labels for output %q of shape %v; want one per class", len(labels), out.Name, s)
	}
	return nil
}

// version is the edgeinfer module version the converter was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
