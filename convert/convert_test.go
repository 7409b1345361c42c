package convert_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

func writeONNX(t *testing.T, m *onnxtest.Model) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "model.onnx")
	if err := os.WriteFile(p, m.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// images writes n samples of 28x28 "images" (uniform in [0, 1), the
// normalized pixel range) as raw float32.
func images(t *testing.T, n int, seed uint64) (string, [][]float32) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	var buf bytes.Buffer
	var xs [][]float32
	for range n {
		x := make([]float32, 28*28)
		for i := range x {
			x[i] = float32(r.Float64())
		}
		binary.Write(&buf, binary.LittleEndian, x)
		xs = append(xs, x)
	}
	p := filepath.Join(t.TempDir(), "calib.f32")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, xs
}

// compare runs m and the unoptimized imported graph on xs and returns the
// SQNR (dB) of the first output over all of them.
func compare(t *testing.T, path string, m *format.Model, xs [][]float32) float64 {
	t.Helper()
	g, err := onnx.Load(path, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := rm.NewInterpreter(runtime.Options{})
	var s, e float64
	for _, x := range xs {
		if err := it.SetInputFloat32(0, x, m.Metadata.IOLayouts[m.Inputs[0]]); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		got, _ := it.OutputFloat32(0, nil, format.NHWC)
		want, err := ref.Run(graph.Floats([]int{1, 1, 28, 28}, x))
		if err != nil {
			t.Fatal(err)
		}
		for k, w := range want[0].F {
			d := float64(got[k]) - float64(w)
			s += float64(w) * float64(w)
			e += d * d
		}
	}
	return 10 * math.Log10(s/e)
}

func ops(m *format.Model) string {
	var s []string
	for _, op := range m.Operators {
		s = append(s, op.Op.String())
	}
	return strings.Join(s, " ")
}

func TestConvertFloat(t *testing.T) {
	path := writeONNX(t, onnxtest.SmallCNN(1))
	res, err := convert.Convert(path, convert.Options{Float: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ops(res.Model), "CONV_2D MAX_POOL_2D CONV_2D MAX_POOL_2D RESHAPE FULLY_CONNECTED SOFTMAX"; got != want {
		t.Errorf("ops %s, want %s", got, want)
	}
	_, xs := images(t, 4, 2)
	if db := compare(t, path, res.Model, xs); db < 100 {
		t.Errorf("float32 model: SQNR %.1f dB against the ONNX graph, want float32 rounding (>= 100)", db)
	}
	data, _ := os.ReadFile(path)
	sum := sha256.Sum256(data)
	p := res.Model.Metadata.Producer
	if p == nil || p.Name != convert.ProducerName || p.SourceModel != "model.onnx" || p.SourceModelSHA256 != hex.EncodeToString(sum[:]) || p.Calibration != nil {
		t.Errorf("producer %+v", p)
	}
	if l := res.Model.Metadata.IOLayouts[res.Model.Inputs[0]]; l != format.NCHW {
		t.Errorf("input layout %v, want NCHW", l)
	}
}

func TestConvertInt8(t *testing.T) {
	path := writeONNX(t, onnxtest.SmallCNN(1))
	calibPath, xs := images(t, 40, 3)
	labels := strings.Split("t-shirt trouser pullover dress coat sandal shirt sneaker bag boot", " ")
	var progress []string
	res, err := convert.Convert(path, convert.Options{
		Calib:  "raw:" + calibPath,
		Labels: labels,
		Quantize: quantize.Options{Method: "percentile", Samples: 32, BiasCorrection: true, Progress: func(stage string, done, total int) {
			if done == total {
				progress = append(progress, stage)
			}
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	if got, want := ops(m), "CONV_2D MAX_POOL_2D CONV_2D MAX_POOL_2D RESHAPE FULLY_CONNECTED SOFTMAX"; got != want {
		t.Errorf("ops %s, want %s", got, want)
	}
	// Held-out samples (not in the first 32 used for calibration).
	db := compare(t, path, m, xs[32:])
	t.Logf("int8 output SQNR on held-out samples %.1f dB; report %.1f dB on the calibration samples", db, res.Report.OutputSQNR)
	if db < 36 { // measured 39.0 dB
		t.Errorf("int8 model: SQNR %.1f dB against the ONNX graph", db)
	}
	c := m.Metadata.Producer.Calibration
	if c == nil || c.Method != "percentile" || c.Samples != 32 || c.Percentile != 99.99 || c.Source != "raw:"+calibPath {
		t.Errorf("calibration metadata %+v", c)
	}
	if len(m.Metadata.Labels) != 10 || m.Metadata.QuantReport == nil || m.Metadata.QuantReport.Samples != 32 {
		t.Errorf("metadata %+v", m.Metadata)
	}
	if strings.Join(progress, ",") != "calibrating,measuring" {
		t.Errorf("progress stages %v", progress)
	}
	// The model survives the file format.
	out := filepath.Join(t.TempDir(), "model.einf")
	if err := format.WriteFile(out, m); err != nil {
		t.Fatal(err)
	}
	if rm, err := runtime.Load(out); err != nil {
		t.Fatal(err)
	} else {
		rm.Close()
	}
}

func TestConvertErrors(t *testing.T) {
	dir := t.TempDir()
	good := onnxtest.SmallCNN(1).Marshal()
	trunc := filepath.Join(dir, "trunc.onnx")
	os.WriteFile(trunc, good[:len(good)/2], 0o644)
	if _, err := convert.Convert(trunc, convert.Options{Float: true}); err == nil || !strings.Contains(err.Error(), "trunc.onnx") {
		t.Errorf("truncated model: %v", err)
	}

	// Two unknown operators are reported together with the supported list.
	m := onnxtest.SmallCNN(1)
	m.Graph.Nodes[2].Op = "Selu"
	m.Graph.Nodes[5].Op = "Mish"
	_, err := convert.Convert(writeONNX(t, m), convert.Options{Float: true})
	var ue *convert.UnsupportedError
	if !errors.As(err, &ue) || len(ue.Issues) != 2 {
		t.Fatalf("err = %v, want 2 unsupported issues", err)
	}
	for _, want := range []string{`"relu1": Selu`, `"relu6": Mish`, "supported ONNX operators", "Conv, "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	// Ops the importer knows but the model format cannot express, past a
	// supported part: a cubic Resize, and a MatMul of two computed
	// tensors.
	m = onnxtest.SmallCNN(1)
	m.Graph.Nodes = append(m.Graph.Nodes,
		onnxtest.Node{Op: "Resize", Name: "cubic", In: []string{"p2", "", "scales"}, Out: []string{"up"}, Attrs: []onnxtest.Attr{onnxtest.AttrString("mode", "cubic")}},
		onnxtest.Node{Op: "Flatten", Name: "flat_up", In: []string{"p2"}, Out: []string{"fu"}},
		onnxtest.Node{Op: "Transpose", Name: "fu_t", In: []string{"fu"}, Out: []string{"fut"}},
		onnxtest.Node{Op: "MatMul", Name: "gram", In: []string{"fut", "fu"}, Out: []string{"gram"}},
	)
	m.Graph.Inits = append(m.Graph.Inits, onnxtest.FloatTensor("scales", []int64{4}, 1, 1, 2, 2))
	m.Graph.Outputs = append(m.Graph.Outputs, onnxtest.VI("up", 1, 16, 14, 14), onnxtest.VI("gram", 784, 784))
	_, err = convert.Convert(writeONNX(t, m), convert.Options{Float: true})
	if !errors.As(err, &ue) || len(ue.Issues) != 2 {
		t.Fatalf("err = %v, want 2 unsupported issues", err)
	}
	for _, want := range []string{`Resize "cubic": cubic interpolation`, `MatMul "gram": a product of two computed tensors`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := convert.Convert(path(t), convert.Options{}); err == nil || !strings.Contains(err.Error(), "calibration source") {
		t.Errorf("int8 without --calib: %v", err)
	}
	if _, err := convert.Convert(path(t), convert.Options{Float: true, Labels: []string{"a", "b"}}); err == nil || !strings.Contains(err.Error(), "2 labels for output") {
		t.Errorf("label count: %v", err)
	}
}

func path(t *testing.T) string { return writeONNX(t, onnxtest.SmallCNN(1)) }
