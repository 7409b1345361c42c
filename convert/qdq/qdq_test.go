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

// ortStyleQDQ builds a QDQ model the way ONNX Runtime's quantize_static
// writes one (QDQ format, uint8 activations, int8 weights: per-channel for
// the Conv, per-tensor for the Gemm, int32 biases at input scale × weight
// scale): Conv 3x3 + Relu, MaxPool 2, GlobalAveragePool, Flatten, Gemm,
// with a QuantizeLinear/DequantizeLinear pair after every activation. Every
// weight channel holds ±127, so the converter's per-channel requantization
// of the dequantized weights gives back the same integers.
func ortStyleQDQ(seed uint64) (m *onnxtest.Model, inScale, outScale float32, outZP int32) {
	r := rand.New(rand.NewPCG(seed, 3))
	const (
		sIn = float32(2.0 / 255)  // input [-1, 1), zero point 128
		s1  = float32(4.0 / 255)  // conv+relu and pool output [0, 4]
		s2  = float32(2.0 / 255)  // average [0, 2]
		s3  = float32(16.0 / 255) // logits, zero point 100
		sw2 = float32(0.02)
	)
	int8s := func(n, per int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(int8(r.IntN(255) - 127))
		}
		for c := 0; c < n/per; c++ {
			b[c*per+r.IntN(per)] = byte(int8(127 * (1 - 2*r.IntN(2))))
		}
		return b
	}
	raw := func(name string, dt int32, dims []int64, b []byte) onnxtest.Tensor {
		return onnxtest.Tensor{Name: name, Dims: dims, DataType: dt, Raw: b, HasRaw: true}
	}
	f32 := func(v ...float32) []byte {
		b := make([]byte, 0, 4*len(v))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
		return b
	}
	i32 := func(v ...int32) []byte {
		b := make([]byte, 0, 4*len(v))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		}
		return b
	}
	ws1 := make([]float32, 8)
	bs1 := make([]float32, 8)
	b1 := make([]int32, 8)
	for c := range ws1 {
		ws1[c] = 0.01 * (1 + float32(c)/8)
		bs1[c] = sIn * ws1[c]
		b1[c] = int32(r.IntN(2001) - 1000)
	}
	b2 := make([]int32, 4)
	for c := range b2 {
		b2[c] = int32(r.IntN(20001) - 10000)
	}
	qdq := func(x, scale, zp, out string) []onnxtest.Node {
		return []onnxtest.Node{
			{Op: "QuantizeLinear", Name: x + "_QuantizeLinear", In: []string{x, scale, zp}, Out: []string{x + "_quantized"}},
			{Op: "DequantizeLinear", Name: x + "_DequantizeLinear", In: []string{x + "_quantized", scale, zp}, Out: []string{out}},
		}
	}
	var nodes []onnxtest.Node
	nodes = append(nodes, qdq("input", "s_in", "z_in", "input_dq")...)
	nodes = append(nodes,
		onnxtest.Node{Op: "DequantizeLinear", Name: "w1_DequantizeLinear", In: []string{"w1_q", "w1_scale", "w1_zp"}, Out: []string{"w1"}, Attrs: []onnxtest.Attr{onnxtest.AttrInt("axis", 0)}},
		onnxtest.Node{Op: "DequantizeLinear", Name: "b1_DequantizeLinear", In: []string{"b1_q", "b1_scale", "b1_zp"}, Out: []string{"b1"}, Attrs: []onnxtest.Attr{onnxtest.AttrInt("axis", 0)}},
		onnxtest.Node{Op: "Conv", Name: "conv", In: []string{"input_dq", "w1", "b1"}, Out: []string{"c1"}, Attrs: []onnxtest.Attr{onnxtest.AttrInts("kernel_shape", 3, 3), onnxtest.AttrInts("pads", 1, 1, 1, 1)}},
		onnxtest.Node{Op: "Relu", Name: "relu", In: []string{"c1"}, Out: []string{"r1"}},
	)
	nodes = append(nodes, qdq("r1", "s1", "z0", "r1_dq")...)
	nodes = append(nodes, onnxtest.Node{Op: "MaxPool", Name: "pool", In: []string{"r1_dq"}, Out: []string{"p1"}, Attrs: []onnxtest.Attr{onnxtest.AttrInts("kernel_shape", 2, 2), onnxtest.AttrInts("strides", 2, 2)}})
	nodes = append(nodes, qdq("p1", "s1", "z0", "p1_dq")...)
	nodes = append(nodes, onnxtest.Node{Op: "GlobalAveragePool", Name: "gap", In: []string{"p1_dq"}, Out: []string{"g"}})
	nodes = append(nodes, qdq("g", "s2", "z0", "g_dq")...)
	nodes = append(nodes, onnxtest.Node{Op: "Flatten", Name: "flatten", In: []string{"g_dq"}, Out: []string{"f"}})
	nodes = append(nodes, qdq("f", "s2", "z0", "f_dq")...)
	nodes = append(nodes,
		onnxtest.Node{Op: "DequantizeLinear", Name: "w2_DequantizeLinear", In: []string{"w2_q", "w2_scale", "w2_zp"}, Out: []string{"w2"}},
		onnxtest.Node{Op: "DequantizeLinear", Name: "b2_DequantizeLinear", In: []string{"b2_q", "b2_scale", "b2_zp"}, Out: []string{"b2"}},
		onnxtest.Node{Op: "Gemm", Name: "fc", In: []string{"f_dq", "w2", "b2"}, Out: []string{"logits"}, Attrs: []onnxtest.Attr{onnxtest.AttrInt("transB", 1)}},
	)
	nodes = append(nodes, qdq("logits", "s3", "z3", "output")...)
	m = &onnxtest.Model{
		IRVersion: 8,
		Opsets:    []onnxtest.Opset{{Version: 13}},
		Producer:  "onnxruntime.quantization",
		Graph: onnxtest.Graph{
			Name:  "ort_qdq",
			Nodes: nodes,
			Inits: []onnxtest.Tensor{
				raw("s_in", onnxtest.Float, nil, f32(sIn)), raw("z_in", onnxtest.Uint8, nil, []byte{128}),
				raw("s1", onnxtest.Float, nil, f32(s1)), raw("z0", onnxtest.Uint8, nil, []byte{0}),
				raw("s2", onnxtest.Float, nil, f32(s2)),
				raw("s3", onnxtest.Float, nil, f32(s3)), raw("z3", onnxtest.Uint8, nil, []byte{100}),
				raw("w1_q", onnxtest.Int8, []int64{8, 3, 3, 3}, int8s(8*27, 27)),
				raw("w1_scale", onnxtest.Float, []int64{8}, f32(ws1...)),
				raw("w1_zp", onnxtest.Int8, []int64{8}, make([]byte, 8)),
				raw("b1_q", onnxtest.Int32, []int64{8}, i32(b1...)),
				raw("b1_scale", onnxtest.Float, []int64{8}, f32(bs1...)),
				raw("b1_zp", onnxtest.Int32, []int64{8}, make([]byte, 32)),
				raw("w2_q", onnxtest.Int8, []int64{4, 8}, int8s(32, 8)),
				raw("w2_scale", onnxtest.Float, nil, f32(sw2)),
				raw("w2_zp", onnxtest.Int8, nil, []byte{0}),
				raw("b2_q", onnxtest.Int32, []int64{4}, i32(b2...)),
				raw("b2_scale", onnxtest.Float, nil, f32(s2*sw2)),
				raw("b2_zp", onnxtest.Int32, nil, make([]byte, 4)),
			},
			Inputs:  []onnxtest.ValueInfo{onnxtest.VI("input", 1, 3, 8, 8)},
			Outputs: []onnxtest.ValueInfo{onnxtest.VI("output", 1, 4)},
		},
	}
	return m, sIn, s3, 100 - 128
}

// TestImportORTStyle converts a uint8 QDQ model without calibration data
// and checks the quantization it took (uint8 zero points lowered by 128)
// and its int8 outputs against the reference interpreter running the QDQ
// graph with ONNX's QuantizeLinear/DequantizeLinear semantics.
func TestImportORTStyle(t *testing.T) {
	m, inScale, outScale, outZP := ortStyleQDQ(1)
	path := writeFile(t, "qdq.onnx", m.Marshal())
	res, err := convert.Convert(path, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report != nil {
		t.Error("a report without calibration data")
	}
	got := activationParams(res.Model)
	want := map[string]quantize.Affine{
		"input":  {Scale: inScale, ZeroPoint: 0},
		"r1":     {Scale: 4.0 / 255, ZeroPoint: -128},
		"p1":     {Scale: 4.0 / 255, ZeroPoint: -128},
		"output": {Scale: outScale, ZeroPoint: outZP},
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("tensor %q: quantization %+v (present %v), want %+v", name, g, ok, w)
		}
	}
	// Weights: the QDQ model's per-channel scales (every channel holds
	// ±127, so requantizing gives them back).
	found := false
	for _, tt := range res.Model.Tensors {
		if tt.Name != "r1/weights" {
			continue
		}
		found = true
		for c, s := range tt.Quant.Scale {
			if w := float32(0.01) * (1 + float32(c)/8); s != w {
				t.Errorf("conv weight scale %d: %v, want the QDQ model's %v", c, s, w)
			}
		}
	}
	if !found {
		t.Error("no tensor r1/weights")
	}

	_, xs := samples(t, 64, []int{1, 3, 8, 8}, -1, 1, 5)
	want8 := refevalQDQ(t, path, xs, outScale, outZP)
	got8 := runInt8(t, res.Model, xs)
	same, maxDiff := agreement(want8, got8)
	t.Logf("int8 model vs reference QDQ graph: %.2f%% of output levels equal, max difference %d", 100*same, maxDiff)
	if same < 0.95 || maxDiff > 1 {
		t.Errorf("%.2f%% equal output levels, max difference %d; want >= 95%% and <= 1", 100*same, maxDiff)
	}
}

// TestImportPyTorch converts the QDQ model torch.onnx exports for a model
// quantized by PyTorch's own post-training quantization
// (models/export_qdq_torch.py: uint8 activations with a Cast between each
// QuantizeLinear and DequantizeLinear, per-channel int8 weights, int32
// biases) without calibration data, and compares its int8 outputs with the
// reference interpreter running the QDQ graph and with PyTorch's quantized
// model. PyTorch's weight scales are max|w|/127.5 (its int8 range is
// [-128, 127]); the converter requantizes the weights symmetrically over
// [-127, 127], so the outputs differ by weight rounding, not by activation
// quantization, which is the QDQ model's own.
func TestImportPyTorch(t *testing.T) {
	dir := filepath.Join("..", "..", "models", "small", "qdq_torch")
	path := filepath.Join(dir, "model.onnx")
	res, err := convert.Convert(path, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []float32 {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, len(b)/4)
		binary.Read(bytes.NewReader(b), binary.LittleEndian, x)
		return x
	}
	x, torchOut := read("test.f32"), read("test_int8.f32")
	var xs [][]float32
	for i := range 8 {
		xs = append(xs, x[i*768:(i+1)*768])
	}
	// The QDQ model's activation quantization, uint8 lowered by 128.
	g, err := onnx.Load(path, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var first *graph.QuantParams
	for _, n := range g.Nodes {
		if q, ok := n.Op.(*graph.QuantizeLinear); ok {
			first = &q.QuantParams
			break
		}
	}
	in := activationParams(res.Model)["input"]
	if first == nil || first.QType != graph.Uint8 || in.Scale != first.Scale[0] || int64(in.ZeroPoint) != first.ZeroPoint[0]-128 {
		t.Errorf("input quantization %+v, the QDQ model's first QuantizeLinear %+v", in, first)
	}

	out := res.Model.Tensors[res.Model.Outputs[0]].Quant
	got := runInt8(t, res.Model, xs)
	ref := refevalQDQ(t, path, xs, out.Scale[0], out.ZeroPoint[0])
	same, maxDiff := agreement(ref, got)
	var torchLevels [][]int
	for i := range 8 {
		torchLevels = append(torchLevels, levels(torchOut[4*i:4*(i+1)], out.Scale[0], out.ZeroPoint[0]))
	}
	sameTorch, maxTorch := agreement(torchLevels, got)
	sameRefTorch, maxRefTorch := agreement(torchLevels, ref)
	t.Logf("output levels equal: int8 model vs QDQ reference %.0f%% (max difference %d), vs PyTorch %.0f%% (max %d); QDQ reference vs PyTorch %.0f%% (max %d)",
		100*same, maxDiff, 100*sameTorch, maxTorch, 100*sameRefTorch, maxRefTorch)
	if maxDiff > 2 || maxTorch > 2 {
		t.Errorf("int8 model outputs %d levels from the QDQ reference and %d from PyTorch; want <= 2", maxDiff, maxTorch)
	}
}
