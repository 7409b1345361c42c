package convert_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// fashionMNIST is where Debian's dataset-fashion-mnist package installs
// the data set.
const fashionMNIST = "/usr/share/datasets/fashion-mnist"

// TestFashionMNIST converts the project's trained Fashion-MNIST CNN
// (models/fashion_mnist) to int8, calibrated on the first 100 training
// images read from the IDX file, and checks that its accuracy on the
// 10000 test images is within 0.5 points of the float accuracy PyTorch
// measured (models/fashion_mnist/model.json).
func TestFashionMNIST(t *testing.T) {
	dir := filepath.Join("..", "models", "fashion_mnist")
	train := filepath.Join(fashionMNIST, "train-images-idx3-ubyte.gz")
	for _, p := range []string{filepath.Join(dir, "model.onnx"), train} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s: %v (install dataset-fashion-mnist)", p, err)
		}
	}
	if testing.Short() {
		t.Skip("converts a real model and classifies 10000 images")
	}
	var info struct {
		Accuracy float64 `json:"test_accuracy_float"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &info); err != nil || info.Accuracy == 0 {
		t.Fatalf("model.json: %v (accuracy %v)", err, info.Accuracy)
	}
	prep := &format.Preprocessing{ColorOrder: format.Gray, Scale: 1.0 / 255, Mean: []float32{0.286}, Std: []float32{0.353}, Fit: format.FitSquash, Interpolation: format.ResizeBilinear}
	i8, err := convert.Convert(filepath.Join(dir, "model.onnx"), convert.Options{
		Calib: "idx:" + train, Preprocessing: prep,
		Quantize: quantize.Options{Method: "minmax", Samples: 100, BiasCorrection: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	test, err := calib.Open("idx:"+filepath.Join(fashionMNIST, "t10k-images-idx3-ubyte.gz"), []calib.Input{{Name: "input", Shape: []int{1, 1, 28, 28}}}, *prep)
	if err != nil {
		t.Fatal(err)
	}
	defer test.Close()
	labels := readLabels(t, filepath.Join(fashionMNIST, "t10k-labels-idx1-ubyte.gz"))
	f32, err := convert.Convert(filepath.Join(dir, "model.onnx"), convert.Options{Float: true, Preprocessing: prep})
	if err != nil {
		t.Fatal(err)
	}
	classify := interpreterFor(t, i8.Model)
	classifyFloat := interpreterFor(t, f32.Model)
	correct, correctFloat, agree := 0, 0, 0
	for i := range test.Len() {
		x, err := test.Sample(i)
		if err != nil {
			t.Fatal(err)
		}
		pred, predFloat := classify(x[0]), classifyFloat(x[0])
		if pred == int(labels[i]) {
			correct++
		}
		if predFloat == int(labels[i]) {
			correctFloat++
		}
		if pred == predFloat {
			agree++
		}
	}
	n := float64(test.Len())
	acc, accFloat, agreement := float64(correct)/n, float64(correctFloat)/n, float64(agree)/n
	t.Logf("int8 test accuracy %.2f%%, float32 model %.2f%% (PyTorch: %.2f%%), top-1 agreement %.2f%%; calibration report: output SQNR %.1f dB",
		100*acc, 100*accFloat, 100*info.Accuracy, 100*agreement, i8.Report.OutputSQNR)
	if acc < info.Accuracy-0.005 {
		t.Errorf("int8 accuracy %.4f, more than 0.5 points under the float %.4f", acc, info.Accuracy)
	}
	if math.Abs(accFloat-info.Accuracy) > 0.0005 {
		t.Errorf("float32 model accuracy %.4f, PyTorch measured %.4f", accFloat, info.Accuracy)
	}
	if agreement < 0.99 {
		t.Errorf("int8 and float32 models agree on the top-1 class of %.2f%% of the test set, want >= 99%%", 100*agreement)
	}
}

// interpreterFor returns a function classifying one NCHW input with m.
func interpreterFor(t *testing.T, m *format.Model) func(x []float32) int {
	t.Helper()
	rm, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	it, err := rm.NewInterpreter(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { it.Close() })
	var y []float32
	return func(x []float32) int {
		if err := it.SetInputFloat32(0, x, format.NCHW); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		y, _ = it.OutputFloat32(0, y, format.NHWC)
		pred := 0
		for c := range y {
			if y[c] > y[pred] {
				pred = c
			}
		}
		return pred
	}
}

func readLabels(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b[8:] // magic and count
}
