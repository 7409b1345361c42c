package quantize

import (
	"fmt"
	"sync"

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
// last dim of a 2-D one). Samples run on workers goroutines, each with its
// own interpreter; they update the observers and means in sample order
// (eachSample), so the statistics are those of a serial pass.
func collect(g *graph.Graph, src calib.Source, n, workers int, method string, percentile float64, observe []int, meanOf []int, progress func(done, total int)) (*stats, error) {
	its, err := interpreters(g, workers)
	if err != nil {
		return nil, err
	}
	st := &stats{samples: n, observers: make(map[int]*calib.Observer), means: make(map[int][]float64)}
	observers := make([]*calib.Observer, len(observe))
	for k, t := range observe {
		o, err := calib.NewObserver(method, percentile)
		if err != nil {
			return nil, err
		}
		st.observers[t] = o
		observers[k] = o
	}
	means := make([][]float64, len(meanOf))
	counts := make([]float64, len(meanOf))
	for k, t := range meanOf {
		means[k] = make([]float64, channelsOf(g.Tensors[t].Shape))
		st.means[t] = means[k]
	}
	// A minmax observer's extremes are found by the worker (they merge in
	// any order); per worker and observed tensor.
	extremes := make([][]calib.Extremes, len(its))
	for w := range extremes {
		extremes[w] = make([]calib.Extremes, len(observe))
	}
	var srcMu sync.Mutex // Sources are not safe for concurrent use
	// One turn per sample for all the statistics: a handoff per tensor
	// would wake the waiting worker hundreds of times a sample, and on a
	// busy machine each wake-up can wait for a CPU for milliseconds.
	err = eachSample(n, len(its), 1, progress, func(w, i int, apply func(int, func())) error {
		srcMu.Lock()
		ins, err := sampleValues(g, src, i)
		srcMu.Unlock()
		if err != nil {
			return err
		}
		it := its[w]
		if _, err := it.Run(ins...); err != nil {
			return fmt.Errorf("quantize: sample %d: %w", i, err)
		}
		for k, t := range observe {
			if !observers[k].NeedsValues() {
				extremes[w][k] = calib.ExtremesOf(it.Value(t).F)
			}
		}
		apply(0, func() {
			for k, t := range observe {
				if !observers[k].ObserveExtremes(extremes[w][k]) {
					observers[k].Observe(it.Value(t).F)
				}
			}
			for k, t := range meanOf {
				counts[k] += accumulateChannels(means[k], it.Value(t))
			}
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, m := range means {
		for c := range m {
			m[c] /= counts[k]
		}
	}
	return st, nil
}

// interpreters returns one reference interpreter per worker. Several
// workers run side by side, so each runs its matrix products on one
// goroutine.
func interpreters(g *graph.Graph, workers int) ([]*refeval.Interpreter, error) {
	its := make([]*refeval.Interpreter, workers)
	for w := range its {
		it, err := refeval.New(g)
		if err != nil {
			return nil, err
		}
		if workers > 1 {
			it.SetThreads(1)
		}
		its[w] = it
	}
	return its, nil
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
// many values each channel got. Each channel's values are added in their
// order in v.
func accumulateChannels(sum []float64, v *graph.Value) float64 {
	s := v.Shape
	c := len(sum)
	if len(s) >= 3 {
		inner := len(v.F) / (s[0] * c)
		if inner == 0 {
			return 0
		}
		for plane := range len(v.F) / inner {
			acc := sum[plane%c]
			for _, x := range v.F[plane*inner : (plane+1)*inner] {
				acc += float64(x)
			}
			sum[plane%c] = acc
		}
		return float64(len(v.F) / c)
	}
	for k, x := range v.F {
		sum[k%c] += float64(x)
	}
	return float64(len(v.F) / c)
}
