package onnx_test

import (
	"math"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	ot "github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"
)

const int64Max = math.MaxInt64

// opsetCase is one op at one opset: a single node from input "x" (plus
// constant initializers) to output "y", run on x, with expected values
// worked out by hand (or with float64 formulas in the test).
type opsetCase struct {
	name  string
	opset int64
	node  ot.Node
	inits []ot.Tensor
	x     *graph.Value
	shape []int
	want  []float64
}

func (c *opsetCase) run(t *testing.T) {
	dims := make([]any, len(c.x.Shape))
	for i, d := range c.x.Shape {
		dims[i] = d
	}
	m := model(c.opset, []ot.Node{c.node}, c.inits, []ot.ValueInfo{ot.VI("x", dims...)}, []ot.ValueInfo{{Name: "y", ElemType: ot.Float, NoShape: true}})
	g := mustImport(t, m, onnx.Options{})
	out := run(t, g, c.x)
	checkFloats(t, c.name, out[0], c.shape, c.want)
}

func softmaxOf(v ...float64) []float64 {
	var s float64
	for _, x := range v {
		s += math.Exp(x)
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Exp(x) / s
	}
	return out
}

func TestOpsetVariants(t *testing.T) {
	x5 := floats([]int{5}, -3, -1, 0, 2, 5)
	x2x2 := floats([]int{1, 2, 2}, 0, 1, 2, 3)
	s13 := softmaxOf(0, 2)
	s13b := softmaxOf(1, 3)
	x10 := floats([]int{10}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	row5 := floats([]int{1, 1, 1, 5}, 1, 2, 3, 4, 5)
	cases := []opsetCase{
		// Clip: attributes before 11, optional inputs after.
		{name: "Clip-6 attrs", opset: 6, node: node("Clip", []string{"x"}, []string{"y"}, ot.AttrFloat("min", -1), ot.AttrFloat("max", 2)),
			x: x5, shape: []int{5}, want: []float64{-1, -1, 0, 2, 2}},
		{name: "Clip-11 min only", opset: 11, node: node("Clip", []string{"x", "lo"}, []string{"y"}),
			inits: []ot.Tensor{ot.FloatTensor("lo", nil, -1)}, x: x5, shape: []int{5}, want: []float64{-1, -1, 0, 2, 5}},
		{name: "Clip-13 max only", opset: 13, node: node("Clip", []string{"x", "", "hi"}, []string{"y"}),
			inits: []ot.Tensor{ot.FloatTensor("hi", nil, 1)}, x: x5, shape: []int{5}, want: []float64{-3, -1, 0, 1, 1}},
		{name: "Clip-13 unbounded", opset: 13, node: node("Clip", []string{"x"}, []string{"y"}),
			x: x5, shape: []int{5}, want: []float64{-3, -1, 0, 2, 5}},

		// Softmax axis=1 of [1,2,2]: before 13 it normalizes the flattened
		// trailing dims (all 4 values), from 13 along dim 1 only.
		{name: "Softmax-11 coerced 2-D", opset: 11, node: node("Softmax", []string{"x"}, []string{"y"}, ot.AttrInt("axis", 1)),
			x: x2x2, shape: []int{1, 2, 2}, want: softmaxOf(0, 1, 2, 3)},
		{name: "Softmax-13 one axis", opset: 13, node: node("Softmax", []string{"x"}, []string{"y"}, ot.AttrInt("axis", 1)),
			x: x2x2, shape: []int{1, 2, 2}, want: []float64{s13[0], s13b[0], s13[1], s13b[1]}},
		{name: "LogSoftmax-9 default axis 1", opset: 9, node: node("LogSoftmax", []string{"x"}, []string{"y"}),
			x: x2x2, shape: []int{1, 2, 2}, want: func() []float64 {
				s := softmaxOf(0, 1, 2, 3)
				for i := range s {
					s[i] = math.Log(s[i])
				}
				return s
			}()},

		// Squeeze/Unsqueeze: axes attribute before 13, input from 13.
		{name: "Squeeze-11 attr", opset: 11, node: node("Squeeze", []string{"x"}, []string{"y"}, ot.AttrInts("axes", 0, 2)),
			x: floats([]int{1, 3, 1, 1}, 1, 2, 3), shape: []int{3, 1}, want: []float64{1, 2, 3}},
		{name: "Squeeze-13 input", opset: 13, node: node("Squeeze", []string{"x", "axes"}, []string{"y"}),
			inits: []ot.Tensor{ot.Int64Tensor("axes", []int64{1}, -1)}, x: floats([]int{1, 3, 1, 1}, 1, 2, 3), shape: []int{1, 3, 1}, want: []float64{1, 2, 3}},
		{name: "Squeeze-13 all", opset: 13, node: node("Squeeze", []string{"x"}, []string{"y"}),
			x: floats([]int{1, 3, 1, 1}, 1, 2, 3), shape: []int{3}, want: []float64{1, 2, 3}},
		{name: "Unsqueeze-11 attr", opset: 11, node: node("Unsqueeze", []string{"x"}, []string{"y"}, ot.AttrInts("axes", 0, -1)),
			x: floats([]int{3}, 1, 2, 3), shape: []int{1, 3, 1}, want: []float64{1, 2, 3}},
		{name: "Unsqueeze-13 input", opset: 13, node: node("Unsqueeze", []string{"x", "axes"}, []string{"y"}),
			inits: []ot.Tensor{ot.Int64Tensor("axes", []int64{2}, 2, 0)}, x: floats([]int{3}, 1, 2, 3), shape: []int{1, 3, 1}, want: []float64{1, 2, 3}},

		// Split: attribute, input, num_outputs (uneven, last smaller).
		{name: "Split-11 attr", opset: 11, node: node("Split", []string{"x"}, []string{"a", "y"}, ot.AttrInts("split", 3, 7)),
			x: x10, shape: []int{7}, want: []float64{3, 4, 5, 6, 7, 8, 9}},
		{name: "Split-13 input", opset: 13, node: node("Split", []string{"x", "s"}, []string{"a", "y"}),
			inits: []ot.Tensor{ot.Int64Tensor("s", []int64{2}, 8, 2)}, x: x10, shape: []int{2}, want: []float64{8, 9}},
		{name: "Split-18 num_outputs", opset: 18, node: node("Split", []string{"x"}, []string{"a", "b", "c", "y"}, ot.AttrInt("num_outputs", 4)),
			x: x10, shape: []int{1}, want: []float64{9}},
		{name: "Split-13 equal", opset: 13, node: node("Split", []string{"x"}, []string{"a", "y"}),
			x: x10, shape: []int{5}, want: []float64{5, 6, 7, 8, 9}},

		// Slice: attributes before 10 (INT64_MAX ends), inputs with steps after.
		{name: "Slice-9 attrs", opset: 9, node: node("Slice", []string{"x"}, []string{"y"}, ot.AttrInts("starts", 7), ot.AttrInts("ends", int64Max)),
			x: x10, shape: []int{3}, want: []float64{7, 8, 9}},
		{name: "Slice-13 negative step", opset: 13, node: node("Slice", []string{"x", "st", "en", "ax", "sp"}, []string{"y"}),
			inits: []ot.Tensor{ot.Int64Tensor("st", []int64{1}, -1), ot.Int64Tensor("en", []int64{1}, math.MinInt64), ot.Int64Tensor("ax", []int64{1}, 0), ot.Int64Tensor("sp", []int64{1}, -3)},
			x:     x10, shape: []int{4}, want: []float64{9, 6, 3, 0}},

		// Pad: attributes before 11, inputs from 11, axes from 18, wrap from 19.
		{name: "Pad-9 attrs", opset: 9, node: node("Pad", []string{"x"}, []string{"y"}, ot.AttrInts("pads", 1, 2), ot.AttrFloat("value", 7)),
			x: floats([]int{2}, 1, 2), shape: []int{5}, want: []float64{7, 1, 2, 7, 7}},
		{name: "Pad-11 inputs", opset: 11, node: node("Pad", []string{"x", "p", "v"}, []string{"y"}),
			inits: []ot.Tensor{ot.Int64Tensor("p", []int64{2}, 2, -1), ot.FloatTensor("v", nil, -4)},
			x:     floats([]int{2}, 1, 2), shape: []int{3}, want: []float64{-4, -4, 1}},
		{name: "Pad-18 axes reflect", opset: 18, node: node("Pad", []string{"x", "p", "", "ax"}, []string{"y"}, ot.AttrString("mode", "reflect")),
			inits: []ot.Tensor{ot.Int64Tensor("p", []int64{2}, 1, 0), ot.Int64Tensor("ax", []int64{1}, -1)},
			x:     floats([]int{2, 2}, 1, 2, 3, 4), shape: []int{2, 3}, want: []float64{2, 1, 2, 4, 3, 4}},
		{name: "Pad-19 wrap", opset: 19, node: node("Pad", []string{"x", "p"}, []string{"y"}, ot.AttrString("mode", "wrap")),
			inits: []ot.Tensor{ot.Int64Tensor("p", []int64{2}, 2, 1)},
			x:     floats([]int{3}, 1, 2, 3), shape: []int{6}, want: []float64{2, 3, 1, 2, 3, 1}},

		// ReduceMean: axes attribute before 18, input from 18, noop_with_empty_axes.
		{name: "ReduceMean-13 attr", opset: 13, node: node("ReduceMean", []string{"x"}, []string{"y"}, ot.AttrInts("axes", 1), ot.AttrInt("keepdims", 0)),
			x: floats([]int{2, 2}, 1, 2, 3, 5), shape: []int{2}, want: []float64{1.5, 4}},
		{name: "ReduceMean-18 input", opset: 18, node: node("ReduceMean", []string{"x", "ax"}, []string{"y"}),
			inits: []ot.Tensor{ot.Int64Tensor("ax", []int64{1}, 0)}, x: floats([]int{2, 2}, 1, 2, 3, 5), shape: []int{1, 2}, want: []float64{2, 3.5}},
		{name: "ReduceMean-18 all", opset: 18, node: node("ReduceMean", []string{"x"}, []string{"y"}),
			x: floats([]int{2, 2}, 1, 2, 3, 5), shape: []int{1, 1}, want: []float64{2.75}},
		{name: "ReduceMean-18 noop", opset: 18, node: node("ReduceMean", []string{"x"}, []string{"y"}, ot.AttrInt("noop_with_empty_axes", 1)),
			x: floats([]int{2, 2}, 1, 2, 3, 5), shape: []int{2, 2}, want: []float64{1, 2, 3, 5}},
		{name: "ReduceMax-20 input", opset: 20, node: node("ReduceMax", []string{"x", "ax"}, []string{"y"}, ot.AttrInt("keepdims", 0)),
			inits: []ot.Tensor{ot.Int64Tensor("ax", []int64{1}, -1)}, x: floats([]int{2, 2}, 1, 2, 5, 3), shape: []int{2}, want: []float64{2, 5}},

		// Global pools become reductions over the spatial dims.
		{name: "GlobalAveragePool-13", opset: 13, node: node("GlobalAveragePool", []string{"x"}, []string{"y"}),
			x: floats([]int{1, 2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8), shape: []int{1, 2, 1, 1}, want: []float64{2.5, 6.5}},
		{name: "GlobalMaxPool-13", opset: 13, node: node("GlobalMaxPool", []string{"x"}, []string{"y"}),
			x: floats([]int{1, 2, 3}, 1, 9, 3, 4, -5, 6), shape: []int{1, 2, 1}, want: []float64{9, 6}},

		// Resize-10 and Upsample round nearest the legacy way (floor when
		// enlarging, ceil when shrinking, asymmetric coordinates); Resize-13
		// defaults to half_pixel and round_prefer_floor. Scale 0.4 of 5
		// gives 2 outputs: legacy reads x[0], x[ceil(1/0.4)=3]; half_pixel
		// reads x[round(0.75)=1], x[round(3.25)=3].
		{name: "Resize-10 legacy nearest", opset: 10, node: node("Resize", []string{"x", "sc"}, []string{"y"}),
			inits: []ot.Tensor{ot.FloatTensor("sc", []int64{4}, 1, 1, 1, 0.4)}, x: row5, shape: []int{1, 1, 1, 2}, want: []float64{1, 4}},
		{name: "Resize-13 half_pixel nearest", opset: 13, node: node("Resize", []string{"x", "", "sc"}, []string{"y"}),
			inits: []ot.Tensor{ot.FloatTensor("sc", []int64{4}, 1, 1, 1, 0.4)}, x: row5, shape: []int{1, 1, 1, 2}, want: []float64{2, 4}},
		{name: "Resize-18 axes sizes", opset: 18, node: node("Resize", []string{"x", "", "", "sz"}, []string{"y"}, ot.AttrInts("axes", 3), ot.AttrString("mode", "linear")),
			// half_pixel with scale 3/5: coords (o+0.5)/0.6-0.5 = 1/3, 2, 11/3.
			inits: []ot.Tensor{ot.Int64Tensor("sz", []int64{1}, 3)}, x: row5, shape: []int{1, 1, 1, 3}, want: []float64{1 + 1.0/3, 3, 4 + 2.0/3}},
		{name: "Resize-18 not_larger", opset: 18, node: node("Resize", []string{"x", "", "", "sz"}, []string{"y"}, ot.AttrString("keep_aspect_ratio_policy", "not_larger"), ot.AttrString("mode", "linear"), ot.AttrString("coordinate_transformation_mode", "asymmetric"), ot.AttrInts("axes", 2, 3)),
			// ratios 4/1 and 10/5: the smaller (2) applies to both dims.
			inits: []ot.Tensor{ot.Int64Tensor("sz", []int64{2}, 4, 10)}, x: row5, shape: []int{1, 1, 2, 10},
			want: []float64{1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5}},
		{name: "Upsample-7 attr", opset: 7, node: node("Upsample", []string{"x"}, []string{"y"}, ot.AttrFloats("scales", 1, 2)),
			x: floats([]int{1, 3}, 1, 2, 3), shape: []int{1, 6}, want: []float64{1, 1, 2, 2, 3, 3}},
		{name: "Upsample-9 linear", opset: 9, node: node("Upsample", []string{"x", "sc"}, []string{"y"}, ot.AttrString("mode", "linear")),
			inits: []ot.Tensor{ot.FloatTensor("sc", []int64{2}, 1, 2)}, x: floats([]int{1, 2}, 1, 3), shape: []int{1, 4}, want: []float64{1, 2, 3, 3}},

		// Legacy (opset 6) broadcasting: B aligned with A at axis.
		{name: "Add-6 broadcast axis", opset: 6, node: node("Add", []string{"x", "b"}, []string{"y"}, ot.AttrInt("broadcast", 1), ot.AttrInt("axis", 0)),
			inits: []ot.Tensor{ot.FloatTensor("b", []int64{2}, 10, 20)}, x: floats([]int{2, 3}, 1, 2, 3, 4, 5, 6), shape: []int{2, 3}, want: []float64{11, 12, 13, 24, 25, 26}},
		{name: "Mul-6 broadcast suffix", opset: 6, node: node("Mul", []string{"x", "b"}, []string{"y"}, ot.AttrInt("broadcast", 1)),
			inits: []ot.Tensor{ot.FloatTensor("b", []int64{3}, 1, 10, 100)}, x: floats([]int{2, 3}, 1, 2, 3, 4, 5, 6), shape: []int{2, 3}, want: []float64{1, 20, 300, 4, 50, 600}},
		// Legacy PRelu: a [C] slope is per channel.
		{name: "PRelu-6 per channel", opset: 6, node: node("PRelu", []string{"x", "s"}, []string{"y"}),
			inits: []ot.Tensor{ot.FloatTensor("s", []int64{2}, 0.5, 2)}, x: floats([]int{1, 2, 2}, -2, 3, -2, 3), shape: []int{1, 2, 2}, want: []float64{-1, 3, -4, 3}},

		// Dropout is Identity in inference, at every opset.
		{name: "Dropout-6 is_test", opset: 6, node: node("Dropout", []string{"x"}, []string{"y"}, ot.AttrInt("is_test", 1), ot.AttrFloat("ratio", 0.5)),
			x: x5, shape: []int{5}, want: []float64{-3, -1, 0, 2, 5}},
		{name: "Dropout-12 training_mode false", opset: 12, node: node("Dropout", []string{"x", "r", "tm"}, []string{"y"}),
			inits: []ot.Tensor{ot.FloatTensor("r", nil, 0.5), {Name: "tm", DataType: ot.Bool, Int32s: []int32{0}}},
			x:     x5, shape: []int{5}, want: []float64{-3, -1, 0, 2, 5}},

		{name: "HardSwish-14", opset: 14, node: node("HardSwish", []string{"x"}, []string{"y"}),
			// x * clamp(x/6 + 1/2, 0, 1)
			x: x5, shape: []int{5}, want: []float64{0, -1 * (1.0 / 3), 0, 2 * (5.0 / 6), 5}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}
