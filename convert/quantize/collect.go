package quantize

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
)

// stats is what one pass of the float graph over the calibration set
// measures: an observer per lowered tensor, and per-channel means of the
// inputs of convolutions and fully connected layers (bias correction).
type stats struct {
	// method picks the observers' ranges (one of calib.Methods but
	// "auto"): every method reads the same histograms.
	method    string
	samples   int
	observers map[int]*calib.Observer // IR tensor -> observer
	means     map[int][]float64       // IR tensor -> mean per channel
	bias      map[string][]float32    // layer -> corrected bias (nil: none)
}

// sampleValues reads sample i of src as graph input values.
func sampleValues(g *graph.Graph, src calib.Source, i int) ([]*graph.Value, error) {
	data, err := src.Sample(i)
	if err != nil {
		return nil, err
	}
	if len(data) != len(g.Inputs) {
		return nil, fmt.Errorf("quantize: sample %d has %d inputs, the graph %d", i, len(data), len(g.Inputs))
	}
	vs := make([]*graph.Value, len(data))
	for k, t := range g.Inputs {
		vs[k] = graph.Floats(g.Tensors[t].Shape, data[k])
		if err := vs[k].Check(); err != nil {
			return nil, fmt.Errorf("quantize: sample %d input %q: %w", i, g.Tensors[t].Name, err)
		}
	}
	return vs, nil
}

// collect runs the float graph on the first n samples, observing the
// tensors in observe with observers of the given method, and averaging the
// channels of the tensors in meanOf (channel dim 1 of a 4-D tensor, the
// last dim of a 2-D one).
func collect(g *graph.Graph, src calib.Source, n int, method string, percentile float64, observe []int, meanOf []int, progress func(done, total int)) (*stats, error) {
	it, err := refeval.New(g)
	if err != nil {
		return nil, err
	}
	st := &stats{samples: n, observers: make(map[int]*calib.Observer), means: make(map[int][]float64)}
	for _, t := range observe {
		o, err := calib.NewObserver(method, percentile)
		if err != nil {
			return nil, err
		}
		st.observers[t] = o
	}
	counts := make(map[int]float64)
	for _, t := range meanOf {
		st.means[t] = make([]float64, channelsOf(g.Tensors[t].Shape))
	}
	for i := range n {
		ins, err := sampleValues(g, src, i)
		if err != nil {
			return nil, err
		}
		if _, err := it.Run(ins...); err != nil {
			return nil, fmt.Errorf("quantize: sample %d: %w", i, err)
		}
		for _, t := range observe {
			st.observers[t].Observe(it.Value(t).F)
		}
		for t, m := range st.means {
			counts[t] += accumulateChannels(m, it.Value(t))
		}
		if progress != nil {
			progress(i+1, n)
		}
	}
	for t, m := range st.means {
		for c := range m {
			m[c] /= counts[t]
		}
	}
	return st, nil
}

// channelsOf is the channel count of an activation: dim 1 of a rank-3+
// (NC...) tensor, the last dim otherwise.
func channelsOf(shape []int) int {
	if len(shape) >= 3 {
		return shape[1]
	}
	return shape[len(shape)-1]
}

// accumulateChannels adds v's values to sum per channel and returns how
// many values each channel got.
func accumulateChannels(sum []float64, v *graph.Value) float64 {
	s := v.Shape
	c := len(sum)
	if len(s) >= 3 {
		inner := len(v.F) / (s[0] * c)
		for k, x := range v.F {
			sum[(k/inner)%c] += float64(x)
		}
		return float64(len(v.F) / c)
	}
	for k, x := range v.F {
		sum[k%c] += float64(x)
	}
	return float64(len(v.F) / c)
}
