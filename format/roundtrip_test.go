package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/format/fb"
)

func TestTestModelsValid(t *testing.T) {
	for name, build := range testModels() {
		if err := ValidateModel(build()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestTestModelsCoverage checks that the round trip below exercises every
// opcode, options type, dtype, per-channel quantization, an absent
// optional input and every metadata field.
func TestTestModelsCoverage(t *testing.T) {
	ops := make(map[OpCode]bool)
	options := make(map[string]bool)
	dtypes := make(map[DType]bool)
	perChannel, absent := false, false
	for _, build := range testModels() {
		m := build()
		for _, op := range m.Operators {
			ops[op.Op] = true
			options[optionsName(op.Options)] = true
			for _, in := range op.Inputs {
				absent = absent || in < 0
			}
		}
		for _, x := range m.Tensors {
			dtypes[x.DType] = true
			perChannel = perChannel || (x.Quant != nil && x.Quant.Axis >= 0)
		}
	}
	for op := OpCode(0); op.Valid(); op++ {
		if !ops[op] {
			t.Errorf("no test model uses %s", op)
		}
	}
	for _, s := range opSpecs {
		if !options[s.options] {
			t.Errorf("no test model uses options %q", s.options)
		}
	}
	for d := DType(0); d.Size() != 0; d++ {
		if !dtypes[d] {
			t.Errorf("no test model uses %s", d)
		}
	}
	if !perChannel || !absent {
		t.Errorf("per-channel quantization used: %v; absent optional input used: %v", perChannel, absent)
	}
	// Interpolation is ResizeNearest, the Go zero value, on purpose: the
	// schema's default is BILINEAR, so it checks a zero that is not the
	// FlatBuffers default.
	md := int8Model().Metadata
	md.Preprocessing.Interpolation = ResizeBilinear
	if field := zeroField(reflect.ValueOf(md), "Metadata"); field != "" {
		t.Errorf("int8Model leaves metadata field %s unset", field)
	}
}

// zeroField returns the path of a zero-valued field in v, recursively.
func zeroField(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return path
		}
		return zeroField(v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := zeroField(v.Field(i), path+"."+v.Type().Field(i).Name); f != "" {
				return f
			}
		}
		return ""
	}
	if v.IsZero() {
		return path
	}
	return ""
}

func TestRoundTrip(t *testing.T) {
	for name, build := range testModels() {
		t.Run(name, func(t *testing.T) {
			m := build()
			data := mustEncode(t, m)
			if again := mustEncode(t, build()); !bytes.Equal(data, again) {
				t.Error("encoding the same model twice gave different bytes")
			}
			d, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := diffModels(m, d); diff != "" {
				t.Fatalf("decoded model differs: %s", diff)
			}
			if re := mustEncode(t, d); !bytes.Equal(data, re) {
				t.Error("re-encoding the decoded model gave different bytes")
			}
			base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
			for i, x := range d.Tensors {
				if len(x.Data) == 0 {
					continue
				}
				off := uintptr(unsafe.Pointer(&x.Data[0])) - base
				if off%DataAlignment != 0 || off >= uintptr(len(data)) {
					t.Errorf("tensor %d %q: payload at file offset %d, want a %d-byte aligned offset inside the file", i, x.Name, off, DataAlignment)
				}
				if cap(x.Data) != len(x.Data) {
					t.Errorf("tensor %d %q: payload capacity %d exceeds its length %d", i, x.Name, cap(x.Data), len(x.Data))
				}
			}
		})
	}
}

// TestFileLayout checks the bytes Encode writes against the layout in
// edgeinfer.fbs: identifier, FlatBuffer, zero padding, aligned payloads
// in buffer order, and the trailer.
func TestFileLayout(t *testing.T) {
	m := int8Model()
	data := mustEncode(t, m)
	if got := string(data[4:8]); got != "EINF" {
		t.Errorf("identifier %q", got)
	}
	tail := data[len(data)-16:]
	if string(tail[:8]) != "EINFTAIL" {
		t.Errorf("trailer magic %q", tail[:8])
	}
	if sum, want := binary.LittleEndian.Uint32(tail[8:]), crc32.Checksum(data[:len(data)-16], crc32.MakeTable(crc32.Castagnoli)); sum != want {
		t.Errorf("trailer checksum %08x, CRC-32C of the contents is %08x", sum, want)
	}
	if v := binary.LittleEndian.Uint32(tail[12:]); v != 1 {
		t.Errorf("trailer version %d", v)
	}
	r := fb.GetRootAsModel(data, 0)
	var b fb.Buffer
	end := uint64(0)
	for i := range r.BuffersLength() {
		r.Buffers(&b, i)
		if i == 0 {
			if b.Offset() != 0 || b.Size() != 0 {
				t.Errorf("buffers[0] is offset %d size %d, want the empty sentinel", b.Offset(), b.Size())
			}
			end = uint64(len(data)) // placeholder until the first payload
			continue
		}
		if i == 1 {
			// Zero padding from the end of the FlatBuffer to the first payload.
			fbEnd, err := verifyFlatBuffer(data[:len(data)-16])
			if err != nil {
				t.Fatal(err)
			}
			if b.Offset() != uint64(alignUp(int(fbEnd))) || !bytes.Equal(data[fbEnd:b.Offset()], make([]byte, b.Offset()-uint64(fbEnd))) {
				t.Errorf("the first payload is at %d; want zero padding from the FlatBuffer's end %d to the next aligned offset", b.Offset(), fbEnd)
			}
		} else if b.Offset() != uint64(alignUp(int(end))) {
			t.Errorf("buffers[%d] at %d, want the next aligned offset after %d", i, b.Offset(), end)
		}
		end = b.Offset() + b.Size()
	}
	if end != uint64(len(data)-16) {
		t.Errorf("the last payload ends at %d, the trailer starts at %d", end, len(data)-16)
	}
}

func TestEncodeSharesEqualPayloads(t *testing.T) {
	data := mustEncode(t, sharedModel())
	if n := fb.GetRootAsModel(data, 0).BuffersLength(); n != 4 {
		t.Errorf("%d buffers, want 4: the sentinel, a (shared with b), c and the empty one", n)
	}
	d, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := tensorNamed(d, "a").Data, tensorNamed(d, "b").Data, tensorNamed(d, "c").Data
	if &a[0] != &b[0] {
		t.Error("a and b hold equal payloads but do not share one buffer")
	}
	if &a[0] == &c[0] {
		t.Error("a and c hold different payloads but share a buffer")
	}
	if e := tensorNamed(d, "empty").Data; e == nil || len(e) != 0 {
		t.Errorf("the empty constant decoded as %v, want a non-nil empty payload", e)
	}
}

func TestEncodeRejectsInvalidModel(t *testing.T) {
	m := tinyModel()
	m.Operators[0].Inputs[0] = 7
	data, err := Encode(m)
	if data != nil || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Encode of an invalid model: %d bytes, error %v", len(data), err)
	}
}

func tensorNamed(m *Model, name string) *Tensor {
	for i := range m.Tensors {
		if m.Tensors[i].Name == name {
			return &m.Tensors[i]
		}
	}
	panic("no tensor " + name)
}
