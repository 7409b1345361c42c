package convert_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
)

// crossArchFile holds the SHA-256 of the model files that the conversions
// of TestCrossArchConversions write on amd64. scripts/test-arm.sh runs the
// test under qemu for arm64, where the compiler would fuse multiply-adds
// that amd64 rounds separately: every calibration method, bias
// correction, batch-norm folding, softmax and the report's SQNR must give
// the same bits there. EDGEINFER_UPDATE_GOLDEN=1 rewrites the file.
const crossArchFile = "testdata/crossarch_conversions.json"

func TestCrossArchConversions(t *testing.T) {
	lenet := filepath.Join("..", "models", "small", "lenet5")
	if _, err := os.Stat(filepath.Join(lenet, "model.onnx")); err != nil {
		t.Skipf("no committed LeNet-5: %v", err)
	}
	small, smallCalib := integerSmallCNN(t)
	type conversion struct {
		model, calib string
		opts         quantize.Options
	}
	cases := map[string]conversion{}
	for _, m := range []string{"minmax", "percentile", "entropy", "mse"} {
		cases["lenet5/"+m] = conversion{filepath.Join(lenet, "model.onnx"), "raw:" + filepath.Join(lenet, "calib.f32"), quantize.Options{Method: m, BiasCorrection: true}}
	}
	cases["small_cnn/auto"] = conversion{small, "raw:" + smallCalib, quantize.Options{Method: "auto", BiasCorrection: true}}
	cases["small_cnn/entropy-keep-float-auto"] = conversion{small, "raw:" + smallCalib, quantize.Options{Method: "entropy", BiasCorrection: true, AutoKeepFloat: true}}

	got := map[string]string{}
	for name, c := range cases {
		res, err := convert.Convert(c.model, convert.Options{Calib: c.calib, Quantize: c.opts})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Paths and the build's version vary from run to run.
		if p := res.Model.Metadata.Producer; p != nil {
			p.Version = ""
			if p.Calibration != nil {
				p.Calibration.Source = ""
			}
		}
		enc, err := format.Encode(res.Model)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(enc)
		got[name] = hex.EncodeToString(sum[:])
	}
	if os.Getenv("EDGEINFER_UPDATE_GOLDEN") == "1" {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(crossArchFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", crossArchFile)
		return
	}
	b, err := os.ReadFile(crossArchFile)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("%s: %v", crossArchFile, err)
	}
	var names []string
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if got[name] != want[name] {
			t.Errorf("%s: converting on %s gives model sha256 %s, %s has %s", name, runtime.GOARCH, got[name], crossArchFile, want[name])
		}
	}
}

// integerSmallCNN writes onnxtest.SmallCNN (batch norm, softmax) with its
// initializers replaced by small integer multiples of a power of two, and
// 16 calibration images of the same kind: inputs whose float32 bits do not
// depend on how a GOARCH computes random normals.
func integerSmallCNN(t *testing.T) (model, calib string) {
	t.Helper()
	m := onnxtest.SmallCNN(1)
	r := rand.New(rand.NewPCG(31, 32))
	for i, in := range m.Graph.Inits {
		n := 1
		for _, d := range in.Dims {
			n *= int(d)
		}
		if len(in.Dims) == 0 {
			continue // Clip's bounds
		}
		v := make([]float32, n)
		for k := range v {
			switch in.Name {
			case "var", "gamma":
				v[k] = float32(64+r.IntN(64)) / 64 // in [1, 2)
			case "wfc":
				v[k] = float32(r.IntN(65)-32) / 1024
			default:
				v[k] = float32(r.IntN(65)-32) / 128
			}
		}
		m.Graph.Inits[i] = onnxtest.RawFloats(in.Name, in.Dims, v...)
	}
	model = writeONNX(t, m)
	var buf bytes.Buffer
	for range 16 * 28 * 28 {
		binary.Write(&buf, binary.LittleEndian, float32(r.IntN(256))/255)
	}
	calib = filepath.Join(t.TempDir(), "calib.f32")
	if err := os.WriteFile(calib, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return model, calib
}
