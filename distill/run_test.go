package distill

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/train"
)

// writeIDX writes an unsigned-byte IDX file, gzipped.
func writeIDX(t *testing.T, path string, dims []int, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	z.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(z, binary.BigEndian, uint32(d))
	}
	z.Write(data)
	z.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// syntheticIDX writes a 10-class 28×28 data set in MNIST layout: class k
// is a bright 4-pixel-wide vertical bar at column 2k+2 with a random
// height offset, on noise.
func syntheticIDX(t *testing.T, dir string, trainN, testN int) {
	r := rand.New(rand.NewPCG(42, 43))
	for _, split := range []struct {
		name string
		n    int
	}{{"train", trainN}, {"t10k", testN}} {
		imgs := make([]byte, split.n*784)
		labels := make([]byte, split.n)
		for i := range split.n {
			k := r.IntN(10)
			labels[i] = byte(k)
			img := imgs[i*784 : (i+1)*784]
			for p := range img {
				img[p] = byte(r.IntN(60))
			}
			y0 := r.IntN(10)
			for y := y0; y < y0+16; y++ {
				for x := 2*k + 2; x < 2*k+6; x++ {
					img[y*28+x] = byte(180 + r.IntN(70))
				}
			}
		}
		writeIDX(t, filepath.Join(dir, split.name+"-images-idx3-ubyte.gz"), []int{split.n, 28, 28}, imgs)
		writeIDX(t, filepath.Join(dir, split.name+"-labels-idx1-ubyte.gz"), []int{split.n}, labels)
	}
}

// teacherONNX trains a small CNN on the synthetic data for one epoch with
// the engine and writes it as the teacher.
func teacherONNX(t *testing.T, dir string) string {
	t.Helper()
	d, _, err := Load("idx:"+dir, 1, 28, 28)
	if err != nil {
		t.Fatal(err)
	}
	b := &seqBuilder{m: &train.Model{Input: []int{1, 28, 28}}, c: 1}
	b.conv("c1", 8, 3, 1, 1, true, train.ReLU)
	b.maxpool("p1")
	b.conv("c2", 16, 3, 1, 1, true, train.ReLU)
	b.maxpool("p2")
	b.flatten()
	b.linear("fc", 10, false)
	m := b.m
	m.Init(5)
	norm := NewNormalizer(format.Preprocessing{Scale: 1.0 / 255}, 1)
	opt := &train.AdamW{}
	var x train.Tensor
	for i := 0; i+32 <= d.Len(); i += 32 {
		idx := make([]int, 32)
		for k := range idx {
			idx[k] = i + k
		}
		labels := d.Batch(norm, idx, &x)
		out, err := m.Forward(&x, true)
		if err != nil {
			t.Fatal(err)
		}
		grad := train.NewTensor(out.Shape...)
		train.CrossEntropy(out, labels, 1, grad)
		m.ZeroGrad()
		m.Backward(grad)
		opt.Step(m.Params(), 3e-3)
	}
	path := filepath.Join(dir, "teacher.onnx")
	if err := WriteONNX(m, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func testOptions(dir, teacher, out string) Options {
	return Options{Teacher: teacher, Data: "idx:" + dir, Out: out, Width: 0.5,
		Epochs: 2, QATEpochs: 1, Batch: 32, ValSplit: 100, CalibImages: 200, Seed: 3,
		Preprocessing: format.Preprocessing{Scale: 1.0 / 255}, Augment: train.Augment{HFlip: true},
		CheckpointEvery: 5}
}

// TestRunEndToEnd distils on synthetic data and checks the outputs: the
// int8 model file exists and loads, it is accurate on this easy task, it
// agrees with the fake-quantized model, and the student is narrower.
func TestRunEndToEnd(t *testing.T) {
	dir := t.TempDir()
	syntheticIDX(t, dir, 900, 300)
	teacher := teacherONNX(t, dir)
	o := testOptions(dir, teacher, filepath.Join(dir, "s.einf"))
	o.Plot = filepath.Join(dir, "curves.png")
	o.ExportStudent = filepath.Join(dir, "s.onnx")
	res, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("teacher %.3f student %.3f ptq %.3f fake %.3f int8 %.3f agreement %.3f, MACs %d -> %d",
		res.TeacherAcc, res.StudentAcc, res.PTQAcc, res.FakeQuantAcc, res.Int8Acc, res.Agreement, res.TeacherMACs, res.StudentMACs)
	if res.Int8Acc < 0.9 || res.Agreement < 0.98 {
		t.Errorf("int8 accuracy %.3f, agreement %.3f: want >= 0.9 and >= 0.98", res.Int8Acc, res.Agreement)
	}
	if res.StudentMACs*3 > res.TeacherMACs {
		t.Errorf("student %d MACs, teacher %d: width 0.5 should take about a quarter", res.StudentMACs, res.TeacherMACs)
	}
	data, err := os.ReadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := format.Decode(data); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{o.Plot, o.ExportStudent} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := os.Stat(o.Out + ".ckpt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("checkpoint left behind after a finished run: %v", err)
	}
}

// TestResumeIsExact interrupts runs in the distillation phase and in the
// QAT phase, resumes them from their checkpoints, and requires the int8
// model to be byte-identical to an uninterrupted run's: batch order,
// flips and dropout come from seeded streams indexed by epoch and step,
// and the checkpoint holds the optimizer's moments.
func TestResumeIsExact(t *testing.T) {
	dir := t.TempDir()
	syntheticIDX(t, dir, 400, 100)
	teacher := teacherONNX(t, dir)
	ref := testOptions(dir, teacher, filepath.Join(dir, "ref.einf"))
	if _, err := Run(ref); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(ref.Out)
	perEpoch := (300 + 31) / 32 // 400 images less 100 for validation
	for _, stop := range []int{7, 2*perEpoch + 3} {
		o := testOptions(dir, teacher, filepath.Join(dir, "resumed.einf"))
		o.StopAfter = stop
		if _, err := Run(o); !errors.Is(err, ErrInterrupted) {
			t.Fatalf("stop after %d steps: %v, want ErrInterrupted", stop, err)
		}
		o.StopAfter, o.Resume = 0, true
		res, err := Run(o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Resumed == "" {
			t.Errorf("stop after %d: the run did not resume", stop)
		}
		got, _ := os.ReadFile(o.Out)
		if !bytes.Equal(got, want) {
			t.Errorf("stop after %d steps (resumed at %s): the int8 model differs from the uninterrupted run's", stop, res.Resumed)
		}
	}
}

// TestBadDataFailsBeforeTraining checks that missing or malformed data
// sets are reported, naming the problem, before any training.
func TestBadDataFailsBeforeTraining(t *testing.T) {
	dir := t.TempDir()
	syntheticIDX(t, dir, 100, 10)
	teacher := teacherONNX(t, dir)
	empty := t.TempDir()
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "train-images-idx3-ubyte"), []byte("not idx"), 0o644)
	os.WriteFile(filepath.Join(bad, "train-labels-idx1-ubyte"), []byte("not idx"), 0o644)
	for _, c := range []struct{ data, want string }{
		{"idx:" + filepath.Join(dir, "missing"), "no such file"},
		{"idx:" + empty, "train-images-idx3-ubyte"},
		{"idx:" + bad, "not an unsigned-byte IDX file"},
		{"images:" + empty, "no .png or .jpg images"},
		{"csv:" + dir, "unknown kind"},
	} {
		o := testOptions(dir, teacher, filepath.Join(dir, "x.einf"))
		o.Data = c.data
		_, err := Run(o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.data, err, c.want)
		}
	}
}
