package distill

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/train"
)

// BenchmarkStudentStep measures one training step (forward, backward,
// AdamW) of the Fashion-MNIST width-0.5 student on a batch of 64.
func BenchmarkStudentStep(b *testing.B) {
	m, err := Preset("lenet5", []int{1, 28, 28}, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchStep(b, fashionLike(), m)
}

// fashionLike is train_fashion_mnist.py's CNN at width 16-32-64.
func fashionLike() *train.Model {
	b := &seqBuilder{m: &train.Model{Input: []int{1, 28, 28}}, c: 1}
	b.conv("c1", 16, 3, 1, 1, true, train.ReLU)
	b.maxpool("p1")
	b.conv("c2", 32, 3, 1, 1, true, train.ReLU)
	b.maxpool("p2")
	b.conv("c3", 64, 3, 1, 1, true, train.ReLU)
	b.flatten()
	b.linear("fc", 10, false)
	b.m.Init(1)
	return b.m
}

func BenchmarkFashionCNNStep(b *testing.B) { benchStep(b, fashionLike(), nil) }

func benchStep(b *testing.B, m, _ *train.Model) {
	const n = 64
	x := train.NewTensor(n, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(i%17) / 17
	}
	labels := make([]int, n)
	opt := &train.AdamW{}
	grad := train.NewTensor(n, 10)
	for b.Loop() {
		out, err := m.Forward(x, true)
		if err != nil {
			b.Fatal(err)
		}
		clear(grad.Data)
		train.CrossEntropy(out, labels, 1, grad)
		m.ZeroGrad()
		m.Backward(grad)
		opt.Step(m.Params(), 1e-3)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "images/s")
}
