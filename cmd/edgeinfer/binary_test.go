package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinary builds the edgeinfer binary once and checks what only a real
// process shows: exit statuses through os.Exit, and that stdout and stderr
// are the process's own streams.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	bin := filepath.Join(t.TempDir(), "edgeinfer")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exe := func(args ...string) (stdout, stderr string, code int) {
		var out, errw bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &errw
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			code = exit.ExitCode()
		case err != nil:
			t.Fatal(err)
		}
		return out.String(), errw.String(), code
	}
	ok := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := exe(args...)
		if code != 0 || stderr != "" {
			t.Fatalf("edgeinfer %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
		return stdout
	}

	// Help and the in-process harness agree.
	if got, want := ok("help"), mustRun(t, "help"); got != want {
		t.Errorf("help differs from the in-process output:\n%s\nvs\n%s", got, want)
	}

	// inspect --json and bench --json from the process.
	model := suiteModel(t, "resnet_block", "int8")
	if got, want := ok("inspect", "--json", model), mustRun(t, "inspect", "--json", model); got != want {
		t.Errorf("inspect --json differs from the in-process output")
	}
	checkBenchJSON(t, ok("bench", model, "--json", "--runs", "10", "--warmup", "1", "--threads", "2"), model, 2, 10)

	// run --input-raw writes the same bytes as the in-process run.
	dir := t.TempDir()
	in := filepath.Join(dir, "in.f32")
	var raw []byte
	for _, sample := range suiteCase(t, "resnet_block").Inputs {
		raw = append(raw, float32Bytes(nhwcToNCHW(sample[0], []int{1, 16, 16, 8}))...)
	}
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	outBin, outLib := filepath.Join(dir, "bin.f32"), filepath.Join(dir, "lib.f32")
	ok("run", model, "--input-raw", in, "--output-raw", outBin)
	mustRun(t, "run", model, "--input-raw", in, "--output-raw", outLib)
	a, errA := os.ReadFile(outBin)
	b, errB := os.ReadFile(outLib)
	if errA != nil || errB != nil || !bytes.Equal(a, b) || len(a) == 0 {
		t.Errorf("run --output-raw from the binary (%d bytes, %v) differs from in-process (%d bytes, %v)", len(a), errA, len(b), errB)
	}

	// Failures: the exit status, one stderr line.
	odd := filepath.Join(dir, "odd.f32")
	if err := os.WriteFile(odd, make([]byte, 5), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		code   int
		prefix string
	}{
		{[]string{"frobnicate"}, exitUsage, "edgeinfer: unknown verb"},
		{[]string{"bench", model, "--runs", "x"}, exitUsage, "edgeinfer: bench: invalid value"},
		{[]string{"inspect", filepath.Join(dir, "absent.einf")}, exitFailure, "edgeinfer: inspect: " + filepath.Join(dir, "absent.einf")},
		{[]string{"run", model, "--input-raw", odd, "--output-raw", filepath.Join(dir, "x.f32")}, exitFailure, "edgeinfer: run: " + odd + ": 5 bytes"},
	} {
		stdout, stderr, code := exe(tc.args...)
		checkFailure(t, stdout, stderr, code, tc.code, tc.prefix)
	}
}
