package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/qdq"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
)

const convertSynopsis = `edgeinfer convert MODEL.onnx -o OUT.einf --calib SRC [--calib-count N] [--calib-method M]
    [--keep-float auto|LAYER,...] [--report FILE] [--export-qdq OUT.onnx] [--labels FILE]
    [--input-shape NAME=D,D,...]...
    [--mean M,...] [--std S,...] [--scale S] [--color rgb|bgr|gray] [--fit squash|crop|letterbox]
edgeinfer convert MODEL.onnx -o OUT.einf --float [--labels FILE] [--input-shape NAME=D,D,...]...`

const convertDetails = `Converts a trained float ONNX model (default-domain opsets 6 to 21) into an
int8 model, or with --float a float32 one. Image inputs are stored NHWC; the
model records that its first input (and 4-D outputs) came as NCHW, so
'edgeinfer run --input-raw' takes the ONNX layout.

An int8 model needs calibration data, the source named by --calib:
  raw:FILE     float32 little-endian tensors back to back, in the ONNX input
               layout and shape (all inputs of a sample in order)
  idx:PATH     an IDX file (MNIST style, may be gzipped) of 8-bit images
  images:DIR   the .jpg/.jpeg/.png files of a folder, in name order
The first --calib-count samples are used. Images become input values as
x = (pixel*scale - mean[c]) / std[c], after fitting them to the input size
(images:) and ordering their channels (--color); these settings are stored
in the model so that 'edgeinfer run IMAGE' prepares images the same way.

--calib-method chooses how each activation's range is measured: minmax (the
observed extremes), percentile (--percentile), entropy (least KL
divergence, TensorRT's method), mse (least squared quantization error) or
auto (calibrates once, emits the model with each of those four and keeps the
one whose output SQNR on the report's samples is best).
Biases are corrected for the mean error of weight rounding unless
--bias-correction=false. --keep-float runs the named layers (layers are
named after their output tensors, as the report lists them) in float32;
'auto' adds up to 3 layers with the largest SQNR loss while the output's
SQNR is under 30 dB.

The report compares every tensor of the int8 model with the float graph on
the first --report-samples calibration samples (SQNR in dB, and the loss each
op adds; measuring runs both models again, so it is capped), then the
outputs' SQNR and the first output's top-1 agreement. It is printed as a
table (unless --quiet), written as JSON by --report FILE, and summarized in
the model's metadata. Progress goes to stderr when it is a terminal.

--export-qdq writes the optimized float graph as an ONNX model in QDQ form
carrying exactly the int8 model's quantization: a QuantizeLinear and
DequantizeLinear pair (int8, the model's scale and zero point) on every
tensor the int8 model holds in int8, int8 weights with their per-channel
scales and int32 biases behind DequantizeLinear (opset 17). ONNX Runtime
then runs the same quantization as edgeinfer.

A pre-quantized model, in the QDQ form that ONNX Runtime's quantize_static
and PyTorch's exporter write (QuantizeLinear/DequantizeLinear pairs, int8 or
uint8), converts with its own activation scales and needs no --calib unless
it leaves some tensors unquantized; uint8 activations become int8 with the
zero point lowered by 128, which represents the same values.

OUT is written atomically: complete, or not at all. Every unsupported
operator of the model is listed in one error, with the supported ones.`

func convertMain(cl *cli, args []string) error {
	fs := newVerbFlags("convert", convertSynopsis, convertDetails)
	out := fs.String("o", "", "write the model to `OUT.einf`")
	float := fs.Bool("float", false, "write a float32 model (no calibration)")
	calibSrc := fs.String("calib", "", "calibration `source`: raw:FILE, idx:PATH or images:DIR")
	count := fs.Int("calib-count", 100, "use the first `N` calibration samples")
	reportSamples := fs.Int("report-samples", 32, "measure the report on the first `N` calibration samples (0: all)")
	method := fs.String("calib-method", "minmax", "range `method`: "+strings.Join(calib.Methods, ", "))
	percentile := fs.Float64("percentile", calib.DefaultPercentile, "`P` for --calib-method percentile")
	keepFloat := fs.String("keep-float", "", "run these layers in float32: auto, or `LAYER,...`")
	biasCorr := fs.Bool("bias-correction", true, "correct biases for weight rounding")
	reportPath := fs.String("report", "", "write the quantization report as JSON to `FILE`")
	qdqPath := fs.String("export-qdq", "", "also write the model with its quantization as ONNX QDQ to `OUT.onnx`")
	labelsPath := fs.String("labels", "", "class labels of the first output, one per line, from `FILE`")
	quiet := fs.Bool("quiet", false, "print only the summary line")
	shapes := map[string][]int{}
	fs.Func("input-shape", "fix an input's shape: `NAME=D,D,...` (repeatable)", func(s string) error {
		name, shape, err := onnx.ParseInputShape(s)
		if err != nil {
			return err
		}
		shapes[name] = shape
		return nil
	})
	mean := fs.String("mean", "", "per-channel `means` subtracted from pixel*scale (one, or one per channel)")
	std := fs.String("std", "", "per-channel standard `deviations` dividing it")
	scale := fs.Float64("scale", 1.0/255, "pixel `factor` (1/255 maps 8-bit pixels to [0, 1])")
	color := fs.String("color", "rgb", "channel `order` of image inputs: rgb, bgr or gray")
	fit := fs.String("fit", "crop", "how images fit the input: `squash`, crop (center) or letterbox")
	interp := fs.String("interp", "bilinear", "image resampling: `bilinear` or nearest")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	switch {
	case len(operands) != 1:
		return usagef("want one MODEL.onnx operand, got %d", len(operands))
	case *out == "":
		return usagef("missing -o OUT.einf")
	case *float && *calibSrc != "":
		return usagef("--float needs no --calib")
	case *float && (set["keep-float"] || set["report"] || set["calib-method"] || set["calib-count"] || set["export-qdq"]):
		return usagef("--keep-float, --report, --export-qdq, --calib-method and --calib-count apply to int8 models, not --float")
	case *count < 1:
		return usagef("--calib-count %d: want 1 or more", *count)
	case *reportSamples < 0:
		return usagef("--report-samples %d: want 0 (all) or more", *reportSamples)
	}
	model := operands[0]
	opts := convert.Options{InputShapes: shapes, Float: *float, Calib: *calibSrc}
	opts.Quantize = quantize.Options{Method: *method, Percentile: *percentile, Samples: *count, BiasCorrection: *biasCorr, ReportSamples: *reportSamples}
	if !validMethod(*method) {
		return usagef("--calib-method %q: want one of %s", *method, strings.Join(calib.Methods, ", "))
	}
	for _, name := range strings.Split(*keepFloat, ",") {
		switch name = strings.TrimSpace(name); name {
		case "":
		case "auto":
			opts.Quantize.AutoKeepFloat = true
		default:
			opts.Quantize.KeepFloat = append(opts.Quantize.KeepFloat, name)
		}
	}
	prepFlags := set["mean"] || set["std"] || set["scale"] || set["color"] || set["fit"] || set["interp"]
	if prepFlags || strings.HasPrefix(*calibSrc, "idx:") || strings.HasPrefix(*calibSrc, "images:") {
		p, err := preprocessingFlags(*mean, *std, *scale, *color, *fit, *interp)
		if err != nil {
			return err
		}
		opts.Preprocessing = p
	}
	if *labelsPath != "" {
		if opts.Labels, err = readLabels(*labelsPath); err != nil {
			return err
		}
	}
	// Fail before the slow part when the output cannot be written.
	for _, p := range []string{*out, *reportPath, *qdqPath} {
		if p == "" {
			continue
		}
		if err := checkOutputDir(p); err != nil {
			return err
		}
	}
	if f, ok := cl.stderr.(*os.File); ok && isTerminal(f) {
		bar := &progressBar{w: cl.stderr}
		opts.Quantize.Progress = bar.update
	}

	res, err := convert.Convert(model, opts)
	if err != nil {
		return err
	}
	if *reportPath != "" && res.Report != nil {
		if err := writeAtomically(*reportPath, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(res.Report)
		}); err != nil {
			return err
		}
	}
	if *qdqPath != "" && res.Int8 != nil {
		b, err := qdq.Export(res.Graph, res.Int8, convert.ProducerName)
		if err != nil {
			return err
		}
		if err := writeAtomically(*qdqPath, func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		}); err != nil {
			return err
		}
	}
	if err := format.WriteFile(*out, res.Model); err != nil {
		return err
	}
	if res.Report != nil && !*quiet {
		if err := res.Report.WriteTable(cl.stdout); err != nil {
			return err
		}
	}
	return printSummary(cl.stdout, *out, res)
}

func validMethod(m string) bool {
	for _, x := range calib.Methods {
		if x == m {
			return true
		}
	}
	return false
}

// printSummary prints the line that ends a successful conversion.
func printSummary(w io.Writer, path string, res *convert.Result) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	kind := "float32"
	if res.Int8 != nil {
		kind = "int8"
	}
	fmt.Fprintf(w, "wrote %s: %s, %d ops, %d bytes", path, kind, len(res.Model.Operators), st.Size())
	if r := res.Report; r != nil {
		fmt.Fprintf(w, "; output SQNR %s dB", dbText(float64(r.OutputSQNR)))
		if a := float64(r.Top1Agreement); a == a {
			fmt.Fprintf(w, ", top-1 agreement %.2f%%", 100*a)
		}
		fmt.Fprintf(w, " on %d samples", r.Samples)
		if len(r.KeepFloat) > 0 {
			fmt.Fprintf(w, "; float32 layers: %s", strings.Join(r.KeepFloat, ", "))
		}
	}
	_, err = fmt.Fprintln(w)
	return err
}

func dbText(db float64) string {
	if db > 1e300 {
		return "exact"
	}
	return strconv.FormatFloat(db, 'f', 1, 64)
}

// preprocessingFlags builds the image preprocessing from the flags.
func preprocessingFlags(mean, std string, scale float64, color, fit, interp string) (*format.Preprocessing, error) {
	p := &format.Preprocessing{Scale: float32(scale)}
	var err error
	if p.Mean, err = floatList("--mean", mean); err != nil {
		return nil, err
	}
	if p.Std, err = floatList("--std", std); err != nil {
		return nil, err
	}
	switch strings.ToLower(color) {
	case "rgb":
		p.ColorOrder = format.RGB
	case "bgr":
		p.ColorOrder = format.BGR
	case "gray", "grey":
		p.ColorOrder = format.Gray
	default:
		return nil, usagef("--color %q: want rgb, bgr or gray", color)
	}
	switch fit {
	case "squash":
		p.Fit = format.FitSquash
	case "crop":
		p.Fit = format.FitCenterCrop
	case "letterbox":
		p.Fit = format.FitLetterbox
	default:
		return nil, usagef("--fit %q: want squash, crop or letterbox", fit)
	}
	switch interp {
	case "bilinear":
		p.Interpolation = format.ResizeBilinear
	case "nearest":
		p.Interpolation = format.ResizeNearest
	default:
		return nil, usagef("--interp %q: want bilinear or nearest", interp)
	}
	if !(scale > 0) {
		return nil, usagef("--scale %v: want a positive factor", scale)
	}
	return p, nil
}

func floatList(flagName, s string) ([]float32, error) {
	if s == "" {
		return nil, nil
	}
	var out []float32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil {
			return nil, usagef("%s %q: %q is not a number", flagName, s, f)
		}
		out = append(out, float32(v))
	}
	return out, nil
}

// readLabels reads one label per line (a final newline is optional).
func readLabels(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	if s == "" {
		return nil, fmt.Errorf("%s: no labels", path)
	}
	return strings.Split(s, "\n"), nil
}

// checkOutputDir reports an output path whose directory does not exist.
func checkOutputDir(out string) error {
	dir := filepath.Dir(out)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: directory %s does not exist", out, dir)
	case err != nil:
		return fmt.Errorf("%s: %w", out, err)
	case !st.IsDir():
		return fmt.Errorf("%s: %s is not a directory", out, dir)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "stage [#####.....] done/total" on one line,
// redrawing it in place, and ends the line when a stage completes.
type progressBar struct {
	w     io.Writer
	stage string
	shown int // hashes drawn for the current stage, -1 before any
}

const progressWidth = 30

func (p *progressBar) update(stage string, done, total int) {
	if stage != p.stage {
		p.stage, p.shown = stage, -1
	}
	n := progressWidth * done / total
	if n == p.shown && done != total {
		return
	}
	p.shown = n
	fmt.Fprintf(p.w, "\r%-12s [%s%s] %d/%d", stage, strings.Repeat("#", n), strings.Repeat(".", progressWidth-n), done, total)
	if done == total {
		fmt.Fprintln(p.w)
	}
}
