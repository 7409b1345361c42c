package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
	"github.com/edgeinfer/edgeinfer/format"
)

// convertFixture writes the SmallCNN ONNX model and n raw samples (NCHW
// [1, 1, 28, 28], uniform in [0, 1)) and returns their paths and values.
func convertFixture(t *testing.T, n int) (dir, model, samples string, xs [][]float32) {
	t.Helper()
	dir = t.TempDir()
	model = filepath.Join(dir, "cnn.onnx")
	if err := os.WriteFile(model, onnxtest.SmallCNN(7).Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	var buf bytes.Buffer
	for range n {
		x := make([]float32, 28*28)
		for i := range x {
			x[i] = float32(r.Float64())
		}
		binary.Write(&buf, binary.LittleEndian, x)
		xs = append(xs, x)
	}
	samples = filepath.Join(dir, "samples.f32")
	if err := os.WriteFile(samples, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, model, samples, xs
}

// referenceOutputs runs the ONNX model's float graph on xs.
func referenceOutputs(t *testing.T, model string, xs [][]float32) [][]float32 {
	t.Helper()
	g, err := onnx.Load(model, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	it, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float32
	for _, x := range xs {
		y, err := it.Run(graph.Floats([]int{1, 1, 28, 28}, x))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]float32(nil), y[0].F...))
	}
	return out
}

// runRawOutputs runs `edgeinfer run --input-raw` and reads the outputs.
func runRawOutputs(t *testing.T, model, in string, n int) [][]float32 {
	t.Helper()
	outPath := filepath.Join(t.TempDir(), "out.f32")
	mustRun(t, "run", model, "--input-raw", in, "--output-raw", outPath)
	b, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != n*10*4 {
		t.Fatalf("output file has %d bytes, want %d", len(b), n*10*4)
	}
	var out [][]float32
	for s := range n {
		y := make([]float32, 10)
		for k := range y {
			y[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*(s*10+k):]))
		}
		out = append(out, y)
	}
	return out
}

func sqnrDB(ref, got [][]float32) float64 {
	var s, e float64
	for i := range ref {
		for k := range ref[i] {
			d := float64(got[i][k]) - float64(ref[i][k])
			s += float64(ref[i][k]) * float64(ref[i][k])
			e += d * d
		}
	}
	return 10 * math.Log10(s/e)
}

func TestConvertInt8EndToEnd(t *testing.T) {
	dir, model, samples, xs := convertFixture(t, 24)
	labels := filepath.Join(dir, "labels.txt")
	os.WriteFile(labels, []byte("zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n"), 0o644)
	out := filepath.Join(dir, "cnn.einf")
	report := filepath.Join(dir, "report.json")
	stdout := mustRun(t, "convert", model, "-o", out, "--calib", "raw:"+samples, "--calib-count", "16",
		"--calib-method", "mse", "--report", report, "--labels", labels)
	for _, want := range []string{"tensor", "SQNR dB", "\nimage ", "\nprob ", "output prob: SQNR", "16 calibration samples (mse, raw:" + samples + ")", "wrote " + out + ": int8, 7 ops"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	// The model runs through the CLI on the ONNX layout and matches the
	// float graph, on the 8 samples calibration did not see too.
	got := runRawOutputs(t, out, samples, len(xs))
	want := referenceOutputs(t, model, xs)
	db := sqnrDB(want[16:], got[16:])
	t.Logf("held-out output SQNR %.1f dB", db)
	if db < 34 { // measured 37.6 dB
		t.Errorf("int8 model through run --input-raw: SQNR %.1f dB against the ONNX graph", db)
	}

	var rep struct {
		Method  string `json:"method"`
		Samples int    `json:"samples"`
		Tensors []struct {
			Name string   `json:"name"`
			Op   string   `json:"op"`
			SQNR *float64 `json:"sqnr_db"`
		} `json:"tensors"`
		OutputSQNR    float64 `json:"output_sqnr_db"`
		Top1Agreement float64 `json:"top1_agreement"`
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Method != "mse" || rep.Samples != 16 || len(rep.Tensors) < 7 || rep.Tensors[0].Name != "image" || rep.OutputSQNR < 30 || rep.Top1Agreement < 0.5 {
		t.Errorf("report %+v", rep)
	}

	var info struct {
		Labels   []string `json:"labels"`
		Producer struct {
			Name        string `json:"name"`
			SourceModel string `json:"source_model"`
			Calibration struct {
				Method  string `json:"method"`
				Samples int    `json:"samples"`
			} `json:"calibration"`
		} `json:"producer"`
		QuantReport struct {
			Samples int `json:"samples"`
		} `json:"quant_report"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "inspect", out, "--json")), &info); err != nil {
		t.Fatal(err)
	}
	if len(info.Labels) != 10 || info.Labels[9] != "nine" || info.Producer.Name != "edgeinfer-convert" || info.Producer.SourceModel != "cnn.onnx" ||
		info.Producer.Calibration.Method != "mse" || info.Producer.Calibration.Samples != 16 || info.QuantReport.Samples != 16 {
		t.Errorf("inspect: %+v", info)
	}
}

func TestConvertFloatEndToEnd(t *testing.T) {
	dir, model, samples, xs := convertFixture(t, 3)
	out := filepath.Join(dir, "cnn_f32.einf")
	stdout := mustRun(t, "convert", model, "-o", out, "--float")
	if !strings.HasPrefix(stdout, "wrote "+out+": float32, 7 ops") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("stdout %q", stdout)
	}
	if db := sqnrDB(referenceOutputs(t, model, xs), runRawOutputs(t, out, samples, 3)); db < 100 {
		t.Errorf("float32 model: SQNR %.1f dB, want float32 rounding", db)
	}
}

// An IDX calibration set of 8-bit images records the preprocessing, so
// the converted model classifies PNG files with `run`.
func TestConvertIDXAndRunImage(t *testing.T) {
	dir, model, _, _ := convertFixture(t, 1)
	r := rand.New(rand.NewPCG(9, 9))
	pixels := make([]byte, 20*28*28)
	for i := range pixels {
		pixels[i] = byte(r.IntN(256))
	}
	var idx bytes.Buffer
	if err := calib.WriteIDX(&idx, 20, []int{28, 28}, pixels); err != nil {
		t.Fatal(err)
	}
	idxPath := filepath.Join(dir, "images.idx")
	os.WriteFile(idxPath, idx.Bytes(), 0o644)
	out := filepath.Join(dir, "cnn.einf")
	mustRun(t, "convert", model, "-o", out, "--calib", "idx:"+idxPath, "--mean", "0.5", "--std", "0.25", "--quiet")
	fm, err := format.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	p := fm.Model.Metadata.Preprocessing
	fm.Close()
	if p == nil || p.ColorOrder != format.Gray || p.Width != 28 || p.Height != 28 || p.Mean[0] != 0.5 || p.Std[0] != 0.25 || p.Scale != float32(1.0/255) {
		t.Fatalf("preprocessing %+v", p)
	}
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	for i := range img.Pix {
		img.Pix[i] = pixels[i]
	}
	pngPath := filepath.Join(dir, "digit.png")
	f, _ := os.Create(pngPath)
	png.Encode(f, img)
	f.Close()
	if stdout := mustRun(t, "run", out, pngPath, "--top", "3"); !strings.Contains(stdout, "digit.png") {
		t.Errorf("run IMAGE: %q", stdout)
	}
}

func TestConvertBadInput(t *testing.T) {
	dir, model, samples, _ := convertFixture(t, 4)
	unsupported := onnxtest.SmallCNN(1)
	unsupported.Graph.Nodes[2].Op = "Selu"
	unsupported.Graph.Nodes[5].Op = "Mish"
	unsupportedPath := filepath.Join(dir, "unsupported.onnx")
	os.WriteFile(unsupportedPath, unsupported.Marshal(), 0o644)
	good, _ := os.ReadFile(model)
	truncated := filepath.Join(dir, "truncated.onnx")
	os.WriteFile(truncated, good[:len(good)-100], 0o644)
	// An initializer whose external data file lies beside the model's
	// folder, not in it.
	escape := onnxtest.SmallCNN(1)
	os.WriteFile(filepath.Join(filepath.Dir(dir), "w2.bin"), make([]byte, 4*16*8*9), 0o644)
	for i, init := range escape.Graph.Inits {
		if init.Name == "w2" {
			escape.Graph.Inits[i] = onnxtest.Tensor{Name: "w2", Dims: init.Dims, DataType: onnxtest.Float,
				External: []onnxtest.KV{{Key: "location", Value: "../w2.bin"}}}
		}
	}
	escapePath := filepath.Join(dir, "escape.onnx")
	os.WriteFile(escapePath, escape.Marshal(), 0o644)
	out := filepath.Join(dir, "out.einf")
	qdqOut := filepath.Join(dir, "out.qdq.onnx")
	calibFlag := "raw:" + samples

	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{unsupportedPath, "-o", out, "--float"}, exitFailure, []string{`node 2 "relu1": Selu (opset 13): unsupported operator`, `node 5 "relu6": Mish (opset 13)`, "2 unsupported features", "supported ONNX operators", "Conv,", "Relu,"}},
		{[]string{unsupportedPath, "-o", out, "--calib", calibFlag, "--export-qdq", qdqOut}, exitFailure, []string{`"relu1": Selu`, `"relu6": Mish`}},
		{[]string{truncated, "-o", out, "--float"}, exitFailure, []string{"truncated.onnx", "not a complete ONNX model (truncated or corrupt", "unexpected EOF"}},
		{[]string{escapePath, "-o", out, "--calib", calibFlag, "--export-qdq", qdqOut}, exitFailure, []string{"escape.onnx", `"w2"`, "../w2.bin", "leaves the model's folder"}},
		{[]string{model, "-o", out, "--calib", calibFlag, "--export-qdq", filepath.Join(dir, "missing", "q.onnx")}, exitFailure, []string{"directory " + filepath.Join(dir, "missing") + " does not exist"}},
		{[]string{filepath.Join(dir, "absent.onnx"), "-o", out, "--float"}, exitFailure, []string{"absent.onnx", "no such file"}},
		{[]string{model, "-o", filepath.Join(dir, "missing", "out.einf"), "--calib", calibFlag}, exitFailure, []string{"directory " + filepath.Join(dir, "missing") + " does not exist"}},
		{[]string{model, "-o", out, "--calib", "raw:" + model}, exitFailure, []string{"not a positive multiple of one sample"}},
		{[]string{model, "-o", out, "--calib", calibFlag, "--keep-float", "conv9"}, exitFailure, []string{`no layer named ["conv9"]`}},
		{[]string{model, "-o", out}, exitFailure, []string{"needs a calibration source"}},
		{[]string{model, "-o", out, "--float", "--export-qdq", qdqOut}, exitUsage, []string{"--export-qdq"}},
		{[]string{model, "--float"}, exitUsage, []string{"missing -o"}},
		{[]string{"-o", out, "--float"}, exitUsage, []string{"want one MODEL.onnx operand"}},
		{[]string{model, "-o", out, "--calib", calibFlag, "--calib-method", "kl"}, exitUsage, []string{`--calib-method "kl"`}},
		{[]string{model, "-o", out, "--calib", calibFlag, "--fit", "stretch"}, exitUsage, []string{`--fit "stretch"`}},
		{[]string{model, "-o", out, "--float", "--input-shape", "image"}, exitUsage, []string{"want name=d0,d1"}},
	} {
		stdout, stderr, code := invoke(append([]string{"convert"}, tc.args...)...)
		checkFailure(t, stdout, stderr, code, tc.code, "edgeinfer: convert: ", tc.want...)
		t.Logf("exit %d: %s", code, stderr)
	}
	// The folder holds what the test wrote, nothing else: no output, no
	// temporary file, no created directory.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"cnn.onnx", "escape.onnx", "samples.f32", "truncated.onnx", "unsupported.onnx"}; !slices.Equal(names, want) {
		t.Errorf("after the failed conversions the folder holds %v, want %v", names, want)
	}
}

// The progress bar redraws in place and ends each stage's line.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := &progressBar{w: &b}
	for i := 1; i <= 4; i++ {
		p.update("calibrating", i, 4)
	}
	p.update("measuring", 2, 4)
	want := "\rcalibrating  [#######.......................] 1/4" +
		"\rcalibrating  [###############...............] 2/4" +
		"\rcalibrating  [######################........] 3/4" +
		"\rcalibrating  [##############################] 4/4\n" +
		"\rmeasuring    [###############...............] 2/4"
	if b.String() != want {
		t.Errorf("progress output\n%q\nwant\n%q", b.String(), want)
	}
}

// TestConvertRunRawNCHW: a model whose input and output are both images
// (input [1, 3, 6, 5], output [1, 4, 6, 5], every dim different so that a
// layout mix-up shows) converts to float32 and int8 and runs through `run
// --input-raw/--output-raw` in the ONNX (NCHW) layout: the float32 model
// matches the reference interpreter to float rounding, and the int8 model
// matches the reference interpreter running the QDQ model `--export-qdq`
// wrote (same quantization, ONNX semantics) to within one output level.
func TestConvertRunRawNCHW(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(11, 12))
	w := make([]float32, 4*3*3*3)
	for i := range w {
		w[i] = float32(r.NormFloat64() * 0.3)
	}
	m := &onnxtest.Model{
		IRVersion: 8, Opsets: []onnxtest.Opset{{Version: 13}},
		Graph: onnxtest.Graph{
			Name: "nchw",
			Nodes: []onnxtest.Node{
				{Op: "Conv", Name: "conv", In: []string{"x", "w", "b"}, Out: []string{"c"}, Attrs: []onnxtest.Attr{onnxtest.AttrInts("pads", 1, 1, 1, 1)}},
				{Op: "Relu", Name: "relu", In: []string{"c"}, Out: []string{"y"}},
			},
			Inits:   []onnxtest.Tensor{onnxtest.RawFloats("w", []int64{4, 3, 3, 3}, w...), onnxtest.RawFloats("b", []int64{4}, 0.1, -0.2, 0.3, 0)},
			Inputs:  []onnxtest.ValueInfo{onnxtest.VI("x", 1, 3, 6, 5)},
			Outputs: []onnxtest.ValueInfo{onnxtest.VI("y", 1, 4, 6, 5)},
		},
	}
	model := filepath.Join(dir, "nchw.onnx")
	os.WriteFile(model, m.Marshal(), 0o644)
	const n, in, out = 12, 3 * 6 * 5, 4 * 6 * 5
	var buf bytes.Buffer
	xs := make([][]float32, n)
	for s := range xs {
		xs[s] = make([]float32, in)
		for i := range xs[s] {
			xs[s][i] = float32(r.NormFloat64())
		}
		binary.Write(&buf, binary.LittleEndian, xs[s])
	}
	samples := filepath.Join(dir, "x.f32")
	os.WriteFile(samples, buf.Bytes(), 0o644)

	// reference runs the ONNX file at path with the reference interpreter.
	reference := func(path string) [][]float32 {
		g, err := onnx.Load(path, onnx.Options{})
		if err != nil {
			t.Fatal(err)
		}
		it, err := refeval.New(g)
		if err != nil {
			t.Fatal(err)
		}
		var ys [][]float32
		for _, x := range xs {
			y, err := it.Run(graph.Floats([]int{1, 3, 6, 5}, x))
			if err != nil {
				t.Fatal(err)
			}
			ys = append(ys, append([]float32(nil), y[0].F...))
		}
		return ys
	}
	run := func(einf string) [][]float32 {
		o := filepath.Join(t.TempDir(), "y.f32")
		mustRun(t, "run", einf, "--input-raw", samples, "--output-raw", o)
		b, _ := os.ReadFile(o)
		if len(b) != 4*n*out {
			t.Fatalf("%s: %d output bytes, want %d", einf, len(b), 4*n*out)
		}
		ys := make([][]float32, n)
		for s := range ys {
			ys[s] = make([]float32, out)
			for k := range ys[s] {
				ys[s][k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*(s*out+k):]))
			}
		}
		return ys
	}
	float := reference(model)

	f32 := filepath.Join(dir, "f32.einf")
	mustRun(t, "convert", model, "-o", f32, "--float")
	if db := sqnrDB(float, run(f32)); db < 100 {
		t.Errorf("float32 model through run --output-raw: SQNR %.1f dB against the reference, want float32 rounding (>= 100)", db)
	}

	i8, qdqPath := filepath.Join(dir, "i8.einf"), filepath.Join(dir, "i8.qdq.onnx")
	mustRun(t, "convert", model, "-o", i8, "--calib", "raw:"+samples, "--export-qdq", qdqPath, "--quiet")
	got := run(i8)
	qdqRef := reference(qdqPath)
	var info struct {
		Outputs []struct {
			Quant struct {
				Scale []float64 `json:"scale"`
			} `json:"quant"`
		} `json:"outputs"`
	}
	json.Unmarshal([]byte(mustRun(t, "inspect", i8, "--json")), &info)
	scale := 0.0
	if len(info.Outputs) == 1 && len(info.Outputs[0].Quant.Scale) == 1 {
		scale = info.Outputs[0].Quant.Scale[0]
	}
	if scale == 0 {
		t.Fatalf("no output scale in inspect --json")
	}
	same, total := 0, 0
	for s := range got {
		for k := range got[s] {
			d := math.Abs(float64(got[s][k])-float64(qdqRef[s][k])) / scale
			if d > 1.001 {
				t.Fatalf("sample %d element %d: int8 model %v, QDQ reference %v: %.2f levels apart", s, k, got[s][k], qdqRef[s][k], d)
			}
			if d < 0.001 {
				same++
			}
			total++
		}
	}
	t.Logf("int8 vs QDQ reference: %d/%d outputs equal; vs float: %.1f dB", same, total, sqnrDB(float, got))
	if same < total*95/100 {
		t.Errorf("int8 vs QDQ reference: only %d/%d outputs equal", same, total)
	}
}

// A pre-quantized (QDQ) model converts without calibration data: the CLI
// round trip through --export-qdq gives the int8 model's quantization
// back, and the summary says int8 without a report.
func TestConvertQDQWithoutCalibration(t *testing.T) {
	dir, model, samples, _ := convertFixture(t, 8)
	out, qdqPath, back := filepath.Join(dir, "a.einf"), filepath.Join(dir, "a.qdq.onnx"), filepath.Join(dir, "b.einf")
	mustRun(t, "convert", model, "-o", out, "--calib", "raw:"+samples, "--export-qdq", qdqPath, "--quiet")
	stdout := mustRun(t, "convert", qdqPath, "-o", back)
	if !strings.HasPrefix(stdout, "wrote "+back+": int8, 7 ops") || strings.Contains(stdout, "SQNR") {
		t.Errorf("summary %q", stdout)
	}
	type io struct {
		Name  string `json:"name"`
		Quant struct {
			Scale     []float64 `json:"scale"`
			ZeroPoint []int     `json:"zero_point"`
		} `json:"quant"`
	}
	var a, b struct {
		Inputs, Outputs []io
	}
	json.Unmarshal([]byte(mustRun(t, "inspect", out, "--json")), &a)
	json.Unmarshal([]byte(mustRun(t, "inspect", back, "--json")), &b)
	if len(a.Inputs) != 1 || len(b.Inputs) != 1 || fmt.Sprint(a.Inputs, a.Outputs) != fmt.Sprint(b.Inputs, b.Outputs) {
		t.Errorf("I/O quantization %+v %+v, after the QDQ round trip %+v %+v", a.Inputs, a.Outputs, b.Inputs, b.Outputs)
	}
}
