package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/edgeinfer/edgeinfer/format/fb"
)

// decodeCase is a file, possibly damaged, and the error Decode must give.
type decodeCase struct {
	name string
	data []byte
	is   error
	want string // a substring of the message
}

func checkDecode(t *testing.T, cases []decodeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode(c.data)
			if err == nil {
				t.Fatalf("Decode accepted the file (%d tensors); want %q", len(m.Tensors), c.want)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %v does not wrap %v", err, c.is)
			}
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Errorf("error %T is not an *Error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n\t%v\ndoes not contain\n\t%s", err, c.want)
			}
		})
	}
}

// edit returns a copy of data changed by f, with the checksum recomputed.
func edit(data []byte, f func(d []byte)) []byte {
	d := bytes.Clone(data)
	f(d)
	resum(d)
	return d
}

func TestDecodeFileErrors(t *testing.T) {
	valid := mustEncode(t, floatModel())
	n := len(valid)
	flipped := bytes.Clone(valid)
	flipped[n-20] ^= 1 // inside the last payload
	sum := binary.LittleEndian.Uint32(valid[n-8:])
	setTrailerVersion := func(v uint32) []byte {
		d := bytes.Clone(valid)
		binary.LittleEndian.PutUint32(d[n-4:], v)
		return d
	}
	checkDecode(t, []decodeCase{
		{"empty", nil, ErrNotModel, "format: not an edgeinfer model: the file is 0 bytes, too short for a model"},
		{"seven bytes", valid[:7], ErrNotModel, "the file is 7 bytes"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotModel, `format: not an edgeinfer model (wrong file identifier "\r\n\x1a\n", want "EINF")`},
		{"identifier only", valid[:8], ErrTruncated, "format: truncated model file: no EINFTAIL trailer at the end of the 8-byte file"},
		{"one byte short", valid[:n-1], ErrTruncated, fmt.Sprintf("no EINFTAIL trailer at the end of the %d-byte file", n-1)},
		{"half", valid[:n/2], ErrTruncated, "no EINFTAIL trailer"},
		{"trailing garbage", append(bytes.Clone(valid), 0), ErrTruncated, "no EINFTAIL trailer"},
		{"checksum", flipped, ErrChecksum, fmt.Sprintf("format: checksum mismatch: the trailer says %08x but the contents hash to", sum)},
		{"newer version", setTrailerVersion(2), ErrVersion, "format: format version 2 is newer than this runtime supports (1)"},
		{"version 0", setTrailerVersion(0), ErrVersion, "format: format version 0 is not a valid version (this runtime reads 1)"},
		{"Model.version", edit(valid, func(d []byte) { fb.GetRootAsModel(d, 0).MutateVersion(7) }),
			ErrMalformed, "format: the Model table says format version 7 but the trailer says 1"},
	})
}

func TestDecodeSkipChecksum(t *testing.T) {
	data := mustEncode(t, floatModel())
	m, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	w := tensorNamed(m, "conv.weight").Data
	off := uintptr(unsafe.Pointer(&w[0])) - uintptr(unsafe.Pointer(&data[0]))
	damaged := bytes.Clone(data)
	damaged[off] ^= 0x40
	if _, err := Decode(damaged); !errors.Is(err, ErrChecksum) {
		t.Fatalf("Decode of a file with a flipped weight bit: %v, want a checksum error", err)
	}
	m, err = DecodeWithOptions(damaged, DecodeOptions{SkipChecksum: true})
	if err != nil {
		t.Fatalf("DecodeWithOptions(SkipChecksum): %v", err)
	}
	if got := tensorNamed(m, "conv.weight").Data[0]; got != data[off]^0x40 {
		t.Errorf("first weight byte %#x, want the flipped %#x", got, data[off]^0x40)
	}
}

// root returns the decoded FlatBuffer root of data for mutation.
func root(d []byte) *fb.Model { return fb.GetRootAsModel(d, 0) }

func tensorAt(d []byte, i int) *fb.Tensor {
	var t fb.Tensor
	root(d).Tensors(&t, i)
	return &t
}

func operatorAt(d []byte, i int) *fb.Operator {
	var o fb.Operator
	root(d).Operators(&o, i)
	return &o
}

func bufferAt(d []byte, i int) *fb.Buffer {
	var b fb.Buffer
	root(d).Buffers(&b, i)
	return &b
}

func optionsAt(d []byte, i int) flatbuffers.Table {
	var tab flatbuffers.Table
	operatorAt(d, i).Options(&tab)
	return tab
}

// vectorAt is the position of the length of the vector in slot of the
// table tab.
func vectorAt(tab flatbuffers.Table, slot int) int {
	o := flatbuffers.UOffsetT(tab.Offset(flatbuffers.VOffsetT(4 + 2*slot)))
	return int(tab.Vector(o)) - 4
}

// TestDecodeMalformed damages single fields of valid files (recomputing
// the checksum) and checks that the decoder names the damage.
func TestDecodeMalformed(t *testing.T) {
	f := mustEncode(t, floatModel())
	q := mustEncode(t, int8Model())
	mustMutate := func(ok bool) {
		if !ok {
			t.Fatal("a mutation found its field absent")
		}
	}
	put32 := func(d []byte, at int, v uint32) { binary.LittleEndian.PutUint32(d[at:], v) }
	rootPos := int(binary.LittleEndian.Uint32(f))
	checkDecode(t, []decodeCase{
		{"root offset", edit(f, func(d []byte) { put32(d, 0, 0xfffffff0) }),
			ErrMalformed, "format: Model: table at offset 4294967280 (4 bytes) lies outside the"},
		{"root vtable", edit(f, func(d []byte) { put32(d, rootPos, 0x80000000) }),
			ErrMalformed, fmt.Sprintf("format: Model: vtable at offset %d (4 bytes) lies outside", int64(rootPos)+0x80000000)},
		{"vtable size", edit(f, func(d []byte) {
			vt := rootPos - int(int32(binary.LittleEndian.Uint32(d[rootPos:])))
			binary.LittleEndian.PutUint16(d[vt:], 3)
		}), ErrMalformed, "format: Model: vtable size 3 is not an even number >= 4"},
		{"misaligned table", edit(f, func(d []byte) { put32(d, 0, uint32(rootPos+2)) }),
			ErrMalformed, fmt.Sprintf("format: Model: table at offset %d is not 4-byte aligned", rootPos+2)},
		{"vector length", edit(f, func(d []byte) { put32(d, vectorAt(root(d).Table(), 1), 0x7fffffff) }),
			ErrMalformed, "format: Model.tensors: vector of 2147483647 elements at offset"},
		{"shape vector", edit(f, func(d []byte) { put32(d, vectorAt(tensorAt(d, 3).Table(), 1), 1<<30) }),
			ErrMalformed, "format: Model.tensors[3].shape: vector of 1073741824 elements"},
		{"string terminator", edit(f, func(d []byte) {
			i := bytes.Index(d, []byte("conv.weight\x00"))
			d[i+len("conv.weight")] = 'x'
		}), ErrMalformed, "format: Model.tensors[19].name: string of 11 bytes at offset"},
		{"unknown union type", edit(f, func(d []byte) { mustMutate(operatorAt(d, 0).MutateOptionsType(200)) }),
			ErrMalformed, "format: Model.operators[0].options_type: unknown union type 200"},
		{"union type NONE with a table", edit(f, func(d []byte) { mustMutate(operatorAt(d, 0).MutateOptionsType(fb.OpOptionsNONE)) }),
			ErrMalformed, "format: Model.operators[0].options: a table is present but the union type is NONE"},
		{"union type of another table", edit(f, func(d []byte) { mustMutate(operatorAt(d, 0).MutateOptionsType(fb.OpOptionsClampOptions)) }),
			ErrInvalid, `format: operator 0 "pad" (PAD): options are ClampOptions; PAD takes PadOptions`},
		{"dtype", edit(f, func(d []byte) { mustMutate(tensorAt(d, 1).MutateDtype(9)) }),
			ErrMalformed, `format: tensor 1 "pad": unknown dtype 9`},
		{"negative dtype", edit(f, func(d []byte) { mustMutate(tensorAt(d, 1).MutateDtype(-1)) }),
			ErrMalformed, `format: tensor 1 "pad": unknown dtype -1`},
		{"opcode", edit(f, func(d []byte) { mustMutate(operatorAt(d, 1).MutateOpcode(99)) }),
			ErrMalformed, `format: operator 1 "to_nchw" (opcode(99)): unknown opcode 99`},
		{"activation", edit(f, func(d []byte) {
			var c fb.Conv2DOptions
			tab := optionsAt(d, 16)
			c.Init(tab.Bytes, tab.Pos)
			mustMutate(c.MutateActivation(9))
		}), ErrMalformed, `format: operator 16 "conv" (CONV_2D): Conv2DOptions: unknown activation 9`},
		{"resize mode", edit(f, func(d []byte) {
			var r fb.ResizeOptions
			tab := optionsAt(d, 4)
			r.Init(tab.Bytes, tab.Pos)
			mustMutate(r.MutateMode(7))
		}), ErrMalformed, `format: operator 4 "resize" (RESIZE): ResizeOptions: mode 7, coordinate 2, nearest 0: unknown enum value`},
		{"buffer alignment", edit(f, func(d []byte) { b := bufferAt(d, 1); mustMutate(b.MutateOffset(b.Offset() + 4)) }),
			ErrMalformed, "is not 64-byte aligned"},
		{"buffer in the FlatBuffer", edit(f, func(d []byte) { mustMutate(bufferAt(d, 1).MutateOffset(64)) }),
			ErrMalformed, "format: buffers[1]: payload offset 64 overlaps the FlatBuffer, which ends at"},
		{"buffer past the end", edit(f, func(d []byte) { mustMutate(bufferAt(d, 2).MutateSize(1 << 40)) }),
			ErrMalformed, "format: buffers[2]: payload at offset"},
		{"buffer size overflow", edit(f, func(d []byte) { mustMutate(bufferAt(d, 2).MutateSize(^uint64(0))) }),
			ErrMalformed, "runs past the data section"},
		{"tensor buffer index", edit(f, func(d []byte) { mustMutate(tensorAt(d, 19).MutateBuffer(99)) }),
			ErrMalformed, `format: tensor 19 "conv.weight": buffer 99 out of range (the model has 6 buffers)`}, // the sentinel and 5 constants
		{"payload length", edit(f, func(d []byte) { b := bufferAt(d, 3); mustMutate(b.MutateSize(b.Size() - 4)) }),
			ErrInvalid, `the constant holds`},
		{"zero point", edit(q, func(d []byte) {
			var qt fb.Quantization
			mustMutate(tensorAt(d, 1).Quant(&qt).MutateZeroPoint(0, 1<<40))
		}), ErrMalformed, `format: tensor 1 "x": zero point 1099511627776 does not fit in 32 bits`},
		{"color order", edit(q, func(d []byte) {
			mustMutate(root(d).Metadata(nil).Preprocessing(nil).MutateColorOrder(5))
		}), ErrMalformed, "format: metadata: preprocessing color order 5, fit 2, interpolation 0: unknown enum value"},
		{"io layout", edit(q, func(d []byte) {
			var l fb.IOLayout
			root(d).Metadata(nil).IoLayouts(&l, 0)
			mustMutate(l.MutateLayout(4))
		}), ErrMalformed, "format: metadata: io_layouts[0]: unknown layout 4"},
		{"io layout twice", edit(q, func(d []byte) {
			var l fb.IOLayout
			root(d).Metadata(nil).IoLayouts(&l, 1)
			mustMutate(l.MutateTensor(0))
		}), ErrMalformed, "format: metadata: io_layouts[1]: tensor 0 has a layout already"},
		{"extra key twice", edit(q, func(d []byte) {
			i := bytes.Index(d, []byte("license\x00"))
			put32(d, i-4, 1)
			copy(d[i:], "z\x00")
		}), ErrMalformed, `format: metadata: extra[2]: key "z" appears twice`},
	})
}

// TestVerifierBoundsWork checks that a FlatBuffer whose vector points at
// one table a million times is refused rather than walked.
func TestVerifierBoundsWork(t *testing.T) {
	b := flatbuffers.NewBuilder(0)
	b.StartVector(4, 1000, 4)
	for range 1000 {
		b.PrependInt32(1)
	}
	shape := b.EndVector(1000)
	fb.TensorStart(b)
	fb.TensorAddShape(b, shape)
	tensor := fb.TensorEnd(b)
	offs := make([]flatbuffers.UOffsetT, 1000)
	for i := range offs {
		offs[i] = tensor
	}
	tensors := b.CreateVectorOfTables(offs)
	fb.ModelStart(b)
	fb.ModelAddVersion(b, Version)
	fb.ModelAddTensors(b, tensors)
	b.FinishWithFileIdentifier(fb.ModelEnd(b), []byte(Identifier))
	_, err := verifyFlatBuffer(b.FinishedBytes())
	if err == nil || !strings.Contains(err.Error(), "referenced more often than its") {
		t.Fatalf("verifyFlatBuffer: %v; want the shared-object refusal", err)
	}
}
