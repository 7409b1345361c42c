package format

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"maps"
	"slices"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/edgeinfer/edgeinfer/format/fb"
)

// Encode validates m and serializes it: the FlatBuffer, zero padding, the
// payloads at 64-byte aligned offsets, and the trailer. Constant tensors
// with identical payloads share one buffer. The output is a function of m
// alone: encoding the same Model twice gives the same bytes.
func Encode(m *Model) ([]byte, error) {
	if err := ValidateModel(m); err != nil {
		return nil, err
	}
	return encode(m)
}

// encode serializes a model that ValidateModel accepted (the caller's
// promise: an invalid one may give a file Decode rejects).
func encode(m *Model) ([]byte, error) {
	e := newEncoder(m)
	// Payload offsets are absolute, so they depend on the FlatBuffer's
	// size, which holds them. Its size does not depend on their values
	// (every offset is non-zero, so always present), so the second build
	// with the right data start settles it.
	dataStart := DataAlignment
	var flat []byte
	for range 3 {
		flat = e.flatBuffer(dataStart)
		if alignUp(len(flat)) == dataStart {
			break
		}
		dataStart = alignUp(len(flat))
	}
	if alignUp(len(flat)) != dataStart {
		return nil, invalid("internal error: the FlatBuffer size did not settle")
	}
	size := dataStart + e.dataSize + trailerSize
	out := make([]byte, dataStart, size)
	copy(out, flat)
	for i, p := range e.payloads[1:] {
		out = append(out, make([]byte, dataStart+e.rel[i+1]-len(out))...)
		out = append(out, p...)
	}
	return appendTrailer(out), nil
}

// encoder builds the FlatBuffer of one validated model.
type encoder struct {
	m        *Model
	b        *flatbuffers.Builder
	payloads [][]byte // by buffer index; [0] is the sentinel
	rel      []int    // payload offsets relative to the data section
	dataSize int
	bufferOf []uint32 // by tensor: its buffer index
}

func newEncoder(m *Model) *encoder {
	e := &encoder{m: m, payloads: [][]byte{nil}, rel: []int{0}, bufferOf: make([]uint32, len(m.Tensors))}
	seed := maphash.MakeSeed()
	byHash := make(map[uint64][]uint32)
	// Tensors of a decoded model that shared a buffer share memory: find
	// those by address first, so that re-encoding never hashes a payload
	// once per tensor using it.
	type span struct {
		p *byte
		n int
	}
	byAddr := make(map[span]uint32)
	for t := range m.Tensors {
		data := m.Tensors[t].Data
		if data == nil {
			continue
		}
		var key span
		if len(data) > 0 {
			key = span{&data[0], len(data)}
			if i, ok := byAddr[key]; ok {
				e.bufferOf[t] = i
				continue
			}
		}
		h := maphash.Bytes(seed, data)
		idx := slices.IndexFunc(byHash[h], func(i uint32) bool { return bytes.Equal(e.payloads[i], data) })
		if idx >= 0 {
			e.bufferOf[t] = byHash[h][idx]
			byAddr[key] = e.bufferOf[t]
			continue
		}
		i := uint32(len(e.payloads))
		byHash[h] = append(byHash[h], i)
		byAddr[key] = i
		e.bufferOf[t] = i
		off := alignUp(e.dataSize)
		e.payloads = append(e.payloads, data)
		e.rel = append(e.rel, off)
		e.dataSize = off + len(data)
	}
	return e
}

// flatBuffer builds the FlatBuffer with the data section at dataStart.
func (e *encoder) flatBuffer(dataStart int) []byte {
	m := e.m
	e.b = flatbuffers.NewBuilder(1024 + 64*len(m.Tensors) + 64*len(m.Operators))
	b := e.b

	tensors := make([]flatbuffers.UOffsetT, len(m.Tensors))
	for i := range m.Tensors {
		tensors[i] = e.tensor(&m.Tensors[i], e.bufferOf[i])
	}
	tensorVec := e.tables(tensors)

	buffers := make([]flatbuffers.UOffsetT, len(e.payloads))
	for i, p := range e.payloads {
		fb.BufferStart(b)
		if i > 0 {
			fb.BufferAddOffset(b, uint64(dataStart+e.rel[i]))
			fb.BufferAddSize(b, uint64(len(p)))
		}
		buffers[i] = fb.BufferEnd(b)
	}
	bufferVec := e.tables(buffers)

	ops := make([]flatbuffers.UOffsetT, len(m.Operators))
	for i := range m.Operators {
		ops[i] = e.operator(&m.Operators[i])
	}
	opVec := e.tables(ops)
	inputs, outputs := e.int32s(m.Inputs), e.int32s(m.Outputs)
	metadata := e.metadata(&m.Metadata)

	fb.ModelStart(b)
	fb.ModelAddVersion(b, m.Version)
	fb.ModelAddTensors(b, tensorVec)
	fb.ModelAddBuffers(b, bufferVec)
	fb.ModelAddOperators(b, opVec)
	fb.ModelAddInputs(b, inputs)
	fb.ModelAddOutputs(b, outputs)
	fb.ModelAddMetadata(b, metadata)
	b.FinishWithFileIdentifier(fb.ModelEnd(b), []byte(Identifier))
	return b.FinishedBytes()
}

func (e *encoder) tensor(t *Tensor, buffer uint32) flatbuffers.UOffsetT {
	b := e.b
	name, shape := e.string(t.Name), e.int32s(t.Shape)
	var quant flatbuffers.UOffsetT
	if q := t.Quant; q != nil {
		scale := e.float32s(q.Scale)
		b.StartVector(8, len(q.ZeroPoint), 8)
		for _, zp := range slices.Backward(q.ZeroPoint) {
			b.PrependInt64(int64(zp))
		}
		zps := b.EndVector(len(q.ZeroPoint))
		fb.QuantizationStart(b)
		fb.QuantizationAddScale(b, scale)
		fb.QuantizationAddZeroPoint(b, zps)
		fb.QuantizationAddAxis(b, int32(q.Axis))
		fb.QuantizationAddMin(b, q.Min)
		fb.QuantizationAddMax(b, q.Max)
		quant = fb.QuantizationEnd(b)
	}
	fb.TensorStart(b)
	fb.TensorAddName(b, name)
	fb.TensorAddShape(b, shape)
	fb.TensorAddDtype(b, fb.DType(t.DType))
	fb.TensorAddQuant(b, quant)
	fb.TensorAddBuffer(b, buffer)
	return fb.TensorEnd(b)
}

func (e *encoder) operator(op *Operator) flatbuffers.UOffsetT {
	b := e.b
	name, inputs, outputs := e.string(op.Name), e.int32s(op.Inputs), e.int32s(op.Outputs)
	typ, options := e.options(op.Options)
	fb.OperatorStart(b)
	fb.OperatorAddOpcode(b, fb.OpCode(op.Op))
	fb.OperatorAddName(b, name)
	fb.OperatorAddInputs(b, inputs)
	fb.OperatorAddOutputs(b, outputs)
	if typ != fb.OpOptionsNONE {
		fb.OperatorAddOptionsType(b, typ)
		fb.OperatorAddOptions(b, options)
	}
	return fb.OperatorEnd(b)
}

// options builds an options table; validation guarantees o is one of the
// option types (or nil).
func (e *encoder) options(o any) (fb.OpOptions, flatbuffers.UOffsetT) {
	b := e.b
	switch o := o.(type) {
	case *Conv2DOptions:
		fb.Conv2DOptionsStart(b)
		fb.Conv2DOptionsAddStrideH(b, int32(o.StrideH))
		fb.Conv2DOptionsAddStrideW(b, int32(o.StrideW))
		fb.Conv2DOptionsAddDilationH(b, int32(o.DilationH))
		fb.Conv2DOptionsAddDilationW(b, int32(o.DilationW))
		fb.Conv2DOptionsAddPadTop(b, int32(o.PadTop))
		fb.Conv2DOptionsAddPadLeft(b, int32(o.PadLeft))
		fb.Conv2DOptionsAddPadBottom(b, int32(o.PadBottom))
		fb.Conv2DOptionsAddPadRight(b, int32(o.PadRight))
		fb.Conv2DOptionsAddGroups(b, int32(o.Groups))
		fb.Conv2DOptionsAddActivation(b, fb.Activation(o.Act.Kind))
		if o.Act.Kind == ActClamp {
			fb.Conv2DOptionsAddClampMin(b, o.Act.Min)
			fb.Conv2DOptionsAddClampMax(b, o.Act.Max)
		}
		return fb.OpOptionsConv2DOptions, fb.Conv2DOptionsEnd(b)
	case *FullyConnectedOptions:
		fb.FullyConnectedOptionsStart(b)
		fb.FullyConnectedOptionsAddActivation(b, fb.Activation(o.Act.Kind))
		if o.Act.Kind == ActClamp {
			fb.FullyConnectedOptionsAddClampMin(b, o.Act.Min)
			fb.FullyConnectedOptionsAddClampMax(b, o.Act.Max)
		}
		return fb.OpOptionsFullyConnectedOptions, fb.FullyConnectedOptionsEnd(b)
	case *Pool2DOptions:
		fb.Pool2DOptionsStart(b)
		fb.Pool2DOptionsAddKernelH(b, int32(o.KernelH))
		fb.Pool2DOptionsAddKernelW(b, int32(o.KernelW))
		fb.Pool2DOptionsAddStrideH(b, int32(o.StrideH))
		fb.Pool2DOptionsAddStrideW(b, int32(o.StrideW))
		fb.Pool2DOptionsAddDilationH(b, int32(o.DilationH))
		fb.Pool2DOptionsAddDilationW(b, int32(o.DilationW))
		fb.Pool2DOptionsAddPadTop(b, int32(o.PadTop))
		fb.Pool2DOptionsAddPadLeft(b, int32(o.PadLeft))
		fb.Pool2DOptionsAddPadBottom(b, int32(o.PadBottom))
		fb.Pool2DOptionsAddPadRight(b, int32(o.PadRight))
		fb.Pool2DOptionsAddCountIncludePad(b, o.CountIncludePad)
		fb.Pool2DOptionsAddActivation(b, fb.Activation(o.Act.Kind))
		if o.Act.Kind == ActClamp {
			fb.Pool2DOptionsAddClampMin(b, o.Act.Min)
			fb.Pool2DOptionsAddClampMax(b, o.Act.Max)
		}
		return fb.OpOptionsPool2DOptions, fb.Pool2DOptionsEnd(b)
	case *ReduceOptions:
		axes := e.int32s(o.Axes)
		fb.ReduceOptionsStart(b)
		fb.ReduceOptionsAddAxes(b, axes)
		fb.ReduceOptionsAddKeepDims(b, o.KeepDims)
		return fb.OpOptionsReduceOptions, fb.ReduceOptionsEnd(b)
	case *ElementwiseOptions:
		fb.ElementwiseOptionsStart(b)
		fb.ElementwiseOptionsAddActivation(b, fb.Activation(o.Act.Kind))
		if o.Act.Kind == ActClamp {
			fb.ElementwiseOptionsAddClampMin(b, o.Act.Min)
			fb.ElementwiseOptionsAddClampMax(b, o.Act.Max)
		}
		return fb.OpOptionsElementwiseOptions, fb.ElementwiseOptionsEnd(b)
	case *ConcatOptions:
		fb.ConcatOptionsStart(b)
		fb.ConcatOptionsAddAxis(b, int32(o.Axis))
		return fb.OpOptionsConcatOptions, fb.ConcatOptionsEnd(b)
	case *PadOptions:
		paddings := e.int32s(o.Paddings)
		fb.PadOptionsStart(b)
		fb.PadOptionsAddPaddings(b, paddings)
		fb.PadOptionsAddValue(b, o.Value)
		return fb.OpOptionsPadOptions, fb.PadOptionsEnd(b)
	case *TransposeOptions:
		perm := e.int32s(o.Perm)
		fb.TransposeOptionsStart(b)
		fb.TransposeOptionsAddPerm(b, perm)
		return fb.OpOptionsTransposeOptions, fb.TransposeOptionsEnd(b)
	case *SliceOptions:
		begin, size, step := e.int32s(o.Begin), e.int32s(o.Size), e.int32s(o.Step)
		fb.SliceOptionsStart(b)
		fb.SliceOptionsAddBegin(b, begin)
		fb.SliceOptionsAddSize(b, size)
		fb.SliceOptionsAddStep(b, step)
		return fb.OpOptionsSliceOptions, fb.SliceOptionsEnd(b)
	case *ClampOptions:
		fb.ClampOptionsStart(b)
		fb.ClampOptionsAddMin(b, o.Min)
		fb.ClampOptionsAddMax(b, o.Max)
		return fb.OpOptionsClampOptions, fb.ClampOptionsEnd(b)
	case *LeakyReluOptions:
		fb.LeakyReluOptionsStart(b)
		fb.LeakyReluOptionsAddAlpha(b, o.Alpha)
		return fb.OpOptionsLeakyReluOptions, fb.LeakyReluOptionsEnd(b)
	case *HardSigmoidOptions:
		fb.HardSigmoidOptionsStart(b)
		fb.HardSigmoidOptionsAddAlpha(b, o.Alpha)
		fb.HardSigmoidOptionsAddBeta(b, o.Beta)
		return fb.OpOptionsHardSigmoidOptions, fb.HardSigmoidOptionsEnd(b)
	case *SoftmaxOptions:
		fb.SoftmaxOptionsStart(b)
		fb.SoftmaxOptionsAddBeta(b, o.Beta)
		fb.SoftmaxOptionsAddAxis(b, int32(o.Axis))
		return fb.OpOptionsSoftmaxOptions, fb.SoftmaxOptionsEnd(b)
	case *ResizeOptions:
		fb.ResizeOptionsStart(b)
		fb.ResizeOptionsAddMode(b, fb.ResizeMode(o.Mode))
		fb.ResizeOptionsAddCoordinate(b, fb.CoordinateMode(o.Coordinate))
		fb.ResizeOptionsAddNearest(b, fb.NearestMode(o.Nearest))
		return fb.OpOptionsResizeOptions, fb.ResizeOptionsEnd(b)
	case *LRNOptions:
		fb.LRNOptionsStart(b)
		fb.LRNOptionsAddSize(b, int32(o.Size))
		fb.LRNOptionsAddAlpha(b, o.Alpha)
		fb.LRNOptionsAddBeta(b, o.Beta)
		fb.LRNOptionsAddBias(b, o.Bias)
		return fb.OpOptionsLRNOptions, fb.LRNOptionsEnd(b)
	}
	return fb.OpOptionsNONE, 0
}

func (e *encoder) metadata(md *Metadata) flatbuffers.UOffsetT {
	b := e.b
	description := e.string(md.Description)
	var labels flatbuffers.UOffsetT
	if len(md.Labels) > 0 {
		offs := make([]flatbuffers.UOffsetT, len(md.Labels))
		for i, l := range md.Labels {
			offs[i] = b.CreateString(l)
		}
		labels = e.tables(offs)
	}
	var prep flatbuffers.UOffsetT
	if p := md.Preprocessing; p != nil {
		mean, std := e.float32s(p.Mean), e.float32s(p.Std)
		fb.PreprocessingStart(b)
		fb.PreprocessingAddColorOrder(b, fb.ColorOrder(p.ColorOrder))
		fb.PreprocessingAddScale(b, p.Scale)
		fb.PreprocessingAddOffset(b, p.Offset)
		fb.PreprocessingAddMean(b, mean)
		fb.PreprocessingAddStd(b, std)
		fb.PreprocessingAddFit(b, fb.ResizeFit(p.Fit))
		fb.PreprocessingAddInterpolation(b, fb.ResizeMode(p.Interpolation))
		fb.PreprocessingAddWidth(b, int32(p.Width))
		fb.PreprocessingAddHeight(b, int32(p.Height))
		fb.PreprocessingAddChannels(b, int32(p.Channels))
		prep = fb.PreprocessingEnd(b)
	}
	var layouts flatbuffers.UOffsetT
	if len(md.IOLayouts) > 0 {
		keys := slices.Sorted(maps.Keys(md.IOLayouts))
		offs := make([]flatbuffers.UOffsetT, len(keys))
		for i, t := range keys {
			fb.IOLayoutStart(b)
			fb.IOLayoutAddTensor(b, int32(t))
			fb.IOLayoutAddLayout(b, fb.Layout(md.IOLayouts[t]))
			offs[i] = fb.IOLayoutEnd(b)
		}
		layouts = e.tables(offs)
	}
	var producer flatbuffers.UOffsetT
	if p := md.Producer; p != nil {
		var calibration flatbuffers.UOffsetT
		if c := p.Calibration; c != nil {
			method, source := e.string(c.Method), e.string(c.Source)
			fb.CalibrationStart(b)
			fb.CalibrationAddMethod(b, method)
			fb.CalibrationAddSamples(b, int32(c.Samples))
			fb.CalibrationAddSource(b, source)
			fb.CalibrationAddPercentile(b, c.Percentile)
			fb.CalibrationAddSeed(b, c.Seed)
			calibration = fb.CalibrationEnd(b)
		}
		name, version := e.string(p.Name), e.string(p.Version)
		source, sha := e.string(p.SourceModel), e.string(p.SourceModelSHA256)
		fb.ProducerStart(b)
		fb.ProducerAddName(b, name)
		fb.ProducerAddVersion(b, version)
		fb.ProducerAddSourceModel(b, source)
		fb.ProducerAddSourceModelSha256(b, sha)
		fb.ProducerAddCalibration(b, calibration)
		producer = fb.ProducerEnd(b)
	}
	var report flatbuffers.UOffsetT
	if q := md.QuantReport; q != nil {
		var tensors flatbuffers.UOffsetT
		if len(q.Tensors) > 0 {
			offs := make([]flatbuffers.UOffsetT, len(q.Tensors))
			for i, r := range q.Tensors {
				name := b.CreateString(r.Tensor)
				fb.TensorReportStart(b)
				fb.TensorReportAddTensor(b, name)
				fb.TensorReportAddSqnrDb(b, r.SQNRdB)
				offs[i] = fb.TensorReportEnd(b)
			}
			tensors = e.tables(offs)
		}
		fb.QuantReportStart(b)
		fb.QuantReportAddTensors(b, tensors)
		fb.QuantReportAddOutputSqnrDb(b, q.OutputSQNRdB)
		fb.QuantReportAddTop1Agreement(b, q.Top1Agreement)
		fb.QuantReportAddSamples(b, int32(q.Samples))
		report = fb.QuantReportEnd(b)
	}
	var extra flatbuffers.UOffsetT
	if len(md.Extra) > 0 {
		type kv struct{ k, v string }
		kvs := make([]kv, 0, len(md.Extra))
		for k, v := range md.Extra {
			kvs = append(kvs, kv{k, v})
		}
		slices.SortFunc(kvs, func(a, b kv) int { return cmp.Compare(a.k, b.k) })
		offs := make([]flatbuffers.UOffsetT, len(kvs))
		for i, p := range kvs {
			k, v := b.CreateString(p.k), b.CreateString(p.v)
			fb.KeyValueStart(b)
			fb.KeyValueAddKey(b, k)
			fb.KeyValueAddValue(b, v)
			offs[i] = fb.KeyValueEnd(b)
		}
		extra = e.tables(offs)
	}
	fb.MetadataStart(b)
	fb.MetadataAddDescription(b, description)
	fb.MetadataAddLabels(b, labels)
	fb.MetadataAddPreprocessing(b, prep)
	fb.MetadataAddIoLayouts(b, layouts)
	fb.MetadataAddProducer(b, producer)
	fb.MetadataAddQuantReport(b, report)
	fb.MetadataAddExtra(b, extra)
	return fb.MetadataEnd(b)
}

// string creates s, or returns 0 (field absent) for "".
func (e *encoder) string(s string) flatbuffers.UOffsetT {
	if s == "" {
		return 0
	}
	return e.b.CreateString(s)
}

// int32s creates an int vector, or returns 0 (field absent) when empty.
// Validation guarantees every value fits.
func (e *encoder) int32s(v []int) flatbuffers.UOffsetT {
	if len(v) == 0 {
		return 0
	}
	e.b.StartVector(4, len(v), 4)
	for _, x := range slices.Backward(v) {
		e.b.PrependInt32(int32(x))
	}
	return e.b.EndVector(len(v))
}

// float32s creates a float vector, or returns 0 when empty.
func (e *encoder) float32s(v []float32) flatbuffers.UOffsetT {
	if len(v) == 0 {
		return 0
	}
	e.b.StartVector(4, len(v), 4)
	for _, x := range slices.Backward(v) {
		e.b.PrependFloat32(x)
	}
	return e.b.EndVector(len(v))
}

// tables creates a vector of table (or string) offsets.
func (e *encoder) tables(offs []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	if len(offs) == 0 {
		return 0
	}
	return e.b.CreateVectorOfTables(offs)
}
