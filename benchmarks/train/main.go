// Command train measures the training throughput (images/s of forward,
// backward and AdamW update) of edgeinfer's training engine on the
// Fashion-MNIST student CNN that torch_bench.py trains in PyTorch; run.sh
// runs both in alternation and reports the ratio.
//
//	go run ./benchmarks/train -widths 14,29,58 -batch 64 -steps 60 -threads 2
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/edgeinfer/edgeinfer/train"
	"github.com/edgeinfer/edgeinfer/train/sgemm"
)

func main() {
	widths := flag.String("widths", "14,29,58", "channels of the three conv stages")
	batch := flag.Int("batch", 64, "batch size")
	steps := flag.Int("steps", 60, "timed steps")
	warmup := flag.Int("warmup", 5, "untimed steps first")
	threads := flag.Int("threads", 2, "goroutines")
	flag.Parse()
	var c [3]int
	for i, s := range strings.Split(*widths, ",") {
		v, err := strconv.Atoi(s)
		if err != nil || i > 2 {
			fmt.Fprintln(os.Stderr, "bad -widths")
			os.Exit(2)
		}
		c[i] = v
	}
	train.Threads, sgemm.Threads = *threads, *threads
	m := studentCNN(c)
	r := rand.New(rand.NewPCG(1, 2))
	x := train.NewTensor(*batch, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	labels := make([]int, *batch)
	for i := range labels {
		labels[i] = r.IntN(10)
	}
	opt := &train.AdamW{WeightDecay: 1e-4}
	grad := train.NewTensor(*batch, 10)
	step := func() {
		out, err := m.Forward(x, true)
		if err != nil {
			panic(err)
		}
		clear(grad.Data)
		train.CrossEntropy(out, labels, 1, grad)
		m.ZeroGrad()
		m.Backward(grad)
		opt.Step(m.Params(), 1e-3)
	}
	for range *warmup {
		step()
	}
	start := time.Now()
	for range *steps {
		step()
	}
	sec := time.Since(start).Seconds()
	fmt.Printf("edgeinfer images/s %.1f (kernel %s, %d threads, batch %d, widths %v)\n",
		float64(*steps**batch)/sec, sgemm.Kernel(), *threads, *batch, c)
}

// studentCNN is conv3x3-BN-ReLU ×3 with 2×2 max pooling after the first
// two, then a fully connected layer to 10 classes: the teacher topology
// of models/train_fashion_mnist_teacher.py at reduced width.
func studentCNN(c [3]int) *train.Model {
	m := &train.Model{Input: []int{1, 28, 28}}
	v, in := 0, 1
	for i, out := range c {
		name := fmt.Sprintf("conv%d", i+1)
		v = m.Add(name, train.NewConv2D(name, in, out, 3, 1, 1, 1, false), v)
		v = m.Add(name+".bn", train.NewBatchNorm(name+".bn", out), v)
		v = m.Add(name+".relu", &train.Activation{Fn: train.ReLU}, v)
		if i < 2 {
			v = m.Add(name+".pool", &train.MaxPool{Window: train.SquareWindow(2, 2)}, v)
		}
		in = out
	}
	v = m.Add("flatten", train.Flatten{}, v)
	m.Add("fc", train.NewLinear("fc", c[2]*49, 10, true), v)
	m.Init(1)
	return m
}
