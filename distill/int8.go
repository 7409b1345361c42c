package distill

import (
	"fmt"
	"slices"
	"strings"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/lower"
	"github.com/edgeinfer/edgeinfer/convert/onnx"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
	"github.com/edgeinfer/edgeinfer/convert/passes"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
	"github.com/edgeinfer/edgeinfer/train"
)

// optimizedGraph encodes m as ONNX and runs it through the converter's
// import and graph optimization.
func optimizedGraph(m *train.Model) (*graph.Graph, error) {
	b, err := ToONNX(m)
	if err != nil {
		return nil, err
	}
	pb, err := onnxpb.DecodeModel(b)
	if err != nil {
		return nil, err
	}
	g, err := onnx.Import(pb, onnx.Options{})
	if err != nil {
		return nil, err
	}
	if err := passes.Optimize(g); err != nil {
		return nil, err
	}
	return g, nil
}

// Int8 emits the int8 model of a QAT model through the converter's
// lowering and the builder, pinning every quantized tensor to the scale
// and zero point its fake quantizer trained with, so that the int8 model
// computes what the fake-quantized model computed. meta sets labels,
// preprocessing and producer.
func Int8(qm *train.Model, qs []Quantizer, meta func(*builder.Builder)) (*format.Model, error) {
	g, err := optimizedGraph(qm)
	if err != nil {
		return nil, err
	}
	res, err := lower.Lower(g, lower.Options{})
	if err != nil {
		return nil, err
	}
	pins := make(map[string]*train.FakeQuant, len(qs))
	for _, q := range qs {
		if !q.FQ.Ranged() {
			return nil, fmt.Errorf("int8 export: tensor %q has no range (QAT saw no data)", q.Tensor)
		}
		pins[q.Tensor] = q.FQ
	}
	used := map[string]bool{}
	for t, bt := range res.Tensors {
		name := g.Tensors[t].Name
		if fq, ok := pins[name]; ok {
			s, zp := fq.Quantization()
			res.Builder.SetQuantization(bt, s, zp)
			used[name] = true
		}
	}
	var unused []string
	for name, fq := range pins {
		if !used[name] && fq.Like == nil {
			unused = append(unused, name)
		}
	}
	if len(unused) > 0 {
		slices.Sort(unused)
		return nil, fmt.Errorf("int8 export: the converted graph has no tensors %s", strings.Join(unused, ", "))
	}
	if meta != nil {
		meta(res.Builder)
	}
	return res.Builder.Int8Model(builder.Int8Options{})
}

// datasetSource serves normalized images of a dataset as a calibration
// source for the converter's post-training quantization.
type datasetSource struct {
	d    *Dataset
	norm Normalizer
	n    int
	x    train.Tensor
}

func (s *datasetSource) Len() int { return s.n }

func (s *datasetSource) Sample(i int) ([][]float32, error) {
	s.d.Batch(s.norm, []int{i}, &s.x)
	return [][]float32{append([]float32(nil), s.x.Data...)}, nil
}

func (s *datasetSource) Preprocessing() *format.Preprocessing { return nil }
func (s *datasetSource) String() string                       { return s.d.Source }
func (s *datasetSource) Close() error                         { return nil }

// PTQ quantizes the float model m after training, as `edgeinfer convert`
// does (min/max ranges over the first n images of d, bias correction):
// the baseline that quantization-aware training must beat.
func PTQ(m *train.Model, d *Dataset, norm Normalizer, n int, meta func(*builder.Builder)) (*format.Model, error) {
	f, err := Fold(m)
	if err != nil {
		return nil, err
	}
	g, err := optimizedGraph(f)
	if err != nil {
		return nil, err
	}
	src := &datasetSource{d: d, norm: norm, n: min(n, d.Len())}
	r, err := quantize.Quantize(g, src, quantize.Options{Method: "minmax", BiasCorrection: true}, meta)
	if err != nil {
		return nil, err
	}
	return r.Model, nil
}

// Int8Accuracy runs an int8 model on every image of d and returns its
// top-1 predictions and accuracy.
func Int8Accuracy(fm *format.Model, d *Dataset, norm Normalizer) ([]int, float64, error) {
	rm, err := runtime.LoadModel(fm)
	if err != nil {
		return nil, 0, err
	}
	defer rm.Close()
	it, err := rm.NewInterpreter(runtime.Options{Threads: 1})
	if err != nil {
		return nil, 0, err
	}
	defer it.Close()
	var x train.Tensor
	var out []float32
	pred := make([]int, d.Len())
	correct := 0
	for i := range d.Len() {
		d.Batch(norm, []int{i}, &x)
		if err := it.SetInputFloat32(0, x.Data, format.NCHW); err != nil {
			return nil, 0, err
		}
		if err := it.Run(); err != nil {
			return nil, 0, err
		}
		if out, err = it.OutputFloat32(0, out[:0], format.NCHW); err != nil {
			return nil, 0, err
		}
		best := 0
		for k, v := range out {
			if v > out[best] {
				best = k
			}
		}
		pred[i] = best
		if best == d.Labels[i] {
			correct++
		}
	}
	return pred, float64(correct) / float64(d.Len()), nil
}
