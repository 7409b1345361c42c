package train

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeinfer/edgeinfer/quant"
)

// naiveConv is a direct float64 grouped convolution, the reference for
// the im2col+GEMM and depthwise paths.
func naiveConv(c *Conv2D, x *Tensor) []float64 {
	n, h, w := x.Shape[0], x.Shape[2], x.Shape[3]
	oh, ow := c.outSize(h, w)
	cg, og := c.InC/c.Group, c.OutC/c.Group
	out := make([]float64, n*c.OutC*oh*ow)
	for s := range n {
		for oc := range c.OutC {
			g := oc / og
			for oy := range oh {
				for ox := range ow {
					var sum float64
					if c.B != nil {
						sum = float64(c.B.Value[oc])
					}
					for ic := range cg {
						for kh := range c.KH {
							for kw := range c.KW {
								iy, ix := oy*c.StrideH+kh-c.PadT, ox*c.StrideW+kw-c.PadL
								if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								xv := x.Data[((s*c.InC+g*cg+ic)*h+iy)*w+ix]
								wv := c.W.Value[((oc*cg+ic)*c.KH+kh)*c.KW+kw]
								sum += float64(xv) * float64(wv)
							}
						}
					}
					out[((s*c.OutC+oc)*oh+oy)*ow+ox] = sum
				}
			}
		}
	}
	return out
}

func TestConvForwardMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	asym := NewConv2D("a", 4, 6, 3, 2, 1, 2, true)
	asym.PadB, asym.PadR = 0, 2
	for _, c := range []*Conv2D{
		NewConv2D("c", 3, 8, 3, 1, 1, 1, true),
		NewConv2D("s", 5, 7, 5, 2, 2, 1, false),
		NewConv2D("d", 6, 6, 3, 1, 1, 6, true),
		NewConv2D("d2", 6, 6, 3, 2, 1, 6, false),
		asym,
	} {
		for _, p := range c.Params() {
			for i := range p.Value {
				p.Value[i] = float32(r.NormFloat64())
			}
		}
		x := randTensor(r, 3, c.InC, 9, 8)
		shape, err := c.OutShape([][]int{x.Shape})
		if err != nil {
			t.Fatal(err)
		}
		out := NewTensor(shape...)
		c.Forward([]*Tensor{x}, out, false)
		want := naiveConv(c, x)
		for i, v := range out.Data {
			if math.Abs(float64(v)-want[i]) > 1e-4*math.Max(1, math.Abs(want[i])) {
				t.Fatalf("%s: output %d = %v, want %v", c.W.Name, i, v, want[i])
			}
		}
	}
}

// smallNet is a CNN exercising every trainable op kind.
func smallNet() *Model {
	m := &Model{Input: []int{1, 12, 12}}
	v := m.Add("c1", NewConv2D("c1", 1, 6, 3, 1, 1, 1, false), 0)
	v = m.Add("bn1", NewBatchNorm("bn1", 6), v)
	v = m.Add("r1", &Activation{Fn: ReLU}, v)
	v = m.Add("p1", &MaxPool{Window: SquareWindow(2, 2)}, v)
	v = m.Add("dw", NewConv2D("dw", 6, 6, 3, 1, 1, 6, true), v)
	v = m.Add("hs", &Activation{Fn: HardSwish}, v)
	v = m.Add("gap", GlobalAvgPool{}, v)
	v = m.Add("flat", Flatten{}, v)
	v = m.Add("drop", &Dropout{P: 0.2, Seed: 9}, v)
	m.Add("fc", NewLinear("fc", 6, 3, true), v)
	m.Init(1)
	return m
}

// trainSmall trains smallNet on a separable 3-class task and returns the
// final parameters and its accuracy (evaluation mode) on the training set.
func trainSmall(t *testing.T, threads int, opt Optimizer, steps int) ([]float32, float64) {
	defer func(n int) { Threads = n }(Threads)
	Threads = threads
	m := smallNet()
	r := rand.New(rand.NewPCG(5, 5))
	const n = 32
	x := NewTensor(n, 1, 12, 12)
	labels := make([]int, n)
	for s := range n {
		labels[s] = s % 3
		img := x.sample(s)
		for i := range img {
			img[i] = float32(r.NormFloat64() * 0.3)
		}
		// Class 0: horizontal stripes, 1: vertical stripes, 2: a
		// checkerboard (global pooling keeps texture, not position).
		for y := range 12 {
			for xx := range 12 {
				on := [3]bool{y%2 == 0, xx%2 == 0, (y+xx)%2 == 0}[labels[s]]
				if on {
					img[y*12+xx] += 1.5
				}
			}
		}
	}
	sched := Cosine{Base: 0.05, Min: 0.0001, Warmup: 5, Total: steps}
	var acc float64
	for step := range steps {
		for _, nd := range m.Nodes {
			if d, ok := nd.Op.(*Dropout); ok {
				d.SetStep(uint64(step))
			}
		}
		out, err := m.Forward(x, true)
		if err != nil {
			t.Fatal(err)
		}
		grad := NewTensor(out.Shape...)
		CrossEntropy(out, labels, 1, grad)
		m.ZeroGrad()
		m.Backward(grad)
		ClipGradNorm(m.Params(), 5)
		opt.Step(m.Params(), sched.LR(step))
	}
	out, err := m.Forward(x, false)
	if err != nil {
		t.Fatal(err)
	}
	_, correct := CrossEntropy(out, labels, 1, nil)
	acc = float64(correct) / n
	var params []float32
	for _, p := range m.Params() {
		params = append(params, p.Value...)
	}
	return params, acc
}

// TestTrainingLearnsAndIsDeterministic trains a small CNN with each
// optimizer: it must learn the task, and the parameters must be bitwise
// the same with 1 and 3 goroutines.
func TestTrainingLearnsAndIsDeterministic(t *testing.T) {
	for _, mk := range []func() Optimizer{
		func() Optimizer { return &AdamW{WeightDecay: 1e-4} },
		func() Optimizer { return &SGD{Momentum: 0.9, WeightDecay: 1e-4} },
	} {
		p1, acc := trainSmall(t, 1, mk(), 100)
		p3, _ := trainSmall(t, 3, mk(), 100)
		if acc < 0.95 {
			t.Errorf("%T: training accuracy %.2f after 100 steps, want >= 0.95", mk(), acc)
		}
		for i := range p1 {
			if math.Float32bits(p1[i]) != math.Float32bits(p3[i]) {
				t.Fatalf("%T: parameter %d differs between 1 and 3 goroutines: %v vs %v", mk(), i, p1[i], p3[i])
			}
		}
	}
}

// TestOptimizerSteps checks single updates against hand-worked values.
func TestOptimizerSteps(t *testing.T) {
	// AdamW, first step: m̂ = g, v̂ = g², so the update is lr·g/(|g|+ε)
	// = lr·sign(g), after decoupled decay w·(1 − lr·wd).
	p := &Param{Value: []float32{1, -2}, Grad: []float32{0.5, -3}}
	(&AdamW{WeightDecay: 0.1}).Step([]*Param{p}, 0.01)
	want := []float64{1*(1-0.001) - 0.01, -2*(1-0.001) + 0.01}
	for i, w := range want {
		if math.Abs(float64(p.Value[i])-w) > 1e-6 {
			t.Errorf("AdamW w[%d] = %v, want %v", i, p.Value[i], w)
		}
	}
	// SGD with momentum 0.9, two steps of gradient 1: v = 1 then 1.9.
	q := &Param{Value: []float32{0}, Grad: []float32{1}}
	sgd := &SGD{Momentum: 0.9}
	sgd.Step([]*Param{q}, 0.1)
	sgd.Step([]*Param{q}, 0.1)
	if math.Abs(float64(q.Value[0])-(-0.1-0.19)) > 1e-6 {
		t.Errorf("SGD w = %v, want -0.29", q.Value[0])
	}
	// Clipping a gradient of norm 5 (3, 4) to 1.
	c := &Param{Grad: []float32{3, 4}}
	if n := ClipGradNorm([]*Param{c}, 1); n != 5 || math.Abs(float64(c.Grad[0])-0.6) > 1e-6 || math.Abs(float64(c.Grad[1])-0.8) > 1e-6 {
		t.Errorf("clip: norm %v, grad %v; want 5, [0.6 0.8]", n, c.Grad)
	}
}

func TestCosineSchedule(t *testing.T) {
	s := Cosine{Base: 1, Min: 0, Warmup: 4, Total: 14}
	for _, c := range []struct {
		step int
		want float64
	}{{0, 0.25}, {3, 1}, {4, 1}, {9, 0.5}, {14, 0}, {20, 0}} {
		if got := s.LR(c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("LR(%d) = %v, want %v", c.step, got, c.want)
		}
	}
	e := EarlyStopping{Patience: 2}
	for i, v := range []float64{0.5, 0.6, 0.55, 0.58} {
		_, stop := e.Update(i, v)
		if stop != (i == 3) {
			t.Errorf("epoch %d: stop %v", i, stop)
		}
	}
}

// TestFakeQuantMatchesQuant checks the fake quantizer against quant's
// int8 functions directly: every output is a value of the int8 grid, the
// one quant.Quantize picks.
func TestFakeQuantMatchesQuant(t *testing.T) {
	f := &FakeQuant{Enabled: true}
	f.SetRange(-1.3, 2.7)
	s, zp := quant.ChooseActivationParams(-1.3, 2.7)
	x := &Tensor{Shape: []int{1, 7}, Data: []float32{-5, -1.3, -0.0001, 0, 0.77, 2.7, 9}}
	out := NewTensor(1, 7)
	f.Forward([]*Tensor{x}, out, false)
	for i, v := range x.Data {
		q := quant.Quantize(v, s, zp)
		if want := float32(int32(q)-zp) * s; out.Data[i] != want {
			t.Errorf("x %v: %v, want %v (q %d)", v, out.Data[i], want, q)
		}
	}
	w := []float32{0.5, -0.25, 0.1, 2, -4, 1}
	fq := make([]float32, 6)
	scales := FakeQuantWeights(w, 2, fq)
	q, ws := quant.QuantizeWeightsPerChannel(w, 2)
	for i := range w {
		if fq[i] != float32(q[i])*ws[i/3] || scales[i/3] != ws[i/3] {
			t.Errorf("weight %d: %v, want %v", i, fq[i], float32(q[i])*ws[i/3])
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	m := smallNet()
	opt := &AdamW{}
	x := randTensor(rand.New(rand.NewPCG(1, 1)), 4, 1, 12, 12)
	out, _ := m.Forward(x, true)
	m.Backward(NewTensor(out.Shape...))
	opt.Step(m.Params(), 0.1)
	path := filepath.Join(t.TempDir(), "c.ckpt")
	if err := Snapshot(m, opt, []byte("meta")).Save(path); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("%d files after Save, want only the checkpoint", len(entries))
	}
	c, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	m2, opt2 := smallNet(), &AdamW{}
	m2.Init(99)
	if err := c.Restore(m2, opt2); err != nil {
		t.Fatal(err)
	}
	a, _ := m.Forward(x, false)
	b, _ := m2.Forward(x, false)
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("restored model output %d: %v, want %v", i, b.Data[i], a.Data[i])
		}
	}
	if string(c.Meta) != "meta" || opt2.t != 1 {
		t.Errorf("meta %q, AdamW step %d", c.Meta, opt2.t)
	}
}
