package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/edgeinfer/edgeinfer/runtime"
)

const evalSynopsis = `edgeinfer eval MODEL --data idx:PATH|images:DIR [--limit N] [--json] [--plot FILE.png] [--threads N]`

const evalDetails = `Measures a classifier on a labelled data set: top-1 and top-5 accuracy
and the confusion matrix (rows: true class, columns: predicted class).
Images are prepared by the model's preprocessing metadata, as 'edgeinfer
run IMAGE' does.

  idx:PATH     an IDX image file (MNIST style, may be gzipped) whose labels
               are in the file named with labels-idx1 for images-idx3, or a
               folder holding such a pair (the t10k test files when there
               are several), e.g. idx:/usr/share/datasets/fashion-mnist
  images:DIR   DIR/CLASS/*.jpg|png, CLASS a label of the model (any case,
               "/" written as "_") or a class index

--json prints one JSON object instead of the tables:
  {"model", "data", "samples", "classes", "labels", "top1", "top5",
   "top1_correct", "top5_correct", "confusion": [[true][predicted] counts]}
--plot writes the confusion matrix as a PNG heat map (row-normalized).`

// evalResult is what eval measures; also its JSON form.
type evalResult struct {
	Model       string   `json:"model"`
	Data        string   `json:"data"`
	Samples     int      `json:"samples"`
	Classes     int      `json:"classes"`
	Labels      []string `json:"labels"`
	Top1        real64   `json:"top1"`
	Top5        real64   `json:"top5"`
	Top1Correct int      `json:"top1_correct"`
	Top5Correct int      `json:"top5_correct"`
	Confusion   [][]int  `json:"confusion"`
}

func evalMain(cl *cli, args []string) error {
	fs := newVerbFlags("eval", evalSynopsis, evalDetails)
	data := fs.String("data", "", "labelled `source`: idx:PATH or images:DIR")
	limit := fs.Int("limit", 0, "evaluate the first `N` samples only (0: all)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	plot := fs.String("plot", "", "write the confusion matrix as a PNG heat map to `FILE`")
	threadsFlag := fs.Int("threads", 0, threadsUsage)
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	switch {
	case len(operands) != 1:
		return usagef("want one MODEL operand, got %d", len(operands))
	case *data == "":
		return usagef("missing --data idx:PATH or images:DIR")
	case *limit < 0:
		return usagef("--limit %d: want 0 (all) or more", *limit)
	}
	threads, err := resolveThreads(*threadsFlag)
	if err != nil {
		return err
	}
	if *plot != "" {
		if err := checkOutputDir(*plot); err != nil {
			return err
		}
	}
	modelPath := operands[0]
	m, it, err := newInterpreter(modelPath, threads)
	if err != nil {
		return err
	}
	defer m.Close()
	defer it.Close()
	res, err := evaluate(m, it, modelPath, *data, *limit)
	if err != nil {
		return err
	}
	if *plot != "" {
		if err := writeAtomically(*plot, func(w io.Writer) error {
			return writeConfusionPNG(w, res.Confusion)
		}); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(cl.stdout)
		return enc.Encode(res)
	}
	return writeEvalText(cl.stdout, res)
}

// evaluate runs the model on every sample of the data set.
func evaluate(m *runtime.Model, it *runtime.Interpreter, modelPath, data string, limit int) (*evalResult, error) {
	meta := m.Format().Metadata
	if meta.Preprocessing == nil {
		return nil, fmt.Errorf("%s: the model has no preprocessing metadata, so it cannot take images (convert it with an idx: or images: calibration source, or --mean/--std/--scale)", modelPath)
	}
	if it.InputCount() != 1 {
		return nil, fmt.Errorf("%s: an image feeds one input; the model has %d", modelPath, it.InputCount())
	}
	classes := classCount(it.Output(0).Shape)
	if classes < 2 {
		return nil, fmt.Errorf("%s: output 0 of shape %v is not a vector of class scores", modelPath, it.Output(0).Shape)
	}
	set, err := openLabeledSet(data, meta.Labels, classes)
	if err != nil {
		return nil, err
	}
	n := set.Len()
	if limit > 0 {
		n = min(n, limit)
	}
	res := &evalResult{Model: modelPath, Data: set.String(), Samples: n, Classes: classes, Labels: meta.Labels, Confusion: make([][]int, classes)}
	if res.Labels == nil {
		res.Labels = []string{}
	}
	for c := range res.Confusion {
		res.Confusion[c] = make([]int, classes)
	}
	top := make([]runtime.Class, 0, 5)
	for i := range n {
		img, class, err := set.Image(i)
		if err != nil {
			return nil, err
		}
		if err := it.SetInputImage(0, img); err != nil {
			return nil, fmt.Errorf("%s: sample %d: %w", set, i, err)
		}
		if err := it.Run(); err != nil {
			return nil, fmt.Errorf("%s: sample %d: %w", set, i, err)
		}
		top = it.TopK(0, 5, top)
		res.Confusion[class][top[0].Index]++
		for _, c := range top {
			if c.Index == class {
				res.Top5Correct++
				break
			}
		}
		if top[0].Index == class {
			res.Top1Correct++
		}
	}
	res.Top1 = real64(float64(res.Top1Correct) / float64(n))
	res.Top5 = real64(float64(res.Top5Correct) / float64(n))
	return res, nil
}

// classCount is the number of class scores in an output of this shape:
// [1, C], [C] or [1, 1, 1, C].
func classCount(shape []int) int {
	c := 1
	for _, d := range shape {
		c *= d
	}
	if len(shape) == 0 || shape[len(shape)-1] != c {
		return 0
	}
	return c
}

func writeEvalText(w io.Writer, r *evalResult) error {
	fmt.Fprintf(w, "%s on %s: %d samples, %d classes\n", r.Model, r.Data, r.Samples, r.Classes)
	fmt.Fprintf(w, "top-1 accuracy %.2f%% (%d/%d)\n", 100*float64(r.Top1), r.Top1Correct, r.Samples)
	fmt.Fprintf(w, "top-5 accuracy %.2f%% (%d/%d)\n", 100*float64(r.Top5), r.Top5Correct, r.Samples)
	fmt.Fprintf(w, "\nconfusion matrix (rows: true class, columns: predicted class)\n")
	width := 5
	for _, row := range r.Confusion {
		for _, v := range row {
			width = max(width, len(fmt.Sprint(v))+1)
		}
	}
	name := func(c int) string {
		if c < len(r.Labels) {
			return fmt.Sprintf("%d %s", c, r.Labels[c])
		}
		return fmt.Sprint(c)
	}
	nameWidth := len("true")
	for c := range r.Classes {
		nameWidth = max(nameWidth, len(name(c)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", nameWidth, "true")
	for c := range r.Classes {
		fmt.Fprintf(&b, "%*d", width, c)
	}
	fmt.Fprintf(&b, "%*s\n", 9, "recall")
	for c, row := range r.Confusion {
		fmt.Fprintf(&b, "%-*s", nameWidth, name(c))
		total := 0
		for _, v := range row {
			fmt.Fprintf(&b, "%*d", width, v)
			total += v
		}
		if total > 0 {
			fmt.Fprintf(&b, "%8.1f%%\n", 100*float64(row[c])/float64(total))
		} else {
			fmt.Fprintf(&b, "%9s\n", "-")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
