package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/testmodels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// inspectJSON restates the documented JSON schema of `inspect --json`
// (the subset these tests check), so a renamed field fails to decode.
type inspectJSON struct {
	File          string `json:"file"`
	FormatVersion uint32 `json:"format_version"`
	Description   string `json:"description"`
	Kernels       string `json:"kernels"`
	Producer      *struct {
		Name        string `json:"name"`
		Calibration *struct {
			Method  string `json:"method"`
			Samples int    `json:"samples"`
			Seed    int64  `json:"seed"`
		} `json:"calibration"`
	} `json:"producer"`
	Inputs        []inspectIO `json:"inputs"`
	Outputs       []inspectIO `json:"outputs"`
	LabelsCount   int         `json:"labels_count"`
	Labels        []string    `json:"labels"`
	Preprocessing *struct {
		ColorOrder string    `json:"color_order"`
		Mean       []float32 `json:"mean"`
		Width      int       `json:"width"`
		Height     int       `json:"height"`
	} `json:"preprocessing"`
	Extra map[string]string `json:"extra"`
	Ops   []struct {
		Index       int    `json:"index"`
		OpCode      string `json:"opcode"`
		Name        string `json:"name"`
		Kernel      string `json:"kernel"`
		Inputs      []int  `json:"inputs"`
		Outputs     []int  `json:"outputs"`
		OutputShape []int  `json:"output_shape"`
		MACs        int64  `json:"macs"`
	} `json:"ops"`
	Tensors []struct {
		Index    int    `json:"index"`
		Name     string `json:"name"`
		Shape    []int  `json:"shape"`
		DType    string `json:"dtype"`
		Quant    *quantTestJSON
		Constant bool `json:"constant"`
		Bytes    int  `json:"bytes"`
	} `json:"tensors"`
	Totals struct {
		Ops                  int      `json:"ops"`
		Tensors              int      `json:"tensors"`
		MACs                 int64    `json:"macs"`
		WeightsBytes         int64    `json:"weights_bytes"`
		ArenaBytes           int      `json:"arena_bytes"`
		ArenaLowerBoundBytes int      `json:"arena_lower_bound_bytes"`
		ArenaRatio           *float64 `json:"arena_ratio"`
		ArenaStrategy        string   `json:"arena_strategy"`
	} `json:"totals"`
}

type inspectIO struct {
	Tensor       int            `json:"tensor"`
	Name         string         `json:"name"`
	Shape        []int          `json:"shape"`
	DType        string         `json:"dtype"`
	Quant        *quantTestJSON `json:"quant"`
	SourceLayout string         `json:"source_layout"`
	SourceShape  []int          `json:"source_shape"`
}

type quantTestJSON struct {
	Scale     []float32 `json:"scale"`
	ZeroPoint []int32   `json:"zero_point"`
	Axis      int       `json:"axis"`
}

// independentMACs counts multiply-accumulates from the graph alone: every
// output element of a conv or fully connected op takes one weight row
// (weights elements / output channels).
func independentMACs(m *format.Model) int64 {
	var total int64
	for _, op := range m.Operators {
		if op.Op != format.OpConv2D && op.Op != format.OpFullyConnected {
			continue
		}
		w := m.Tensors[op.Inputs[1]]
		out := m.Tensors[op.Outputs[0]]
		total += int64(elements(out.Shape)) * int64(elements(w.Shape)/w.Shape[0])
	}
	return total
}

func TestInspectJSON(t *testing.T) {
	for _, c := range testmodels.All() {
		for _, kind := range []string{"int8", "float32"} {
			t.Run(c.Name+"."+kind, func(t *testing.T) {
				path := suiteModel(t, c.Name, kind)
				rm, err := runtime.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				defer rm.Close()
				fm := rm.Format()

				out := mustRun(t, "inspect", path, "--json")
				var r inspectJSON
				if err := json.Unmarshal([]byte(out), &r); err != nil {
					t.Fatal(err)
				}
				checkTopLevelKeys(t, out)
				checkInspectJSON(t, &r, path, fm, rm)
			})
		}
	}
}

// checkTopLevelKeys checks that the JSON object has exactly the
// documented top-level fields.
func checkTopLevelKeys(t *testing.T, out string) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"file", "format_version", "description", "kernels", "producer", "inputs", "outputs", "labels_count",
		"labels", "preprocessing", "quant_report", "extra", "ops", "tensors", "totals",
	}
	got := slices.Sorted(maps.Keys(obj))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("top-level keys %q, want %q", got, want)
	}
}

func checkInspectJSON(t *testing.T, r *inspectJSON, path string, fm *format.Model, rm *runtime.Model) {
	t.Helper()
	if r.File != path || r.FormatVersion != format.Version || r.Description != fm.Metadata.Description || r.Kernels != runtime.KernelVariant() {
		t.Errorf("header: file %q version %d description %q kernels %q", r.File, r.FormatVersion, r.Description, r.Kernels)
	}
	if p := fm.Metadata.Producer; p != nil {
		if r.Producer == nil || r.Producer.Name != p.Name {
			t.Errorf("producer %+v, want name %q", r.Producer, p.Name)
		} else if cal := p.Calibration; cal != nil {
			if rc := r.Producer.Calibration; rc == nil || rc.Method != cal.Method || rc.Samples != cal.Samples || rc.Seed != cal.Seed {
				t.Errorf("calibration %+v, want %+v", rc, cal)
			}
		}
	}
	if r.LabelsCount != len(fm.Metadata.Labels) || !slices.Equal(r.Labels, fm.Metadata.Labels) {
		t.Errorf("labels %d %q, want %q", r.LabelsCount, r.Labels, fm.Metadata.Labels)
	}
	if p := fm.Metadata.Preprocessing; (p == nil) != (r.Preprocessing == nil) ||
		p != nil && (r.Preprocessing.Width != p.Width || r.Preprocessing.Height != p.Height || !slices.Equal(r.Preprocessing.Mean, p.Mean)) {
		t.Errorf("preprocessing %+v, want %+v", r.Preprocessing, p)
	}

	checkIO := func(what string, got []inspectIO, tensors []int) {
		if len(got) != len(tensors) {
			t.Fatalf("%s: %d entries, want %d", what, len(got), len(tensors))
		}
		for k, ti := range tensors {
			ft := &fm.Tensors[ti]
			g := got[k]
			if g.Tensor != ti || g.Name != ft.Name || !slices.Equal(g.Shape, ft.Shape) || g.DType != ft.DType.String() {
				t.Errorf("%s %d: %+v, want tensor %d %q %v %s", what, k, g, ti, ft.Name, ft.Shape, ft.DType)
			}
			if (ft.Quant == nil) != (g.Quant == nil) || ft.Quant != nil && (!slices.Equal(g.Quant.Scale, ft.Quant.Scale) || !slices.Equal(g.Quant.ZeroPoint, ft.Quant.ZeroPoint)) {
				t.Errorf("%s %d: quant %+v, want %+v", what, k, g.Quant, ft.Quant)
			}
			wantLayout, wantShape := "", ft.Shape
			if len(ft.Shape) == 4 {
				s := ft.Shape
				wantLayout = "NHWC"
				if fm.Metadata.IOLayouts[ti] == format.NCHW {
					wantLayout, wantShape = "NCHW", []int{s[0], s[3], s[1], s[2]}
				}
			}
			if g.SourceLayout != wantLayout || !slices.Equal(g.SourceShape, wantShape) {
				t.Errorf("%s %d: source %s %v, want %s %v", what, k, g.SourceLayout, g.SourceShape, wantLayout, wantShape)
			}
		}
	}
	checkIO("inputs", r.Inputs, fm.Inputs)
	checkIO("outputs", r.Outputs, fm.Outputs)

	if len(r.Ops) != len(fm.Operators) {
		t.Fatalf("%d ops, want %d", len(r.Ops), len(fm.Operators))
	}
	var macs int64
	for i, op := range fm.Operators {
		g := r.Ops[i]
		if g.Index != i || g.OpCode != op.Op.String() || g.Name != op.Name || g.Kernel == "" ||
			!slices.Equal(g.Inputs, op.Inputs) || !slices.Equal(g.Outputs, op.Outputs) ||
			!slices.Equal(g.OutputShape, fm.Tensors[op.Outputs[0]].Shape) {
			t.Errorf("op %d: %+v, want %s %q", i, g, op.Op, op.Name)
		}
		macs += g.MACs
	}
	want := independentMACs(fm)
	if want == 0 {
		t.Errorf("the model has no conv or fully connected MACs; the test needs some")
	}
	if macs != want || r.Totals.MACs != want {
		t.Errorf("MACs: ops sum %d, totals %d, want %d", macs, r.Totals.MACs, want)
	}

	if len(r.Tensors) != len(fm.Tensors) {
		t.Fatalf("%d tensors, want %d", len(r.Tensors), len(fm.Tensors))
	}
	var weights int64
	for i := range fm.Tensors {
		ft, g := &fm.Tensors[i], r.Tensors[i]
		if ft.Data != nil {
			weights += int64(len(ft.Data))
		}
		if g.Index != i || g.Name != ft.Name || !slices.Equal(g.Shape, ft.Shape) || g.DType != ft.DType.String() ||
			g.Constant != (ft.Data != nil) || g.Bytes != elements(ft.Shape)*ft.DType.Size() {
			t.Errorf("tensor %d: %+v, want %q %v %s", i, g, ft.Name, ft.Shape, ft.DType)
		}
	}
	tot := r.Totals
	if tot.Ops != len(fm.Operators) || tot.Tensors != len(fm.Tensors) || tot.WeightsBytes != weights {
		t.Errorf("totals: %d ops %d tensors %d weight bytes, want %d %d %d", tot.Ops, tot.Tensors, tot.WeightsBytes, len(fm.Operators), len(fm.Tensors), weights)
	}
	if tot.ArenaBytes != rm.ArenaBytes() || tot.ArenaLowerBoundBytes != rm.ArenaLowerBound() || tot.ArenaStrategy != rm.ArenaStrategy() {
		t.Errorf("arena %d bound %d %q, want %d %d %q", tot.ArenaBytes, tot.ArenaLowerBoundBytes, tot.ArenaStrategy, rm.ArenaBytes(), rm.ArenaLowerBound(), rm.ArenaStrategy())
	}
	if tot.ArenaLowerBoundBytes <= 0 || tot.ArenaBytes < tot.ArenaLowerBoundBytes {
		t.Errorf("arena %d below its lower bound %d", tot.ArenaBytes, tot.ArenaLowerBoundBytes)
	}
	wantRatio := float64(tot.ArenaBytes) / float64(tot.ArenaLowerBoundBytes)
	if tot.ArenaRatio == nil || math.Abs(*tot.ArenaRatio-wantRatio) > 1e-12*wantRatio {
		t.Errorf("arena ratio %v, want %v", tot.ArenaRatio, wantRatio)
	}
}

func TestInspectText(t *testing.T) {
	path := suiteModel(t, "lenet5", "int8")
	rm, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rm.Close()
	fm := rm.Format()
	out := mustRun(t, "inspect", path)
	withTensors := mustRun(t, "inspect", "--tensors", path)

	hasLine := func(text string, fields ...string) bool {
		for _, l := range strings.Split(text, "\n") {
			f := strings.Fields(l)
			if len(f) >= len(fields) && slices.Equal(f[:len(fields)], fields) {
				return true
			}
		}
		return false
	}
	for _, want := range [][]string{
		{"model", path},
		{"format", "version", fmt.Sprint(format.Version)},
		{"kernels", runtime.KernelVariant()},
		{"labels", fmt.Sprintf("%d:", len(fm.Metadata.Labels))},
		{"MACs", fmt.Sprint(independentMACs(fm))},
		{"arena", fmt.Sprint(rm.ArenaBytes()), "bytes"},
		{"arena", "lower", "bound", fmt.Sprint(rm.ArenaLowerBound()), "bytes"},
	} {
		if !hasLine(out, want...) {
			t.Errorf("no line starting %q in\n%s", want, out)
		}
	}
	// One op line per op: index, opcode, name (names have no spaces here).
	for i, op := range fm.Operators {
		if !hasLine(out, fmt.Sprint(i), op.Op.String(), op.Name) {
			t.Errorf("no op line for %d %s %s", i, op.Op, op.Name)
		}
	}
	// The input line: tensor, name, NHWC shape, dtype, ..., source layout and shape.
	in := fm.Tensors[fm.Inputs[0]]
	s := in.Shape
	src := fmt.Sprintf("NCHW %dx%dx%dx%d", s[0], s[3], s[1], s[2])
	if !hasLine(out, fmt.Sprint(fm.Inputs[0]), in.Name, shapeString(s), "int8") || !strings.Contains(out, src) {
		t.Errorf("input line with %s missing", src)
	}
	if strings.Contains(out, "\ntensors\n") || !strings.Contains(withTensors, "\ntensors\n") {
		t.Errorf("the tensor table should appear with --tensors only")
	}
	for i, ft := range fm.Tensors {
		if !hasLine(withTensors, fmt.Sprint(i), ft.Name, shapeString(ft.Shape), ft.DType.String()) {
			t.Errorf("--tensors: no line for tensor %d %q", i, ft.Name)
		}
	}
}

func TestRealJSON(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		bits int
		want string
	}{
		{float64(float32(0.1)), 32, "0.1"},
		{math.Inf(1), 32, "null"},
		{math.NaN(), 64, "null"},
		{1e-7, 64, "1e-07"},
		{-3, 32, "-3"},
	} {
		if got := string(appendReal(nil, tc.v, tc.bits)); got != tc.want {
			t.Errorf("appendReal(%v, %d) = %s, want %s", tc.v, tc.bits, got, tc.want)
		}
	}
}

// TestInspectMetadata covers the metadata the suite models lack: a
// quantization report (with a bit-exact tensor, SQNR +Inf: JSON null), a
// source model hash, extra entries, more labels than the text shows.
func TestInspectMetadata(t *testing.T) {
	b := builder.New()
	x := b.Input("x", []int{1, 12}, format.NHWC)
	b.Output(b.Mul("y", x, b.Constant("k", []int{1, 12}, make([]float32, 12)), builder.ActNone))
	m, err := b.Float32Model()
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]string, 12)
	for i := range labels {
		labels[i] = fmt.Sprintf("class%d", i)
	}
	m.Metadata.Labels = labels
	m.Metadata.Description = "metadata test"
	m.Metadata.Extra = map[string]string{"license": "MIT", "author": "test"}
	m.Metadata.Producer = &format.Producer{
		Name: "edgeinfer-convert", Version: "0.1.0", SourceModel: "model.onnx",
		SourceModelSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Calibration:       &format.Calibration{Method: "percentile", Samples: 64, Source: "val/", Percentile: 99.99, Seed: 7},
	}
	m.Metadata.QuantReport = &format.QuantReport{
		Tensors:      []format.TensorReport{{Tensor: "x", SQNRdB: float32(math.Inf(1))}, {Tensor: "y", SQNRdB: 20.5}},
		OutputSQNRdB: 31.25, Top1Agreement: 0.98, Samples: 100,
	}
	path := writeModel(t, m, "meta.einf")

	var r struct {
		Producer struct {
			SourceModel       string `json:"source_model"`
			SourceModelSHA256 string `json:"source_model_sha256"`
			Calibration       struct {
				Percentile float32 `json:"percentile"`
			} `json:"calibration"`
		} `json:"producer"`
		QuantReport struct {
			OutputSQNRdB  float32 `json:"output_sqnr_db"`
			Top1Agreement float32 `json:"top1_agreement"`
			Samples       int     `json:"samples"`
			Tensors       []struct {
				Tensor string   `json:"tensor"`
				SQNRdB *float32 `json:"sqnr_db"`
			} `json:"tensors"`
		} `json:"quant_report"`
		Extra  map[string]string `json:"extra"`
		Inputs []inspectIO       `json:"inputs"`
	}
	out := mustRun(t, "inspect", "--json", path)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	q := r.QuantReport
	if r.Producer.SourceModel != "model.onnx" || r.Producer.SourceModelSHA256 != m.Metadata.Producer.SourceModelSHA256 ||
		r.Producer.Calibration.Percentile != 99.99 {
		t.Errorf("producer %+v", r.Producer)
	}
	if q.OutputSQNRdB != 31.25 || q.Top1Agreement != 0.98 || q.Samples != 100 || len(q.Tensors) != 2 ||
		q.Tensors[0].SQNRdB != nil || q.Tensors[1].SQNRdB == nil || *q.Tensors[1].SQNRdB != 20.5 {
		t.Errorf("quant report %s", out)
	}
	if len(r.Extra) != 2 || r.Extra["license"] != "MIT" {
		t.Errorf("extra %v", r.Extra)
	}
	if in := r.Inputs[0]; in.Quant != nil || in.DType != "float32" || in.SourceLayout != "" || !slices.Equal(in.SourceShape, []int{1, 12}) {
		t.Errorf("input %+v", in)
	}

	// Text lines, compared with runs of spaces (tabwriter padding) folded.
	var lines []string
	for _, l := range strings.Split(mustRun(t, "inspect", path), "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	for _, want := range []string{
		"producer edgeinfer-convert 0.1.0",
		"source model model.onnx sha256 " + m.Metadata.Producer.SourceModelSHA256,
		"calibration percentile, 64 samples, of val/, percentile 99.99, seed 7",
		"description metadata test",
		"labels 12: class0, class1, class2, class3, class4, ...",
		"quant report output SQNR 31.25 dB, top-1 agreement 0.98 over 100 samples; 2 tensors, worst y at 20.5 dB",
		"extra author = test",
		"extra license = MIT",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("no line %q in\n%s", want, strings.Join(lines, "\n"))
		}
	}
}
