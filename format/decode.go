package format

import (
	"fmt"
	"hash/crc32"
	"math"
	"sync/atomic"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/edgeinfer/edgeinfer/format/fb"
)

// DecodeOptions adjusts Decode.
type DecodeOptions struct {
	// SkipChecksum skips the CRC-32C of the contents. The structure is
	// still verified in full and the model validated; only damage that
	// leaves a valid model (a flipped weight bit) goes unnoticed.
	SkipChecksum bool
}

// Decode parses, verifies and validates a model file held in memory.
//
// It checks the file identifier, the trailer, the format version and the
// checksum, verifies every offset and length of the FlatBuffer before
// reading it, copies the graph into a Model and runs ValidateModel. The
// constant tensors' Data are sub-slices of data, not copies: data must
// stay unchanged while the Model is in use.
func Decode(data []byte) (*Model, error) {
	return DecodeWithOptions(data, DecodeOptions{})
}

// backstopHits counts panics DecodeWithOptions recovered from. The
// verifier is meant to make them impossible; the corruption and fuzz
// tests require it to stay 0.
var backstopHits atomic.Int64

// DecodeWithOptions is Decode with options.
func DecodeWithOptions(data []byte, opts DecodeOptions) (m *Model, err error) {
	defer func() {
		// A last resort: verification should leave nothing to panic on.
		if r := recover(); r != nil {
			backstopHits.Add(1)
			m, err = nil, malformed("internal error: the decoder panicked on a file the verifier accepted (%v)", r)
		}
	}()
	tr, err := readTrailer(data)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(tr.version); err != nil {
		return nil, err
	}
	body := data[:len(data)-trailerSize]
	if !opts.SkipChecksum {
		if sum := crc32.Checksum(body, castagnoli); sum != tr.checksum {
			return nil, fileError(ErrChecksum, "checksum mismatch: the trailer says %08x but the contents hash to %08x (the file is damaged or was modified)", tr.checksum, sum)
		}
	}
	region := body[:min(len(body), maxFlatBuffer)]
	fbEnd, err := verifyFlatBuffer(region)
	if err != nil {
		return nil, err
	}
	d := &decoder{data: data, bodyEnd: uint64(len(body)), fbEnd: uint64(fbEnd), version: tr.version}
	m, err = d.model(fb.GetRootAsModel(region, 0))
	if err != nil {
		return nil, err
	}
	if err := ValidateModel(m); err != nil {
		return nil, err
	}
	return m, nil
}

// decoder copies a verified FlatBuffer into the Go types, checking what
// the verifier cannot: enum values, the buffer table, and values that do
// not fit the Go fields.
type decoder struct {
	data    []byte
	bodyEnd uint64 // start of the trailer
	fbEnd   uint64 // end of the FlatBuffer's objects
	version uint32
}

func (d *decoder) model(r *fb.Model) (*Model, error) {
	if v := r.Version(); v != d.version {
		return nil, malformed("the Model table says format version %d but the trailer says %d", v, d.version)
	}
	payloads, err := d.buffers(r)
	if err != nil {
		return nil, err
	}
	m := &Model{Version: r.Version()}
	if n := r.TensorsLength(); n > 0 {
		m.Tensors = make([]Tensor, n)
		var ft fb.Tensor
		for i := range n {
			r.Tensors(&ft, i)
			if err := decodeTensor(&ft, payloads, &m.Tensors[i], i); err != nil {
				return nil, err
			}
		}
	}
	if n := r.OperatorsLength(); n > 0 {
		m.Operators = make([]Operator, n)
		var fo fb.Operator
		for i := range n {
			r.Operators(&fo, i)
			if err := decodeOperator(&fo, &m.Operators[i], i); err != nil {
				return nil, err
			}
		}
	}
	m.Inputs = ints(r.InputsLength(), r.Inputs)
	m.Outputs = ints(r.OutputsLength(), r.Outputs)
	if md := r.Metadata(nil); md != nil {
		if m.Metadata, err = decodeMetadata(md); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// buffers checks the buffer table and returns each buffer's payload as a
// slice of the file (capacity clipped, so appending cannot overwrite a
// neighbour).
func (d *decoder) buffers(r *fb.Model) ([][]byte, error) {
	n := r.BuffersLength()
	if n == 0 {
		return nil, malformed("the model has no buffers; buffers[0] must be the empty sentinel")
	}
	payloads := make([][]byte, n)
	var b fb.Buffer
	for i := range n {
		r.Buffers(&b, i)
		off, size := b.Offset(), b.Size()
		if i == 0 {
			if off != 0 || size != 0 {
				return nil, malformed("buffers[0] must be the empty sentinel, but has offset %d and size %d", off, size)
			}
			continue
		}
		switch {
		case off%DataAlignment != 0:
			return nil, malformed("buffers[%d]: payload offset %d is not %d-byte aligned", i, off, DataAlignment)
		case off < d.fbEnd:
			return nil, malformed("buffers[%d]: payload offset %d overlaps the FlatBuffer, which ends at %d", i, off, d.fbEnd)
		case size > d.bodyEnd || off > d.bodyEnd-size:
			return nil, malformed("buffers[%d]: payload at offset %d of %d bytes runs past the data section, which ends at %d", i, off, size, d.bodyEnd)
		}
		payloads[i] = d.data[off : off+size : off+size]
	}
	return payloads, nil
}

func decodeTensor(ft *fb.Tensor, payloads [][]byte, t *Tensor, i int) error {
	t.Name = string(ft.Name())
	errorf := func(format string, args ...any) error {
		e := malformed(format, args...)
		e.Tensor, e.TensorName = i, t.Name
		return e
	}
	t.Shape = ints(ft.ShapeLength(), ft.Shape)
	dt := ft.Dtype()
	if dt < 0 || DType(dt).Size() == 0 {
		return errorf("unknown dtype %d", dt)
	}
	t.DType = DType(dt)
	if fq := ft.Quant(nil); fq != nil {
		q := &Quant{Axis: int(fq.Axis()), Min: fq.Min(), Max: fq.Max()}
		if n := fq.ScaleLength(); n > 0 {
			q.Scale = make([]float32, n)
			for j := range q.Scale {
				q.Scale[j] = fq.Scale(j)
			}
		}
		if n := fq.ZeroPointLength(); n > 0 {
			q.ZeroPoint = make([]int32, n)
			for j := range q.ZeroPoint {
				zp := fq.ZeroPoint(j)
				if zp < math.MinInt32 || zp > math.MaxInt32 {
					return errorf("zero point %d does not fit in 32 bits", zp)
				}
				q.ZeroPoint[j] = int32(zp)
			}
		}
		t.Quant = q
	}
	if b := ft.Buffer(); b != 0 {
		if uint64(b) >= uint64(len(payloads)) {
			return errorf("buffer %d out of range (the model has %d buffers)", b, len(payloads))
		}
		t.Data = payloads[b]
	}
	return nil
}

func decodeOperator(fo *fb.Operator, op *Operator, i int) error {
	op.Op = OpCode(fo.Opcode())
	op.Name = string(fo.Name())
	errorf := func(format string, args ...any) error {
		e := malformed(format, args...)
		e.Op, e.OpName, e.OpCode = i, op.Name, op.Op
		return e
	}
	if !op.Op.Valid() {
		return errorf("unknown opcode %d", uint16(op.Op))
	}
	op.Inputs = ints(fo.InputsLength(), fo.Inputs)
	op.Outputs = ints(fo.OutputsLength(), fo.Outputs)
	typ := fo.OptionsType()
	if typ == fb.OpOptionsNONE {
		return nil
	}
	var tab flatbuffers.Table
	fo.Options(&tab)
	opts, err := decodeOptions(typ, tab)
	if err != nil {
		return errorf("%s: %v", fb.EnumNamesOpOptions[typ], err)
	}
	op.Options = opts
	return nil
}

// decodeOptions converts the verified options table tab of union type typ.
func decodeOptions(typ fb.OpOptions, tab flatbuffers.Table) (any, error) {
	switch typ {
	case fb.OpOptionsConv2DOptions:
		var f fb.Conv2DOptions
		f.Init(tab.Bytes, tab.Pos)
		act, err := activation(f.Activation(), f.ClampMin(), f.ClampMax())
		return &Conv2DOptions{
			StrideH: int(f.StrideH()), StrideW: int(f.StrideW()),
			DilationH: int(f.DilationH()), DilationW: int(f.DilationW()),
			PadTop: int(f.PadTop()), PadLeft: int(f.PadLeft()),
			PadBottom: int(f.PadBottom()), PadRight: int(f.PadRight()),
			Groups: int(f.Groups()), Act: act,
		}, err
	case fb.OpOptionsFullyConnectedOptions:
		var f fb.FullyConnectedOptions
		f.Init(tab.Bytes, tab.Pos)
		act, err := activation(f.Activation(), f.ClampMin(), f.ClampMax())
		return &FullyConnectedOptions{Act: act}, err
	case fb.OpOptionsPool2DOptions:
		var f fb.Pool2DOptions
		f.Init(tab.Bytes, tab.Pos)
		act, err := activation(f.Activation(), f.ClampMin(), f.ClampMax())
		return &Pool2DOptions{
			KernelH: int(f.KernelH()), KernelW: int(f.KernelW()),
			StrideH: int(f.StrideH()), StrideW: int(f.StrideW()),
			DilationH: int(f.DilationH()), DilationW: int(f.DilationW()),
			PadTop: int(f.PadTop()), PadLeft: int(f.PadLeft()),
			PadBottom: int(f.PadBottom()), PadRight: int(f.PadRight()),
			CountIncludePad: f.CountIncludePad(), Act: act,
		}, err
	case fb.OpOptionsReduceOptions:
		var f fb.ReduceOptions
		f.Init(tab.Bytes, tab.Pos)
		return &ReduceOptions{Axes: ints(f.AxesLength(), f.Axes), KeepDims: f.KeepDims()}, nil
	case fb.OpOptionsElementwiseOptions:
		var f fb.ElementwiseOptions
		f.Init(tab.Bytes, tab.Pos)
		act, err := activation(f.Activation(), f.ClampMin(), f.ClampMax())
		return &ElementwiseOptions{Act: act}, err
	case fb.OpOptionsConcatOptions:
		var f fb.ConcatOptions
		f.Init(tab.Bytes, tab.Pos)
		return &ConcatOptions{Axis: int(f.Axis())}, nil
	case fb.OpOptionsPadOptions:
		var f fb.PadOptions
		f.Init(tab.Bytes, tab.Pos)
		return &PadOptions{Paddings: ints(f.PaddingsLength(), f.Paddings), Value: f.Value()}, nil
	case fb.OpOptionsTransposeOptions:
		var f fb.TransposeOptions
		f.Init(tab.Bytes, tab.Pos)
		return &TransposeOptions{Perm: ints(f.PermLength(), f.Perm)}, nil
	case fb.OpOptionsSliceOptions:
		var f fb.SliceOptions
		f.Init(tab.Bytes, tab.Pos)
		return &SliceOptions{
			Begin: ints(f.BeginLength(), f.Begin),
			Size:  ints(f.SizeLength(), f.Size),
			Step:  ints(f.StepLength(), f.Step),
		}, nil
	case fb.OpOptionsClampOptions:
		var f fb.ClampOptions
		f.Init(tab.Bytes, tab.Pos)
		return &ClampOptions{Min: f.Min(), Max: f.Max()}, nil
	case fb.OpOptionsLeakyReluOptions:
		var f fb.LeakyReluOptions
		f.Init(tab.Bytes, tab.Pos)
		return &LeakyReluOptions{Alpha: f.Alpha()}, nil
	case fb.OpOptionsHardSigmoidOptions:
		var f fb.HardSigmoidOptions
		f.Init(tab.Bytes, tab.Pos)
		return &HardSigmoidOptions{Alpha: f.Alpha(), Beta: f.Beta()}, nil
	case fb.OpOptionsSoftmaxOptions:
		var f fb.SoftmaxOptions
		f.Init(tab.Bytes, tab.Pos)
		return &SoftmaxOptions{Beta: f.Beta(), Axis: int(f.Axis())}, nil
	case fb.OpOptionsResizeOptions:
		var f fb.ResizeOptions
		f.Init(tab.Bytes, tab.Pos)
		o := &ResizeOptions{Mode: ResizeMode(f.Mode()), Coordinate: CoordinateMode(f.Coordinate()), Nearest: NearestMode(f.Nearest())}
		if f.Mode() < 0 || f.Coordinate() < 0 || f.Nearest() < 0 || !o.valid() {
			return nil, fmt.Errorf("mode %d, coordinate %d, nearest %d: unknown enum value", f.Mode(), f.Coordinate(), f.Nearest())
		}
		return o, nil
	case fb.OpOptionsLRNOptions:
		var f fb.LRNOptions
		f.Init(tab.Bytes, tab.Pos)
		return &LRNOptions{Size: int(f.Size()), Alpha: f.Alpha(), Beta: f.Beta(), Bias: f.Bias()}, nil
	}
	return nil, fmt.Errorf("unknown options type %d", typ) // the verifier rejects these
}

// activation converts a fused activation; clamp bounds are kept only for
// ActClamp, the one kind that uses them.
func activation(kind fb.Activation, lo, hi float32) (Activation, error) {
	a := Activation{Kind: ActKind(kind)}
	if kind < 0 || a.Kind > ActClamp {
		return Activation{}, fmt.Errorf("unknown activation %d", kind)
	}
	if a.Kind == ActClamp {
		a.Min, a.Max = lo, hi
	}
	return a, nil
}

func decodeMetadata(md *fb.Metadata) (Metadata, error) {
	m := Metadata{Description: string(md.Description())}
	if n := md.LabelsLength(); n > 0 {
		m.Labels = make([]string, n)
		for j := range m.Labels {
			m.Labels[j] = string(md.Labels(j))
		}
	}
	if fp := md.Preprocessing(nil); fp != nil {
		p := &Preprocessing{
			ColorOrder: ColorOrder(fp.ColorOrder()), Scale: fp.Scale(), Offset: fp.Offset(),
			Mean: float32s(fp.MeanLength(), fp.Mean), Std: float32s(fp.StdLength(), fp.Std),
			Fit: ResizeFit(fp.Fit()), Interpolation: ResizeMode(fp.Interpolation()),
			Width: int(fp.Width()), Height: int(fp.Height()), Channels: int(fp.Channels()),
		}
		if fp.ColorOrder() < 0 || fp.Fit() < 0 || fp.Interpolation() < 0 || !p.enumsValid() {
			return Metadata{}, malformed("metadata: preprocessing color order %d, fit %d, interpolation %d: unknown enum value",
				fp.ColorOrder(), fp.Fit(), fp.Interpolation())
		}
		m.Preprocessing = p
	}
	if n := md.IoLayoutsLength(); n > 0 {
		m.IOLayouts = make(map[int]Layout, n)
		var l fb.IOLayout
		for j := range n {
			md.IoLayouts(&l, j)
			t := int(l.Tensor())
			if l.Layout() < 0 || Layout(l.Layout()) > NCHW {
				return Metadata{}, malformed("metadata: io_layouts[%d]: unknown layout %d", j, l.Layout())
			}
			if _, dup := m.IOLayouts[t]; dup {
				return Metadata{}, malformed("metadata: io_layouts[%d]: tensor %d has a layout already", j, t)
			}
			m.IOLayouts[t] = Layout(l.Layout())
		}
	}
	if fp := md.Producer(nil); fp != nil {
		p := &Producer{
			Name: string(fp.Name()), Version: string(fp.Version()),
			SourceModel: string(fp.SourceModel()), SourceModelSHA256: string(fp.SourceModelSha256()),
		}
		if fc := fp.Calibration(nil); fc != nil {
			p.Calibration = &Calibration{
				Method: string(fc.Method()), Samples: int(fc.Samples()), Source: string(fc.Source()),
				Percentile: fc.Percentile(), Seed: fc.Seed(),
			}
		}
		m.Producer = p
	}
	if fq := md.QuantReport(nil); fq != nil {
		q := &QuantReport{OutputSQNRdB: fq.OutputSqnrDb(), Top1Agreement: fq.Top1Agreement(), Samples: int(fq.Samples())}
		if n := fq.TensorsLength(); n > 0 {
			q.Tensors = make([]TensorReport, n)
			var r fb.TensorReport
			for j := range n {
				fq.Tensors(&r, j)
				q.Tensors[j] = TensorReport{Tensor: string(r.Tensor()), SQNRdB: r.SqnrDb()}
			}
		}
		m.QuantReport = q
	}
	if n := md.ExtraLength(); n > 0 {
		m.Extra = make(map[string]string, n)
		var kv fb.KeyValue
		for j := range n {
			md.Extra(&kv, j)
			k := string(kv.Key())
			if _, dup := m.Extra[k]; dup {
				return Metadata{}, malformed("metadata: extra[%d]: key %q appears twice", j, k)
			}
			m.Extra[k] = string(kv.Value())
		}
	}
	return m, nil
}

// ints copies an int32 vector; nil when empty.
func ints(n int, at func(int) int32) []int {
	if n == 0 {
		return nil
	}
	v := make([]int, n)
	for j := range v {
		v[j] = int(at(j))
	}
	return v
}

// float32s copies a float vector; nil when empty.
func float32s(n int, at func(int) float32) []float32 {
	if n == 0 {
		return nil
	}
	v := make([]float32, n)
	for j := range v {
		v[j] = at(j)
	}
	return v
}
