package kernels

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Helpers shared by the elementwise, layout, LUT, float unary, softmax,
// quantize, resize and LRN tests. (The conv/pool helpers in
// testhelpers_a_test.go provide newRand, randInt8s, checkNoAllocs,
// compareInt8, compareBits and naiveMultiplyByQuantizedMultiplier.)

// bandLen is the number of sentinel elements on each side of an output.
const bandLen = 19

// checkUnits runs a kernel over all of its units and over random splits
// of them, and returns the full output (length n). unitOf maps an output
// index to the unit that owns it; same compares two elements bit for bit;
// s1 and s2 are distinct sentinels. It checks that
//
//   - a call over [0, units) writes every element (runs over buffers
//     pre-filled with s1 and with s2 agree) and nothing in the sentinel
//     bands before and after the output (the output slice's capacity runs
//     into the trailing band, so writing past its length is caught);
//   - calls over consecutive [lo, hi) ranges (some empty), each on a fresh
//     s2-filled buffer, write exactly their own units, with the same bits
//     as the single call.
func checkUnits[T any](t *testing.T, r *rand.Rand, n, units int, unitOf func(i int) int, same func(a, b T) bool, s1, s2 T, run func(out []T, lo, hi int)) []T {
	t.Helper()
	call := func(sentinel T, lo, hi int) []T {
		buf := make([]T, n+2*bandLen)
		for i := range buf {
			buf[i] = sentinel
		}
		run(buf[bandLen:bandLen+n], lo, hi)
		for i := range bandLen {
			if !same(buf[i], sentinel) || !same(buf[bandLen+n+i], sentinel) {
				t.Fatalf("units [%d,%d) wrote outside the output (band element %d)", lo, hi, i)
			}
		}
		return buf[bandLen : bandLen+n]
	}
	full := call(s1, 0, units)
	again := call(s2, 0, units)
	for i := range full {
		if !same(full[i], again[i]) {
			t.Fatalf("output %d (unit %d) is not written by a call over all units", i, unitOf(i))
		}
	}
	maxChunk := units/3 + 2
	for lo := 0; lo < units; {
		hi := min(units, lo+r.IntN(maxChunk))
		part := call(s2, lo, hi)
		for i := range part {
			u := unitOf(i)
			own := u >= lo && u < hi
			switch {
			case own && !same(part[i], full[i]):
				t.Fatalf("units [%d,%d): output %d = %v, the call over all units gave %v", lo, hi, i, part[i], full[i])
			case !own && !same(part[i], s2):
				t.Fatalf("units [%d,%d) wrote output %d of unit %d", lo, hi, i, u)
			}
		}
		lo = hi
	}
	return full
}

func sameInt8(a, b int8) bool       { return a == b }
func sameByte(a, b byte) bool       { return a == b }
func sameFloat32(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

// checkUnitsInt8, checkUnitsBytes and checkUnitsFloat32 are checkUnits
// with sentinels for each element type.
func checkUnitsInt8(t *testing.T, r *rand.Rand, n, units int, unitOf func(int) int, run func(out []int8, lo, hi int)) []int8 {
	t.Helper()
	return checkUnits(t, r, n, units, unitOf, sameInt8, 0x5a, -0x5b, run)
}

func checkUnitsBytes(t *testing.T, r *rand.Rand, n, units int, unitOf func(int) int, run func(out []byte, lo, hi int)) []byte {
	t.Helper()
	return checkUnits(t, r, n, units, unitOf, sameByte, 0xa5, 0x3c, run)
}

func checkUnitsFloat32(t *testing.T, r *rand.Rand, n, units int, unitOf func(int) int, run func(out []float32, lo, hi int)) []float32 {
	t.Helper()
	return checkUnits(t, r, n, units, unitOf, sameFloat32, float32(-7.75e29), float32(math.NaN()), run)
}

// perElement is the unitOf of kernels whose unit is one element.
func perElement(i int) int { return i }

// randBytes returns n random bytes.
func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// randSpreadFloat32s returns n values spread over [-scale, scale] with a
// few exact zeros, small magnitudes and ties thrown in.
func randSpreadFloat32s(r *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		switch r.IntN(16) {
		case 0:
			s[i] = 0
		case 1:
			s[i] = float32(r.IntN(9)-4) * 0.5 // halves: ties for rounding
		case 2:
			s[i] = float32(r.NormFloat64() * 1e-3)
		default:
			s[i] = float32((2*r.Float64() - 1) * scale)
		}
	}
	return s
}

// ulpDiff32 is the distance between a and b in float32 units in the last
// place (0 for equal values, including +0 and -0).
func ulpDiff32(a, b float32) int64 {
	ord := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&(1<<31) != 0 {
			return -(u &^ (1 << 31))
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// roundHalfAway is round half away from zero written from its definition.
func roundHalfAway(v float64) float64 {
	if v < 0 {
		return -math.Floor(-v + 0.5)
	}
	return math.Floor(v + 0.5)
}

// clamp64ToInt8 clamps an int64 to [lo, hi] and narrows it.
func clamp64ToInt8(v, lo, hi int64) int8 {
	return int8(min(max(v, lo), hi))
}

// ONNX backend test data (Debian's libonnx-testdata): the node tests are a
// model.onnx with one node and test_data_set_0/{input,output}_N.pb
// TensorProtos. The readers below decode just the fields the kernel tests
// use, with field numbers from onnx.proto.

// onnxNodeDir is where libonnx-testdata installs the node tests.
const onnxNodeDir = "/usr/share/libonnx-testdata/data/node"

// onnxTensor is a decoded TensorProto (float or int64 data).
type onnxTensor struct {
	dims   []int
	dtype  int // 1 float, 7 int64
	floats []float32
	ints   []int64
}

// onnxAttr is a decoded AttributeProto.
type onnxAttr struct {
	f      float32
	i      int64
	s      string
	floats []float32
	ints   []int64
}

// onnxNode is the op type and attributes of a NodeProto.
type onnxNode struct {
	op    string
	attrs map[string]onnxAttr
}

// protoFields calls f for each field of a protobuf message; v is the raw
// varint or fixed value, or b the bytes of a length-delimited field.
func protoFields(msg []byte, f func(num protowire.Number, typ protowire.Type, v uint64, b []byte)) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return protowire.ParseError(n)
		}
		msg = msg[n:]
		var v uint64
		var b []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(msg)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(msg)
			v = uint64(x)
		case protowire.Fixed64Type:
			v, n = protowire.ConsumeFixed64(msg)
		case protowire.BytesType:
			b, n = protowire.ConsumeBytes(msg)
		default:
			n = protowire.ConsumeFieldValue(num, typ, msg)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		msg = msg[n:]
		f(num, typ, v, b)
	}
	return nil
}

// packedVarints appends a packed or single varint field's values to dst.
func packedVarints(dst []int64, typ protowire.Type, v uint64, b []byte) []int64 {
	if typ == protowire.VarintType {
		return append(dst, int64(v))
	}
	for len(b) > 0 {
		x, n := protowire.ConsumeVarint(b)
		if n < 0 {
			break
		}
		dst = append(dst, int64(x))
		b = b[n:]
	}
	return dst
}

// packedFloats appends a packed or single float field's values to dst.
func packedFloats(dst []float32, typ protowire.Type, v uint64, b []byte) []float32 {
	if typ == protowire.Fixed32Type {
		return append(dst, math.Float32frombits(uint32(v)))
	}
	for ; len(b) >= 4; b = b[4:] {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b)))
	}
	return dst
}

func readONNXTensor(path string) (onnxTensor, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return onnxTensor{}, err
	}
	var t onnxTensor
	var dims []int64
	var raw []byte
	err = protoFields(buf, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) {
		switch num {
		case 1:
			dims = packedVarints(dims, typ, v, b)
		case 2:
			t.dtype = int(v)
		case 4:
			t.floats = packedFloats(t.floats, typ, v, b)
		case 7:
			t.ints = packedVarints(t.ints, typ, v, b)
		case 9:
			raw = b
		}
	})
	if err != nil {
		return t, fmt.Errorf("%s: %v", path, err)
	}
	for _, d := range dims {
		t.dims = append(t.dims, int(d))
	}
	switch t.dtype {
	case 1:
		t.floats = packedFloats(t.floats, protowire.BytesType, 0, raw)
	case 7:
		for ; len(raw) >= 8; raw = raw[8:] {
			t.ints = append(t.ints, int64(binary.LittleEndian.Uint64(raw)))
		}
	default:
		return t, fmt.Errorf("%s: tensor data type %d is neither float nor int64", path, t.dtype)
	}
	return t, nil
}

// readONNXNode returns the first node of the model's graph whose op type
// is one of ops (node tests may compute constant inputs with other nodes).
func readONNXNode(path string, ops ...string) (onnxNode, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return onnxNode{}, err
	}
	var graph []byte
	var nodes [][]byte
	if err := protoFields(buf, func(num protowire.Number, _ protowire.Type, _ uint64, b []byte) {
		if num == 7 { // ModelProto.graph
			graph = b
		}
	}); err != nil {
		return onnxNode{}, fmt.Errorf("%s: %v", path, err)
	}
	if err := protoFields(graph, func(num protowire.Number, _ protowire.Type, _ uint64, b []byte) {
		if num == 1 { // GraphProto.node
			nodes = append(nodes, b)
		}
	}); err != nil {
		return onnxNode{}, fmt.Errorf("%s: %v", path, err)
	}
	for _, node := range nodes {
		n := onnxNode{attrs: map[string]onnxAttr{}}
		err = protoFields(node, func(num protowire.Number, _ protowire.Type, _ uint64, b []byte) {
			switch num {
			case 4: // op_type
				n.op = string(b)
			case 5: // attribute
				var name string
				var a onnxAttr
				protoFields(b, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) {
					switch num {
					case 1:
						name = string(b)
					case 2:
						a.f = math.Float32frombits(uint32(v))
					case 3:
						a.i = int64(v)
					case 4:
						a.s = string(b)
					case 7:
						a.floats = packedFloats(a.floats, typ, v, b)
					case 8:
						a.ints = packedVarints(a.ints, typ, v, b)
					}
				})
				n.attrs[name] = a
			}
		})
		if err != nil {
			return n, fmt.Errorf("%s: %v", path, err)
		}
		if slices.Contains(ops, n.op) {
			return n, nil
		}
	}
	return onnxNode{}, fmt.Errorf("%s: no %v node", path, ops)
}

// nchwToNHWC and nhwcToNCHW reorder a float32 tensor of shape [n, c, h, w]
// (respectively [n, h, w, c]).
func nchwToNHWC(x []float32, n, c, h, w int) []float32 {
	y := make([]float32, len(x))
	for i := range n {
		for k := range c {
			for j := range h * w {
				y[(i*h*w+j)*c+k] = x[(i*c+k)*h*w+j]
			}
		}
	}
	return y
}

func nhwcToNCHW(y []float32, n, c, h, w int) []float32 {
	x := make([]float32, len(y))
	for i := range n {
		for k := range c {
			for j := range h * w {
				x[(i*c+k)*h*w+j] = y[(i*h*w+j)*c+k]
			}
		}
	}
	return x
}
