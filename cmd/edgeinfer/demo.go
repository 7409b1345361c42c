package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"sort"
	"time"

	"github.com/edgeinfer/edgeinfer/internal/defaultmodel"
	"github.com/edgeinfer/edgeinfer/runtime"
)

const demoDetails = `Runs the embedded default model, an int8 Fashion-MNIST classifier, over
its embedded sample images: one JSON line per image (true label, top-3,
latency), then a summary with the accuracy on the samples and the latency
percentiles. Needs no file, camera or network.`

// demoResult is one JSON line of demo.
type demoResult struct {
	Sample    string      `json:"sample"`
	Truth     string      `json:"truth"`
	Top       []classJSON `json:"top"`
	Correct   bool        `json:"correct"`
	LatencyMS real64      `json:"latency_ms"`
}

func demoMain(cl *cli, args []string) error {
	fs := newVerbFlags("demo", "edgeinfer demo [--threads N] [--top K]", demoDetails)
	threads := fs.Int("threads", 1, threadsUsage)
	top := fs.Int("top", 3, "labels to print per image")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	if len(operands) != 0 {
		return usagef("demo takes no operands, got %q", operands)
	}
	n, err := resolveThreads(*threads)
	if err != nil {
		return err
	}
	if *top < 1 {
		return usagef("--top %d: want 1 or more", *top)
	}
	m, err := runtime.LoadBytes(defaultmodel.Model())
	if err != nil {
		return fmt.Errorf("embedded model: %w", err)
	}
	defer m.Close()
	it, err := m.NewInterpreter(runtime.Options{Threads: n})
	if err != nil {
		return err
	}
	defer it.Close()
	samples, err := defaultmodel.Samples()
	if err != nil {
		return err
	}
	labels := m.Format().Metadata.Labels

	enc := json.NewEncoder(cl.stdout)
	classes := make([]runtime.Class, 0, *top)
	latencies := make([]time.Duration, 0, len(samples))
	right := 0
	for _, s := range samples {
		img, _, err := image.Decode(bytes.NewReader(s.PNG))
		if err != nil {
			return fmt.Errorf("embedded sample %s: %w", s.Name, err)
		}
		if err := it.SetInputImage(0, img); err != nil {
			return fmt.Errorf("embedded sample %s: %w", s.Name, err)
		}
		start := time.Now()
		if err := it.Run(); err != nil {
			return err
		}
		latency := time.Since(start)
		latencies = append(latencies, latency)
		classes = it.TopK(0, *top, classes)
		r := demoResult{Sample: s.Name, Truth: labelOf(labels, s.Class), Top: []classJSON{},
			Correct: classes[0].Index == s.Class, LatencyMS: real64(milliseconds(latency))}
		for _, c := range classes {
			r.Top = append(r.Top, classJSON{Index: c.Index, Label: c.Label, Score: real32(c.Score)})
		}
		if r.Correct {
			right++
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	fmt.Fprintf(cl.stderr, "edgeinfer demo: %d of %d samples right; inference p50 %.3f ms, max %.3f ms; %d MACs, kernels %s, %d thread(s)\n",
		right, len(samples), milliseconds(latencies[len(latencies)/2]), milliseconds(latencies[len(latencies)-1]),
		m.MACs(), m.KernelVariant(), n)
	return nil
}

func labelOf(labels []string, i int) string {
	if i >= 0 && i < len(labels) {
		return labels[i]
	}
	return fmt.Sprint(i)
}
