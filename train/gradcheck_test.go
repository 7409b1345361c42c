package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// lossOf runs op forward in training mode and returns Σ out·r in float64.
func lossOf(op Op, in []*Tensor, outShape []int, r []float32) float64 {
	out := NewTensor(outShape...)
	op.Forward(in, out, true)
	var l float64
	for i, v := range out.Data {
		l += float64(v) * float64(r[i])
	}
	return l
}

func randTensor(r *rand.Rand, shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

// checkGradients compares op's analytic input and parameter gradients of
// the loss Σ out·R (R random) with central finite differences.
func checkGradients(t *testing.T, name string, op Op, in []*Tensor, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 99))
	var shapes [][]int
	for _, x := range in {
		shapes = append(shapes, x.Shape)
	}
	outShape, err := op.OutShape(shapes)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rw := make([]float32, numel(outShape))
	for i := range rw {
		rw[i] = float32(r.NormFloat64())
	}
	for _, p := range op.Params() {
		clear(p.Grad)
	}
	out := NewTensor(outShape...)
	op.Forward(in, out, true)
	dIn := make([]*Tensor, len(in))
	for i, x := range in {
		dIn[i] = NewTensor(x.Shape...)
	}
	op.Backward(in, out, &Tensor{Shape: outShape, Data: rw}, dIn)
	const h = 1e-2
	check := func(what string, v []float32, analytic []float32) {
		for i := range v {
			old := v[i]
			v[i] = old + h
			lp := lossOf(op, in, outShape, rw)
			v[i] = old - h
			lm := lossOf(op, in, outShape, rw)
			v[i] = old
			num := (lp - lm) / (2 * h)
			if d := math.Abs(num - float64(analytic[i])); d > 2e-2*math.Max(1, math.Abs(num)) {
				t.Errorf("%s: d/d%s[%d]: analytic %.5f, numeric %.5f", name, what, i, analytic[i], num)
				return
			}
		}
	}
	for i, x := range in {
		check(fmt.Sprintf("input%d", i), x.Data, dIn[i].Data)
	}
	for _, p := range op.Params() {
		g := append([]float32(nil), p.Grad...)
		check(p.Name, p.Value, g)
	}
}

func TestGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	randomize := func(op Op) Op {
		for _, p := range op.Params() {
			for i := range p.Value {
				p.Value[i] = float32(r.NormFloat64() * 0.5)
			}
		}
		return op
	}
	asym := NewConv2D("asym", 3, 4, 3, 2, 0, 1, true)
	asym.PadT, asym.PadL, asym.PadB, asym.PadR = 1, 0, 0, 2
	cases := []struct {
		name string
		op   Op
		in   [][]int
	}{
		{"conv", NewConv2D("c", 3, 5, 3, 1, 1, 1, true), [][]int{{2, 3, 5, 6}}},
		{"conv-stride2-asympad", asym, [][]int{{2, 3, 6, 5}}},
		{"conv-groups2", NewConv2D("g", 4, 6, 3, 1, 1, 2, false), [][]int{{2, 4, 5, 5}}},
		{"conv-depthwise", NewConv2D("d", 4, 4, 3, 2, 1, 4, true), [][]int{{2, 4, 6, 6}}},
		{"conv-1x1", NewConv2D("p", 6, 3, 1, 1, 0, 1, true), [][]int{{3, 6, 4, 4}}},
		{"linear", NewLinear("l", 12, 5, true), [][]int{{3, 3, 2, 2}}},
		{"batchnorm", NewBatchNorm("bn", 3), [][]int{{4, 3, 3, 3}}},
		{"batchnorm-2d", NewBatchNorm("bn1", 5), [][]int{{6, 5}}},
		{"relu", &Activation{Fn: ReLU}, [][]int{{2, 3, 4, 4}}},
		{"relu6", &Activation{Fn: ReLU6}, [][]int{{2, 3, 4, 4}}},
		{"clip", &Activation{Fn: Clip, Lo: -0.5, Hi: 0.7}, [][]int{{2, 3, 4, 4}}},
		{"hardswish", &Activation{Fn: HardSwish}, [][]int{{2, 3, 4, 4}}},
		{"sigmoid", &Activation{Fn: Sigmoid}, [][]int{{2, 3, 4, 4}}},
		{"maxpool", &MaxPool{Window: SquareWindow(2, 2)}, [][]int{{2, 3, 6, 6}}},
		{"maxpool-3s2p1", &MaxPool{Window: Window{3, 3, 2, 2, 1, 1, 1, 1}}, [][]int{{2, 2, 7, 7}}},
		{"avgpool-pad", &AvgPool{Window: Window{3, 3, 2, 2, 1, 1, 1, 1}}, [][]int{{2, 2, 5, 5}}},
		{"avgpool-pad-countpad", &AvgPool{Window: Window{3, 3, 2, 2, 1, 1, 1, 1}, CountIncludePad: true}, [][]int{{2, 2, 5, 5}}},
		{"globalavgpool", GlobalAvgPool{}, [][]int{{2, 3, 4, 5}}},
		{"add", AddOp{}, [][]int{{2, 3, 4, 4}, {2, 3, 4, 4}}},
		{"mul", MulOp{}, [][]int{{2, 3, 4, 4}, {2, 3, 4, 4}}},
		{"mul-gate", MulOp{}, [][]int{{2, 3, 4, 4}, {2, 3, 1, 1}}},
		{"concat", ConcatOp{}, [][]int{{2, 3, 4, 4}, {2, 1, 4, 4}}},
		{"flatten", Flatten{}, [][]int{{2, 3, 2, 2}}},
		{"dropout", &Dropout{P: 0.3, Seed: 4}, [][]int{{2, 3, 4, 4}}},
	}
	for i, c := range cases {
		var in []*Tensor
		for _, s := range c.in {
			x := randTensor(r, s...)
			// Finite differences straddling a kink of ReLU, clip or
			// hard-swish measure neither side's slope: keep clear of them.
			for i, v := range x.Data {
				for _, k := range []float32{0, -3, 3, 6, -0.5, 0.7} {
					if d := v - k; d > -0.03 && d < 0.03 {
						x.Data[i] = k + 0.05
					}
				}
			}
			in = append(in, x)
		}
		checkGradients(t, c.name, randomize(c.op), in, uint64(i))
	}
}

// TestLossGradients checks the cross-entropy and distillation gradients
// with finite differences of the losses themselves.
func TestLossGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	logits := randTensor(r, 4, 5)
	teacher := randTensor(r, 4, 5)
	labels := []int{0, 3, -1, 4}
	const temp, alpha = 3.0, 0.7
	loss := func() float64 {
		ce, _ := CrossEntropy(logits, labels, 1, nil)
		return alpha*Distillation(logits, teacher, temp, 1, nil) + (1-alpha)*ce
	}
	grad := NewTensor(4, 5)
	CrossEntropy(logits, labels, 1-alpha, grad)
	Distillation(logits, teacher, temp, alpha, grad)
	const h = 1e-3
	for i := range logits.Data {
		old := logits.Data[i]
		logits.Data[i] = old + h
		lp := loss()
		logits.Data[i] = old - h
		lm := loss()
		logits.Data[i] = old
		num := (lp - lm) / (2 * h)
		if math.Abs(num-float64(grad.Data[i])) > 1e-3 {
			t.Errorf("logit %d: analytic %.6f, numeric %.6f", i, grad.Data[i], num)
		}
	}
}

// TestCrossEntropyValue checks a hand-worked case: logits (0, ln 3) give
// probabilities (1/4, 3/4), so label 1 costs −ln(3/4).
func TestCrossEntropyValue(t *testing.T) {
	logits := &Tensor{Shape: []int{1, 2}, Data: []float32{0, float32(math.Log(3))}}
	loss, correct := CrossEntropy(logits, []int{1}, 1, nil)
	if want := -math.Log(0.75); math.Abs(loss-want) > 1e-7 || correct != 1 {
		t.Errorf("loss %v correct %d, want %v and 1", loss, correct, want)
	}
	// Identical teacher and student: KL 0.
	if kl := Distillation(logits, logits, 2, 1, nil); math.Abs(kl) > 1e-12 {
		t.Errorf("KL of identical distributions: %v", kl)
	}
}
