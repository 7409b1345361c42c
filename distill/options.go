package distill

import (
	"errors"
	"fmt"
	"io"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/train"
)

// Options configures Run.
type Options struct {
	Teacher string // float ONNX teacher
	Data    string // idx:DIR or images:DIR (see Load)
	Out     string // the int8 model file to write

	// Student is a preset name (Presets), a student .onnx file, or empty
	// for the teacher's topology narrowed by Width (default 0.5).
	Student string
	Width   float64

	Epochs    int     // distillation epochs (default 5)
	QATEpochs int     // quantization-aware fine-tuning epochs (0: none; the int8 model is then the PTQ one)
	Batch     int     // default 64
	LR        float64 // AdamW peak learning rate (default 3e-3; QAT uses LR/20)
	// WeightDecay is AdamW's decoupled decay (default 1e-4).
	WeightDecay float64
	ClipNorm    float64 // global gradient-norm clip (default 5; <0: none)
	Temperature float64 // default 4
	Alpha       float64 // weight of the distillation term (default 0.7; the rest is cross-entropy)
	// LabelsOnly trains the same student from random weights on the labels
	// alone (α = 0, no teacher initialization): the ablation baseline.
	LabelsOnly bool
	Seed       uint64

	// Preprocessing maps 8-bit pixels to the teacher's input (Scale,
	// Offset, Mean, Std); it is recorded in the int8 model.
	Preprocessing format.Preprocessing
	Labels        []string // class names recorded in the model (default: the data set's)
	// Augment transforms training images. With only HFlip the teacher's
	// logits are computed once per image and orientation; crops and
	// brightness or contrast changes run the teacher on every batch.
	Augment train.Augment

	ValSplit    int // training images held out for early stopping (default 10%, at most 5000)
	Patience    int // epochs without validation gain before stopping (default 3; <0: never)
	CalibImages int // images for range calibration and the PTQ baseline (default 1000)

	Checkpoint string // default Out + ".ckpt"
	Resume     bool
	// CheckpointEvery is the number of steps between checkpoints within an
	// epoch (default 200); each epoch's end is checkpointed too.
	CheckpointEvery int
	// StopAfter, if > 0, interrupts the run (as a kill would) after this
	// many optimizer steps of this invocation, once the checkpoint is
	// written: for tests of resumption.
	StopAfter int

	ExportStudent string // also write the float student as ONNX
	Plot          string // write training curves as PNG
	Progress      io.Writer
	Threads       int // goroutines for the engine (0: GOMAXPROCS)
}

// ErrInterrupted is returned when Options.StopAfter stops a run.
var ErrInterrupted = errors.New("distill: interrupted after the requested number of steps (checkpoint written)")

func (o *Options) defaults() error {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Epochs, 5)
	def(&o.Batch, 64)
	def(&o.Patience, 3)
	def(&o.CalibImages, 1000)
	def(&o.CheckpointEvery, 200)
	deff(&o.LR, 3e-3)
	deff(&o.WeightDecay, 1e-4)
	deff(&o.ClipNorm, 5)
	deff(&o.Temperature, 4)
	deff(&o.Alpha, 0.7)
	if o.Student == "" {
		deff(&o.Width, 0.5)
	}
	if o.Checkpoint == "" {
		o.Checkpoint = o.Out + ".ckpt"
	}
	switch {
	case o.Teacher == "" && !o.LabelsOnly:
		return errors.New("no teacher: give --teacher T.onnx")
	case o.Data == "":
		return errors.New("no data: give --data idx:DIR or images:DIR")
	case o.Out == "":
		return errors.New("no output: give -o OUT.einf")
	case o.Epochs < 0 || o.QATEpochs < 0 || o.Batch < 1:
		return fmt.Errorf("epochs %d, QAT epochs %d, batch %d: want epochs >= 0 and batch >= 1", o.Epochs, o.QATEpochs, o.Batch)
	case o.Alpha < 0 || o.Alpha > 1:
		return fmt.Errorf("alpha %v: want 0 <= alpha <= 1", o.Alpha)
	case o.Temperature <= 0:
		return fmt.Errorf("temperature %v: want > 0", o.Temperature)
	}
	return nil
}

// Augment is train.Augment, re-exported for callers configuring Options.
type Augment = train.Augment
