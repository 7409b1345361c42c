package distill

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/train"
)

// teacherLogits caches the teacher's logits for every training image, in
// both orientations when flips are the only augmentation.
type teacherLogits struct {
	k      int
	plain  []float32
	mirror []float32 // nil without flips
}

// cacheable reports whether the augmentation lets the teacher's logits be
// computed once per image.
func (r *runner) cacheable() bool {
	a := r.o.Augment
	return a.CropPad == 0 && a.Brightness == 0 && a.Contrast == 0
}

func (r *runner) teacherCache() error {
	if r.teacher == nil || r.o.LabelsOnly || r.o.Alpha == 0 || !r.cacheable() {
		return nil
	}
	n := r.trainSet.Len()
	t := &teacherLogits{k: r.classes}
	path := r.o.Checkpoint + ".teacher"
	orients := 1
	if r.o.Augment.HFlip {
		orients = 2
	}
	want := orients * n * r.classes
	if data, err := os.ReadFile(path); err == nil && len(data) == 4*want {
		all := make([]float32, want)
		for i := range all {
			all[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		t.plain = all[:n*r.classes]
		if orients == 2 {
			t.mirror = all[n*r.classes:]
		}
		r.tlogits = t
		r.logf("teacher logits: reusing %s\n", path)
		return nil
	}
	start := time.Now()
	var x train.Tensor
	const batch = 256
	all := make([]float32, 0, want)
	for o := range orients {
		for i := 0; i < n; i += batch {
			idx := make([]int, 0, batch)
			for j := i; j < min(i+batch, n); j++ {
				idx = append(idx, j)
			}
			r.trainSet.Batch(r.norm, idx, &x)
			if o == 1 {
				mirror(&x)
			}
			out, err := r.teacher.Forward(&x, false)
			if err != nil {
				return err
			}
			all = append(all, out.Data...)
			fmt.Fprintf(r.log, "\rteacher logits: %d/%d images", o*n+min(i+batch, n), orients*n)
		}
	}
	r.logf(" (%.0f s)\n", time.Since(start).Seconds())
	t.plain = all[:n*r.classes]
	if orients == 2 {
		t.mirror = all[n*r.classes:]
	}
	r.tlogits = t
	buf := make([]byte, 4*len(all))
	for i, v := range all {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	return writeAtomic(path, buf)
}

// mirror flips every image of x left-right.
func mirror(x *train.Tensor) {
	w := x.Shape[3]
	for row := 0; row < len(x.Data); row += w {
		line := x.Data[row : row+w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			line[i], line[j] = line[j], line[i]
		}
	}
}

// phase is one training phase over a model.
type phase struct {
	name    string
	model   *train.Model
	opt     *train.AdamW
	sched   train.Cosine
	epochs  int
	salt    uint64 // separates the phases' random streams
	stopper *train.EarlyStopping
	// beforeStep runs before each step with the phase's step count
	// (QAT freezes its observers half way).
	beforeStep func(step int)
	// evalModel is what validation measures (default model).
	evalModel *train.Model
}

func (r *runner) batchesPerEpoch() int { return (r.trainSet.Len() + r.o.Batch - 1) / r.o.Batch }

// run trains p from state st, checkpointing to r.o.Checkpoint.
func (r *runner) run(p *phase, st *progressState) error {
	o := &r.o
	n := r.trainSet.Len()
	nb := r.batchesPerEpoch()
	params := p.model.Params()
	var x, teacherOut train.Tensor
	grad := &train.Tensor{}
	alpha := o.Alpha
	if o.LabelsOnly || r.teacher == nil {
		alpha = 0
	}
	ids := make([]uint64, o.Batch)
	flips := make([]bool, o.Batch)
	lastSave := time.Now()
	for epoch := st.Epoch; epoch < p.epochs && !st.Stopped; epoch++ {
		perm := rand.New(rand.NewPCG(o.Seed^p.salt, uint64(epoch))).Perm(n)
		epochStart := time.Now()
		for b := st.Batch; b < nb; b++ {
			stepStart := time.Now()
			idx := perm[b*o.Batch : min((b+1)*o.Batch, n)]
			labels := r.trainSet.Batch(r.norm, idx, &x)
			for i, j := range idx {
				ids[i] = (p.salt<<40 | uint64(epoch)<<32) + uint64(j)
			}
			if err := r.augment(&x, idx, ids[:len(idx)], flips[:len(idx)], alpha, &teacherOut); err != nil {
				return err
			}
			if p.beforeStep != nil {
				p.beforeStep(st.Step)
			}
			for _, nd := range p.model.Nodes {
				if d, ok := nd.Op.(*train.Dropout); ok {
					d.SetStep(p.salt<<40 | uint64(st.Step))
				}
			}
			out, err := p.model.Forward(&x, true)
			if err != nil {
				return err
			}
			grad.Shape = append(grad.Shape[:0], out.Shape...)
			grad.Data = append(grad.Data[:0], make([]float32, len(out.Data))...)
			ceW := float32(1 - alpha)
			if !r.trainSet.Labeled() && alpha > 0 {
				ceW = 0
			}
			ce, correct := train.CrossEntropy(out, labels, ceW, grad)
			loss := float64(ceW) * ce
			if alpha > 0 {
				loss += alpha * train.Distillation(out, &teacherOut, o.Temperature, float32(alpha), grad)
			}
			p.model.ZeroGrad()
			p.model.Backward(grad)
			if o.ClipNorm > 0 {
				train.ClipGradNorm(params, o.ClipNorm)
			}
			lr := p.sched.LR(st.Step)
			p.opt.Step(params, lr)
			st.Step++
			st.Batch = b + 1
			st.LossSum += loss * float64(len(idx))
			st.CorrectSum += correct
			st.SeenSum += len(idx)
			st.TrainSecs += time.Since(stepStart).Seconds()
			st.TrainImgs += len(idx)
			r.steps++
			if b%10 == 0 || b == nb-1 {
				r.progress(p, epoch, b+1, nb, st, lr)
			}
			if math.IsNaN(loss) {
				return fmt.Errorf("%s epoch %d batch %d: the loss is NaN; lower --lr", p.name, epoch+1, b+1)
			}
			interrupt := o.StopAfter > 0 && r.steps >= o.StopAfter
			if st.Step%o.CheckpointEvery == 0 || interrupt || time.Since(lastSave) > time.Minute {
				if err := r.save(p, st); err != nil {
					return err
				}
				lastSave = time.Now()
			}
			if interrupt {
				r.logf("\n")
				return ErrInterrupted
			}
		}
		em := p.evalModel
		if em == nil {
			em = p.model
		}
		val, err := Accuracy(em, r.valSet, r.norm, 256)
		if err != nil {
			return err
		}
		e := Epoch{Phase: p.name, Epoch: epoch + 1, TrainLoss: st.LossSum / float64(max(st.SeenSum, 1)),
			TrainAcc: float64(st.CorrectSum) / float64(max(st.SeenSum, 1)), ValAcc: val,
			LR: p.sched.LR(st.Step - 1), Seconds: time.Since(epochStart).Seconds()}
		st.Curves = append(st.Curves, e)
		r.logf("\r%s epoch %d/%d: loss %.4f, train acc %.2f%%, val acc %.2f%%, %.0f images/s, %.0f s\x1b[K\n",
			p.name, epoch+1, p.epochs, e.TrainLoss, 100*e.TrainAcc, 100*val, float64(st.TrainImgs)/max(st.TrainSecs, 1e-9), e.Seconds)
		st.Epoch, st.Batch = epoch+1, 0
		st.LossSum, st.CorrectSum, st.SeenSum = 0, 0, 0
		if p.stopper != nil {
			best, stop := p.stopper.Update(epoch, val)
			if best {
				st.BestVal, st.BestEpoch = val, epoch+1
				if err := train.Snapshot(p.model, nil, nil).Save(o.Checkpoint + ".best"); err != nil {
					return err
				}
			}
			if stop {
				r.logf("%s: no validation gain for %d epochs; stopping early\n", p.name, o.Patience)
				st.Stopped = true
			}
		}
		if err := r.save(p, st); err != nil {
			return err
		}
		lastSave = time.Now()
	}
	return nil
}

// augment transforms the batch and fills teacherOut with the teacher's
// logits for it (cached or computed).
func (r *runner) augment(x *train.Tensor, idx []int, ids []uint64, flips []bool, alpha float64, teacherOut *train.Tensor) error {
	a := r.o.Augment
	useTeacher := alpha > 0
	if r.tlogits != nil {
		// Cached logits: only flips, decided per image here so the
		// matching orientation's logits can be looked up.
		k := r.tlogits.k
		teacherOut.Shape = append(teacherOut.Shape[:0], len(idx), k)
		teacherOut.Data = teacherOut.Data[:0]
		per := numel(x.Shape[1:])
		w := x.Shape[3]
		for i, j := range idx {
			src := r.tlogits.plain
			if a.HFlip && rand.New(rand.NewPCG(r.o.Seed, ids[i])).IntN(2) == 1 {
				src = r.tlogits.mirror
				img := x.Data[i*per : (i+1)*per]
				for row := 0; row < per; row += w {
					line := img[row : row+w]
					for p, q := 0, w-1; p < q; p, q = p+1, q-1 {
						line[p], line[q] = line[q], line[p]
					}
				}
			}
			teacherOut.Data = append(teacherOut.Data, src[j*k:(j+1)*k]...)
		}
		return nil
	}
	if a.Enabled() {
		a.Apply(x, r.o.Seed, ids)
	}
	if useTeacher {
		out, err := r.teacher.Forward(x, false)
		if err != nil {
			return err
		}
		teacherOut.Shape = append(teacherOut.Shape[:0], out.Shape...)
		teacherOut.Data = append(teacherOut.Data[:0], out.Data...)
	}
	return nil
}

func (r *runner) progress(p *phase, epoch, b, nb int, st *progressState, lr float64) {
	const width = 24
	done := b * width / nb
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < done {
			bar[i] = '='
		}
	}
	r.logf("\r%s %d/%d [%s] %d/%d loss %.4f acc %.2f%% lr %.2g %.0f img/s\x1b[K", p.name, epoch+1, p.epochs, bar, b, nb,
		st.LossSum/float64(max(st.SeenSum, 1)), 100*float64(st.CorrectSum)/float64(max(st.SeenSum, 1)), lr,
		float64(st.TrainImgs)/max(st.TrainSecs, 1e-9))
}

func (r *runner) save(p *phase, st *progressState) error {
	st.Phase = p.name
	return train.Snapshot(p.model, p.opt, marshalState(st)).Save(r.o.Checkpoint)
}

// loadState returns the checkpoint's progress when resuming, or nil.
func (r *runner) loadState() (*train.Checkpoint, *progressState, error) {
	if !r.o.Resume {
		return nil, nil, nil
	}
	c, err := train.LoadCheckpoint(r.o.Checkpoint)
	if errors.Is(err, os.ErrNotExist) {
		r.logf("no checkpoint %s: starting afresh\n", r.o.Checkpoint)
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := unmarshalState(c.Meta)
	if err != nil {
		return nil, nil, err
	}
	r.res.Resumed = fmt.Sprintf("%s epoch %d batch %d (step %d)", st.Phase, st.Epoch+1, st.Batch, st.Step)
	r.logf("resuming from %s: %s\n", r.o.Checkpoint, r.res.Resumed)
	return c, st, nil
}

func (r *runner) distillPhase() *phase {
	nb := r.batchesPerEpoch()
	total := r.o.Epochs * nb
	p := &phase{name: "distill", model: r.student, epochs: r.o.Epochs, salt: 1,
		opt:   &train.AdamW{WeightDecay: r.o.WeightDecay},
		sched: train.Cosine{Base: r.o.LR, Min: r.o.LR / 100, Warmup: min(200, total/10), Total: total}}
	if r.o.Patience > 0 {
		p.stopper = &train.EarlyStopping{Patience: r.o.Patience}
	}
	return p
}

// distill runs (or resumes) the distillation phase and leaves the best
// student (by validation accuracy) in r.student.
func (r *runner) distill() error {
	ck, st, err := r.loadState()
	if err != nil {
		return err
	}
	kdPath := r.o.Checkpoint + ".kd"
	if st != nil && st.Phase == "qat" {
		kd, err := train.LoadCheckpoint(kdPath)
		if err != nil {
			return fmt.Errorf("resume: the distilled student: %w", err)
		}
		if err := kd.Restore(r.student, nil); err != nil {
			return err
		}
		kst, err := unmarshalState(kd.Meta)
		if err != nil {
			return err
		}
		r.res.Curves = kst.Curves
		r.resumeQAT = &resumePoint{ck: ck, st: st}
		r.res.ImagesPerSecond = float64(kst.TrainImgs) / max(kst.TrainSecs, 1e-9)
		return nil
	}
	if err := r.teacherCache(); err != nil {
		return err
	}
	p := r.distillPhase()
	if st == nil {
		st = &progressState{}
	} else if err := ck.Restore(r.student, p.opt); err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	if p.stopper != nil && st.BestEpoch > 0 {
		p.stopper.Update(st.BestEpoch-1, st.BestVal)
		for _, e := range st.Curves {
			p.stopper.Update(e.Epoch-1, e.ValAcc)
		}
	}
	if err := r.run(p, st); err != nil {
		return err
	}
	if st.BestEpoch > 0 && st.BestEpoch != len(st.Curves) {
		best, err := train.LoadCheckpoint(r.o.Checkpoint + ".best")
		if err != nil {
			return err
		}
		if err := best.Restore(r.student, nil); err != nil {
			return err
		}
		r.logf("distill: keeping epoch %d (best validation accuracy %.2f%%)\n", st.BestEpoch, 100*st.BestVal)
	}
	r.res.Curves = st.Curves
	r.res.ImagesPerSecond = float64(st.TrainImgs) / max(st.TrainSecs, 1e-9)
	st.Phase = "distill-done"
	return train.Snapshot(r.student, nil, marshalState(st)).Save(kdPath)
}

type resumePoint struct {
	ck *train.Checkpoint
	st *progressState
}

// qat fine-tunes the folded student with fake quantization and returns
// the QAT model and its quantizers.
func (r *runner) qat() (*train.Model, []Quantizer, error) {
	f, err := Fold(r.student)
	if err != nil {
		return nil, nil, err
	}
	q, qs, err := PrepareQAT(f)
	if err != nil {
		return nil, nil, err
	}
	nb := r.batchesPerEpoch()
	total := r.o.QATEpochs * nb
	p := &phase{name: "qat", model: q, epochs: r.o.QATEpochs, salt: 2,
		opt:   &train.AdamW{WeightDecay: 0},
		sched: train.Cosine{Base: r.o.LR / 20, Min: r.o.LR / 2000, Warmup: min(50, total/10), Total: total}}
	// Observers follow the data for the first half, then freeze so that
	// the second half trains against the final grid.
	p.beforeStep = func(step int) { SetQuantizing(qs, true, step < total/2) }
	st := &progressState{}
	if rp := r.resumeQAT; rp != nil {
		st = rp.st
		if err := rp.ck.Restore(q, p.opt); err != nil {
			return nil, nil, fmt.Errorf("resume: %w", err)
		}
	} else {
		if err := r.calibrate(q, qs); err != nil {
			return nil, nil, err
		}
	}
	if err := r.teacherCache(); err != nil {
		return nil, nil, err
	}
	if err := r.run(p, st); err != nil {
		return nil, nil, err
	}
	SetQuantizing(qs, true, false)
	r.res.Curves = append(r.res.Curves, st.Curves...)
	return q, qs, nil
}

// calibrate sets the quantizers' initial ranges from the float model's
// activations on the first CalibImages training images.
func (r *runner) calibrate(q *train.Model, qs []Quantizer) error {
	SetQuantizing(qs, false, true)
	for _, x := range qs {
		x.FQ.Momentum = 0.1
	}
	var x train.Tensor
	n := min(r.o.CalibImages, r.trainSet.Len())
	for i := 0; i < n; i += r.o.Batch {
		idx := make([]int, 0, r.o.Batch)
		for j := i; j < min(i+r.o.Batch, n); j++ {
			idx = append(idx, j)
		}
		r.trainSet.Batch(r.norm, idx, &x)
		if _, err := q.Forward(&x, true); err != nil {
			return err
		}
	}
	for _, x := range qs {
		x.FQ.Momentum = 0.01
	}
	return nil
}

// finish evaluates, quantizes and writes the outputs.
func (r *runner) finish() error {
	o := &r.o
	acc, err := Accuracy(r.student, r.testSet, r.norm, 256)
	if err != nil {
		return err
	}
	r.res.StudentAcc = acc
	if o.ExportStudent != "" {
		if err := WriteONNX(r.student, o.ExportStudent); err != nil {
			return err
		}
	}
	ptq, err := PTQ(r.student, r.trainSet, r.norm, o.CalibImages, r.metadata)
	if err != nil {
		return fmt.Errorf("post-training quantization: %w", err)
	}
	if _, r.res.PTQAcc, err = Int8Accuracy(ptq, r.testSet, r.norm); err != nil {
		return err
	}
	r.logf("student float %.2f%%, PTQ int8 %.2f%% (%s)\n", 100*r.res.StudentAcc, 100*r.res.PTQAcc, r.res.EvalSet)
	model := ptq
	if o.QATEpochs > 0 {
		q, qs, err := r.qat()
		if err != nil {
			return err
		}
		if model, err = Int8(q, qs, r.metadata); err != nil {
			return err
		}
		pred, acc, err := Int8Accuracy(model, r.testSet, r.norm)
		if err != nil {
			return err
		}
		r.res.Int8Acc = acc
		fake, err := Predict(q, r.testSet, r.norm, 256)
		if err != nil {
			return err
		}
		same, right := 0, 0
		for i := range fake {
			if fake[i] == pred[i] {
				same++
			}
			if fake[i] == r.testSet.Labels[i] {
				right++
			}
		}
		r.res.FakeQuantAcc = float64(right) / float64(len(fake))
		r.res.Agreement = float64(same) / float64(len(fake))
		r.logf("QAT: fake-quant %.2f%%, int8 %.2f%%, top-1 agreement %.2f%% (%s)\n",
			100*r.res.FakeQuantAcc, 100*r.res.Int8Acc, 100*r.res.Agreement, r.res.EvalSet)
	} else {
		r.res.Int8Acc = r.res.PTQAcc
	}
	data, err := format.Encode(model)
	if err != nil {
		return err
	}
	if err := writeAtomic(o.Out, data); err != nil {
		return err
	}
	r.res.Model = model
	if o.Plot != "" {
		if err := WritePlot(o.Plot, r.res.Curves); err != nil {
			return err
		}
	}
	for _, suffix := range []string{"", ".kd", ".best", ".teacher"} {
		os.Remove(o.Checkpoint + suffix)
	}
	return nil
}
