// Package quantize turns an optimized float graph into an int8 model:
// it calibrates activation ranges on a calibration set with the reference
// interpreter, corrects biases for the mean error of weight quantization,
// emits the int8 model through the lowering, measures every tensor's SQNR
// against the float graph, and can keep the layers that lose the most
// accuracy in float32 (float islands).
package quantize

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/format"
)

// Options configures Quantize.
type Options struct {
	// Method is the calibration observer (calib.Methods); Percentile its
	// parameter for "percentile" (0: calib.DefaultPercentile). "auto"
	// calibrates once and emits the model with each observer's ranges,
	// keeping the one whose first output has the best SQNR on the
	// calibration samples the report measures (AutoMethods); the
	// report's Method names it.
	Method     string
	Percentile float64
	// Samples is how many samples of the source to use (0 or more than
	// the source has: all of them), taken from its start.
	Samples int
	// ReportSamples limits the report to the first ReportSamples of the
	// calibration samples (0: all of them): measuring runs the float
	// graph and the int8 model again on each.
	ReportSamples int
	// BiasCorrection removes the mean error weight quantization adds to
	// each output channel of convolutions and fully connected layers.
	BiasCorrection bool
	// KeepFloat names layers (lower.Layer names, which are the names of
	// their output tensors in the model) that compute in float32.
	KeepFloat []string
	// AutoKeepFloat adds layers to KeepFloat while the first output's
	// SQNR is below AutoTargetDB (see autoKeepFloat).
	AutoKeepFloat bool
	// Progress, when set, is called after each sample of each pass over
	// the calibration set (never concurrently).
	Progress func(stage string, done, total int)
	// Workers is how many goroutines run the calibration samples through
	// the float graph (and the int8 model) side by side; 0 means
	// GOMAXPROCS. Each holds its own interpreters, so memory grows with
	// it. The model does not depend on it: every statistic takes the
	// samples in order.
	Workers int
	// Pinned fixes the quantization of IR tensors by name, as an imported
	// QDQ model prescribes (qdq.Strip); calibration measures the others.
	// With pins, the source may be nil when every tensor that needs a
	// quantization has a pin; the model then has no report.
	Pinned map[string]Affine
	// PinnedWeights fixes the per-output-channel int8 scales of Conv and
	// fully connected weights by the name of the weight constant.
	PinnedWeights map[string][]float32
}

// Thresholds of AutoKeepFloat. An output SQNR of 30 dB (noise at 3% of
// the signal's RMS) keeps classification top-1 agreement near 99% on the
// CNNs this project targets; a layer losing less than 6 dB (noise
// doubling) is not worth a float island, whose QUANTIZE and DEQUANTIZE ops
// and float kernel cost more than the int8 layer; three islands bound that
// cost.
const (
	AutoTargetDB  = 30
	AutoMinDropDB = 6
	AutoMaxLayers = 3
)

// Result is an int8 model and how good it is.
type Result struct {
	Model  *format.Model // the int8 model; Metadata.QuantReport is set
	Report *Report
	// Lowered is the lowering the int8 model was emitted from; its
	// Builder also emits the matching float32 model.
	Lowered *lower.Result
	// Activations is the int8 quantization of every IR tensor the int8
	// model holds in int8 (tensors of float layers are absent).
	Activations map[int]Affine
	// Bias is the corrected bias of each int8 convolution and fully
	// connected layer by layer name (nil without bias correction).
	Bias map[string][]float32
}

// Affine is an int8 quantization: real = (q - ZeroPoint) * Scale.
type Affine struct {
	Scale     float32
	ZeroPoint int32
}

// Quantize calibrates g (optimized by passes.Optimize) on src and emits
// the int8 model. metadata, if set, is called on the builder before each
// emission (labels, preprocessing, producer).
func Quantize(g *graph.Graph, src calib.Source, opts Options, metadata func(*builder.Builder)) (*Result, error) {
	n := 0
	if src != nil {
		n = src.Len()
		if opts.Samples > 0 {
			n = min(n, opts.Samples)
		}
		if n == 0 {
			return nil, errors.New("quantize: the calibration source has no samples")
		}
	} else if opts.Pinned == nil {
		return nil, errors.New("quantize: no calibration source")
	}
	if src == nil && (opts.BiasCorrection || opts.AutoKeepFloat) {
		return nil, errors.New("quantize: bias correction and automatic float layers need a calibration source")
	}
	if opts.Method == "" {
		opts.Method = "minmax"
	}
	keep := make(map[string]bool)
	for _, name := range opts.KeepFloat {
		keep[name] = true
	}
	res, err := lower.Lower(g, lower.Options{KeepFloat: keep, WeightScales: opts.PinnedWeights})
	if err != nil {
		return nil, err
	}
	if err := checkKeepFloat(res, opts.KeepFloat); err != nil {
		return nil, err
	}
	var observe []int
	for t := range res.Tensors {
		if _, pinned := opts.Pinned[g.Tensors[t].Name]; !pinned && src != nil {
			observe = append(observe, t)
		}
	}
	slices.Sort(observe)
	var meanOf []int
	if opts.BiasCorrection {
		for _, l := range res.Layers {
			if isWeighted(g.Nodes[l.Node]) {
				meanOf = append(meanOf, g.Nodes[l.Node].Inputs[0])
			}
		}
		slices.Sort(meanOf)
		meanOf = slices.Compact(meanOf)
	}
	st := &stats{observers: map[int]*calib.Observer{}}
	if src != nil {
		st, err = collect(g, src, n, workerCount(opts, n), opts.Method, opts.Percentile, observe, meanOf, stage(opts.Progress, "calibrating"))
		if err != nil {
			return nil, err
		}
	}
	if opts.BiasCorrection {
		// The lowering applies these to the layers that stay int8.
		st.bias = make(map[string][]float32)
		for _, l := range res.Layers {
			if n := g.Nodes[l.Node]; isWeighted(n) {
				st.bias[l.Name] = correctedBias(g, n, st.means[n.Inputs[0]])
			}
		}
	}
	st.method = opts.Method
	var r *Result
	if opts.Method == "auto" && src != nil {
		r, err = bestMethod(g, src, st, keep, opts, metadata)
	} else {
		r, err = emit(g, src, st, keep, opts, metadata)
	}
	if err != nil {
		return nil, err
	}
	if !opts.AutoKeepFloat {
		return r, nil
	}
	return autoKeepFloat(g, src, st, keep, opts, metadata, r)
}

// autoKeepFloat grows the float layers greedily: while the first output's
// SQNR is below AutoTargetDB, take the int8 layer whose SQNR drop is the
// largest (at least AutoMinDropDB), and try keeping it float, alone and
// together with the int8 layers producing its inputs (the drop shows where
// quantization noise becomes visible, which can be one layer after the
// tensor whose quantization caused it). The better try is kept if it
// gains at least 1 dB; at most AutoMaxLayers layers are added.
func autoKeepFloat(g *graph.Graph, src calib.Source, st *stats, keep map[string]bool, opts Options, metadata func(*builder.Builder), r *Result) (*Result, error) {
	added := 0
	for added < AutoMaxLayers && float64(r.Report.OutputSQNR) < AutoTargetDB {
		worst := -1
		for i, t := range r.Report.Tensors {
			if t.node < 0 || t.DType != "int8" || float64(t.Drop) < AutoMinDropDB {
				continue
			}
			if worst < 0 || t.Drop > r.Report.Tensors[worst].Drop {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		node := r.Report.Tensors[worst].node
		alone := []string{layerOfNode(r.Lowered, node)}
		withInputs := slices.Clone(alone)
		producer := g.Producers()
		for _, in := range g.Nodes[node].Inputs {
			if p := producer[in]; p >= 0 {
				if name := layerOfNode(r.Lowered, p); name != "" && !keep[name] {
					withInputs = append(withInputs, name)
				}
			}
		}
		tries := [][]string{alone}
		if len(withInputs) > len(alone) && added+len(withInputs) <= AutoMaxLayers {
			tries = append(tries, withInputs)
		}
		var best *Result
		var bestSet []string
		for _, set := range tries {
			k := maps.Clone(keep)
			for _, name := range set {
				k[name] = true
			}
			c, err := emit(g, src, st, k, opts, metadata)
			if err != nil {
				return nil, err
			}
			if best == nil || c.Report.OutputSQNR > best.Report.OutputSQNR {
				best, bestSet = c, set
			}
		}
		if best.Report.OutputSQNR < r.Report.OutputSQNR+1 {
			break
		}
		for _, name := range bestSet {
			keep[name] = true
		}
		added += len(bestSet)
		r = best
	}
	return r, nil
}

// AutoMethods are the observers the "auto" method tries, in order (the
// first wins ties).
var AutoMethods = []string{"minmax", "percentile", "entropy", "mse"}

// bestMethod emits the model with the ranges of each of AutoMethods and
// returns the one with the best output SQNR; st.method is left at it.
func bestMethod(g *graph.Graph, src calib.Source, st *stats, keep map[string]bool, opts Options, metadata func(*builder.Builder)) (*Result, error) {
	var best *Result
	bestMethod := ""
	for _, m := range AutoMethods {
		st.method = m
		o := opts
		o.Method = m
		r, err := emit(g, src, st, keep, o, metadata)
		if err != nil {
			return nil, err
		}
		if best == nil || r.Report.OutputSQNR > best.Report.OutputSQNR {
			best, bestMethod = r, m
		}
	}
	st.method = bestMethod
	return best, nil
}

// layerOfNode is the name of the layer lowering node ni, or "".
func layerOfNode(res *lower.Result, ni int) string {
	for _, l := range res.Layers {
		if l.Node == ni {
			return l.Name
		}
	}
	return ""
}

func stage(progress func(string, int, int), name string) func(int, int) {
	if progress == nil {
		return nil
	}
	return func(done, total int) { progress(name, done, total) }
}

func isWeighted(n *graph.Node) bool {
	switch n.Op.(type) {
	case *graph.Conv, *graph.Gemm:
		return true
	}
	return false
}

// checkKeepFloat reports names that are no layer of the graph.
func checkKeepFloat(res *lower.Result, names []string) error {
	var bad []string
	for _, name := range names {
		if !slices.ContainsFunc(res.Layers, func(l lower.Layer) bool { return l.Name == name }) {
			bad = append(bad, name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	var some []string
	for _, l := range res.Layers {
		if len(some) == 8 {
			some = append(some, "...")
			break
		}
		some = append(some, l.Name)
	}
	return fmt.Errorf("quantize: keep-float: no layer named %q (layers are named after their output tensors: %v)", bad, some)
}

// emit lowers g with the float layers in keep and the corrected biases,
// applies the calibrated ranges, emits the int8 model and measures it.
func emit(g *graph.Graph, src calib.Source, st *stats, keep map[string]bool, opts Options, metadata func(*builder.Builder)) (*Result, error) {
	res, err := lower.Lower(g, lower.Options{KeepFloat: keep, Bias: st.bias, WeightScales: opts.PinnedWeights})
	if err != nil {
		return nil, err
	}
	type span struct{ lo, hi float32 }
	ranges := make(map[int]span, len(res.Tensors))
	pinned := make(map[int]Affine)
	for t := range res.Tensors {
		if a, ok := opts.Pinned[g.Tensors[t].Name]; ok {
			pinned[t] = a
			continue
		}
		o := st.observers[t]
		if o == nil {
			continue
		}
		l, h, ok := o.RangeBy(st.method)
		if !ok || math.IsInf(float64(l), 0) || math.IsInf(float64(h), 0) {
			return nil, fmt.Errorf("quantize: tensor %q has no finite values on the calibration set", g.Tensors[t].Name)
		}
		ranges[t] = span{l, h}
	}
	// Tensors joined by concatenations share the union of their ranges.
	fixed := make(map[int]bool) // float or pinned: out of the concatenation groups
	for t := range pinned {
		fixed[t] = true
	}
	for _, l := range res.Layers {
		if l.Float {
			for _, o := range g.Nodes[l.Node].Outputs {
				fixed[o] = true
			}
		}
	}
	union := make(map[int]span)
	groups := concatGroups(g, fixed)
	for t, root := range groups {
		r, ok := ranges[t]
		if !ok {
			continue
		}
		if u, seen := union[root]; seen {
			r = span{min(u.lo, r.lo), max(u.hi, r.hi)}
		}
		union[root] = r
	}
	for t, bt := range res.Tensors {
		if a, ok := pinned[t]; ok {
			res.Builder.SetQuantization(bt, a.Scale, a.ZeroPoint)
			continue
		}
		r, ok := ranges[t]
		if !ok {
			continue
		}
		if root, in := groups[t]; in {
			r = union[root]
		}
		res.Builder.SetRange(bt, r.lo, r.hi)
	}
	if metadata != nil {
		metadata(res.Builder)
	}
	qm, err := res.Builder.Int8Model(builder.Int8Options{})
	if err != nil {
		if src == nil {
			return nil, fmt.Errorf("quantize: %w (the QDQ model does not quantize it; give calibration data for the tensors it leaves float)", err)
		}
		return nil, err
	}
	if src == nil {
		return &Result{Model: qm, Lowered: res, Activations: activations(res, qm)}, nil
	}
	n := st.samples
	if opts.ReportSamples > 0 {
		n = min(n, opts.ReportSamples)
	}
	rep, err := measure(g, res, qm, src, n, workerCount(opts, n), stage(opts.Progress, "measuring"))
	if err != nil {
		return nil, err
	}
	rep.Method = st.method
	if p := qm.Metadata.Producer; p != nil && p.Calibration != nil && p.Calibration.Method == "auto" {
		// "auto": record the observer it chose.
		pc, c := *p, *p.Calibration
		c.Method, pc.Calibration = st.method, &c
		qm.Metadata.Producer = &pc
	}
	rep.BiasCorr = opts.BiasCorrection
	for _, l := range res.Layers {
		if l.Float {
			rep.KeepFloat = append(rep.KeepFloat, l.Name)
		}
	}
	qm.Metadata.QuantReport = rep.Metadata()
	return &Result{Model: qm, Report: rep, Lowered: res, Activations: activations(res, qm), Bias: st.bias}, nil
}

// activations reads the int8 quantization of each lowered IR tensor from
// the emitted model, where the tensor keeps its builder name.
func activations(res *lower.Result, m *format.Model) map[int]Affine {
	byName := make(map[string]*format.Tensor, len(m.Tensors))
	for i := range m.Tensors {
		byName[m.Tensors[i].Name] = &m.Tensors[i]
	}
	acts := make(map[int]Affine)
	for t, bt := range res.Tensors {
		mt := byName[res.Builder.Name(bt)]
		if mt == nil || mt.DType != format.Int8 || mt.Quant == nil || len(mt.Quant.Scale) != 1 {
			continue
		}
		acts[t] = Affine{Scale: mt.Quant.Scale[0], ZeroPoint: mt.Quant.ZeroPoint[0]}
	}
	return acts
}
