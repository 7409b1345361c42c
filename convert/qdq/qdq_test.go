package qdq_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/qdq"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// samples returns n seeded inputs of the given shape, uniform in [lo, hi),
// and the raw float32 file holding them.
func samples(t *testing.T, n int, shape []int, lo, hi float64, seed uint64) (string, [][]float32) {
	t.Helper()
	size := 1
	for _, d := range shape {
		size *= d
	}
	r := rand.New(rand.NewPCG(seed, 7))
	var buf bytes.Buffer
	var xs [][]float32
	for range n {
		x := make([]float32, size)
		for i := range x {
			x[i] = float32(lo + (hi-lo)*r.Float64())
		}
		binary.Write(&buf, binary.LittleEndian, x)
		xs = append(xs, x)
	}
	p := filepath.Join(t.TempDir(), "samples.f32")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, xs
}

// runInt8 runs m on xs (NCHW) and returns the first output of each as the
// int8 values the model computed (its float output requantized with the
// output's own parameters, which is exact).
func runInt8(t *testing.T, m *format.Model, xs [][]float32) [][]int {
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
	q := m.Tensors[m.Outputs[0]].Quant
	var out [][]int
	for _, x := range xs {
		if err := it.SetInputFloat32(0, x, format.NCHW); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		y, err := it.OutputFloat32(0, nil, format.NCHW)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, levels(y, q.Scale[0], q.ZeroPoint[0]))
	}
	return out
}

// levels maps dequantized values back to their int8 levels.
func levels(y []float32, scale float32, zp int32) []int {
	l := make([]int, len(y))
	for i, v := range y {
		l[i] = int(math.Round(float64(v/scale))) + int(zp)
	}
	return l
}

// refevalQDQ runs the QDQ model at path, as imported (every QuantizeLinear
// and DequantizeLinear computed), on xs, and returns the first output's
// levels in the given quantization.
func refevalQDQ(t *testing.T, path string, xs [][]float32, scale float32, zp int32) [][]int {
	t.Helper()
	g, err := onnx.Load(path, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !qdq.Has(g) {
		t.Fatal("the QDQ model imported without QuantizeLinear/DequantizeLinear nodes")
	}
	ev, err := refeval.New(g)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]int
	for _, x := range xs {
		ys, err := ev.Run(graph.Floats(g.Tensors[g.Inputs[0]].Shape, x))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, levels(ys[0].F, scale, zp))
	}
	return out
}

// agreement returns the fraction of equal levels and the largest
// difference.
func agreement(a, b [][]int) (same float64, maxDiff int) {
	n, eq := 0, 0
	for i := range a {
		for k := range a[i] {
			n++
			d := a[i][k] - b[i][k]
			if d == 0 {
				eq++
			}
			maxDiff = max(maxDiff, d, -d)
		}
	}
	return float64(eq) / float64(n), maxDiff
}

// activationParams lists the int8 quantization of every int8 activation
// tensor of m by name.
func activationParams(m *format.Model) map[string]quantize.Affine {
	p := make(map[string]quantize.Affine)
	for _, t := range m.Tensors {
		if t.Data == nil && t.DType == format.Int8 && t.Quant != nil {
			p[t.Name] = quantize.Affine{Scale: t.Quant.Scale[0], ZeroPoint: t.Quant.ZeroPoint[0]}
		}
	}
	return p
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExportRoundTrip converts a float model to int8, exports it as QDQ,
// and checks that (1) the QDQ graph, run by the reference interpreter with
// ONNX's QuantizeLinear/DequantizeLinear semantics, computes what the int8
// model computes, and (2) importing the QDQ model gives back the int8
// model's quantization and outputs exactly.
func TestExportRoundTrip(t *testing.T) {
	src := writeFile(t, "model.onnx", onnxtest.SmallCNN(1).Marshal())
	calib, _ := samples(t, 32, []int{1, 1, 28, 28}, 0, 1, 1)
	_, xs := samples(t, 16, []int{1, 1, 28, 28}, 0, 1, 2)
	res, err := convert.Convert(src, convert.Options{Calib: "raw:" + calib, Quantize: quantize.Options{BiasCorrection: true}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := qdq.Export(res.Graph, res.Int8, "test")
	if err != nil {
		t.Fatal(err)
	}
	exported := writeFile(t, "qdq.onnx", b)

	// The exported file: int8 weights and int32 biases behind
	// DequantizeLinear, a Q/DQ pair per int8 activation, no float weights.
	pb, err := onnxpb.DecodeModel(b)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range pb.Graph.Nodes {
		count[n.OpType]++
	}
	for _, init := range pb.Graph.Initializers {
		if init.DataType == onnxpb.Float && len(init.Dims) > 1 {
			t.Errorf("float weights %q %v in the QDQ model", init.Name, init.Dims)
		}
	}
	// SmallCNN lowers to input, conv1, pool1, conv2, pool2, flatten, fc,
	// softmax: 8 int8 tensors; 3 weighted layers with 3 biases.
	if count["QuantizeLinear"] != 8 || count["DequantizeLinear"] != 8+3+3 || count["Conv"] != 2 || count["Gemm"] != 1 {
		t.Errorf("op counts %v", count)
	}

	out := res.Model.Tensors[res.Model.Outputs[0]].Quant
	want := runInt8(t, res.Model, xs)
	got := refevalQDQ(t, exported, xs, out.Scale[0], out.ZeroPoint[0])
	same, maxDiff := agreement(want, got)
	t.Logf("int8 model vs reference QDQ graph: %.2f%% of output levels equal, max difference %d", 100*same, maxDiff)
	// The int8 kernels requantize in fixed point and the reference in
	// float: they may round a value on a tie differently, one level per
	// layer at most, and such differences are rare.
	if same < 0.95 || maxDiff > 2 {
		t.Errorf("int8 model vs QDQ graph: %.2f%% equal levels, max difference %d; want >= 95%% and <= 2", 100*same, maxDiff)
	}

	back, err := convert.Convert(exported, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	orig, imported := activationParams(res.Model), activationParams(back.Model)
	if len(orig) != len(imported) {
		t.Errorf("%d int8 activations, after the round trip %d", len(orig), len(imported))
	}
	for name, a := range orig {
		if b, ok := imported[name]; !ok || a != b {
			t.Errorf("tensor %q: quantization %+v, after the round trip %+v (present %v)", name, a, b, ok)
		}
	}
	again := runInt8(t, back.Model, xs)
	if same, maxDiff := agreement(want, again); same != 1 {
		t.Errorf("re-imported int8 model: %.2f%% equal output levels (max difference %d), want all", 100*same, maxDiff)
	}
	if c := back.Model.Metadata.Producer.Calibration; c == nil || c.Method != "qdq" {
		t.Errorf("calibration metadata %+v, want method qdq", c)
	}
}
