package onnx_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	ot "github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"
)

// TestUnsupportedListsEverything checks that one import reports every
// unsupported node, attribute and type together with the supported ops.
func TestUnsupportedListsEverything(t *testing.T) {
	m := model(13, []ot.Node{
		{Op: "Relu", Name: "ok", In: []string{"x"}, Out: []string{"a"}},
		{Op: "Exp", Name: "exp1", In: []string{"a"}, Out: []string{"b"}},
		{Op: "Resize", Name: "rs", In: []string{"b", "", "sc"}, Out: []string{"c"}, Attrs: []ot.Attr{ot.AttrString("mode", "lanczos")}},
		{Op: "FusedConv", Domain: "com.microsoft", Name: "fc", In: []string{"c"}, Out: []string{"d"}},
		{Op: "Conv", Name: "cv", In: []string{"d", "w"}, Out: []string{"e"}, Attrs: []ot.Attr{ot.AttrInt("secret", 1)}},
		{Op: "Cast", Name: "cast", In: []string{"e"}, Out: []string{"y"}, Attrs: []ot.Attr{ot.AttrInt("to", ot.Double)}},
		{Op: "HardSwish", Name: "hs", In: []string{"x"}, Out: []string{"z"}},
	}, []ot.Tensor{ot.FloatTensor("sc", []int64{4}, 1, 1, 2, 2), ot.FloatTensor("w", []int64{1, 1, 1, 1}, 1)},
		[]ot.ValueInfo{ot.VI("x", 1, 1, 2, 2)}, []ot.ValueInfo{{Name: "y", ElemType: ot.Double, NoShape: true}, ot.VI("z", 1, 1, 2, 2)})
	_, err := importModel(t, m, onnx.Options{})
	var ue *onnx.UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("error %v, want *UnsupportedError", err)
	}
	type want struct {
		kind onnx.IssueKind
		node string
		op   string
	}
	var got []want
	for _, is := range ue.Issues {
		got = append(got, want{is.Kind, is.NodeName, is.OpType})
		if is.NodeIndex >= 0 && is.Opset != 13 {
			t.Errorf("issue %v: opset %d", is, is.Opset)
		}
	}
	wantIssues := []want{
		{onnx.IssueDType, "", ""}, // output y is DOUBLE
		{onnx.IssueOperator, "exp1", "Exp"},
		{onnx.IssueAttribute, "rs", "Resize"},
		{onnx.IssueOperator, "fc", "com.microsoft.FusedConv"},
		{onnx.IssueAttribute, "cv", "Conv"},
		{onnx.IssueDType, "cast", "Cast"},
		{onnx.IssueOperator, "hs", "HardSwish"}, // HardSwish needs opset 14
	}
	if !slices.Equal(got, wantIssues) {
		t.Errorf("issues\n%v\nwant\n%v", got, wantIssues)
	}
	msg := err.Error()
	for _, s := range []string{`node 1 "exp1": Exp (opset 13): unsupported operator`, `mode "lanczos"`, `attribute "secret"`, "cast to DOUBLE",
		"first appears in opset 14", "supported operators (default domain, opsets 6 to 21): Add, AveragePool, BatchNormalization, Cast, Clip, Concat"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message lacks %q:\n%s", s, msg)
		}
	}
}

func TestUnsupportedOpsetAndTraining(t *testing.T) {
	relu := []ot.Node{node("Relu", []string{"x"}, []string{"y"})}
	io := func() ([]ot.ValueInfo, []ot.ValueInfo) {
		return []ot.ValueInfo{ot.VI("x", 2)}, []ot.ValueInfo{ot.VI("y", 2)}
	}
	in, out := io()
	for _, opset := range []int64{5, 22} {
		_, err := importModel(t, model(opset, relu, nil, in, out), onnx.Options{})
		var ue *onnx.UnsupportedError
		if !errors.As(err, &ue) || ue.Issues[0].Kind != onnx.IssueOpset {
			t.Errorf("opset %d: error %v, want an opset issue", opset, err)
		}
	}
	bn := []ot.Node{node("BatchNormalization", []string{"x", "s", "b", "m", "v"}, []string{"y"}, ot.AttrInt("training_mode", 1))}
	p := ot.FloatTensor("s", []int64{1}, 1)
	inits := []ot.Tensor{p, ot.FloatTensor("b", []int64{1}, 0), ot.FloatTensor("m", []int64{1}, 0), ot.FloatTensor("v", []int64{1}, 1)}
	_, err := importModel(t, model(15, bn, inits, []ot.ValueInfo{ot.VI("x", 1, 1)}, []ot.ValueInfo{ot.VI("y", 1, 1)}), onnx.Options{})
	if err == nil || !strings.Contains(err.Error(), "training_mode=1") {
		t.Errorf("BatchNormalization training_mode=1: %v", err)
	}
	drop := []ot.Node{node("Dropout", []string{"x", "", "tm"}, []string{"y"})}
	_, err = importModel(t, model(13, drop, []ot.Tensor{{Name: "tm", DataType: ot.Bool, Int32s: []int32{1}}}, in, out), onnx.Options{})
	var ue *onnx.UnsupportedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "training") {
		t.Errorf("Dropout training_mode=true: %v", err)
	}
}

func TestInputShapes(t *testing.T) {
	relu := []ot.Node{node("Relu", []string{"x"}, []string{"y"})}
	out := []ot.ValueInfo{{Name: "y", ElemType: ot.Float, NoShape: true}}

	g := mustImport(t, model(13, relu, nil, []ot.ValueInfo{ot.VI("x", "batch", 3, 4)}, out), onnx.Options{})
	if s := g.Tensors[g.Inputs[0]].Shape; !slices.Equal(s, []int{1, 3, 4}) {
		t.Errorf("dynamic batch: shape %v, want [1 3 4]", s)
	}
	g = mustImport(t, model(13, relu, nil, []ot.ValueInfo{ot.VI("x", "batch", 3, 4)}, out), onnx.Options{InputShapes: map[string][]int{"x": {8, 3, 4}}})
	if s := g.Tensors[g.Outputs[0]].Shape; !slices.Equal(s, []int{8, 3, 4}) {
		t.Errorf("batch override: output shape %v, want [8 3 4]", s)
	}
	dyn := model(13, relu, nil, []ot.ValueInfo{ot.VI("x", "batch", 3, "height", "width")}, out)
	_, err := importModel(t, dyn, onnx.Options{})
	if err == nil || !strings.Contains(err.Error(), `input "x" has dynamic dim 2 (height)`) || !strings.Contains(err.Error(), "x=1,3,N,N") {
		t.Errorf("dynamic H: error %v", err)
	}
	g = mustImport(t, dyn, onnx.Options{InputShapes: map[string][]int{"x": {1, 3, 5, 6}}})
	if s := g.Tensors[g.Inputs[0]].Shape; !slices.Equal(s, []int{1, 3, 5, 6}) {
		t.Errorf("override: shape %v", s)
	}
	for _, bad := range []map[string][]int{{"x": {1, 4, 5, 6}}, {"x": {1, 3, 5}}, {"y": {1}}} {
		if _, err := importModel(t, dyn, onnx.Options{InputShapes: bad}); err == nil {
			t.Errorf("override %v accepted", bad)
		}
	}
	noShape := model(13, relu, nil, []ot.ValueInfo{{Name: "x", ElemType: ot.Float, NoShape: true}}, out)
	if _, err := importModel(t, noShape, onnx.Options{}); err == nil || !strings.Contains(err.Error(), "no declared shape") {
		t.Errorf("input without shape: %v", err)
	}
	// A declared output shape that disagrees with inference is an error.
	wrong := model(13, relu, nil, []ot.ValueInfo{ot.VI("x", 2, 3)}, []ot.ValueInfo{ot.VI("y", 3, 2)})
	if _, err := importModel(t, wrong, onnx.Options{}); err == nil || !strings.Contains(err.Error(), `graph output "y" is declared [3 2], computes [2 3]`) {
		t.Errorf("wrong output declaration: %v", err)
	}
}

// TestConstantInput: a Reshape whose shape is a graph input needs it
// frozen to a value.
func TestConstantInput(t *testing.T) {
	m := model(13, []ot.Node{node("Reshape", []string{"x", "s"}, []string{"y"})}, nil,
		[]ot.ValueInfo{ot.VI("x", 2, 3), {Name: "s", ElemType: ot.Int64, Dims: []any{2}}}, []ot.ValueInfo{ot.VI("y", 3, 2)})
	_, err := importModel(t, m, onnx.Options{})
	var ce *onnx.ConstantInputError
	if !errors.As(err, &ce) || ce.Input != "s" || !ce.GraphInput || ce.Param != "shape" {
		t.Fatalf("error %v, want a ConstantInputError for graph input s", err)
	}
	g := mustImport(t, m, onnx.Options{Constants: map[string]*graph.Value{"s": graph.Ints(graph.Int64, []int{2}, []int64{3, -1})}})
	if len(g.Inputs) != 1 || len(g.Nodes) != 1 {
		t.Fatalf("%d inputs, %d nodes", len(g.Inputs), len(g.Nodes))
	}
	if r, ok := g.Nodes[0].Op.(*graph.Reshape); !ok || !slices.Equal(r.Shape, []int{3, 2}) {
		t.Errorf("op %#v", g.Nodes[0].Op)
	}
	if _, err := importModel(t, m, onnx.Options{Constants: map[string]*graph.Value{"s": graph.Floats([]int{2}, []float32{3, 2})}}); err == nil {
		t.Error("a float constant for an int64 input was accepted")
	}
}

// TestFoldsShapeArithmetic imports the flatten pattern PyTorch exports
// (Shape, Gather, Unsqueeze, Concat, Reshape) and expects it folded to one
// Reshape with a static shape.
func TestFoldsShapeArithmetic(t *testing.T) {
	nodes := []ot.Node{
		node("Shape", []string{"x"}, []string{"shape"}),
		node("Gather", []string{"shape", "zero"}, []string{"batch"}, ot.AttrInt("axis", 0)),
		node("Unsqueeze", []string{"batch"}, []string{"batch1"}, ot.AttrInts("axes", 0)),
		node("Concat", []string{"batch1", "minus1"}, []string{"target"}, ot.AttrInt("axis", 0)),
		node("Reshape", []string{"x", "target"}, []string{"flat"}),
		node("Relu", []string{"flat"}, []string{"y"}),
	}
	inits := []ot.Tensor{ot.Int64Tensor("zero", nil, 0), ot.Int64Tensor("minus1", []int64{1}, -1)}
	m := model(11, nodes, inits, []ot.ValueInfo{ot.VI("x", "N", 3, 2, 2)}, []ot.ValueInfo{ot.VI("y", "N", 12)})
	g := mustImport(t, m, onnx.Options{})
	if len(g.Nodes) != 2 {
		t.Fatalf("%d nodes, want Reshape and Relu", len(g.Nodes))
	}
	r, ok := g.Nodes[0].Op.(*graph.Reshape)
	if !ok || !slices.Equal(r.Shape, []int{1, 12}) || g.Nodes[0].Source != "Reshape" {
		t.Errorf("node 0: %s %#v", g.Nodes[0].Describe(), g.Nodes[0].Op)
	}
	for _, tn := range g.Tensors {
		if tn.Const != nil {
			t.Errorf("constant %q survived folding and compaction", tn.Name)
		}
	}
}

// TestQuantizeDequantize: QDQ nodes stay in the graph with their
// parameters, and compute saturate(round_half_even(x/s) + zp).
func TestQuantizeDequantize(t *testing.T) {
	nodes := []ot.Node{
		node("QuantizeLinear", []string{"x", "s", "zp"}, []string{"q"}),
		node("DequantizeLinear", []string{"q", "s", "zp"}, []string{"y"}),
		node("DequantizeLinear", []string{"w", "ws"}, []string{"wf"}, ot.AttrInt("axis", 0)),
	}
	inits := []ot.Tensor{
		ot.FloatTensor("s", nil, 0.5),
		{Name: "zp", DataType: ot.Int8, Int32s: []int32{-1}},
		{Name: "w", Dims: []int64{2, 2}, DataType: ot.Int8, Raw: []byte{1, 0xff, 10, 0x80}},
		ot.FloatTensor("ws", []int64{2}, 1, 0.1),
	}
	m := model(13, nodes, inits, []ot.ValueInfo{ot.VI("x", 6)}, []ot.ValueInfo{ot.VI("y", 6), ot.VI("wf", 2, 2)})
	g := mustImport(t, m, onnx.Options{})
	if len(g.Nodes) != 3 {
		t.Fatalf("%d nodes, want 3 (QDQ nodes are never folded)", len(g.Nodes))
	}
	q := g.Nodes[0].Op.(*graph.QuantizeLinear)
	if q.QType != graph.Int8 || !slices.Equal(q.Scale, []float32{0.5}) || !slices.Equal(q.ZeroPoint, []int64{-1}) || q.Axis != -1 {
		t.Errorf("QuantizeLinear params %+v", q.QuantParams)
	}
	dq := g.Nodes[2].Op.(*graph.DequantizeLinear)
	if dq.QType != graph.Int8 || dq.Axis != 0 || !slices.Equal(dq.Scale, []float32{1, 0.1}) || !slices.Equal(dq.ZeroPoint, []int64{0, 0}) {
		t.Errorf("per-axis DequantizeLinear params %+v", dq.QuantParams)
	}
	out := run(t, g, floats([]int{6}, -1, 0.26, 0.75, 100, -100, 0.25))
	// x/0.5 = -2, 0.52, 1.5, 200, -200, 0.5 -> round half even -2, 1, 2,
	// 200, -200, 0 -> +zp -3, 0, 1, 199 (saturates to 127), -201 (to -128), -1
	// -> (q+1)*0.5.
	checkFloats(t, "QDQ", out[0], []int{6}, []float64{-1, 0.5, 1, 64, -63.5, 0})
	checkFloats(t, "per-axis DQ", out[1], []int{2, 2}, []float64{1, -1, 1, -12.8})
}

func TestCast(t *testing.T) {
	for _, c := range []struct {
		to   int64
		dt   graph.DType
		want []int64
	}{
		// Truncation toward zero, then two's-complement wrap (300 -> 44).
		{ot.Int8, graph.Int8, []int64{-1, 2, 44, 0}},
		{ot.Int64, graph.Int64, []int64{-1, 2, 300, 0}},
		{ot.Bool, graph.Bool, []int64{1, 1, 1, 0}},
	} {
		m := model(13, []ot.Node{node("Cast", []string{"x"}, []string{"y"}, ot.AttrInt("to", c.to))}, nil,
			[]ot.ValueInfo{ot.VI("x", 4)}, []ot.ValueInfo{{Name: "y", ElemType: int32(c.to), Dims: []any{4}}})
		g := mustImport(t, m, onnx.Options{})
		y := run(t, g, floats([]int{4}, -1.7, 2.9, 300.5, 0))[0]
		if y.DType != c.dt || !slices.Equal(y.I, c.want) {
			t.Errorf("cast to %v: %v %v, want %v", c.dt, y.DType, y.I, c.want)
		}
	}
}

// TestInitializerEncodings imports constants in every storage form and
// checks the values (float16 bit patterns worked out by hand: 1.5 is
// 0x3E00, -2 is 0xC000, 65504 is 0x7BFF; bfloat16 1.5 is 0x3FC0).
func TestInitializerEncodings(t *testing.T) {
	cases := []struct {
		name   string
		tensor ot.Tensor
		dt     graph.DType
		f      []float32
		i      []int64
	}{
		{"float raw", ot.RawFloats("c", []int64{2}, 1.5, -2), graph.Float32, []float32{1.5, -2}, nil},
		{"float_data", ot.FloatTensor("c", []int64{2}, 1.5, -2), graph.Float32, []float32{1.5, -2}, nil},
		{"float_data unpacked", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Float, Floats: []float32{1.5, -2}, Unpacked: true}, graph.Float32, []float32{1.5, -2}, nil},
		{"float16 raw", ot.Tensor{Name: "c", Dims: []int64{3}, DataType: ot.Float16, Raw: []byte{0x00, 0x3E, 0x00, 0xC0, 0xFF, 0x7B}}, graph.Float32, []float32{1.5, -2, 65504}, nil},
		{"float16 int32_data", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Float16, Int32s: []int32{0x3E00, 0xC000}}, graph.Float32, []float32{1.5, -2}, nil},
		{"bfloat16 raw", ot.Tensor{Name: "c", Dims: []int64{1}, DataType: ot.BFloat16, Raw: []byte{0xC0, 0x3F}}, graph.Float32, []float32{1.5}, nil},
		{"double_data", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Double, Doubles: []float64{0.1, -3}}, graph.Float32, []float32{0.1, -3}, nil},
		{"int64_data", ot.Int64Tensor("c", []int64{2}, -5, 1<<40), graph.Int64, nil, []int64{-5, 1 << 40}},
		{"int32_data", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Int32, Int32s: []int32{-7, 7}}, graph.Int32, nil, []int64{-7, 7}},
		{"int8 raw", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Int8, Raw: []byte{0x80, 0x7f}}, graph.Int8, nil, []int64{-128, 127}},
		{"uint8 raw", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Uint8, Raw: []byte{0x80, 0xff}}, graph.Uint8, nil, []int64{128, 255}},
		{"bool int32_data", ot.Tensor{Name: "c", Dims: []int64{2}, DataType: ot.Bool, Int32s: []int32{1, 0}}, graph.Bool, nil, []int64{1, 0}},
		{"int16 raw", ot.Tensor{Name: "c", Dims: []int64{1}, DataType: ot.Int16, Raw: []byte{0x00, 0x80}}, graph.Int16, nil, []int64{-32768}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := onnx.TensorValue(pbTensor(t, c.tensor), "")
			if err != nil {
				t.Fatal(err)
			}
			if v.DType != c.dt || !slices.Equal(v.F, c.f) || !slices.Equal(v.I, c.i) {
				t.Errorf("%v F=%v I=%v, want %v F=%v I=%v", v.DType, v.F, v.I, c.dt, c.f, c.i)
			}
		})
	}
	bad := []struct {
		name   string
		tensor ot.Tensor
		want   string
	}{
		{"raw length", ot.Tensor{Name: "c", Dims: []int64{3}, DataType: ot.Float, Raw: make([]byte, 8)}, "raw_data has 8 bytes, FLOAT[3] needs 12"},
		{"float_data count", ot.FloatTensor("c", []int64{3}, 1, 2), "float_data has 2 values"},
		{"int8 range", ot.Tensor{Name: "c", Dims: []int64{1}, DataType: ot.Int8, Int32s: []int32{200}}, "out of range"},
		{"string", ot.Tensor{Name: "c", Dims: []int64{1}, DataType: ot.String}, "element type STRING"},
		{"negative dim", ot.Tensor{Name: "c", Dims: []int64{-1}, DataType: ot.Float}, "invalid dims"},
		{"huge", ot.Tensor{Name: "c", Dims: []int64{1 << 20, 1 << 20, 1 << 20}, DataType: ot.Float}, "elements"},
	}
	for _, c := range bad {
		if _, err := onnx.TensorValue(pbTensor(t, c.tensor), ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// TestExternalData reads initializers from files beside the model and
// refuses every path that leaves the model's folder.
func TestExternalData(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "model")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	payload := ot.RawFloats("", nil, 0, 0, 1.5, -2).Raw // 8 bytes of padding, then 1.5, -2
	for _, p := range []string{filepath.Join(dir, "w.bin"), filepath.Join(root, "outside.bin")} {
		if err := os.WriteFile(p, payload, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustSymlink := func(target, link string) {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	mustSymlink("w.bin", "inside.bin")
	mustSymlink("../outside.bin", "escape.bin")
	mustSymlink(filepath.Join(root, "outside.bin"), "abs.bin")
	mustSymlink("../..", "sub/up") // sub/up is root, outside the model folder

	load := func(location, offset string) error {
		w := ot.Tensor{Name: "w", Dims: []int64{2}, DataType: ot.Float, External: []ot.KV{{Key: "location", Value: location}, {Key: "offset", Value: offset}, {Key: "length", Value: "8"}}}
		m := model(13, []ot.Node{node("Add", []string{"x", "w"}, []string{"y"})}, []ot.Tensor{w}, []ot.ValueInfo{ot.VI("x", 2)}, []ot.ValueInfo{ot.VI("y", 2)})
		path := filepath.Join(dir, "m.onnx")
		if err := os.WriteFile(path, m.Marshal(), 0o644); err != nil {
			t.Fatal(err)
		}
		g, err := onnx.Load(path, onnx.Options{})
		if err != nil {
			return err
		}
		y := run(t, g, floats([]int{2}, 1, 1))[0]
		checkFloats(t, location, y, []int{2}, []float64{2.5, -1})
		return nil
	}
	for _, loc := range []string{"w.bin", "inside.bin", "./w.bin"} {
		if err := load(loc, "8"); err != nil {
			t.Errorf("location %q: %v", loc, err)
		}
	}
	for _, c := range []struct{ loc, offset, want string }{
		{"../outside.bin", "8", "leaves the model's folder"},
		{"sub/../../outside.bin", "8", "leaves the model's folder"},
		{filepath.Join(root, "outside.bin"), "8", "is absolute"},
		{"escape.bin", "8", "escapes"},
		{"abs.bin", "8", "escapes"},
		{"sub/up/outside.bin", "8", "escapes"},
		{"missing.bin", "8", "no such file"},
		{"w.bin", "12", "exceed the file's 16 bytes"},
		{"w.bin", "-1", "not a non-negative integer"},
		{"", "8", "without a location"},
		{"sub", "8", "not a regular file"},
	} {
		if err := load(c.loc, c.offset); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("location %q offset %s: error %v, want %q", c.loc, c.offset, err, c.want)
		}
	}
	// From bytes without a base folder, external data is refused.
	w := ot.Tensor{Name: "w", Dims: []int64{2}, DataType: ot.Float, External: []ot.KV{{Key: "location", Value: "w.bin"}}}
	m := model(13, []ot.Node{node("Add", []string{"x", "w"}, []string{"y"})}, []ot.Tensor{w}, []ot.ValueInfo{ot.VI("x", 2)}, []ot.ValueInfo{ot.VI("y", 2)})
	if _, err := importModel(t, m, onnx.Options{}); err == nil || !strings.Contains(err.Error(), "not loaded from a folder") {
		t.Errorf("external data without BaseDir: %v", err)
	}
}

// TestMalformed checks clear errors for structurally broken graphs.
func TestMalformed(t *testing.T) {
	in, out := []ot.ValueInfo{ot.VI("x", 2)}, []ot.ValueInfo{ot.VI("y", 2)}
	cases := []struct {
		name  string
		nodes []ot.Node
		want  string
	}{
		{"undefined input", []ot.Node{node("Relu", []string{"nope"}, []string{"y"})}, `input 0 "nope" is not defined before the node`},
		{"unsorted", []ot.Node{node("Relu", []string{"a"}, []string{"y"}), node("Relu", []string{"x"}, []string{"a"})}, `"a" is not defined before the node`},
		{"duplicate output", []ot.Node{node("Relu", []string{"x"}, []string{"y"}), node("Relu", []string{"x"}, []string{"y"})}, `output "y" is already defined`},
		{"output never computed", []ot.Node{node("Relu", []string{"x"}, []string{"z"})}, `graph output "y" is never computed`},
		{"bad attribute type", []ot.Node{node("Softmax", []string{"x"}, []string{"y"}, ot.AttrFloat("axis", 1))}, `attribute "axis" is FLOAT, want INT`},
		{"axis out of range", []ot.Node{node("Softmax", []string{"x"}, []string{"y"}, ot.AttrInt("axis", 3))}, "axis 3 out of range for rank 1"},
		{"extra output", []ot.Node{node("Relu", []string{"x"}, []string{"y", "z"})}, `output 1 "z": the op has no such output`},
		{"no outputs", []ot.Node{node("Relu", []string{"x"}, nil)}, "output 0 is missing"},
		{"bad reshape", []ot.Node{node("Reshape", []string{"x", "s"}, []string{"y"})}, "cannot reshape [2] (2 elements) to [3]"},
	}
	for _, c := range cases {
		m := model(13, c.nodes, []ot.Tensor{ot.Int64Tensor("s", []int64{1}, 3)}, in, out)
		if _, err := importModel(t, m, onnx.Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestLoadTruncatedFile(t *testing.T) {
	m := model(13, []ot.Node{node("Relu", []string{"x"}, []string{"y"})}, []ot.Tensor{ot.RawFloats("unused", []int64{64}, make([]float32, 64)...)},
		[]ot.ValueInfo{ot.VI("x", 2)}, []ot.ValueInfo{ot.VI("y", 2)})
	b := m.Marshal()
	path := filepath.Join(t.TempDir(), "cut.onnx")
	if err := os.WriteFile(path, b[:len(b)-40], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := onnx.Load(path, onnx.Options{})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("truncated file: %v", err)
	}
}

// TestUnusedInitializers: initializers nothing reads are neither decoded
// nor checked, so a stale string table does not block a conversion.
func TestUnusedInitializers(t *testing.T) {
	inits := []ot.Tensor{{Name: "labels", Dims: []int64{1}, DataType: ot.String}, ot.FloatTensor("w", []int64{2}, 1, 2)}
	m := model(13, []ot.Node{node("Relu", []string{"x"}, []string{"y"})}, inits, []ot.ValueInfo{ot.VI("x", 2)}, []ot.ValueInfo{ot.VI("y", 2)})
	g := mustImport(t, m, onnx.Options{})
	if len(g.Tensors) != 2 {
		t.Errorf("%d tensors, want x and y", len(g.Tensors))
	}
	m.Graph.Nodes[0].In = []string{"labels"}
	var ue *onnx.UnsupportedError
	if _, err := importModel(t, m, onnx.Options{}); !errors.As(err, &ue) {
		t.Errorf("a used string initializer: %v", err)
	}
}
