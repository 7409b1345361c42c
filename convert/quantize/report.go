package quantize

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/quant"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// Report is the quantization quality of an int8 model, measured against
// the float graph on the calibration set.
type Report struct {
	Method     string         `json:"method"`
	Samples    int            `json:"samples"`
	Source     string         `json:"source"`
	KeepFloat  []string       `json:"keep_float"`
	BiasCorr   bool           `json:"bias_correction"`
	Tensors    []TensorReport `json:"tensors"`
	Outputs    []OutputReport `json:"outputs"`
	OutputSQNR DB             `json:"output_sqnr_db"` // of the first output
	// Top1Agreement is the fraction of samples (rows) whose arg-max over
	// the first output is the same in both models; NaN (JSON null) when
	// the first output is not a vector of class scores.
	Top1Agreement Fraction `json:"top1_agreement"`
}

// TensorReport is one tensor of the int8 model.
type TensorReport struct {
	Name  string `json:"name"`
	Op    string `json:"op"`    // IR op that computes it; "input" for graph inputs
	DType string `json:"dtype"` // int8, or float32 in a float island
	// Min and Max are the calibrated range, Scale and ZeroPoint the int8
	// quantization (zero for float32 tensors).
	Min       float32 `json:"min"`
	Max       float32 `json:"max"`
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"zero_point"`
	SQNR      DB      `json:"sqnr_db"`
	// Drop is how much SQNR the op loses: the worst SQNR of its computed
	// inputs minus its own (0 for graph inputs).
	Drop DB `json:"sqnr_drop_db"`
	node int
}

// OutputReport is one graph output.
type OutputReport struct {
	Name          string   `json:"name"`
	SQNR          DB       `json:"sqnr_db"`
	Top1Agreement Fraction `json:"top1_agreement"`
}

// DB is a signal-to-noise ratio in decibels; +Inf (bit-exact) is JSON
// null.
type DB float64

func (d DB) MarshalJSON() ([]byte, error) { return jsonNumber(float64(d)), nil }

// Fraction is a ratio in [0, 1]; NaN (not applicable) is JSON null.
type Fraction float64

func (f Fraction) MarshalJSON() ([]byte, error) { return jsonNumber(float64(f)), nil }

func jsonNumber(f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null")
	}
	return strconv.AppendFloat(nil, f, 'g', 6, 64)
}

// WriteTable prints the report as a table, one line per tensor.
func (r *Report) WriteTable(w io.Writer) error {
	width := len("tensor")
	for _, t := range r.Tensors {
		width = max(width, len(t.Name))
	}
	width = min(width, 48)
	fmt.Fprintf(w, "%-*s  %-18s  %-7s  %23s  %8s  %7s\n", width, "tensor", "op", "dtype", "range", "SQNR dB", "drop")
	for _, t := range r.Tensors {
		name := t.Name
		if len(name) > width {
			name = "…" + name[len(name)-width+1:]
		}
		fmt.Fprintf(w, "%-*s  %-18s  %-7s  [%9.4g, %9.4g]  %8s  %7s\n", width, name, t.Op, t.DType, t.Min, t.Max, dbString(t.SQNR), dbString(t.Drop))
	}
	for _, o := range r.Outputs {
		fmt.Fprintf(w, "output %s: SQNR %s dB", o.Name, dbString(o.SQNR))
		if !math.IsNaN(float64(o.Top1Agreement)) {
			fmt.Fprintf(w, ", top-1 agreement %.2f%%", 100*o.Top1Agreement)
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintf(w, "%d calibration samples (%s, %s)\n", r.Samples, r.Method, r.Source)
	return err
}

func dbString(d DB) string {
	if math.IsInf(float64(d), 1) {
		return "exact"
	}
	return strconv.FormatFloat(float64(d), 'f', 1, 64)
}

// Metadata is the report's summary as the model file stores it.
func (r *Report) Metadata() *format.QuantReport {
	q := &format.QuantReport{OutputSQNRdB: float32(r.OutputSQNR), Top1Agreement: float32(r.Top1Agreement), Samples: r.Samples}
	for _, t := range r.Tensors {
		q.Tensors = append(q.Tensors, format.TensorReport{Tensor: t.Name, SQNRdB: float32(t.SQNR)})
	}
	return q
}

// probe is a tensor of the int8 model compared against an IR tensor.
type probe struct {
	ir    int
	model int
	lay   lower.Layout
	sig   float64
	noise float64
}

func (p *probe) add(ref, got []float32) {
	for i, r := range ref {
		d := float64(got[i]) - float64(r)
		p.sig += float64(float64(r) * float64(r))
		p.noise += float64(d * d)
	}
}

func (p *probe) sqnr() float64 {
	switch {
	case p.noise == 0:
		return math.Inf(1)
	case p.sig == 0:
		return math.Inf(-1)
	}
	// quant.Log: the same bits on every GOARCH (math.Log10 is not).
	return 10 * quant.Log(p.sig/p.noise) / math.Ln10
}

// measure runs the float graph and the int8 model side by side on the
// first n samples (on workers goroutines, adding up the errors in sample
// order) and reports the SQNR of every lowered tensor and the
// top-1 agreement of the first output.
func measure(g *graph.Graph, res *lower.Result, qm *format.Model, src calib.Source, n, workers int, progress func(done, total int)) (*Report, error) {
	byName := make(map[string]int, len(qm.Tensors))
	for i, t := range qm.Tensors {
		byName[t.Name] = i
	}
	isInput := make(map[int]bool)
	for _, i := range g.Inputs {
		isInput[i] = true
	}
	// Probes in graph order: inputs, then each layer's outputs.
	var order []int
	order = append(order, g.Inputs...)
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if _, ok := res.Tensors[o]; ok && o >= 0 {
				order = append(order, o)
			}
		}
	}
	seen := make(map[int]bool)
	var probes []*probe
	var outputs []int // model tensors the probe model outputs (non-inputs)
	probeOf := make(map[int]*probe)
	for _, t := range order {
		bt, ok := res.Tensors[t]
		if !ok {
			continue
		}
		mi, ok := byName[res.Builder.Name(bt)]
		if !ok {
			return nil, fmt.Errorf("quantize: tensor %q of the lowered graph is not in the int8 model", res.Builder.Name(bt))
		}
		if seen[mi] {
			probeOf[t] = probeByModel(probes, mi)
			continue
		}
		seen[mi] = true
		p := &probe{ir: t, model: mi, lay: res.Layouts[t]}
		probes = append(probes, p)
		probeOf[t] = p
		if !isInput[t] {
			outputs = append(outputs, mi)
		}
	}
	pm := *qm
	pm.Outputs = outputs
	pm.Metadata = format.Metadata{IOLayouts: make(map[int]format.Layout)}
	for _, i := range qm.Inputs {
		if l, ok := qm.Metadata.IOLayouts[i]; ok {
			pm.Metadata.IOLayouts[i] = l
		}
	}
	rm, err := runtime.LoadModel(&pm)
	if err != nil {
		return nil, fmt.Errorf("quantize: the int8 model with every tensor as an output: %w", err)
	}
	defer rm.Close()
	refs, err := interpreters(g, workers)
	if err != nil {
		return nil, err
	}
	its := make([]*runtime.Interpreter, len(refs))
	for w := range its {
		if its[w], err = rm.NewInterpreter(runtime.Options{}); err != nil {
			return nil, err
		}
		defer its[w].Close()
	}
	outIndex := make(map[int]int) // model tensor -> probe model output
	for k, mi := range outputs {
		outIndex[mi] = k
	}
	first := probeOf[g.Outputs[0]]
	classes := classifierRows(g.Tensors[g.Outputs[0]].Shape)
	agree, rows := 0, 0
	// Per worker and probe: the float graph's values in stored order, and
	// the int8 model's.
	wants, bufs := make([][][]float32, len(its)), make([][][]float32, len(its))
	for w := range bufs {
		wants[w], bufs[w] = make([][]float32, len(probes)), make([][]float32, len(probes))
	}
	var srcMu sync.Mutex // Sources are not safe for concurrent use
	// One turn per sample for all the sums (see collect).
	err = eachSample(n, len(its), 1, progress, func(w, s int, apply func(int, func())) error {
		srcMu.Lock()
		ins, err := sampleValues(g, src, s)
		srcMu.Unlock()
		if err != nil {
			return err
		}
		ref, it := refs[w], its[w]
		if _, err := ref.Run(ins...); err != nil {
			return fmt.Errorf("quantize: sample %d: %w", s, err)
		}
		for k, v := range ins {
			if err := it.SetInputFloat32(k, v.F, ioLayout(qm, qm.Inputs[k])); err != nil {
				return err
			}
		}
		if err := it.Run(); err != nil {
			return fmt.Errorf("quantize: sample %d: int8 model: %w", s, err)
		}
		for k, p := range probes {
			want := p.lay.ToStored(g.Tensors[p.ir].Shape, ref.Value(p.ir).F)
			buf := bufs[w][k][:0]
			if isInput[p.ir] {
				buf = fakeQuantize(buf, want, qm.Tensors[p.model].Quant)
			} else if buf, err = it.OutputFloat32(outIndex[p.model], buf, format.NHWC); err != nil {
				return err
			}
			wants[w][k], bufs[w][k] = want, buf
		}
		apply(0, func() {
			for k, p := range probes {
				want, got := wants[w][k], bufs[w][k]
				p.add(want, got)
				if p == first && classes > 1 {
					for r := 0; r+classes <= len(want); r += classes {
						if argmax(want[r:r+classes]) == argmax(got[r:r+classes]) {
							agree++
						}
						rows++
					}
				}
			}
		})
		return nil
	})
	if err != nil {
		return nil, err
	}

	rep := &Report{Samples: n, Source: src.String(), Top1Agreement: Fraction(math.NaN())}
	if rows > 0 {
		rep.Top1Agreement = Fraction(float64(agree) / float64(rows))
	}
	layerOf := make(map[int]lower.Layer)
	for _, l := range res.Layers {
		layerOf[l.Output] = l
	}
	producer := g.Producers()
	for _, p := range probes {
		mt := &qm.Tensors[p.model]
		tr := TensorReport{Name: mt.Name, Op: "input", DType: mt.DType.String(), SQNR: DB(p.sqnr()), node: -1}
		if l, ok := layerOf[p.ir]; ok {
			tr.Op = l.Op
		} else if pi := producer[p.ir]; pi >= 0 {
			tr.Op = g.Nodes[pi].Op.Type().String()
		}
		if q := mt.Quant; q != nil {
			tr.Min, tr.Max, tr.Scale, tr.ZeroPoint = q.Min, q.Max, q.Scale[0], q.ZeroPoint[0]
		}
		if pi := producer[p.ir]; pi >= 0 {
			tr.node = pi
			worst := math.Inf(1)
			for _, in := range g.Nodes[pi].Inputs {
				if q, ok := probeOf[in]; ok {
					worst = min(worst, q.sqnr())
				}
			}
			if !math.IsInf(worst, 1) && !math.IsInf(p.sqnr(), 1) {
				tr.Drop = DB(worst - p.sqnr())
			}
		}
		rep.Tensors = append(rep.Tensors, tr)
	}
	for k, o := range g.Outputs {
		or := OutputReport{Name: g.Tensors[o].Name, SQNR: DB(probeOf[o].sqnr()), Top1Agreement: Fraction(math.NaN())}
		if k == 0 {
			or.Top1Agreement = rep.Top1Agreement
			rep.OutputSQNR = or.SQNR
		}
		rep.Outputs = append(rep.Outputs, or)
	}
	return rep, nil
}

func probeByModel(ps []*probe, mi int) *probe {
	i := slices.IndexFunc(ps, func(p *probe) bool { return p.model == mi })
	return ps[i]
}

// classifierRows is the number of classes when an output of this shape
// holds rows of class scores ([K], [N, K] or [N, K, 1, 1]), else 0.
func classifierRows(shape []int) int {
	switch {
	case len(shape) == 1:
		return shape[0]
	case len(shape) == 2:
		return shape[1]
	case len(shape) == 4 && shape[2] == 1 && shape[3] == 1:
		return shape[1]
	}
	return 0
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// fakeQuantize quantizes and dequantizes x with an int8 tensor's
// parameters (or copies it for a float tensor): what the runtime stores
// for a float input.
func fakeQuantize(dst, x []float32, q *format.Quant) []float32 {
	for _, v := range x {
		if q != nil {
			v = quant.Dequantize(quant.Quantize(v, q.Scale[0], q.ZeroPoint[0]), q.Scale[0], q.ZeroPoint[0])
		}
		dst = append(dst, v)
	}
	return dst
}

func ioLayout(m *format.Model, t int) format.Layout {
	if l, ok := m.Metadata.IOLayouts[t]; ok {
		return l
	}
	return format.NHWC
}
