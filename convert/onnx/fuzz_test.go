package onnx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// FuzzImport feeds arbitrary bytes through decoding, import and, for
// small graphs, the reference interpreter. Malformed models must produce
// errors, never panics, and every graph Import returns must be
// consistent (CheckShapes) and runnable.
func FuzzImport(f *testing.F) {
	for _, p := range []string{
		"node/test_conv_with_strides_padding", "node/test_resize_upsample_scales_cubic", "node/test_slice_neg_steps",
		"node/test_maxpool_with_argmax_2d_precomputed_pads", "node/test_gather_negative_indices", "node/test_reshape_negative_dim",
		"node/test_pad", "node/test_split_variable_parts_2d", "node/test_quantizelinear_axis", "pytorch-converted/test_PixelShuffle",
		"pytorch-operator/test_operator_chunk", "pytorch-converted/test_Conv2d_groups_thnn",
	} {
		if b, err := os.ReadFile(filepath.Join("/usr/share/libonnx-testdata/data", p, "model.onnx")); err == nil {
			f.Add(b)
		}
	}
	defer func(n int) { maxConstElements = n }(maxConstElements)
	maxConstElements = 1 << 16
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := onnxpb.DecodeModel(b)
		if err != nil {
			return
		}
		g, err := Import(m, Options{})
		if err != nil {
			return
		}
		if err := g.CheckShapes(); err != nil {
			t.Fatalf("imported graph fails CheckShapes: %v", err)
		}
		total := 0
		for _, tn := range g.Tensors {
			n, _ := graph.NumElements(tn.Shape)
			total += n
		}
		if total > 1<<16 {
			return
		}
		it, err := refeval.New(g)
		if err != nil {
			t.Fatalf("refeval.New on an imported graph: %v", err)
		}
		in := make([]*graph.Value, len(g.Inputs))
		for k, id := range g.Inputs {
			in[k] = graph.NewValue(g.Tensors[id].DType, g.Tensors[id].Shape)
		}
		it.Run(in...) // data-dependent errors (Gather indices) are fine; panics are not
	})
}
