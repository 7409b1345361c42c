package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxtest"
)

// TestDistillCommandLine checks usage errors and that a missing data set
// is reported before training, naming the folder.
func TestDistillCommandLine(t *testing.T) {
	dir := t.TempDir()
	teacher := filepath.Join(dir, "t.onnx")
	if err := os.WriteFile(teacher, onnxtest.SmallCNN(1).Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nowhere")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"distill", "--data", "idx:x", "-o", "o.einf"}, exitUsage, "missing --teacher"},
		{[]string{"distill", "--teacher", teacher, "-o", "o.einf"}, exitUsage, "missing --data"},
		{[]string{"distill", "--teacher", teacher, "--data", "idx:x"}, exitUsage, "missing -o"},
		{[]string{"distill", "--teacher", teacher, "--data", "idx:x", "-o", "o", "--student", "lenet5", "--width", "0.5"}, exitUsage, "alternatives"},
		{[]string{"distill", "--teacher", teacher, "--data", "idx:x", "-o", "o", "--augment", "rotate"}, exitUsage, "unknown augmentation"},
		{[]string{"distill", "--teacher", teacher, "--data", "idx:" + missing, "-o", filepath.Join(dir, "o.einf")}, exitFailure, missing},
		{[]string{"distill", "--teacher", teacher, "--data", "idx:" + dir, "-o", filepath.Join(dir, "o.einf"), "--student", "vgg"}, exitFailure, "train-images-idx3-ubyte"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
}
