package distill

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/train"
)

// Result reports a distillation run.
type Result struct {
	TeacherMACs, StudentMACs int64
	// Test-set top-1 accuracies (on the validation split when the data
	// set has no test set): the float teacher, the float student after
	// distillation, the student quantized after training (PTQ), the
	// fake-quantized QAT student and its int8 model.
	TeacherAcc, StudentAcc, PTQAcc, FakeQuantAcc, Int8Acc float64
	// Agreement is the fraction of evaluation images on which the int8
	// model and the fake-quantized model predict the same class.
	Agreement float64
	EvalSet   string
	Curves    []Epoch
	Seconds   float64
	// ImagesPerSecond is the training throughput of the distillation
	// phase (forward, backward and update of the student).
	ImagesPerSecond float64
	Resumed         string // where the run resumed, if it did
	Model           *format.Model
}

// Epoch is one epoch's training record.
type Epoch struct {
	Phase     string  // "distill" or "qat"
	Epoch     int     // 1-based within the phase
	TrainLoss float64 // mean batch loss
	TrainAcc  float64
	ValAcc    float64
	LR        float64 // at the epoch's end
	Seconds   float64
}

// progressState is the part of a checkpoint that says where training is.
type progressState struct {
	Phase      string // "distill" or "qat"
	Epoch      int    // 0-based epoch in progress
	Batch      int    // next batch of that epoch
	Step       int    // optimizer steps taken in the phase
	Curves     []Epoch
	LossSum    float64
	CorrectSum int
	SeenSum    int
	BestVal    float64
	BestEpoch  int
	Stopped    bool // early stopping ended the phase
	TrainSecs  float64
	TrainImgs  int
}

type runner struct {
	o        Options
	log      io.Writer
	teacher  *train.Model
	student  *train.Model
	norm     Normalizer
	trainSet *Dataset
	valSet   *Dataset
	testSet  *Dataset
	classes  int
	tlogits  *teacherLogits
	res      *Result
	steps    int // optimizer steps of this invocation
	// resumeQAT is set when the checkpoint is of the QAT phase.
	resumeQAT *resumePoint
}

// Run distils a teacher into a student, fine-tunes it with quantization
// in the loop and writes the int8 model. See Options.
func Run(o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	if o.Threads > 0 {
		train.Threads = o.Threads
	}
	start := time.Now()
	r := &runner{o: o, log: o.Progress, res: &Result{}}
	if r.log == nil {
		r.log = io.Discard
	}
	if err := r.setup(); err != nil {
		return nil, err
	}
	if err := r.distill(); err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	r.res.Seconds = time.Since(start).Seconds()
	return r.res, nil
}

func (r *runner) logf(format string, args ...any) { fmt.Fprintf(r.log, format, args...) }

// setup loads the teacher and the data (failing before any training),
// splits off the validation images and builds the student.
func (r *runner) setup() error {
	o := &r.o
	var input []int
	if o.Teacher != "" {
		t, err := LoadONNX(o.Teacher)
		if err != nil {
			return fmt.Errorf("teacher: %w", err)
		}
		r.teacher = t
		input = t.Input
		shapes, _ := t.Shapes(1)
		out := shapes[len(shapes)-1]
		if len(out) != 2 {
			return fmt.Errorf("teacher %s: output shape %v; want [batch, classes] logits", o.Teacher, out)
		}
		r.classes = out[1]
		if r.res.TeacherMACs, err = t.MACs(); err != nil {
			return err
		}
	}
	if input == nil {
		return errors.New("the labels-only baseline with a preset student still needs --teacher for the input shape")
	}
	full, test, err := Load(o.Data, input[0], input[1], input[2])
	if err != nil {
		return err
	}
	for i, l := range full.Labels {
		if l >= r.classes {
			return fmt.Errorf("%s: image %d has label %d; the teacher has %d classes", full.Source, i, l, r.classes)
		}
	}
	if o.LabelsOnly && !full.Labeled() {
		return fmt.Errorf("%s: the labels-only baseline needs labeled images", full.Source)
	}
	if len(o.Labels) == 0 {
		o.Labels = full.Classes
	}
	if len(o.Labels) != 0 && len(o.Labels) != r.classes {
		return fmt.Errorf("%d class names for a teacher with %d classes", len(o.Labels), r.classes)
	}
	r.norm = NewNormalizer(o.Preprocessing, input[0])
	// Validation split: a seeded permutation's tail.
	val := o.ValSplit
	if val == 0 {
		val = min(full.Len()/10, 5000)
	}
	if val >= full.Len() {
		return fmt.Errorf("%s: %d images cannot spare %d for validation", full.Source, full.Len(), val)
	}
	perm := rand.New(rand.NewPCG(o.Seed, 0x5917)).Perm(full.Len())
	trainIdx, valIdx := perm[:full.Len()-val], perm[full.Len()-val:]
	slices.Sort(trainIdx)
	slices.Sort(valIdx)
	r.trainSet, r.valSet = full.Subset(trainIdx), full.Subset(valIdx)
	r.testSet = test
	r.res.EvalSet = "test"
	if test == nil || !test.Labeled() {
		r.testSet, r.res.EvalSet = r.valSet, "validation"
	}
	if err := r.buildStudent(input); err != nil {
		return err
	}
	r.res.StudentMACs, _ = r.student.MACs()
	r.logf("teacher %s: %s MACs; student %s: %s MACs (%.2f×)\n", filepath.Base(o.Teacher), commas(r.res.TeacherMACs),
		r.studentName(), commas(r.res.StudentMACs), float64(r.res.StudentMACs)/float64(max(r.res.TeacherMACs, 1)))
	r.logf("data %s: %d training, %d validation, %d %s images\n", o.Data, r.trainSet.Len(), r.valSet.Len(), r.testSet.Len(), r.res.EvalSet)
	if r.teacher != nil && r.testSet.Labeled() {
		acc, err := Accuracy(r.teacher, r.testSet, r.norm, 256)
		if err != nil {
			return err
		}
		r.res.TeacherAcc = acc
		r.logf("teacher float accuracy %.2f%% (%s)\n", 100*acc, r.res.EvalSet)
	}
	return nil
}

func (r *runner) studentName() string {
	switch {
	case r.o.Student != "":
		return r.o.Student
	default:
		return fmt.Sprintf("teacher×%g", r.o.Width)
	}
}

func (r *runner) buildStudent(input []int) error {
	o := &r.o
	var err error
	switch {
	case strings.HasSuffix(strings.ToLower(o.Student), ".onnx"):
		r.student, err = LoadONNX(o.Student)
		if err == nil && !slices.Equal(r.student.Input, input) {
			err = fmt.Errorf("student %s takes %v, the teacher %v", o.Student, r.student.Input, input)
		}
		if err == nil && o.LabelsOnly {
			r.student.Init(o.Seed)
		}
	case o.Student != "":
		r.student, err = Preset(o.Student, input, r.classes, o.Seed)
	default:
		r.student, err = Narrow(r.teacher, o.Width)
		if err == nil && o.LabelsOnly {
			r.student.Init(o.Seed)
			resetBatchNorm(r.student)
		}
	}
	if err != nil {
		return fmt.Errorf("student: %w", err)
	}
	for _, n := range r.student.Nodes {
		if d, ok := n.Op.(*train.Dropout); ok {
			d.Seed = o.Seed
		}
	}
	shapes, err := r.student.Shapes(1)
	if err != nil {
		return err
	}
	if out := shapes[len(shapes)-1]; len(out) != 2 || out[1] != r.classes {
		return fmt.Errorf("student outputs %v; the teacher has %d classes", out, r.classes)
	}
	return nil
}

// resetBatchNorm gives batch norms their initial state (the labels-only
// baseline must not inherit the teacher's statistics).
func resetBatchNorm(m *train.Model) {
	for _, n := range m.Nodes {
		if b, ok := n.Op.(*train.BatchNorm); ok {
			fresh := train.NewBatchNorm(n.Name, b.C)
			copy(b.Gamma.Value, fresh.Gamma.Value)
			copy(b.Beta.Value, fresh.Beta.Value)
			copy(b.RunMean, fresh.RunMean)
			copy(b.RunVar, fresh.RunVar)
		}
	}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Accuracy is the float model's top-1 accuracy on d, in batches.
func Accuracy(m *train.Model, d *Dataset, norm Normalizer, batch int) (float64, error) {
	pred, err := Predict(m, d, norm, batch)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, p := range pred {
		if p == d.Labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(max(d.Len(), 1)), nil
}

// Predict returns the float model's top-1 class of every image of d.
func Predict(m *train.Model, d *Dataset, norm Normalizer, batch int) ([]int, error) {
	var x train.Tensor
	pred := make([]int, 0, d.Len())
	idx := make([]int, 0, batch)
	for i := 0; i < d.Len(); i += batch {
		idx = idx[:0]
		for j := i; j < min(i+batch, d.Len()); j++ {
			idx = append(idx, j)
		}
		d.Batch(norm, idx, &x)
		out, err := m.Forward(&x, false)
		if err != nil {
			return nil, err
		}
		pred = append(pred, train.Argmax(out)...)
	}
	return pred, nil
}

// metadata records labels, preprocessing and the producer in the model.
func (r *runner) metadata(b *builder.Builder) {
	if len(r.o.Labels) > 0 {
		b.SetLabels(r.o.Labels)
	}
	p := r.o.Preprocessing
	if p.Scale == 0 {
		p.Scale = 1
	}
	p.Channels, p.Height, p.Width = r.student.Input[0], r.student.Input[1], r.student.Input[2]
	p.ColorOrder = format.RGB
	if p.Channels == 1 {
		p.ColorOrder = format.Gray
	}
	b.SetPreprocessing(p)
	b.SetDescription(fmt.Sprintf("distilled from %s by edgeinfer distill (student %s)", filepath.Base(r.o.Teacher), r.studentName()))
	b.SetProducer(format.Producer{Name: "edgeinfer-distill", SourceModel: filepath.Base(r.o.Teacher)})
}

func marshalState(s *progressState) []byte {
	b, _ := json.Marshal(s)
	return b
}

func unmarshalState(b []byte) (*progressState, error) {
	s := new(progressState)
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("checkpoint progress record: %w", err)
	}
	return s, nil
}

// writeAtomic writes data to path through a temporary file and a rename.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
