package convert_test

import (
	"compress/gzip"
	"io"
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
// (models/fashion_mnist) calibrated on the first 100 training images read
// from the IDX file, and checks the test-set accuracy of the float32 and
// int8 models against the 91.79% PyTorch measured for the float network
// (models/fashion_mnist/model.json).
func TestFashionMNIST(t *testing.T) {
	model := filepath.Join("..", "models", "fashion_mnist", "model.onnx")
	train := filepath.Join(fashionMNIST, "train-images-idx3-ubyte.gz")
	for _, p := range []string{model, train} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s: %v (install dataset-fashion-mnist)", p, err)
		}
	}
	if testing.Short() {
		t.Skip("converts a real model and classifies 10000 images")
	}
	prep := &format.Preprocessing{ColorOrder: format.Gray, Scale: 1.0 / 255, Mean: []float32{0.286}, Std: []float32{0.353}, Fit: format.FitSquash, Interpolation: format.ResizeBilinear}
	f32, err := convert.Convert(model, convert.Options{Float: true, Preprocessing: prep})
	if err != nil {
		t.Fatal(err)
	}
	i8, err := convert.Convert(model, convert.Options{
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
	accF, accQ, agree := 0, 0, 0
	its := make([]*runtime.Interpreter, 2)
	for k, m := range []*format.Model{f32.Model, i8.Model} {
		rm, err := runtime.LoadModel(m)
		if err != nil {
			t.Fatal(err)
		}
		if its[k], err = rm.NewInterpreter(runtime.Options{}); err != nil {
			t.Fatal(err)
		}
		defer its[k].Close()
	}
	var y []float32
	for i := range test.Len() {
		x, err := test.Sample(i)
		if err != nil {
			t.Fatal(err)
		}
		var pred [2]int
		for k, it := range its {
			it.SetInputFloat32(0, x[0], format.NCHW)
			if err := it.Run(); err != nil {
				t.Fatal(err)
			}
			y, _ = it.OutputFloat32(0, y, format.NHWC)
			for c := range y {
				if y[c] > y[pred[k]] {
					pred[k] = c
				}
			}
		}
		if pred[0] == int(labels[i]) {
			accF++
		}
		if pred[1] == int(labels[i]) {
			accQ++
		}
		if pred[0] == pred[1] {
			agree++
		}
	}
	n := float64(test.Len())
	t.Logf("test accuracy: float32 %.2f%%, int8 %.2f%%, agreement %.2f%% (calibration report: output SQNR %.1f dB)",
		100*float64(accF)/n, 100*float64(accQ)/n, 100*float64(agree)/n, i8.Report.OutputSQNR)
	// PyTorch: 91.79%. The float32 model differs only by float rounding
	// and the preprocessing's float32 1/255; int8 may lose a little.
	if float64(accF)/n < 0.9170 || float64(accQ)/n < 0.9120 {
		t.Errorf("accuracy float32 %.4f, int8 %.4f; want about 0.918 and within 0.5%% of it", float64(accF)/n, float64(accQ)/n)
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
