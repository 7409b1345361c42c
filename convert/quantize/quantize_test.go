package quantize_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/calib"
	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/passes"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/convert/refeval"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

type gb struct {
	t testing.TB
	g *graph.Graph
	r *rand.Rand
}

func newGB(t testing.TB, seed uint64) *gb {
	return &gb{t: t, g: &graph.Graph{Name: "test"}, r: rand.New(rand.NewPCG(seed, 9))}
}

func (b *gb) input(name string, shape ...int) int {
	i := b.g.AddTensor(&graph.Tensor{Name: name, DType: graph.Float32, Shape: shape})
	b.g.Inputs = append(b.g.Inputs, i)
	return i
}

func (b *gb) constant(name string, v *graph.Value) int {
	return b.g.AddTensor(&graph.Tensor{Name: name, DType: graph.Float32, Shape: v.Shape, Const: v})
}

func (b *gb) weight(name string, mean, std float64, shape ...int) int {
	v := graph.NewValue(graph.Float32, shape)
	for i := range v.F {
		v.F[i] = float32(mean + b.r.NormFloat64()*std)
	}
	return b.constant(name, v)
}

func (b *gb) node(name string, op graph.Op, ins ...int) int {
	b.t.Helper()
	y := b.g.AddTensor(&graph.Tensor{Name: name})
	n := &graph.Node{Name: name, Op: op, Inputs: ins, Outputs: []int{y}}
	b.g.Nodes = append(b.g.Nodes, n)
	if err := graph.InferNode(b.g, n); err != nil {
		b.t.Fatalf("node %s: %v", name, err)
	}
	return y
}

func (b *gb) done(outs ...int) *graph.Graph {
	b.t.Helper()
	b.g.Outputs = outs
	if err := passes.Optimize(b.g); err != nil {
		b.t.Fatal(err)
	}
	return b.g
}

func conv(stride, pad, group int) *graph.Conv {
	return &graph.Conv{Strides: []int{stride, stride}, Dilations: []int{1, 1}, PadsBegin: []int{pad, pad}, PadsEnd: []int{pad, pad}, Group: group}
}

// cnn is a small classifier: conv-relu-pool, depthwise conv, pointwise,
// global pool, fully connected, softmax.
func cnn(t testing.TB) *graph.Graph {
	b := newGB(t, 1)
	x := b.input("x", 1, 3, 12, 12)
	y := b.node("c1", conv(1, 1, 1), x, b.weight("w1", 0, 0.3, 8, 3, 3, 3), b.weight("b1", 0, 0.1, 8))
	y = b.node("r1", &graph.Relu{}, y)
	y = b.node("p1", &graph.MaxPool{Pool: graph.Pool{Kernel: []int{2, 2}, Strides: []int{2, 2}, Dilations: []int{1, 1}, PadsBegin: []int{0, 0}, PadsEnd: []int{0, 0}}}, y)
	y = b.node("dw", conv(1, 1, 8), y, b.weight("wd", 0, 0.4, 8, 1, 3, 3), b.weight("bd", 0, 0.1, 8))
	y = b.node("r2", &graph.Relu{}, y)
	y = b.node("pw", conv(1, 0, 1), y, b.weight("wp", 0, 0.4, 16, 8, 1, 1), b.weight("bp", 0, 0.1, 16))
	y = b.node("gap", &graph.ReduceMean{Axes: []int{2, 3}, KeepDims: true}, y)
	y = b.node("flat", &graph.Reshape{Shape: []int{1, 16}}, y)
	y = b.node("fc", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, y, b.weight("wf", 0, 0.5, 10, 16), b.weight("bf", 0, 0.1, 10))
	return b.done(b.node("prob", &graph.Softmax{Axis: 1}, y))
}

// rawSource writes n samples for g's inputs (normal, mean 0.5) and opens
// them.
func rawSource(t testing.TB, g *graph.Graph, n int, seed uint64) calib.Source {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 4))
	var buf bytes.Buffer
	var inputs []calib.Input
	for _, i := range g.Inputs {
		inputs = append(inputs, calib.Input{Name: g.Tensors[i].Name, Shape: g.Tensors[i].Shape})
	}
	for range n {
		for _, in := range inputs {
			k := 1
			for _, d := range in.Shape {
				k *= d
			}
			for range k {
				binary.Write(&buf, binary.LittleEndian, float32(0.5+r.NormFloat64()))
			}
		}
	}
	path := filepath.Join(t.TempDir(), "calib.f32")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := calib.Open("raw:"+path, inputs, format.Preprocessing{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// independentSQNR runs the int8 model and the float graph on the first n
// samples through their public APIs and returns the first output's SQNR
// and top-1 agreement.
func independentSQNR(t *testing.T, g *graph.Graph, m *format.Model, src calib.Source, n int) (float64, float64) {
	t.Helper()
	rm, err := runtime.LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := rm.NewInterpreter(runtime.Options{})
	ref, _ := refeval.New(g)
	var s, e float64
	agree := 0
	for i := range n {
		x, _ := src.Sample(i)
		it.SetInputFloat32(0, x[0], format.NCHW)
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		got, _ := it.OutputFloat32(0, nil, format.NHWC)
		outs, err := ref.Run(graph.Floats(g.Tensors[g.Inputs[0]].Shape, x[0]))
		if err != nil {
			t.Fatal(err)
		}
		want := outs[0].F
		best, bestQ := 0, 0
		for k := range want {
			d := float64(got[k]) - float64(want[k])
			s += float64(want[k]) * float64(want[k])
			e += d * d
			if want[k] > want[best] {
				best = k
			}
			if got[k] > got[bestQ] {
				bestQ = k
			}
		}
		if best == bestQ {
			agree++
		}
	}
	return 10 * math.Log10(s/e), float64(agree) / float64(n)
}

// minSQNR is each method's output SQNR on cnn, 3 dB under the value
// measured when the test was written (39.25, 39.25, 38.77, 39.01 dB; auto
// picks the best of them, 39.25).
var minSQNR = map[string]float64{"minmax": 36.2, "percentile": 36.2, "entropy": 35.7, "mse": 36.0, "auto": 36.2}

func TestQuantizeMethods(t *testing.T) {
	g := cnn(t)
	src := rawSource(t, g, 32, 1)
	for _, method := range calib.Methods {
		t.Run(method, func(t *testing.T) {
			r, err := quantize.Quantize(g, src, quantize.Options{Method: method, BiasCorrection: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			db, agree := independentSQNR(t, g, r.Model, src, 32)
			rep := r.Report
			t.Logf("%s: output SQNR %.2f dB, top-1 %.3f", method, db, agree)
			if math.Abs(float64(rep.OutputSQNR)-db) > 1e-6*db || math.Abs(float64(rep.Top1Agreement)-agree) > 1e-12 {
				t.Errorf("report: SQNR %v, top-1 %v; measured independently %v, %v", rep.OutputSQNR, rep.Top1Agreement, db, agree)
			}
			if db < minSQNR[method] {
				t.Errorf("output SQNR %.1f dB, want >= %.1f", db, minSQNR[method])
			}
			// Every lowered tensor of the graph is reported once, the
			// input first.
			if rep.Tensors[0].Name != "x" || rep.Tensors[0].Op != "input" || rep.Samples != 32 {
				t.Errorf("report starts with %+v, %d samples", rep.Tensors[0], rep.Samples)
			}
			if q := r.Model.Metadata.QuantReport; q == nil || len(q.Tensors) != len(rep.Tensors) || q.OutputSQNRdB != float32(rep.OutputSQNR) {
				t.Errorf("model metadata report %+v", q)
			}
			if _, err := json.Marshal(rep); err != nil {
				t.Error(err)
			}
		})
	}
}

// Quantization is deterministic: the same inputs give the same bytes.
func TestQuantizeDeterministic(t *testing.T) {
	var enc [][]byte
	for range 2 {
		g := cnn(t)
		src := rawSource(t, g, 8, 2)
		r, err := quantize.Quantize(g, src, quantize.Options{Method: "entropy", BiasCorrection: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := format.Encode(r.Model)
		if err != nil {
			t.Fatal(err)
		}
		enc = append(enc, b)
	}
	if !bytes.Equal(enc[0], enc[1]) {
		t.Error("two conversions of the same graph and data differ")
	}
}

// spikeScale multiplies an activation by a constant that is 1 except for
// one element of 5000, and then by its reciprocal: the result equals the
// input, but the intermediate's int8 step (about 5000·6/255) erases every
// other element. The second Mul shows the loss; the first causes it.
func spikeScale(t testing.TB) *graph.Graph {
	b := newGB(t, 3)
	x := b.input("x", 1, 4, 6, 6)
	y := b.node("c1", conv(1, 1, 1), x, b.weight("w1", 0, 0.3, 8, 4, 3, 3), b.weight("b1", 0, 0.1, 8))
	k := graph.NewValue(graph.Float32, []int{1, 8, 6, 6})
	inv := graph.NewValue(graph.Float32, []int{1, 8, 6, 6})
	for i := range k.F {
		k.F[i], inv.F[i] = 1, 1
	}
	k.F[5], inv.F[5] = 5000, 1.0/5000
	y = b.node("up", &graph.Mul{}, y, b.constant("k", k))
	y = b.node("down", &graph.Mul{}, y, b.constant("inv", inv))
	y = b.node("c2", conv(1, 1, 1), y, b.weight("w2", 0, 0.3, 4, 8, 3, 3), b.weight("b2", 0, 0.1, 4))
	return b.done(y)
}

func TestKeepFloat(t *testing.T) {
	g := spikeScale(t)
	src := rawSource(t, g, 8, 3)
	base, err := quantize.Quantize(g, src, quantize.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	manual, err := quantize.Quantize(g, src, quantize.Options{KeepFloat: []string{"up", "down"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	auto, err := quantize.Quantize(g, src, quantize.Options{AutoKeepFloat: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output SQNR: all int8 %.1f dB, up and down float %.1f dB, auto %.1f dB (%v)", base.Report.OutputSQNR, manual.Report.OutputSQNR, auto.Report.OutputSQNR, auto.Report.KeepFloat)
	if base.Report.OutputSQNR >= quantize.AutoTargetDB {
		t.Fatalf("the all-int8 model reaches %.1f dB: the test needs a bad layer", base.Report.OutputSQNR)
	}
	if !slices.Equal(auto.Report.KeepFloat, []string{"up", "down"}) {
		t.Errorf("auto kept %v float, want [up down]", auto.Report.KeepFloat)
	}
	if manual.Report.OutputSQNR < quantize.AutoTargetDB || auto.Report.OutputSQNR != manual.Report.OutputSQNR {
		t.Errorf("keeping up and down float: %.1f dB (auto %.1f dB), want at least %d", manual.Report.OutputSQNR, auto.Report.OutputSQNR, quantize.AutoTargetDB)
	}
	if _, err := quantize.Quantize(g, src, quantize.Options{KeepFloat: []string{"nope"}}, nil); err == nil || !strings.Contains(err.Error(), `no layer named ["nope"]`) {
		t.Errorf("unknown layer: %v", err)
	}
}

// meanShifted has inputs far from zero mean, where the rounding of each
// weight shifts the output by its error times the input mean: bias
// correction removes that shift.
func meanShifted(t testing.TB) *graph.Graph {
	b := newGB(t, 4)
	x := b.input("x", 1, 16, 4, 4)
	y := b.node("c", conv(1, 0, 1), x, b.weight("w", 0, 0.05, 16, 16, 1, 1), b.weight("b", 0, 0.1, 16))
	y = b.node("f", &graph.Reshape{Shape: []int{1, 256}}, y)
	return b.done(b.node("fc", &graph.Gemm{TransB: true, Alpha: 1, Beta: 1}, y, b.weight("wf", 0, 0.05, 8, 256), b.weight("bf", 0, 0.1, 8)))
}

func TestBiasCorrection(t *testing.T) {
	g := meanShifted(t)
	// Inputs with mean 20 and spread 1.
	src := rawSourceShift(t, g, 16, 20)
	off, err := quantize.Quantize(g, src, quantize.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	on, err := quantize.Quantize(g, src, quantize.Options{BiasCorrection: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output SQNR %.1f dB without, %.1f dB with bias correction", off.Report.OutputSQNR, on.Report.OutputSQNR)
	if on.Report.OutputSQNR <= off.Report.OutputSQNR {
		t.Errorf("bias correction did not help: %.1f dB -> %.1f dB", off.Report.OutputSQNR, on.Report.OutputSQNR)
	}
}

func rawSourceShift(t testing.TB, g *graph.Graph, n int, mean float64) calib.Source {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 4))
	in := g.Tensors[g.Inputs[0]]
	k := 1
	for _, d := range in.Shape {
		k *= d
	}
	var buf bytes.Buffer
	for range n * k {
		binary.Write(&buf, binary.LittleEndian, float32(mean+r.NormFloat64()))
	}
	path := filepath.Join(t.TempDir(), "shift.f32")
	os.WriteFile(path, buf.Bytes(), 0o644)
	src, err := calib.Open("raw:"+path, []calib.Input{{Name: in.Name, Shape: in.Shape}}, format.Preprocessing{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// Tensors joined by a concatenation share one range, so the int8 model
// needs no requantizing QUANTIZE ops, except for an input whose
// quantization its op fixes (a logistic's).
func TestConcatSharesRanges(t *testing.T) {
	build := func(withSigmoid bool) *graph.Graph {
		b := newGB(t, 6)
		x := b.input("x", 1, 3, 8, 8)
		a := b.node("a", conv(1, 1, 1), x, b.weight("wa", 0, 0.1, 4, 3, 3, 3))
		c := b.node("c", conv(1, 1, 1), x, b.weight("wc", 0, 1, 4, 3, 3, 3))
		p := b.node("p", &graph.MaxPool{Pool: graph.Pool{Kernel: []int{3, 3}, Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}}},
			b.node("d", conv(1, 1, 1), x, b.weight("wd", 0, 3, 4, 3, 3, 3)))
		ins := []int{a, c, p}
		if withSigmoid {
			ins = append(ins, b.node("s", &graph.Sigmoid{}, a))
		}
		y := b.node("cat", &graph.Concat{Axis: 1}, ins...)
		y2 := b.node("cat2", &graph.Concat{Axis: 1}, y, a) // a joins a second concat
		return b.done(b.node("out", conv(1, 0, 1), y2, b.weight("wo", 0, 0.3, 2, 4*len(ins)+4, 1, 1)))
	}
	for _, withSigmoid := range []bool{false, true} {
		g := build(withSigmoid)
		r, err := quantize.Quantize(g, rawSource(t, g, 4, 6), quantize.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if withSigmoid {
			want = 1
		}
		n := 0
		for _, op := range r.Model.Operators {
			if op.Op == format.OpQuantize {
				n++
			}
		}
		if n != want {
			t.Errorf("sigmoid input %v: %d QUANTIZE ops, want %d", withSigmoid, n, want)
		}
		t.Logf("sigmoid input %v: output SQNR %.1f dB", withSigmoid, r.Report.OutputSQNR)
	}
}

// The "auto" method keeps the observer whose model has the best output
// SQNR on the calibration samples.
func TestQuantizeAuto(t *testing.T) {
	g := cnn(t)
	src := rawSource(t, g, 32, 1)
	best, bestMethod := math.Inf(-1), ""
	for _, m := range quantize.AutoMethods {
		r, err := quantize.Quantize(g, src, quantize.Options{Method: m, BiasCorrection: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if db := float64(r.Report.OutputSQNR); db > best {
			best, bestMethod = db, m
		}
	}
	r, err := quantize.Quantize(g, src, quantize.Options{Method: "auto", BiasCorrection: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("auto chose %s: %.2f dB", r.Report.Method, r.Report.OutputSQNR)
	if r.Report.Method != bestMethod || float64(r.Report.OutputSQNR) != best {
		t.Errorf("auto: %s with %v dB; the best observer is %s with %v dB", r.Report.Method, r.Report.OutputSQNR, bestMethod, best)
	}
}
