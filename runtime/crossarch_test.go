package runtime_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// goldenOutputsFile holds, per model, the SHA-256 of the encoded model and
// of its outputs on fixed inputs. The outputs must be the same bytes on
// every GOARCH and every kernel variant: scripts/test-arm.sh runs this test
// under qemu for arm64 (neon, dotprod, purego) and arm (purego), and CI
// runs it on amd64 with every variant the machine has.
// EDGEINFER_UPDATE_GOLDEN=1 rewrites the file.
const goldenOutputsFile = "testdata/golden_outputs.json"

type goldenEntry struct {
	Model   string `json:"model"`   // sha256 of format.Encode(model)
	Outputs string `json:"outputs"` // sha256 of every output's bytes, sample by sample
}

type goldenFile struct {
	Comment string                 `json:"comment"`
	Models  map[string]goldenEntry `json:"models"`
}

// TestCrossArchGolden checks the whole model suite (float32 and int8) and
// the committed ONNX models (models/small, models/fashion_mnist, as model
// files converted once, in testdata/zoo) against the committed hashes, once
// per kernel variant this build and CPU run (EDGEINFER_KERNELS is set for
// each in turn; when it is already set, only that variant runs).
func TestCrossArchGolden(t *testing.T) {
	variants := kernels.Variants()
	if name := os.Getenv(kernels.VariantEnv); name != "" {
		v, err := kernels.ParseVariant(name)
		if err != nil {
			t.Fatal(err)
		}
		variants = []kernels.Variant{v}
	}
	update := os.Getenv("EDGEINFER_UPDATE_GOLDEN") == "1"
	var want goldenFile
	if !update {
		b, err := os.ReadFile(goldenOutputsFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: %v", goldenOutputsFile, err)
		}
	}
	for _, v := range variants {
		t.Run(string(v), func(t *testing.T) {
			t.Setenv(kernels.VariantEnv, string(v))
			t.Logf("GOARCH %s, kernel variant %s", goruntime.GOARCH, v)
			got := map[string]goldenEntry{}
			for _, sm := range suiteModels(t) {
				got[sm.name] = goldenOf(t, sm.model, sm.inputs, format.NHWC, v)
			}
			for name, e := range zooGolden(t, v, update) {
				got[name] = e
			}
			if update {
				writeGolden(t, got)
				update = false // the first variant writes; the others check it
				want.Models = got
				return
			}
			compareGolden(t, got, want.Models, v)
		})
	}
}

func writeGolden(t *testing.T, got map[string]goldenEntry) {
	t.Helper()
	b, err := json.MarshalIndent(goldenFile{
		Comment: "sha256 of each model (format.Encode) and of its outputs on fixed inputs; runtime/crossarch_test.go",
		Models:  got,
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenOutputsFile, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d models)", goldenOutputsFile, len(got))
}

func compareGolden(t *testing.T, got, want map[string]goldenEntry, v kernels.Variant) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: model missing from this run", name)
		case g.Model != w.Model:
			t.Errorf("%s: the model itself differs (sha256 %s, golden %s): the builder is not deterministic here", name, g.Model, w.Model)
		case g.Outputs != w.Outputs:
			t.Errorf("%s: outputs differ from the golden ones (variant %s, GOARCH %s)", name, v, goruntime.GOARCH)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: no golden hash (run with EDGEINFER_UPDATE_GOLDEN=1)", name)
		}
	}
}

// goldenOf runs m at one thread on every sample and hashes the model and
// the outputs.
func goldenOf(t *testing.T, m *format.Model, samples [][][]float32, layout format.Layout, v kernels.Variant) goldenEntry {
	t.Helper()
	enc, err := format.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	defer rm.Close()
	if rm.KernelVariant() != string(v) {
		t.Fatalf("model loaded with variant %q, want %q", rm.KernelVariant(), v)
	}
	it, err := rm.NewInterpreter(runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	h := sha256.New()
	for _, sample := range samples {
		for i, x := range sample {
			if err := it.SetInputFloat32(i, x, layout); err != nil {
				t.Fatal(err)
			}
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < it.OutputCount(); k++ {
			h.Write(it.Output(k).Bytes())
		}
	}
	ms := sha256.Sum256(enc)
	return goldenEntry{Model: hex.EncodeToString(ms[:]), Outputs: hex.EncodeToString(h.Sum(nil))}
}

// zooModelsDir holds the committed ONNX models (models/small,
// models/fashion_mnist) converted to float32 and int8 on amd64: fixed
// model files, so that the golden test checks the runtime alone.
// EDGEINFER_UPDATE_GOLDEN=1 rewrites them.
const zooModelsDir = "testdata/zoo"

// zooCase is one committed ONNX model and its fixed inputs: LeNet-5 on its
// committed test inputs and calibration set, the Fashion-MNIST CNN on
// seeded images (its real calibration set is a Debian package).
type zooCase struct {
	name, onnx, calib, calibName string
	samples                      [][][]float32
}

func zooCases(t *testing.T) []zooCase {
	t.Helper()
	models := filepath.Join("..", "models")
	lenet := filepath.Join(models, "small", "lenet5")
	test := readRawFloats(t, filepath.Join(lenet, "test.f32"))
	// Integer-derived values in the model's normalized range: the same
	// float32 bits everywhere.
	r := rand.New(rand.NewPCG(21, 22))
	seeded := func(n int) []float32 {
		v := make([]float32, n*28*28)
		for i := range v {
			v[i] = (float32(r.IntN(256))/255 - 0.286) / 0.353
		}
		return v
	}
	calib := filepath.Join(t.TempDir(), "fashion_calib.f32")
	writeRawFloats(t, calib, seeded(16))
	return []zooCase{
		{"zoo/lenet5", filepath.Join(lenet, "model.onnx"), "raw:" + filepath.Join(lenet, "calib.f32"), "raw:models/small/lenet5/calib.f32", splitSamples(test, 28*28)},
		{"zoo/fashion_mnist", filepath.Join(models, "fashion_mnist", "model.onnx"), "raw:" + calib, "raw:seeded 16 images", splitSamples(seeded(4), 28*28)},
	}
}

// convertZoo converts c to float32 and int8 (keyed "<name>/float32", "/int8").
func convertZoo(t *testing.T, c zooCase) map[string]*format.Model {
	t.Helper()
	f32, err := convert.Convert(c.onnx, convert.Options{Float: true})
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	i8, err := convert.Convert(c.onnx, convert.Options{Calib: c.calib, Quantize: quantize.Options{BiasCorrection: true}})
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	// The metadata records the calibration source; a temporary path would
	// make every run's model different.
	if pr := i8.Model.Metadata.Producer; pr != nil && pr.Calibration != nil {
		pr.Calibration.Source = c.calibName
	}
	return map[string]*format.Model{c.name + "/float32": f32.Model, c.name + "/int8": i8.Model}
}

func zooFile(name string) string {
	return filepath.Join(zooModelsDir, strings.ReplaceAll(name[len("zoo/"):], "/", "_")+".eim")
}

// zooGolden hashes the committed zoo model files and their outputs under
// variant v (converting and writing the files first when update is set).
func zooGolden(t *testing.T, v kernels.Variant, update bool) map[string]goldenEntry {
	t.Helper()
	out := map[string]goldenEntry{}
	for _, c := range zooCases(t) {
		var converted map[string]*format.Model
		if update {
			converted = convertZoo(t, c)
		}
		for _, kind := range []string{"/float32", "/int8"} {
			name := c.name + kind
			if update {
				enc, err := format.Encode(converted[name])
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(zooModelsDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(zooFile(name), enc, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(zooFile(name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := format.Decode(b)
			if err != nil {
				t.Fatalf("%s: %v", zooFile(name), err)
			}
			out[name] = goldenOf(t, m, c.samples, format.NCHW, v)
		}
	}
	return out
}

// TestCrossArchConverter converts the committed ONNX models here and
// checks that the converter reproduces the committed model files byte for
// byte. It is separate from TestCrossArchGolden because it tests the
// converter's floating-point determinism, not the runtime: Go fuses a*b+c
// into one FMA on arm64, so the converter rounds every product explicitly
// (scripts/test-arm.sh runs this test under qemu cortex-a72).
func TestCrossArchConverter(t *testing.T) {
	for _, c := range zooCases(t) {
		for name, m := range convertZoo(t, c) {
			enc, err := format.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(zooFile(name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc, want) {
				t.Errorf("%s: converting on %s gives a model that differs from %s", name, goruntime.GOARCH, zooFile(name))
			}
		}
	}
}

func splitSamples(x []float32, per int) [][][]float32 {
	var s [][][]float32
	for c := range slices.Chunk(x, per) {
		s = append(s, [][]float32{c})
	}
	return s
}

func readRawFloats(t *testing.T, path string) []float32 {
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

func writeRawFloats(t *testing.T, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
