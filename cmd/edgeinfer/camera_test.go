package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/internal/defaultmodel"
)

// defaultModelFile writes the embedded model to a file for the camera verb.
func defaultModelFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fashion.einf")
	if err := os.WriteFile(path, defaultmodel.Model(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// camera over an ffmpeg test pattern on a pipe: one JSON line per
// classified frame, and a summary whose counts add up.
func TestCameraPipe(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("no ffmpeg")
	}
	model := defaultModelFile(t)
	stdout, stderr, code := invoke("camera", model, "--threads", "1", "--top", "2",
		"--source", "pipe:ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=96x64:rate=25 -frames:v 40 -pix_fmt yuv420p -f rawvideo -",
		"--format", "yuv420", "--size", "96x64", "--range", "limited")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	m := regexp.MustCompile(`frames: 40 captured, (\d+) classified .*, (\d+) dropped, 0 corrupt`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("summary:\n%s", stderr)
	}
	if m[1] != itoa(len(lines)) {
		t.Errorf("%d JSON lines, summary says %s classified", len(lines), m[1])
	}
	var last struct {
		Seq     uint64 `json:"seq"`
		Dropped uint64 `json:"dropped"`
		Top     []struct {
			Label string `json:"label"`
		} `json:"top"`
	}
	for _, l := range lines {
		if err := json.Unmarshal([]byte(l), &last); err != nil || len(last.Top) != 2 || last.Top[0].Label == "" {
			t.Fatalf("line %q: %v", l, err)
		}
	}
	if !strings.Contains(stderr, "frames yuv420 96x64") {
		t.Errorf("summary lacks the frame format:\n%s", stderr)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCameraUsageErrors(t *testing.T) {
	model := defaultModelFile(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"camera", model}, "--source is required"},
		{[]string{"camera", "--source", "pipe:-"}, "want one MODEL operand"},
		{[]string{"camera", model, "--source", "pipe:-", "--size", "640by480"}, `--size: "640by480" is not WxH`},
		{[]string{"camera", model, "--source", "pipe:-", "--format", "h264"}, `--format: unknown pixel format "h264"`},
		{[]string{"camera", model, "--source", "pipe:-", "--range", "tv"}, `--range "tv": want full or limited`},
		{[]string{"camera", model, "--source", "nosuch.bin"}, `--source: source "nosuch.bin": not a device`},
		{[]string{"camera", model, "--source", "pipe:-", "--format", "yuv420", "--roi", "0.5,0.5,0.6,0.1"}, "--roi: roi 0.5,0.5,0.6,0.1"},
	} {
		_, stderr, code := invoke(c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, stderr, c.want)
		}
	}
	// A raw stream without its size fails before any frame, naming it.
	_, stderr, code := invoke("camera", model, "--source", "pipe:-", "--format", "yuv420")
	if code != exitFailure || !strings.Contains(stderr, "needs its frame size (--size WxH)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// SIGTERM stops a live camera run cleanly: exit 0, the summary on stderr,
// and the source command stopped.
func TestCameraSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "edgeinfer")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	model := defaultModelFile(t)
	// An endless 28x28 gray stream from a shell loop, a frame every 10 ms.
	frame := filepath.Join(dir, "frame.gray")
	os.WriteFile(frame, bytes.Repeat([]byte{128}, 28*28), 0o644)
	var out, errw bytes.Buffer
	cmd := exec.Command(bin, "camera", model, "--threads", "1", "--format", "gray", "--size", "28x28",
		"--source", "pipe:while :; do cat "+frame+"; sleep 0.01; done")
	cmd.Stdout, cmd.Stderr = &out, &errw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, errw.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("no exit 10 s after SIGTERM\n%s", errw.String())
	}
	m := regexp.MustCompile(`frames: (\d+) captured, (\d+) classified .*, (\d+) dropped`).FindStringSubmatch(errw.String())
	if m == nil {
		t.Fatalf("no summary:\n%s", errw.String())
	}
	if lines := strings.Count(out.String(), "\n"); itoa(lines) != m[2] || lines < 10 {
		t.Errorf("%d JSON lines, summary %q", lines, m[0])
	}
}
