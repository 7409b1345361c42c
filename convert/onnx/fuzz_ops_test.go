package onnx_test

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	ot "github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// FuzzOpParams builds single-op models with fuzzer-chosen shapes and
// parameters (negative, zero, out-of-range and huge values included) for
// the ops with the most index arithmetic. Import may reject them, but what
// it accepts must be consistent and run without panicking.
func FuzzOpParams(f *testing.F) {
	f.Add(uint8(0), uint8(3), uint8(4), int64(1), int64(-1), int64(2), int64(1))
	f.Add(uint8(1), uint8(2), uint8(5), int64(-3), int64(9), int64(0), int64(0))
	f.Add(uint8(2), uint8(4), uint8(4), int64(2), int64(1), int64(1), int64(3))
	f.Add(uint8(3), uint8(5), uint8(7), int64(3), int64(2), int64(2), int64(1))
	f.Add(uint8(4), uint8(5), uint8(6), int64(2), int64(1), int64(1), int64(1))
	f.Add(uint8(5), uint8(6), uint8(2), int64(1), int64(1), int64(0), int64(2))
	f.Fuzz(func(t *testing.T, which, h, w uint8, a, b, c, d int64) {
		H, W := int(h%9), int(w%9)
		x := ot.VI("x", 1, 2, H, W)
		var nodes []ot.Node
		var inits []ot.Tensor
		opset := int64(13)
		switch which % 7 {
		case 0: // Slice with arbitrary starts/ends/steps on the last two dims
			nodes = []ot.Node{node("Slice", []string{"x", "s", "e", "ax", "st"}, []string{"y"})}
			inits = []ot.Tensor{ot.Int64Tensor("s", []int64{2}, a, b), ot.Int64Tensor("e", []int64{2}, c, d),
				ot.Int64Tensor("ax", []int64{2}, -1, 2), ot.Int64Tensor("st", []int64{2}, a%5, b%7)}
		case 1: // Pad, every mode, negative pads allowed
			mode := []string{"constant", "reflect", "edge", "wrap"}[uint64(c)%4]
			nodes = []ot.Node{node("Pad", []string{"x", "p"}, []string{"y"}, ot.AttrString("mode", mode))}
			inits = []ot.Tensor{ot.Int64Tensor("p", []int64{8}, 0, 0, a%6, b%6, 0, 0, c%6, d%6)}
			opset = 19
		case 2: // Resize, every mode and coordinate transform
			mode := []string{"nearest", "linear", "cubic"}[uint64(a)%3]
			coord := []string{"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize", "half_pixel_symmetric"}[uint64(b)%6]
			nodes = []ot.Node{node("Resize", []string{"x", "roi", "", "sz"}, []string{"y"}, ot.AttrString("mode", mode),
				ot.AttrString("coordinate_transformation_mode", coord), ot.AttrInt("exclude_outside", d&1))}
			inits = []ot.Tensor{ot.Int64Tensor("sz", []int64{4}, 1, 2, c%13, d%13), ot.FloatTensor("roi", []int64{8}, 0, 0, -0.2, 0.1, 1, 1, 1.3, 0.6)}
			opset = 19
		case 3: // Conv with arbitrary geometry
			k := 1 + int64(uint64(a)%4)
			nodes = []ot.Node{node("Conv", []string{"x", "w"}, []string{"y"}, ot.AttrInts("strides", 1+b%3, 1+c%3),
				ot.AttrInts("dilations", 1+d%3, 1), ot.AttrInts("pads", a%3, b%3, c%3, d%3))}
			inits = []ot.Tensor{ot.FloatTensor("w", []int64{3, 2, k, 2}, make([]float32, 3*2*k*2)...)}
		case 4: // MaxPool with indices, ceil mode, dilation
			nodes = []ot.Node{node("MaxPool", []string{"x"}, []string{"y", "i"}, ot.AttrInts("kernel_shape", 1+a%4, 1+b%4),
				ot.AttrInts("strides", 1+c%3, 1+d%3), ot.AttrInts("dilations", 1+a%2, 1+b%2), ot.AttrInts("pads", c%3, d%3, a%3, b%3),
				ot.AttrInt("ceil_mode", c&1), ot.AttrInt("storage_order", d&1))}
		case 5: // AveragePool with SAME padding
			pad := []string{"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET"}[uint64(a)%4]
			nodes = []ot.Node{node("AveragePool", []string{"x"}, []string{"y"}, ot.AttrInts("kernel_shape", 1+b%4, 1+c%4),
				ot.AttrInts("strides", 1+d%3, 1+a%3), ot.AttrString("auto_pad", pad), ot.AttrInt("count_include_pad", b&1))}
		case 6: // Split and Gather on the last dim
			nodes = []ot.Node{
				node("Split", []string{"x", "sp"}, []string{"p", "q"}, ot.AttrInt("axis", -1)),
				node("Gather", []string{"q", "gi"}, []string{"y"}, ot.AttrInt("axis", 3)),
			}
			inits = []ot.Tensor{ot.Int64Tensor("sp", []int64{2}, a%9, b%9), ot.Int64Tensor("gi", []int64{2}, c%5, d%5)}
		}
		outs := []ot.ValueInfo{{Name: "y", ElemType: ot.Float, NoShape: true}}
		if which%7 == 4 {
			outs = append(outs, ot.ValueInfo{Name: "i", ElemType: ot.Int64, NoShape: true})
		}
		g, err := importModel(t, model(opset, nodes, inits, []ot.ValueInfo{x}, outs), onnx.Options{})
		if err != nil {
			return
		}
		if err := g.CheckShapes(); err != nil {
			t.Fatalf("imported graph fails CheckShapes: %v", err)
		}
		it, err := refeval.New(g)
		if err != nil {
			t.Fatal(err)
		}
		in := graph.NewValue(graph.Float32, g.Tensors[g.Inputs[0]].Shape)
		for i := range in.F {
			in.F[i] = float32(i)
		}
		it.Run(in)
	})
}
