package onnxpb_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/edgeinfer/edgeinfer/convert/onnx/internal/onnxtest"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

func sampleModel() *onnxtest.Model {
	return &onnxtest.Model{
		IRVersion: 8,
		Producer:  "test",
		Opsets:    []onnxtest.Opset{{Version: 13}, {Domain: "com.example", Version: 2}},
		Graph: onnxtest.Graph{
			Name: "g",
			Nodes: []onnxtest.Node{{
				Op: "Conv", Name: "conv1", In: []string{"x", "w", ""}, Out: []string{"y"},
				Attrs: []onnxtest.Attr{
					onnxtest.AttrInts("pads", 1, 1, -2, 3),
					onnxtest.AttrInt("group", -7),
					onnxtest.AttrFloat("alpha", 0.25),
					onnxtest.AttrFloats("scales", 1, 2.5),
					onnxtest.AttrString("auto_pad", "SAME_UPPER"),
					onnxtest.AttrTensor("value", onnxtest.Int64Tensor("", []int64{2}, 9, -9)),
				},
			}},
			Inits: []onnxtest.Tensor{
				onnxtest.FloatTensor("w", []int64{1, 1, 1, 2}, 0.5, -1.5),
				{Name: "u", Dims: []int64{3}, DataType: onnxtest.Int32, Int32s: []int32{-1, 0, 2147483647}, Unpacked: true},
				{Name: "d", Dims: []int64{2}, DataType: onnxtest.Double, Doubles: []float64{1e300, -2}},
				onnxtest.RawFloats("r", []int64{2}, 3, 4),
			},
			Inputs:  []onnxtest.ValueInfo{onnxtest.VI("x", "N", 1, 5, int64(7))},
			Outputs: []onnxtest.ValueInfo{{Name: "y", ElemType: onnxtest.Float, NoShape: true}},
		},
	}
}

func TestDecodeModel(t *testing.T) {
	m, err := onnxpb.DecodeModel(sampleModel().Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if m.IRVersion != 8 || m.ProducerName != "test" {
		t.Errorf("header: ir %d producer %q", m.IRVersion, m.ProducerName)
	}
	if want := []onnxpb.OpsetID{{"", 13}, {"com.example", 2}}; !slices.Equal(m.OpsetImports, want) {
		t.Errorf("opsets %v, want %v", m.OpsetImports, want)
	}
	g := m.Graph
	if g.Name != "g" || len(g.Nodes) != 1 || len(g.Initializers) != 4 || len(g.Inputs) != 1 || len(g.Outputs) != 1 {
		t.Fatalf("graph %q: %d nodes, %d initializers, %d inputs, %d outputs", g.Name, len(g.Nodes), len(g.Initializers), len(g.Inputs), len(g.Outputs))
	}
	n := g.Nodes[0]
	if n.OpType != "Conv" || n.Name != "conv1" || !slices.Equal(n.Inputs, []string{"x", "w", ""}) || !slices.Equal(n.Outputs, []string{"y"}) {
		t.Errorf("node %+v", n)
	}
	if a := n.Attribute("pads"); a == nil || a.Type != onnxpb.AttrInts || !slices.Equal(a.Ints, []int64{1, 1, -2, 3}) {
		t.Errorf("pads %+v", a)
	}
	if a := n.Attribute("group"); a == nil || a.Type != onnxpb.AttrInt || a.I != -7 {
		t.Errorf("group %+v", a)
	}
	if a := n.Attribute("alpha"); a == nil || a.F != 0.25 {
		t.Errorf("alpha %+v", a)
	}
	if a := n.Attribute("scales"); a == nil || !slices.Equal(a.Floats, []float32{1, 2.5}) {
		t.Errorf("scales %+v", a)
	}
	if a := n.Attribute("auto_pad"); a == nil || string(a.S) != "SAME_UPPER" {
		t.Errorf("auto_pad %+v", a)
	}
	if a := n.Attribute("value"); a == nil || a.T == nil || !slices.Equal(a.T.Int64Data, []int64{9, -9}) || a.T.DataType != onnxpb.Int64 {
		t.Errorf("value %+v", a)
	}
	w := g.Initializers[0]
	if w.Name != "w" || !slices.Equal(w.Dims, []int64{1, 1, 1, 2}) || !slices.Equal(w.FloatData, []float32{0.5, -1.5}) {
		t.Errorf("w %+v", w)
	}
	if u := g.Initializers[1]; !slices.Equal(u.Int32Data, []int32{-1, 0, 2147483647}) {
		t.Errorf("unpacked int32_data %v", u.Int32Data)
	}
	if d := g.Initializers[2]; !slices.Equal(d.DoubleData, []float64{1e300, -2}) {
		t.Errorf("double_data %v", d.DoubleData)
	}
	if r := g.Initializers[3]; !r.HasRawData || len(r.RawData) != 8 {
		t.Errorf("raw_data %v", r.RawData)
	}
	in := g.Inputs[0]
	if in.Type == nil || in.Type.Kind != onnxpb.TypeTensor || in.Type.ElemType != onnxpb.Float || in.Type.Shape == nil {
		t.Fatalf("input type %+v", in.Type)
	}
	dims := in.Type.Shape.Dims
	if len(dims) != 4 || dims[0].HasValue || dims[0].Param != "N" || !dims[1].HasValue || dims[1].Value != 1 || dims[3].Value != 7 {
		t.Errorf("input dims %+v", dims)
	}
	if out := g.Outputs[0]; out.Type.Shape != nil {
		t.Errorf("output without shape decoded as %+v", out.Type.Shape)
	}
}

// TestDecodeErrors checks that malformed messages fail with an error that
// names where: a known field with the wrong wire type, a bad length, and
// out-of-range values.
func TestDecodeErrors(t *testing.T) {
	tag := func(b []byte, num protowire.Number, typ protowire.Type) []byte {
		return protowire.AppendTag(b, num, typ)
	}
	nodeWithBadAttr := func() []byte {
		// AttributeProto whose i (field 3) is sent as fixed32.
		var a []byte
		a = tag(a, 1, protowire.BytesType)
		a = protowire.AppendString(a, "axis")
		a = tag(a, 3, protowire.Fixed32Type)
		a = protowire.AppendFixed32(a, 1)
		var n []byte
		n = tag(n, 5, protowire.BytesType)
		n = protowire.AppendBytes(n, a)
		var g []byte
		g = tag(g, 1, protowire.BytesType)
		g = protowire.AppendBytes(g, n)
		var m []byte
		m = tag(m, 7, protowire.BytesType)
		return protowire.AppendBytes(m, g)
	}
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty model"},
		{"graph as varint", protowire.AppendVarint(tag(nil, 7, protowire.VarintType), 3), "field 7: wire type 0, want 2"},
		{"length past end", append(tag(nil, 7, protowire.BytesType), 0x05, 0x00), "field 7"},
		{"truncated varint", append(tag(nil, 1, protowire.VarintType), 0x80), "field 1"},
		{"attribute int as fixed32", nodeWithBadAttr(), `graph: node[0]: attribute[0]: "axis": field 3: wire type 5, want 0`},
		{"end group without start", tag(nil, 9, protowire.EndGroupType), "unexpected wire type 4"},
		{"field number 0", []byte{0x00}, "bad field tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := onnxpb.DecodeModel(tt.b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// int32 fields must hold int32 values.
	var tb []byte
	tb = tag(tb, 2, protowire.VarintType)
	tb = protowire.AppendVarint(tb, 1<<40)
	if _, err := onnxpb.DecodeTensor(tb); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("data_type 1<<40: error %v", err)
	}
	// Packed floats must be a whole number of floats.
	tb = tag(nil, 4, protowire.BytesType)
	tb = protowire.AppendBytes(tb, []byte{1, 2, 3})
	if _, err := onnxpb.DecodeTensor(tb); err == nil || !strings.Contains(err.Error(), "multiple of 4") {
		t.Errorf("3-byte float_data: error %v", err)
	}
}

// topLevelBoundaries returns the offsets at which a cut leaves a complete
// message: after each top-level field. They are found with protowire
// directly, independently of the decoder.
func topLevelBoundaries(t *testing.T, b []byte) map[int]bool {
	cuts := map[int]bool{}
	for off := 0; off < len(b); {
		_, _, n := protowire.ConsumeField(b[off:])
		if n < 0 {
			t.Fatalf("sample is not valid protobuf at %d", off)
		}
		off += n
		cuts[off] = true
	}
	return cuts
}

// TestTruncated decodes every prefix of a model. A prefix ending exactly
// between two top-level fields is a valid (smaller) ModelProto, as
// protobuf cannot tell; every other prefix cuts a field and must fail.
// None may panic.
func TestTruncated(t *testing.T) {
	samples := map[string][]byte{"built": sampleModel().Marshal()}
	for _, p := range []string{
		"/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding/model.onnx",
		"/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d_groups/model.onnx",
	} {
		if b, err := os.ReadFile(p); err == nil {
			samples[filepath.Base(filepath.Dir(p))] = b
		}
	}
	for name, b := range samples {
		cuts := topLevelBoundaries(t, b)
		for n := 1; n < len(b); n++ {
			_, err := onnxpb.DecodeModel(b[:n])
			if cuts[n] && err != nil {
				t.Errorf("%s: prefix of %d bytes ends at a field boundary but fails: %v", name, n, err)
			}
			if !cuts[n] && err == nil {
				t.Errorf("%s: prefix of %d of %d bytes cuts a field but decodes", name, n, len(b))
			}
		}
	}
}

func FuzzDecodeModel(f *testing.F) {
	f.Add(sampleModel().Marshal())
	for _, p := range []string{"node/test_conv_with_strides_padding", "node/test_resize_upsample_scales_linear", "pytorch-converted/test_BatchNorm2d_eval"} {
		if b, err := os.ReadFile(filepath.Join("/usr/share/libonnx-testdata/data", p, "model.onnx")); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := onnxpb.DecodeModel(b)
		if err != nil {
			return
		}
		// Walk what was decoded: tensor payload sizes must be usable.
		if m.Graph != nil {
			for _, in := range m.Graph.Initializers {
				_ = in.DataType.ElemSize() * len(in.RawData)
			}
		}
	})
}

func FuzzDecodeTensor(f *testing.F) {
	t := onnxtest.FloatTensor("x", []int64{2}, 1, 2)
	f.Add(t.Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		onnxpb.DecodeTensor(b)
	})
}
