package main

import (
	"crypto/sha256"
	"fmt"
	"log"
	"strings"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/internal/defaultmodel"
	"github.com/edgeinfer/edgeinfer/runtime"
)

const demoDetails = `Runs the camera pipeline with no camera: the embedded default model, an
int8 Fashion-MNIST classifier, classifies its embedded sample images (two
per class) as frames. It prints one JSON line per frame, as the camera verb
does ("name" is the sample, <test-set index>_<true class>.png), then the
top-1 accuracy on the samples and the per-stage latency summary on stderr.
--loop and --fps turn it into an endless paced stream, for trying the
outputs (e.g. --http) without a camera.`

func demoMain(cl *cli, args []string) error {
	fs := newVerbFlags("demo", "edgeinfer demo [--threads N] [--top K] [--loop --fps N] [outputs]", demoDetails)
	pf := addPipelineFlags(fs, 1)
	fps := fs.Float64("fps", 0, "pace the samples to N frames a second (0: as fast as classified)")
	loop := fs.Bool("loop", false, "start over after the last sample")
	outs := addOutputFlags(fs)
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	if len(operands) != 0 {
		return usagef("demo takes no operands, got %q", operands)
	}
	if err := pf.check(); err != nil {
		return err
	}
	threads, err := resolveThreads(*pf.threads)
	if err != nil {
		return err
	}
	m, err := runtime.LoadBytes(defaultmodel.Model())
	if err != nil {
		return fmt.Errorf("embedded model: %w", err)
	}
	defer m.Close()
	it, err := m.NewInterpreter(runtime.Options{Threads: threads})
	if err != nil {
		return err
	}
	defer it.Close()
	samples, err := defaultmodel.Samples()
	if err != nil {
		return err
	}
	images := make([]camera.EncodedImage, len(samples))
	truth := make(map[string]int, len(samples))
	for i, s := range samples {
		images[i] = camera.EncodedImage{Name: s.Name, Data: s.PNG}
		truth[s.Name] = s.Class
	}
	open := func() (camera.Source, error) {
		reopen := func() (camera.Source, error) { return camera.NewImageSource(images), nil }
		return camera.Paced(camera.NewImageSource(images), *fps, *loop, reopen), nil
	}
	logger := log.New(cl.stderr, "edgeinfer demo: ", log.LstdFlags)
	built, err := buildSinks(outs, &outputEnv{Log: logger, Labels: m.Format().Metadata.Labels, ModelSHA256: fmt.Sprintf("%x", sha256.Sum256(defaultmodel.Model())), Source: "demo"})
	if err != nil {
		return err
	}
	score := &demoScore{truth: truth}
	built.Sinks = append([]camera.Sink{score}, built.Sinks...)
	err = runPipeline(cl, pipelineRun{flags: pf, model: m, it: it, modelName: "embedded Fashion-MNIST (int8)",
		open: open, logger: logger, outputs: built, before: func() {
			fmt.Fprintf(cl.stderr, "edgeinfer demo: %d of %d samples right (top-1)\n", score.right, score.seen)
		}})
	return err
}

// demoScore counts top-1 hits against the class in the sample's name.
type demoScore struct {
	truth       map[string]int
	right, seen int
}

func (d *demoScore) Publish(r *camera.Result) error {
	class, ok := d.truth[r.Frame.Name]
	if !ok || len(r.Top) == 0 {
		return fmt.Errorf("sample %q has no known class", strings.TrimSpace(r.Frame.Name))
	}
	d.seen++
	if r.Top[0].Index == class {
		d.right++
	}
	return nil
}

func (d *demoScore) Close() error { return nil }
