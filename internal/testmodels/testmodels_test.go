package testmodels

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

func TestSuiteCoversEveryOp(t *testing.T) {
	seen := make(map[format.OpCode][]string)
	for _, c := range All() {
		for _, build := range []func() (*format.Model, error){c.Float32, c.Int8} {
			m, err := build()
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range m.Operators {
				if !slices.Contains(seen[op.Op], c.Name) {
					seen[op.Op] = append(seen[op.Op], c.Name)
				}
			}
		}
	}
	for op := format.OpCode(0); op.Valid(); op++ {
		if len(seen[op]) == 0 {
			t.Errorf("no model uses %s", op)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := All(), All()
	for i := range a {
		if !reflect.DeepEqual(a[i].Inputs, b[i].Inputs) || !reflect.DeepEqual(a[i].CalibrationInputs, b[i].CalibrationInputs) {
			t.Errorf("%s: samples differ between two All calls", a[i].Name)
		}
		ma, err := a[i].Float32()
		if err != nil {
			t.Fatal(err)
		}
		mb, err := b[i].Float32()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ma, mb) {
			t.Errorf("%s: two builds of the float32 model differ", a[i].Name)
		}
		for s := range a[i].Inputs {
			if reflect.DeepEqual(a[i].Inputs[s], a[i].CalibrationInputs[s]) {
				t.Errorf("%s: evaluation sample %d equals a calibration sample", a[i].Name, s)
			}
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	for _, c := range All() {
		for _, kind := range []string{"float32", "int8"} {
			m, err := c.model(kind)
			if err != nil {
				t.Fatal(err)
			}
			if err := format.ValidateModel(m); err != nil {
				t.Errorf("%s %s: ValidateModel: %v", c.Name, kind, err)
				continue
			}
			data, err := format.Encode(m)
			if err != nil {
				t.Errorf("%s %s: Encode: %v", c.Name, kind, err)
				continue
			}
			d, err := format.Decode(data)
			if err != nil {
				t.Errorf("%s %s: Decode: %v", c.Name, kind, err)
				continue
			}
			if diff := compareModels(m, d); diff != "" {
				t.Errorf("%s %s: decoded model differs: %s", c.Name, kind, diff)
			}
		}
	}
}

func (c Case) model(kind string) (*format.Model, error) {
	if kind == "int8" {
		return c.Int8()
	}
	return c.Float32()
}

// compareModels reports the first difference between a built model and its
// decoded copy in what the file carries: tensors (payload bytes included),
// operators, graph I/O and the metadata the builder sets.
func compareModels(want, got *format.Model) string {
	if len(want.Tensors) != len(got.Tensors) {
		return fmt.Sprintf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for i := range want.Tensors {
		w, g := &want.Tensors[i], &got.Tensors[i]
		if w.Name != g.Name || !slices.Equal(w.Shape, g.Shape) || w.DType != g.DType || !bytes.Equal(w.Data, g.Data) {
			return fmt.Sprintf("tensor %d %q: got %q %v %v (%d bytes), want %v %v (%d bytes)",
				i, w.Name, g.Name, g.Shape, g.DType, len(g.Data), w.Shape, w.DType, len(w.Data))
		}
		if (w.Quant == nil) != (g.Quant == nil) {
			return fmt.Sprintf("tensor %d %q: quant %v, want %v", i, w.Name, g.Quant, w.Quant)
		}
		if w.Quant != nil && (!slices.Equal(w.Quant.Scale, g.Quant.Scale) || !slices.Equal(w.Quant.ZeroPoint, g.Quant.ZeroPoint) || w.Quant.Axis != g.Quant.Axis) {
			return fmt.Sprintf("tensor %d %q: quant %+v, want %+v", i, w.Name, *g.Quant, *w.Quant)
		}
	}
	if len(want.Operators) != len(got.Operators) {
		return fmt.Sprintf("%d operators, want %d", len(got.Operators), len(want.Operators))
	}
	for i := range want.Operators {
		w, g := &want.Operators[i], &got.Operators[i]
		if w.Op != g.Op || w.Name != g.Name || !slices.Equal(w.Inputs, g.Inputs) || !slices.Equal(w.Outputs, g.Outputs) ||
			!reflect.DeepEqual(normalizeOptions(w.Options), normalizeOptions(g.Options)) {
			return fmt.Sprintf("operator %d %q: got %s %q %v->%v %+v, want %s %v->%v %+v",
				i, w.Name, g.Op, g.Name, g.Inputs, g.Outputs, g.Options, w.Op, w.Inputs, w.Outputs, w.Options)
		}
	}
	if !slices.Equal(want.Inputs, got.Inputs) || !slices.Equal(want.Outputs, got.Outputs) {
		return fmt.Sprintf("graph I/O %v -> %v, want %v -> %v", got.Inputs, got.Outputs, want.Inputs, want.Outputs)
	}
	wm, gm := &want.Metadata, &got.Metadata
	if wm.Description != gm.Description || !reflect.DeepEqual(wm.IOLayouts, gm.IOLayouts) ||
		!reflect.DeepEqual(wm.Producer, gm.Producer) || !slices.Equal(wm.Labels, gm.Labels) ||
		!reflect.DeepEqual(wm.Preprocessing, gm.Preprocessing) {
		return fmt.Sprintf("metadata %+v, want %+v", *gm, *wm)
	}
	return ""
}

// normalizeOptions maps empty slices to nil: a decoder may return either.
func normalizeOptions(o any) any {
	if s, ok := o.(*format.SliceOptions); ok && len(s.Step) == 0 {
		c := *s
		c.Step = nil
		return &c
	}
	return o
}

// sqnrBound is the least output SQNR (dB) an int8 model with q
// quantization points on its deepest path must reach against its float32
// model. The derivation:
//
//   - Rounding to a step Δ adds noise of power Δ²/12. An int8 tensor spans
//     its calibrated range R = 255Δ, so a signal spread uniformly over the
//     range (RMS R/√12) gets SQNR 20·log10(255) ≈ 48.1 dB.
//   - Activations are not uniform over their min/max range. A Gaussian-like
//     pre-activation whose range is its calibrated extremes (about ±4σ) has
//     RMS R/8: 20·log10((1/√12)/(1/8)) ≈ 7.3 dB less. We budget 12 dB for
//     this crest factor, which also covers heavier tails.
//   - q rounding points add independent noise of comparable relative power
//     when layer gains are near 1 (He initialization): 10·log10(q) dB.
//   - A further 6 dB covers gains above 1 through random (untrained)
//     weights and the first-order approximation.
//
// So bound(q) = 48.1 - 12 - 6 - 10·log10(q) ≈ 30.1 - 10·log10(q), which is
// 20 dB for a 10-deep model.
func sqnrBound(q int) float64 {
	return 20*math.Log10(255) - 12 - 6 - 10*math.Log10(float64(max(q, 1)))
}

// quantizationDepth counts the ops on the longest path from an input to
// any output of the int8 model that round to a new quantization: every op
// except the ones that move raw int8 values (their output shares the
// input's quantization) and the float island's float ops.
func quantizationDepth(m *format.Model) int {
	depth := make([]int, len(m.Tensors))
	deepest := 0
	for _, op := range m.Operators {
		d := 0
		for _, in := range op.Inputs {
			if in >= 0 {
				d = max(d, depth[in])
			}
		}
		out := &m.Tensors[op.Outputs[0]]
		if out.DType == format.Int8 && !movesRawValues(op.Op) {
			d++
		}
		depth[op.Outputs[0]] = d
	}
	for _, o := range m.Outputs {
		deepest = max(deepest, depth[o])
	}
	return deepest
}

func movesRawValues(op format.OpCode) bool {
	switch op {
	case format.OpMaxPool2D, format.OpReshape, format.OpTranspose, format.OpSlice, format.OpPad,
		format.OpConcatenation, format.OpReduceMax:
		return true
	}
	return false
}

// allActivations returns a copy of m whose outputs are every activation
// tensor that is not a graph input, for per-tensor comparisons by name.
func allActivations(m *format.Model) *format.Model {
	c := *m
	c.Outputs = nil
	for i := range m.Tensors {
		if m.Tensors[i].Data == nil && !slices.Contains(m.Inputs, i) {
			c.Outputs = append(c.Outputs, i)
		}
	}
	c.Metadata.IOLayouts = nil
	c.Metadata.Labels = nil
	return &c
}

// TestInt8AgreesWithFloat32 is the suite's end-to-end accuracy check: each
// int8 model's outputs on the evaluation samples (which calibration never
// saw) must match the float32 model's within sqnrBound of its depth.
func TestInt8AgreesWithFloat32(t *testing.T) {
	var table strings.Builder
	fmt.Fprintf(&table, "%-20s %5s %8s %8s %6s  %s\n", "model", "depth", "bound", "SQNR dB", "top-1", "worst tensor (SQNR dB)")
	for _, c := range All() {
		fm, err := c.Float32()
		if err != nil {
			t.Fatal(err)
		}
		qm, err := c.Int8()
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Run(fm, c.Inputs, runtime.Options{Threads: 1})
		if err != nil {
			t.Fatalf("%s float32: %v", c.Name, err)
		}
		got, err := Run(qm, c.Inputs, runtime.Options{Threads: 2})
		if err != nil {
			t.Fatalf("%s int8: %v", c.Name, err)
		}
		depth := quantizationDepth(qm)
		bound := sqnrBound(depth)
		worstOut := math.Inf(1)
		for k := range fm.Outputs {
			var r, g []float32
			for s := range c.Inputs {
				r = append(r, ref[s][k]...)
				g = append(g, got[s][k]...)
			}
			sqnr := SQNR(r, g)
			worstOut = min(worstOut, sqnr)
			if !(sqnr >= bound) {
				t.Errorf("%s output %d %q: SQNR %.1f dB < %.1f dB (depth %d)", c.Name, k, fm.Tensors[fm.Outputs[k]].Name, sqnr, bound, depth)
			}
		}
		agree := 0
		for s := range c.Inputs {
			if argmax(ref[s][0]) == argmax(got[s][0]) {
				agree++
			}
		}
		worstName, worstSQNR := worstTensor(t, c, fm, qm)
		fmt.Fprintf(&table, "%-20s %5d %8.1f %8.1f %3d/%-2d  %s (%.1f)\n",
			c.Name, depth, bound, worstOut, agree, len(c.Inputs), worstName, worstSQNR)
	}
	t.Logf("int8 vs float32 on %d held-out samples per model:\n%s", evaluationSamples, table.String())
}

// worstTensor runs both models with every activation as an output and
// returns the int8 tensor with the lowest SQNR against the float32 tensor
// of the same name.
func worstTensor(t *testing.T, c Case, fm, qm *format.Model) (string, float64) {
	fa, qa := allActivations(fm), allActivations(qm)
	ref, err := Run(fa, c.Inputs[:1], runtime.Options{Threads: 1})
	if err != nil {
		t.Fatalf("%s float32 activations: %v", c.Name, err)
	}
	got, err := Run(qa, c.Inputs[:1], runtime.Options{Threads: 1})
	if err != nil {
		t.Fatalf("%s int8 activations: %v", c.Name, err)
	}
	byName := make(map[string][]float32)
	for k, o := range fa.Outputs {
		byName[fa.Tensors[o].Name] = ref[0][k]
	}
	worst, name := math.Inf(1), ""
	for k, o := range qa.Outputs {
		r, ok := byName[qa.Tensors[o].Name]
		if !ok || qa.Tensors[o].DType != format.Int8 {
			continue
		}
		if s := SQNR(r, got[0][k]); s < worst {
			worst, name = s, qa.Tensors[o].Name
		}
	}
	return name, worst
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

func TestSQNR(t *testing.T) {
	// ref power 1²+2²+2² = 9, noise 0.1²·3 = 0.03: 10·log10(300).
	got := SQNR([]float32{1, 2, -2}, []float32{1.1, 1.9, -2.1})
	if want := 10 * math.Log10(9/0.03); math.Abs(got-want) > 1e-4 {
		t.Errorf("SQNR = %v, want %v", got, want)
	}
	if got := SQNR([]float32{1, 2}, []float32{1, 2}); !math.IsInf(got, 1) {
		t.Errorf("SQNR of equal slices = %v, want +Inf", got)
	}
	if got := SQNR([]float32{1}, []float32{1, 2}); !math.IsNaN(got) {
		t.Errorf("SQNR of different lengths = %v, want NaN", got)
	}
}

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * len(definitions); len(paths) != want {
		t.Errorf("%d files written, want %d", len(paths), want)
	}
	c, _ := Lookup("lenet5")
	for _, kind := range []string{"float32", "int8"} {
		data, err := os.ReadFile(filepath.Join(dir, "lenet5."+kind+".einf"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := format.Decode(data)
		if err != nil {
			t.Fatalf("lenet5.%s.einf: %v", kind, err)
		}
		want, _ := c.model(kind)
		if diff := compareModels(want, m); diff != "" {
			t.Errorf("lenet5.%s.einf differs from the built model: %s", kind, diff)
		}
	}
	// Inputs: consecutive NCHW float32 tensors. resnet_block's input is
	// 1x16x16x8 NHWC; NCHW element (c=1, y=0, x=0) is at flat index
	// 1*16*16 = 256 and is NHWC element 1.
	raw, err := os.ReadFile(filepath.Join(dir, "resnet_block.inputs.f32"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Lookup("resnet_block")
	per := 16 * 16 * 8
	if len(raw) != 4*per*len(r.Inputs) {
		t.Fatalf("resnet_block.inputs.f32: %d bytes, want %d", len(raw), 4*per*len(r.Inputs))
	}
	at := func(i int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])) }
	if at(256) != r.Inputs[0][0][1] || at(per+256) != r.Inputs[1][0][1] || at(1) != r.Inputs[0][0][8] {
		t.Errorf("raw inputs are not the samples in NCHW order")
	}
}
