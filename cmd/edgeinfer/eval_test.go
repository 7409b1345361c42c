package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/defaultmodel"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// fashionMNIST is where Debian's dataset-fashion-mnist installs the data.
const fashionMNIST = "/usr/share/datasets/fashion-mnist"

// writeDefaultModel writes the embedded int8 Fashion-MNIST model (with
// preprocessing metadata and labels) to a temporary file.
func writeDefaultModel(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fashion.einf")
	if err := os.WriteFile(p, defaultmodel.Model(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// gunzipIDX reads an IDX file the test's own way: gunzip, skip the header.
func gunzipIDX(t *testing.T, path string, header int) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b[header:]
}

// classify runs the model on img and returns the output's entries
// ordered by decreasing score (ties: lower index first).
func classify(t *testing.T, it *runtime.Interpreter, img image.Image) []int {
	t.Helper()
	if err := it.SetInputImage(0, img); err != nil {
		t.Fatal(err)
	}
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	y, err := it.OutputFloat32(0, nil, format.NHWC)
	if err != nil {
		t.Fatal(err)
	}
	order := make([]int, len(y))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case y[a] > y[b]:
			return -1
		case y[a] < y[b]:
			return 1
		}
		return 0
	})
	return order
}

// evalSamples is how many Fashion-MNIST test images TestEvalFashionMNIST
// classifies (twice): enough for every class to have confusions.
const evalSamples = 2000

// TestEvalFashionMNIST evaluates the embedded int8 Fashion-MNIST model on
// the first test images and checks the counts against a confusion matrix
// and top-5 count the test computes itself, and the PNG plot.
func TestEvalFashionMNIST(t *testing.T) {
	images := filepath.Join(fashionMNIST, "t10k-images-idx3-ubyte.gz")
	if _, err := os.Stat(images); err != nil {
		t.Skipf("%v (install dataset-fashion-mnist)", err)
	}
	model := writeDefaultModel(t)
	plot := filepath.Join(t.TempDir(), "confusion.png")
	out := mustRun(t, "eval", model, "--data", "idx:"+fashionMNIST, "--limit", fmt.Sprint(evalSamples), "--json", "--plot", plot, "--threads", "1")
	var got evalResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}

	pix := gunzipIDX(t, images, 16)
	labels := gunzipIDX(t, filepath.Join(fashionMNIST, "t10k-labels-idx1-ubyte.gz"), 8)
	m, err := runtime.LoadBytes(defaultmodel.Model())
	if err != nil {
		t.Fatal(err)
	}
	it, err := m.NewInterpreter(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]int, 10)
	for c := range want {
		want[c] = make([]int, 10)
	}
	top1, top5 := 0, 0
	for i := range evalSamples {
		img := &image.Gray{Pix: pix[784*i : 784*(i+1)], Stride: 28, Rect: image.Rect(0, 0, 28, 28)}
		order := classify(t, it, img)
		class := int(labels[i])
		want[class][order[0]]++
		if order[0] == class {
			top1++
		}
		if slices.Contains(order[:5], class) {
			top5++
		}
	}
	if got.Samples != evalSamples || got.Classes != 10 || len(got.Labels) != 10 || !strings.HasSuffix(got.Data, "t10k-images-idx3-ubyte.gz") {
		t.Errorf("samples %d classes %d labels %v data %q", got.Samples, got.Classes, got.Labels, got.Data)
	}
	if got.Top1Correct != top1 || got.Top5Correct != top5 || float64(got.Top1) != float64(top1)/evalSamples {
		t.Errorf("top-1 %d (%v), top-5 %d; want %d, %d", got.Top1Correct, got.Top1, got.Top5Correct, top1, top5)
	}
	for c := range want {
		if !slices.Equal(got.Confusion[c], want[c]) {
			t.Errorf("confusion row %d: %v, want %v", c, got.Confusion[c], want[c])
		}
	}
	t.Logf("int8 top-1 %.2f%%, top-5 %.2f%% on the first %d test images", 100*float64(got.Top1), 100*float64(got.Top5), evalSamples)

	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// 10 classes: 48-pixel cells after a margin of one digit and 8 pixels.
	cell, margin := 48, numberWidth(9)+8
	if b := img.Bounds(); b.Dx() != margin+10*cell+4 || b.Dy() != b.Dx() {
		t.Errorf("plot size %v", b)
	}
	// Trousers (1) are rarely confused with sandals (5): the diagonal cell
	// is darker than the off-diagonal one. Sample a corner pixel, clear of
	// the count's digits.
	lum := func(row, col int) uint32 {
		r, g, b, _ := img.At(margin+col*cell+3, margin+row*cell+3).RGBA()
		return r + g + b
	}
	if lum(1, 1) >= lum(1, 5) {
		t.Errorf("diagonal cell (1,1) not darker than (1,5): %d vs %d", lum(1, 1), lum(1, 5))
	}
}

// TestEvalImagesDir evaluates the embedded samples laid out as
// DIR/LABEL/*.png and checks the text report against per-image runs.
func TestEvalImagesDir(t *testing.T) {
	samples, err := defaultmodel.Samples()
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.LoadBytes(defaultmodel.Model())
	if err != nil {
		t.Fatal(err)
	}
	labels := m.Format().Metadata.Labels
	dir := t.TempDir()
	it, err := m.NewInterpreter(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for _, s := range samples {
		sub := filepath.Join(dir, strings.ReplaceAll(labels[s.Class], "/", "_"))
		os.MkdirAll(sub, 0o755)
		if err := os.WriteFile(filepath.Join(sub, s.Name), s.PNG, 0o644); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(s.PNG))
		if err != nil {
			t.Fatal(err)
		}
		if classify(t, it, img)[0] == s.Class {
			right++
		}
	}
	out := mustRun(t, "eval", writeDefaultModel(t), "--data", "images:"+dir)
	wantLine := "top-1 accuracy "
	if !strings.Contains(out, wantLine) || !strings.Contains(out, fmt.Sprintf("(%d/%d)", right, len(samples))) {
		t.Errorf("report does not give %d/%d right:\n%s", right, len(samples), out)
	}
	if !strings.Contains(out, "0 "+labels[0]) || !strings.Contains(out, "recall") {
		t.Errorf("confusion table without labels or recall:\n%s", out)
	}
}

func TestEvalErrors(t *testing.T) {
	model := writeDefaultModel(t)
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "no", "plot.png")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"eval", model}, exitUsage, "missing --data"},
		{[]string{"eval", model, "--data", "csv:x"}, exitUsage, `unknown kind "csv"`},
		{[]string{"eval", model, "--data", "idx:" + empty}, exitFailure, "no IDX image file"},
		{[]string{"eval", model, "--data", "images:" + empty}, exitFailure, "no images in class folders"},
		{[]string{"eval", model, "--data", "images:" + empty, "--plot", missing}, exitFailure, "does not exist"},
	} {
		_, stderr, code := invoke(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Error("the missing plot directory was created")
	}
}
