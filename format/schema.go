package format

// The FlatBuffers schema (edgeinfer.fbs) as data, for the verifier: every
// table's fields in vtable slot order with what each slot holds. A union
// field takes two slots, its type byte and then its table offset.
// TestSchemaMatchesFBS parses edgeinfer.fbs and checks these against it.

type fieldKind uint8

const (
	scalarField    fieldKind = iota // an inline scalar of size bytes
	stringField                     // offset to a string
	tableField                      // offset to a table of schema table
	unionTypeField                  // the union's type byte (size 1)
	unionField                      // offset to a table of schema union[type]
	scalarVector                    // offset to a vector of size-byte scalars
	stringVector                    // offset to a vector of strings
	tableVector                     // offset to a vector of tables of schema table
)

type field struct {
	name  string
	kind  fieldKind
	size  int            // scalarField, scalarVector: bytes per scalar
	table *tableSchema   // tableField, tableVector
	union []*tableSchema // unionField: schema by type value (0 is NONE)
}

// inlineSize is the field's size inside its table.
func (f *field) inlineSize() int {
	switch f.kind {
	case scalarField:
		return f.size
	case unionTypeField:
		return 1
	}
	return 4 // an offset
}

type tableSchema struct {
	name   string
	fields []field
}

func scalar(name string, size int) field { return field{name: name, kind: scalarField, size: size} }
func str(name string) field              { return field{name: name, kind: stringField} }
func tbl(name string, t *tableSchema) field {
	return field{name: name, kind: tableField, table: t}
}
func scalars(name string, size int) field { return field{name: name, kind: scalarVector, size: size} }
func strs(name string) field              { return field{name: name, kind: stringVector} }
func tbls(name string, t *tableSchema) field {
	return field{name: name, kind: tableVector, table: t}
}

// Scalar sizes by schema type.
const (
	i8  = 1 // byte, bool and the byte enums
	u16 = 2 // OpCode
	i32 = 4 // int, uint, float
	i64 = 8 // long, ulong
)

var (
	quantizationSchema = &tableSchema{"Quantization", []field{
		scalars("scale", i32), scalars("zero_point", i64), scalar("axis", i32),
		scalar("min", i32), scalar("max", i32),
	}}
	tensorSchema = &tableSchema{"Tensor", []field{
		str("name"), scalars("shape", i32), scalar("dtype", i8),
		tbl("quant", quantizationSchema), scalar("buffer", i32),
	}}
	bufferSchema = &tableSchema{"Buffer", []field{scalar("offset", i64), scalar("size", i64)}}

	conv2DOptionsSchema = &tableSchema{"Conv2DOptions", []field{
		scalar("stride_h", i32), scalar("stride_w", i32),
		scalar("dilation_h", i32), scalar("dilation_w", i32),
		scalar("pad_top", i32), scalar("pad_left", i32), scalar("pad_bottom", i32), scalar("pad_right", i32),
		scalar("groups", i32), scalar("activation", i8), scalar("clamp_min", i32), scalar("clamp_max", i32),
	}}
	fullyConnectedOptionsSchema = &tableSchema{"FullyConnectedOptions", []field{
		scalar("activation", i8), scalar("clamp_min", i32), scalar("clamp_max", i32),
	}}
	pool2DOptionsSchema = &tableSchema{"Pool2DOptions", []field{
		scalar("kernel_h", i32), scalar("kernel_w", i32),
		scalar("stride_h", i32), scalar("stride_w", i32),
		scalar("dilation_h", i32), scalar("dilation_w", i32),
		scalar("pad_top", i32), scalar("pad_left", i32), scalar("pad_bottom", i32), scalar("pad_right", i32),
		scalar("count_include_pad", i8), scalar("activation", i8), scalar("clamp_min", i32), scalar("clamp_max", i32),
	}}
	reduceOptionsSchema      = &tableSchema{"ReduceOptions", []field{scalars("axes", i32), scalar("keep_dims", i8)}}
	elementwiseOptionsSchema = &tableSchema{"ElementwiseOptions", []field{
		scalar("activation", i8), scalar("clamp_min", i32), scalar("clamp_max", i32),
	}}
	concatOptionsSchema    = &tableSchema{"ConcatOptions", []field{scalar("axis", i32)}}
	padOptionsSchema       = &tableSchema{"PadOptions", []field{scalars("paddings", i32), scalar("value", i32)}}
	transposeOptionsSchema = &tableSchema{"TransposeOptions", []field{scalars("perm", i32)}}
	sliceOptionsSchema     = &tableSchema{"SliceOptions", []field{
		scalars("begin", i32), scalars("size", i32), scalars("step", i32),
	}}
	clampOptionsSchema       = &tableSchema{"ClampOptions", []field{scalar("min", i32), scalar("max", i32)}}
	leakyReluOptionsSchema   = &tableSchema{"LeakyReluOptions", []field{scalar("alpha", i32)}}
	hardSigmoidOptionsSchema = &tableSchema{"HardSigmoidOptions", []field{scalar("alpha", i32), scalar("beta", i32)}}
	softmaxOptionsSchema     = &tableSchema{"SoftmaxOptions", []field{scalar("beta", i32), scalar("axis", i32)}}
	resizeOptionsSchema      = &tableSchema{"ResizeOptions", []field{
		scalar("mode", i8), scalar("coordinate", i8), scalar("nearest", i8),
	}}
	lrnOptionsSchema = &tableSchema{"LRNOptions", []field{
		scalar("size", i32), scalar("alpha", i32), scalar("beta", i32), scalar("bias", i32),
	}}

	// opOptionsSchemas is the OpOptions union by type value.
	opOptionsSchemas = []*tableSchema{
		nil, // NONE
		conv2DOptionsSchema, fullyConnectedOptionsSchema, pool2DOptionsSchema, reduceOptionsSchema,
		elementwiseOptionsSchema, concatOptionsSchema, padOptionsSchema, transposeOptionsSchema,
		sliceOptionsSchema, clampOptionsSchema, leakyReluOptionsSchema, hardSigmoidOptionsSchema,
		softmaxOptionsSchema, resizeOptionsSchema, lrnOptionsSchema,
	}

	operatorSchema = &tableSchema{"Operator", []field{
		scalar("opcode", u16), str("name"), scalars("inputs", i32), scalars("outputs", i32),
		{name: "options_type", kind: unionTypeField},
		{name: "options", kind: unionField, union: opOptionsSchemas},
	}}

	preprocessingSchema = &tableSchema{"Preprocessing", []field{
		scalar("color_order", i8), scalar("scale", i32), scalar("offset", i32),
		scalars("mean", i32), scalars("std", i32), scalar("fit", i8), scalar("interpolation", i8),
		scalar("width", i32), scalar("height", i32), scalar("channels", i32),
	}}
	ioLayoutSchema    = &tableSchema{"IOLayout", []field{scalar("tensor", i32), scalar("layout", i8)}}
	calibrationSchema = &tableSchema{"Calibration", []field{
		str("method"), scalar("samples", i32), str("source"), scalar("percentile", i32), scalar("seed", i64),
	}}
	producerSchema = &tableSchema{"Producer", []field{
		str("name"), str("version"), str("source_model"), str("source_model_sha256"),
		tbl("calibration", calibrationSchema),
	}}
	tensorReportSchema = &tableSchema{"TensorReport", []field{str("tensor"), scalar("sqnr_db", i32)}}
	quantReportSchema  = &tableSchema{"QuantReport", []field{
		tbls("tensors", tensorReportSchema), scalar("output_sqnr_db", i32),
		scalar("top1_agreement", i32), scalar("samples", i32),
	}}
	keyValueSchema = &tableSchema{"KeyValue", []field{str("key"), str("value")}}
	metadataSchema = &tableSchema{"Metadata", []field{
		str("description"), strs("labels"), tbl("preprocessing", preprocessingSchema),
		tbls("io_layouts", ioLayoutSchema), tbl("producer", producerSchema),
		tbl("quant_report", quantReportSchema), tbls("extra", keyValueSchema),
	}}

	modelSchema = &tableSchema{"Model", []field{
		scalar("version", i32), tbls("tensors", tensorSchema), tbls("buffers", bufferSchema),
		tbls("operators", operatorSchema), scalars("inputs", i32), scalars("outputs", i32),
		tbl("metadata", metadataSchema),
	}}
)
