package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/testmodels"
)

// tempRoot is a directory for the whole test binary; TestMain removes it.
var tempRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "edgeinfer-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tempRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// suiteFiles holds the suite models written so far. Models are written on
// first use, so a test that needs two models does not calibrate eleven.
var suiteFiles struct {
	sync.Mutex
	cases map[string]testmodels.Case
	err   map[string]error // by path; nil once written
}

// suiteCase returns the named case of internal/testmodels, one value per
// name so that its int8 calibration runs once.
func suiteCase(t *testing.T, name string) testmodels.Case {
	t.Helper()
	suiteFiles.Lock()
	defer suiteFiles.Unlock()
	return suiteCaseLocked(t, name)
}

func suiteCaseLocked(t *testing.T, name string) testmodels.Case {
	t.Helper()
	if c, ok := suiteFiles.cases[name]; ok {
		return c
	}
	c, ok := testmodels.Lookup(name)
	if !ok {
		t.Fatalf("no test model %q", name)
	}
	if suiteFiles.cases == nil {
		suiteFiles.cases = map[string]testmodels.Case{}
	}
	suiteFiles.cases[name] = c
	return c
}

// suiteModel returns the path of the named suite model, written as
// testmodels.WriteAll would: kind is "int8" or "float32".
func suiteModel(t *testing.T, name, kind string) string {
	t.Helper()
	suiteFiles.Lock()
	defer suiteFiles.Unlock()
	path := filepath.Join(tempRoot, name+"."+kind+".einf")
	err, done := suiteFiles.err[path]
	if !done {
		c := suiteCaseLocked(t, name)
		var m *format.Model
		switch kind {
		case "int8":
			m, err = c.Int8()
		case "float32":
			m, err = c.Float32()
		default:
			t.Fatalf("model kind %q", kind)
		}
		if err == nil {
			err = format.WriteFile(path, m)
		}
		if suiteFiles.err == nil {
			suiteFiles.err = map[string]error{}
		}
		suiteFiles.err[path] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// writeModel writes m into a new file of the test's temp directory.
func writeModel(t *testing.T, m *format.Model, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := format.WriteFile(p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

// invoke runs the command line in process.
func invoke(args ...string) (stdout, stderr string, code int) {
	var out, errw bytes.Buffer
	code = run(args, &out, &errw)
	return out.String(), errw.String(), code
}

// mustRun runs a command line that must succeed and returns its stdout.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := invoke(args...)
	if code != 0 || stderr != "" {
		t.Fatalf("edgeinfer %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// checkFailure checks the CLI's failure contract: the exit code, nothing on
// stdout, and exactly one stderr line "edgeinfer: VERB: ..." holding every
// string of want.
func checkFailure(t *testing.T, stdout, stderr string, code, wantCode int, prefix string, want ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit code %d, want %d (stderr %q)", code, wantCode, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr %q is not exactly one line", stderr)
	}
	if !strings.HasPrefix(stderr, prefix) {
		t.Errorf("stderr %q does not start with %q", stderr, prefix)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q does not contain %q", stderr, w)
		}
	}
	for _, bad := range []string{"panic", "goroutine "} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr %q contains %q", stderr, bad)
		}
	}
}

// float32Bytes and bytesFloat32 are the raw little-endian float32 encoding
// of `run --input-raw`, written out here independently of the CLI.
func float32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func bytesFloat32(t *testing.T, b []byte) []float32 {
	t.Helper()
	if len(b)%4 != 0 {
		t.Fatalf("%d bytes is not a whole number of float32s", len(b))
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

// nhwcToNCHW transposes one NHWC tensor of NHWC shape s.
func nhwcToNCHW(x []float32, s []int) []float32 {
	out := make([]float32, len(x))
	for n := range s[0] {
		for h := range s[1] {
			for w := range s[2] {
				for c := range s[3] {
					out[((n*s[3]+c)*s[1]+h)*s[2]+w] = x[((n*s[1]+h)*s[2]+w)*s[3]+c]
				}
			}
		}
	}
	return out
}

// toSource converts a tensor in the model's layout to the source layout of
// graph tensor t, as the metadata records it.
func toSource(m *format.Model, t int, x []float32) []float32 {
	shape := m.Tensors[t].Shape
	if m.Metadata.IOLayouts[t] == format.NCHW && len(shape) == 4 {
		return nhwcToNCHW(x, shape)
	}
	return x
}

func elements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
