package convert_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// zooMinSQNR is the least int8 output SQNR each committed zoo model must
// reach against PyTorch's float outputs: 3 dB under the value measured
// when the test was written (LeNet-5: 34.8 dB).
var zooMinSQNR = map[string]float64{"lenet5": 31.8}

// TestSmallZoo converts the zoo models committed under models/small
// (PyTorch exports with deterministic random weights) to float32 and int8
// and compares their outputs on the test inputs with PyTorch's.
func TestSmallZoo(t *testing.T) {
	dir := filepath.Join("..", "models", "small")
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Skipf("no committed zoo: %v", err)
	}
	var manifest struct {
		Models map[string]struct {
			ONNX        string `json:"onnx"`
			Calib       string `json:"calib"`
			Test        string `json:"test"`
			TestGolden  string `json:"test_golden"`
			TestCount   int    `json:"test_count"`
			OutputShape []int  `json:"output_shape"`
		} `json:"models"`
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	for name, m := range manifest.Models {
		t.Run(name, func(t *testing.T) {
			if _, ok := zooMinSQNR[name]; !ok {
				t.Errorf("no int8 SQNR threshold for %s in zooMinSQNR: measure it and add one", name)
			}
			path := filepath.Join(dir, m.ONNX)
			f32, err := convert.Convert(path, convert.Options{Float: true})
			if err != nil {
				t.Fatal(err)
			}
			i8, err := convert.Convert(path, convert.Options{Calib: "raw:" + filepath.Join(dir, m.Calib), Quantize: quantize.Options{BiasCorrection: true}})
			if err != nil {
				t.Fatal(err)
			}
			test := readFloats(t, filepath.Join(dir, m.Test))
			golden := readFloats(t, filepath.Join(dir, m.TestGolden))
			for _, c := range []struct {
				kind  string
				model *format.Model
				min   float64
			}{{"float32", f32.Model, 100}, {"int8", i8.Model, zooMinSQNR[name]}} {
				got := runAll(t, c.model, test, m.TestCount)
				db := sqnrOf(golden, got)
				t.Logf("%s: %.1f dB against PyTorch", c.kind, db)
				if db < c.min || len(got) != len(golden) {
					t.Errorf("%s: SQNR %.1f dB against PyTorch over %d values (want %d), want >= %.1f", c.kind, db, len(got), len(golden), c.min)
				}
			}
		})
	}
}

func readFloats(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// runAll runs the model on n NCHW inputs back to back in x and returns
// the first output of each, concatenated.
func runAll(t *testing.T, m *format.Model, x []float32, n int) []float32 {
	t.Helper()
	rm, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	it, err := rm.NewInterpreter(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	per := len(x) / n
	var out []float32
	for i := range n {
		if err := it.SetInputFloat32(0, x[i*per:(i+1)*per], format.NCHW); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		y, err := it.OutputFloat32(0, nil, format.NCHW)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, y...)
	}
	return out
}

func sqnrOf(ref, got []float32) float64 {
	var s, e float64
	for i := range min(len(ref), len(got)) {
		d := float64(got[i]) - float64(ref[i])
		s += float64(ref[i]) * float64(ref[i])
		e += d * d
	}
	return 10 * math.Log10(s/e)
}
