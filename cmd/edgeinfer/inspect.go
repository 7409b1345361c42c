package main

import (
	"encoding/json"
	"maps"
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

const inspectDetails = `Describes a model: the file header (format version, producer, source model
and its SHA-256, description), the graph inputs and outputs (shape in the
model's NHWC layout, dtype, quantization, the source model's layout and
shape), the metadata (labels, preprocessing, calibration, quantization
report), one line per op (index, opcode, name, kernel, output shape, MACs)
and the totals: MACs, weight bytes, the activation arena and the liveness
lower bound on it (the most bytes live during any one op).

--json prints one JSON object instead (absent values are null, as are the
floats NaN and ±Inf):
  file, format_version, description, kernels      string, number, string, string
  producer        {name, version, source_model, source_model_sha256,
                   calibration: {method, samples, source, percentile, seed} | null} | null
  inputs, outputs [{tensor, name, shape, dtype, quant, source_layout, source_shape}]
                   shape is NHWC; source_layout "NHWC" | "NCHW", "" below rank 4
  quant           {scale: [], zero_point: [], axis, min, max} | null (float tensor)
  labels_count, labels                            number, [string] (all labels)
  preprocessing   {color_order, scale, offset, mean, std, fit, interpolation,
                   width, height, channels} | null
  quant_report    {output_sqnr_db, top1_agreement, samples,
                   tensors: [{tensor, sqnr_db}]} | null
  extra           {key: value}
  ops             [{index, opcode, name, kernel, in_place, inputs, outputs,
                   output_shape, macs}]   (inputs/outputs: tensor indices, -1 absent)
  tensors         [{index, name, shape, dtype, quant, constant, bytes}]
  totals          {ops, tensors, macs, weights_bytes, arena_bytes,
                   arena_lower_bound_bytes, arena_ratio, arena_strategy}
`

func inspectMain(cl *cli, args []string) error {
	fs := newVerbFlags("inspect", "edgeinfer inspect MODEL [--json] [--tensors]", inspectDetails)
	asJSON := fs.Bool("json", false, "print one JSON object")
	tensors := fs.Bool("tensors", false, "also print the tensor table (JSON always has it)")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	if len(operands) != 1 {
		return usagef("want one MODEL operand, got %d", len(operands))
	}
	path := operands[0]
	m, err := loadModel(path)
	if err != nil {
		return err
	}
	defer m.Close()
	r := newInspectReport(path, m)
	if *asJSON {
		enc := json.NewEncoder(cl.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.writeText(cl.stdout, *tensors)
}

// inspectReport is everything inspect shows; the text form and the JSON
// object are two renderings of it. The JSON field names are a documented
// interface (inspectDetails): add fields, do not rename them.
type inspectReport struct {
	File          string             `json:"file"`
	FormatVersion uint32             `json:"format_version"`
	Description   string             `json:"description"`
	Kernels       string             `json:"kernels"`
	Producer      *producerJSON      `json:"producer"`
	Inputs        []ioJSON           `json:"inputs"`
	Outputs       []ioJSON           `json:"outputs"`
	LabelsCount   int                `json:"labels_count"`
	Labels        []string           `json:"labels"`
	Preprocessing *preprocessingJSON `json:"preprocessing"`
	QuantReport   *quantReportJSON   `json:"quant_report"`
	Extra         map[string]string  `json:"extra"`
	Ops           []opJSON           `json:"ops"`
	Tensors       []tensorJSON       `json:"tensors"`
	Totals        totalsJSON         `json:"totals"`
}

type producerJSON struct {
	Name              string           `json:"name"`
	Version           string           `json:"version"`
	SourceModel       string           `json:"source_model"`
	SourceModelSHA256 string           `json:"source_model_sha256"`
	Calibration       *calibrationJSON `json:"calibration"`
}

type calibrationJSON struct {
	Method     string `json:"method"`
	Samples    int    `json:"samples"`
	Source     string `json:"source"`
	Percentile real32 `json:"percentile"`
	Seed       int64  `json:"seed"`
}

type ioJSON struct {
	Tensor       int        `json:"tensor"`
	Name         string     `json:"name"`
	Shape        []int      `json:"shape"`
	DType        string     `json:"dtype"`
	Quant        *quantJSON `json:"quant"`
	SourceLayout string     `json:"source_layout"`
	SourceShape  []int      `json:"source_shape"`
}

type quantJSON struct {
	Scale     []real32 `json:"scale"`
	ZeroPoint []int32  `json:"zero_point"`
	Axis      int      `json:"axis"`
	Min       real32   `json:"min"`
	Max       real32   `json:"max"`
}

type preprocessingJSON struct {
	ColorOrder    string   `json:"color_order"`
	Scale         real32   `json:"scale"`
	Offset        real32   `json:"offset"`
	Mean          []real32 `json:"mean"`
	Std           []real32 `json:"std"`
	Fit           string   `json:"fit"`
	Interpolation string   `json:"interpolation"`
	Width         int      `json:"width"`
	Height        int      `json:"height"`
	Channels      int      `json:"channels"`
}

type quantReportJSON struct {
	OutputSQNRdB  real32             `json:"output_sqnr_db"`
	Top1Agreement real32             `json:"top1_agreement"`
	Samples       int                `json:"samples"`
	Tensors       []tensorReportJSON `json:"tensors"`
}

type tensorReportJSON struct {
	Tensor string `json:"tensor"`
	SQNRdB real32 `json:"sqnr_db"`
}

type opJSON struct {
	Index       int    `json:"index"`
	OpCode      string `json:"opcode"`
	Name        string `json:"name"`
	Kernel      string `json:"kernel"`
	InPlace     bool   `json:"in_place"`
	Inputs      []int  `json:"inputs"`
	Outputs     []int  `json:"outputs"`
	OutputShape []int  `json:"output_shape"`
	MACs        int64  `json:"macs"`
}

type tensorJSON struct {
	Index    int        `json:"index"`
	Name     string     `json:"name"`
	Shape    []int      `json:"shape"`
	DType    string     `json:"dtype"`
	Quant    *quantJSON `json:"quant"`
	Constant bool       `json:"constant"`
	Bytes    int        `json:"bytes"`
}

type totalsJSON struct {
	Ops                  int    `json:"ops"`
	Tensors              int    `json:"tensors"`
	MACs                 int64  `json:"macs"`
	WeightsBytes         int64  `json:"weights_bytes"`
	ArenaBytes           int    `json:"arena_bytes"`
	ArenaLowerBoundBytes int    `json:"arena_lower_bound_bytes"`
	ArenaRatio           real64 `json:"arena_ratio"` // arena_bytes / arena_lower_bound_bytes
	ArenaStrategy        string `json:"arena_strategy"`
}

func newInspectReport(path string, m *runtime.Model) *inspectReport {
	g := m.Format()
	md := &g.Metadata
	r := &inspectReport{
		File:          path,
		FormatVersion: g.Version,
		Description:   md.Description,
		Kernels:       m.KernelVariant(),
		Producer:      newProducerJSON(md.Producer),
		LabelsCount:   len(md.Labels),
		Labels:        append([]string{}, md.Labels...),
		Preprocessing: newPreprocessingJSON(md.Preprocessing),
		QuantReport:   newQuantReportJSON(md.QuantReport),
		Extra:         maps.Clone(md.Extra),
		Inputs:        []ioJSON{},
		Outputs:       []ioJSON{},
		Ops:           []opJSON{},
		Tensors:       []tensorJSON{},
	}
	if r.Extra == nil {
		r.Extra = map[string]string{}
	}
	for _, t := range g.Inputs {
		r.Inputs = append(r.Inputs, newIOJSON(g, t))
	}
	for _, t := range g.Outputs {
		r.Outputs = append(r.Outputs, newIOJSON(g, t))
	}
	for _, op := range m.Ops() {
		var shape []int
		if len(op.Outputs) > 0 && op.Outputs[0] >= 0 {
			shape = g.Tensors[op.Outputs[0]].Shape
		}
		r.Ops = append(r.Ops, opJSON{
			Index: op.Index, OpCode: op.Op.String(), Name: op.Name, Kernel: op.Kernel, InPlace: op.InPlace,
			Inputs: nonNil(op.Inputs), Outputs: nonNil(op.Outputs), OutputShape: nonNil(shape), MACs: op.MACs,
		})
	}
	var weights int64
	for i := range g.Tensors {
		t := &g.Tensors[i]
		constant := t.Data != nil
		if constant {
			weights += int64(len(t.Data))
		}
		r.Tensors = append(r.Tensors, tensorJSON{
			Index: i, Name: t.Name, Shape: nonNil(t.Shape), DType: t.DType.String(),
			Quant: newQuantJSON(t.Quant), Constant: constant, Bytes: t.Bytes(),
		})
	}
	r.Totals = totalsJSON{
		Ops:                  len(g.Operators),
		Tensors:              len(g.Tensors),
		MACs:                 m.MACs(),
		WeightsBytes:         weights,
		ArenaBytes:           m.ArenaBytes(),
		ArenaLowerBoundBytes: m.ArenaLowerBound(),
		ArenaRatio:           ratio(float64(m.ArenaBytes()), float64(m.ArenaLowerBound())),
		ArenaStrategy:        m.ArenaStrategy(),
	}
	return r
}

func newIOJSON(g *format.Model, t int) ioJSON {
	tensor := &g.Tensors[t]
	j := ioJSON{
		Tensor: t, Name: tensor.Name, Shape: nonNil(tensor.Shape), DType: tensor.DType.String(),
		Quant: newQuantJSON(tensor.Quant), SourceShape: nonNil(tensor.Shape),
	}
	if len(tensor.Shape) == 4 {
		l := sourceLayout(g, t)
		j.SourceLayout = layoutName(l)
		j.SourceShape = sourceShape(tensor.Shape, l)
	}
	return j
}

func newQuantJSON(q *format.Quant) *quantJSON {
	if q == nil {
		return nil
	}
	return &quantJSON{
		Scale: reals(q.Scale), ZeroPoint: nonNil(q.ZeroPoint), Axis: q.Axis,
		Min: real32(q.Min), Max: real32(q.Max),
	}
}

func newProducerJSON(p *format.Producer) *producerJSON {
	if p == nil {
		return nil
	}
	j := &producerJSON{Name: p.Name, Version: p.Version, SourceModel: p.SourceModel, SourceModelSHA256: p.SourceModelSHA256}
	if c := p.Calibration; c != nil {
		j.Calibration = &calibrationJSON{Method: c.Method, Samples: c.Samples, Source: c.Source, Percentile: real32(c.Percentile), Seed: c.Seed}
	}
	return j
}

func newPreprocessingJSON(p *format.Preprocessing) *preprocessingJSON {
	if p == nil {
		return nil
	}
	return &preprocessingJSON{
		ColorOrder: colorOrderName(p.ColorOrder), Scale: real32(p.Scale), Offset: real32(p.Offset),
		Mean: reals(p.Mean), Std: reals(p.Std), Fit: fitName(p.Fit), Interpolation: resizeModeName(p.Interpolation),
		Width: p.Width, Height: p.Height, Channels: p.Channels,
	}
}

func newQuantReportJSON(q *format.QuantReport) *quantReportJSON {
	if q == nil {
		return nil
	}
	j := &quantReportJSON{
		OutputSQNRdB: real32(q.OutputSQNRdB), Top1Agreement: real32(q.Top1Agreement), Samples: q.Samples,
		Tensors: []tensorReportJSON{},
	}
	for _, t := range q.Tensors {
		j.Tensors = append(j.Tensors, tensorReportJSON{Tensor: t.Tensor, SQNRdB: real32(t.SQNRdB)})
	}
	return j
}

func colorOrderName(c format.ColorOrder) string {
	switch c {
	case format.RGB:
		return "RGB"
	case format.BGR:
		return "BGR"
	case format.Gray:
		return "GRAY"
	}
	return "unknown"
}

func fitName(f format.ResizeFit) string {
	switch f {
	case format.FitSquash:
		return "squash"
	case format.FitCenterCrop:
		return "center-crop"
	case format.FitLetterbox:
		return "letterbox"
	}
	return "unknown"
}

func resizeModeName(m format.ResizeMode) string {
	switch m {
	case format.ResizeNearest:
		return "nearest"
	case format.ResizeBilinear:
		return "bilinear"
	}
	return "unknown"
}

// nonNil makes JSON print [] rather than null for an empty list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return slices.Clone(s)
}

func reals(x []float32) []real32 {
	r := make([]real32, len(x))
	for i, v := range x {
		r[i] = real32(v)
	}
	return r
}

// ratio is a/b, NaN (JSON null) when b is 0.
func ratio(a, b float64) real64 {
	if b == 0 {
		return real64(math.NaN())
	}
	return real64(a / b)
}
