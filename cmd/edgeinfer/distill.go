package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/edgeinfer/edgeinfer/distill"
)

const distillSynopsis = `edgeinfer distill --teacher T.onnx --data idx:DIR|images:DIR -o OUT.einf [--student lenet5|mobilenet-tiny|resnet-mini|S.onnx | --width W]
    [--epochs N] [--qat-epochs N] [--temperature T] [--alpha A] [--export-student S.onnx] [--plot curves.png] [--resume] [flags]`

const distillDetails = `Distill trains a small student on a big float teacher's soft predictions
and the labels (loss α·T²·KL(teacher_T ‖ student_T) + (1−α)·CE; unlabeled
images use the teacher alone), fine-tunes it with fake quantization that
computes exactly the int8 runtime's grid (per-channel symmetric weights,
asymmetric activations, TFLite rounding), and writes the int8 model.

The student is the teacher's topology with every layer's channels scaled by
--width (default 0.5), initialized with the teacher's filters of largest L1
norm; or a preset (lenet5, mobilenet-tiny, resnet-mini) from random
weights; or a student ONNX file with its weights.

--data idx:DIR reads MNIST-layout train-*/t10k-* IDX files (the t10k set is
the test set of the report); images:DIR reads one subfolder per class, or
loose unlabeled images. A tenth of the training images (at most 5000) is
held out for validation and early stopping. Pixels become inputs as
(pixel·scale − mean)/std, which the model records.

Training checkpoints to OUT.einf.ckpt (atomically, every 200 steps, each
minute and each epoch); --resume continues an interrupted run from it.
The summary compares the teacher, the float student, the student quantized
after training (PTQ, as 'edgeinfer convert' does) and the QAT int8 model.`

func distillMain(cl *cli, args []string) error {
	fs := newVerbFlags("distill", distillSynopsis, distillDetails)
	var o distill.Options
	fs.StringVar(&o.Teacher, "teacher", "", "float ONNX `teacher` model")
	fs.StringVar(&o.Data, "data", "", "training data: idx:`DIR` or images:DIR")
	fs.StringVar(&o.Out, "o", "", "write the int8 model to `OUT.einf`")
	fs.StringVar(&o.Student, "student", "", "student: a preset (lenet5, mobilenet-tiny, resnet-mini) or `S.onnx`")
	fs.Float64Var(&o.Width, "width", 0, "scale the teacher's channels by `W` for the student (default 0.5)")
	fs.IntVar(&o.Epochs, "epochs", 5, "distillation `epochs`")
	fs.IntVar(&o.QATEpochs, "qat-epochs", 1, "quantization-aware fine-tuning `epochs` (0: post-training quantization)")
	fs.IntVar(&o.Batch, "batch", 64, "batch `size`")
	fs.Float64Var(&o.LR, "lr", 3e-3, "peak AdamW learning `rate` (QAT uses 1/20 of it)")
	fs.Float64Var(&o.Temperature, "temperature", 4, "distillation `temperature`")
	fs.Float64Var(&o.Alpha, "alpha", 0.7, "`weight` of the distillation term (the rest is cross-entropy on labels)")
	fs.BoolVar(&o.LabelsOnly, "labels-only", false, "train the same student from random weights on labels alone (the ablation baseline)")
	seed := fs.Uint64("seed", 1, "random `seed` (initialization, order, augmentation, dropout)")
	augment := fs.String("augment", "flip", "training augmentation: `LIST` of flip, crop=PIXELS, brightness=X, contrast=X, or none")
	fs.IntVar(&o.ValSplit, "val", 0, "hold out `N` training images for validation (default 10%, at most 5000)")
	fs.IntVar(&o.Patience, "patience", 3, "stop after `N` epochs without validation gain (-1: never)")
	fs.IntVar(&o.CalibImages, "calib-count", 1000, "`N` images calibrate activation ranges")
	fs.StringVar(&o.ExportStudent, "export-student", "", "also write the float student to `S.onnx`")
	fs.StringVar(&o.Plot, "plot", "", "draw training curves to `curves.png`")
	fs.BoolVar(&o.Resume, "resume", false, "continue from the checkpoint of an interrupted run")
	fs.StringVar(&o.Checkpoint, "checkpoint", "", "checkpoint `file` (default OUT.einf.ckpt)")
	fs.IntVar(&o.Threads, "threads", 0, "goroutines for training (default: all cores)")
	labelsPath := fs.String("labels", "", "class names, one per line, from `FILE` (default: the image folders' names)")
	mean := fs.String("mean", "", "per-channel `means` subtracted from pixel*scale")
	std := fs.String("std", "", "per-channel standard `deviations` dividing it")
	scale := fs.Float64("scale", 1.0/255, "pixel `factor`")
	jsonOut := fs.String("json", "", "write the result summary as JSON to `FILE`")
	quiet := fs.Bool("quiet", false, "print only the summary")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	switch {
	case len(operands) != 0:
		return usagef("distill takes no operands, got %q", operands)
	case o.Teacher == "":
		return usagef("missing --teacher T.onnx")
	case o.Data == "":
		return usagef("missing --data idx:DIR or images:DIR")
	case o.Out == "":
		return usagef("missing -o OUT.einf")
	case o.Student != "" && o.Width != 0:
		return usagef("--student and --width are alternatives")
	case o.Patience == 0:
		return usagef("--patience 0: give 1 or more, or -1 for never")
	}
	o.Seed = *seed
	if o.Augment, err = parseAugment(*augment); err != nil {
		return usagef("--augment: %v", err)
	}
	p, err := preprocessingFlags(*mean, *std, *scale, "rgb", "squash", "bilinear")
	if err != nil {
		return usagef("%v", err)
	}
	o.Preprocessing = *p
	if *labelsPath != "" {
		data, err := os.ReadFile(*labelsPath)
		if err != nil {
			return err
		}
		for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			o.Labels = append(o.Labels, strings.TrimSpace(l))
		}
	}
	if !*quiet {
		o.Progress = cl.stderr
	}
	res, err := distill.Run(o)
	if err != nil {
		return err
	}
	printDistill(cl, o, res)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(distillJSON(res), "", " ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func parseAugment(s string) (a distill.Augment, err error) {
	for _, item := range strings.Split(s, ",") {
		name, val, hasVal := strings.Cut(strings.TrimSpace(item), "=")
		num := func() (float64, error) {
			if !hasVal {
				return 0, fmt.Errorf("%s needs a value (%s=X)", name, name)
			}
			return strconv.ParseFloat(val, 64)
		}
		switch name {
		case "", "none":
		case "flip":
			a.HFlip = true
		case "crop":
			v, err := num()
			if err != nil || v < 1 || v != float64(int(v)) {
				return a, fmt.Errorf("crop=%s: want a whole number of pixels", val)
			}
			a.CropPad = int(v)
		case "brightness", "contrast":
			v, err := num()
			if err != nil || v <= 0 || v >= 1 {
				return a, fmt.Errorf("%s=%s: want a fraction between 0 and 1", name, val)
			}
			if name == "brightness" {
				a.Brightness = float32(v)
			} else {
				a.Contrast = float32(v)
			}
		default:
			return a, fmt.Errorf("unknown augmentation %q (flip, crop=N, brightness=X, contrast=X, none)", name)
		}
	}
	return a, nil
}

func printDistill(cl *cli, o distill.Options, r *distill.Result) {
	w := cl.stdout
	pct := func(v float64) string { return fmt.Sprintf("%6.2f%%", 100*v) }
	fmt.Fprintf(w, "wrote %s (%s accuracy on the %s set)\n", o.Out, strings.TrimSpace(pct(r.Int8Acc)), r.EvalSet)
	fmt.Fprintf(w, "  teacher float      %s   %d MACs\n", pct(r.TeacherAcc), r.TeacherMACs)
	fmt.Fprintf(w, "  student float      %s   %d MACs (%.3f of the teacher's)\n", pct(r.StudentAcc), r.StudentMACs, float64(r.StudentMACs)/float64(max(r.TeacherMACs, 1)))
	fmt.Fprintf(w, "  student int8 PTQ   %s\n", pct(r.PTQAcc))
	if o.QATEpochs > 0 {
		fmt.Fprintf(w, "  student fake-quant %s\n", pct(r.FakeQuantAcc))
		fmt.Fprintf(w, "  student int8 QAT   %s   (top-1 agreement with fake-quant %.2f%%)\n", pct(r.Int8Acc), 100*r.Agreement)
	}
	fmt.Fprintf(w, "  training %.0f images/s; total %.0f s", r.ImagesPerSecond, r.Seconds)
	if r.Resumed != "" {
		fmt.Fprintf(w, "; resumed at %s", r.Resumed)
	}
	fmt.Fprintln(w)
}

func distillJSON(r *distill.Result) map[string]any {
	return map[string]any{
		"teacher_macs": r.TeacherMACs, "student_macs": r.StudentMACs,
		"teacher_accuracy": r.TeacherAcc, "student_float_accuracy": r.StudentAcc,
		"ptq_int8_accuracy": r.PTQAcc, "fake_quant_accuracy": r.FakeQuantAcc, "int8_accuracy": r.Int8Acc,
		"int8_fake_quant_agreement": r.Agreement, "eval_set": r.EvalSet,
		"seconds": r.Seconds, "images_per_second": r.ImagesPerSecond, "resumed": r.Resumed, "curves": r.Curves,
	}
}
