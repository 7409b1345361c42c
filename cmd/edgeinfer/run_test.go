package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/testmodels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// TestRunRawMatchesRuntime feeds N=3 samples of every suite model through
// `run --input-raw` and compares the output file bit for bit with the
// runtime's own dequantized outputs, computed here from the NHWC samples
// and transposed to the source layout by the test.
func TestRunRawMatchesRuntime(t *testing.T) {
	const n = 3
	for _, c := range testmodels.All() {
		for _, kind := range []string{"int8", "float32"} {
			t.Run(c.Name+"."+kind, func(t *testing.T) {
				path := suiteModel(t, c.Name, kind)
				rm, err := runtime.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				defer rm.Close()
				fm := rm.Format()
				dir := t.TempDir()
				in, out := filepath.Join(dir, "in.f32"), filepath.Join(dir, "out.f32")

				if len(fm.Inputs) != 1 {
					stdout, stderr, code := invoke("run", path, "--input-raw", in, "--output-raw", out)
					checkFailure(t, stdout, stderr, code, exitFailure, "edgeinfer: run: "+path+": ", "--input-raw feeds one input")
					return
				}
				it, err := rm.NewInterpreter(runtime.Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer it.Close()
				var raw, want []byte
				for s := range n {
					x := c.Inputs[s][0] // NHWC
					raw = append(raw, float32Bytes(toSource(fm, fm.Inputs[0], x))...)
					if err := it.SetInputFloat32(0, x, format.NHWC); err != nil {
						t.Fatal(err)
					}
					if err := it.Run(); err != nil {
						t.Fatal(err)
					}
					y, err := it.OutputFloat32(0, nil, format.NHWC)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, float32Bytes(toSource(fm, fm.Outputs[0], y))...)
				}
				if err := os.WriteFile(in, raw, 0o644); err != nil {
					t.Fatal(err)
				}
				// Two threads in the CLI, one here: the results must not
				// depend on the thread count.
				if out := mustRun(t, "run", path, "--input-raw", in, "--output-raw", out, "--threads", "2"); out != "" {
					t.Errorf("stdout %q, want nothing", out)
				}
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				wantLen := n * elements(fm.Tensors[fm.Outputs[0]].Shape) * 4
				if len(got) != wantLen || len(want) != wantLen {
					t.Fatalf("output %d bytes (runtime %d), want %d", len(got), len(want), wantLen)
				}
				if !bytes.Equal(got, want) {
					g, w := bytesFloat32(t, got), bytesFloat32(t, want)
					for i := range g {
						if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
							t.Fatalf("value %d: got %v, want %v", i, g[i], w[i])
						}
					}
				}
			})
		}
	}
}

// layoutModel multiplies an NHWC input [1,2,3,4] (NCHW [1,4,2,3] in the
// source) by channel c+1: every spatial position and channel is
// distinguishable, so any transposition error shows. The output's source
// layout is out.
func layoutModel(t *testing.T, out format.Layout) *format.Model {
	t.Helper()
	b := builder.New()
	x := b.Input("x", []int{1, 2, 3, 4}, format.NCHW)
	k := b.Constant("k", []int{1, 1, 1, 4}, []float32{1, 2, 3, 4})
	y := b.Mul("y", x, k, builder.ActNone)
	b.Output(y)
	b.SetSourceLayout(y, out)
	m, err := b.Float32Model()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRunRawLayout(t *testing.T) {
	const (
		h, w, c = 2, 3, 4
		n       = 2
	)
	// Tensor s holds NCHW value (s*1000 + i) at flat NCHW index i.
	var in []float32
	for s := range n {
		for i := range c * h * w {
			in = append(in, float32(s*1000+i))
		}
	}
	// The expected outputs, written out from the definition: NCHW element
	// [s, ch, y, x] times ch+1, placed at its index in the output layout.
	expect := func(l format.Layout) []float32 {
		out := make([]float32, len(in))
		for s := range n {
			for ch := range c {
				for y := range h {
					for x := range w {
						v := in[s*c*h*w+(ch*h+y)*w+x] * float32(ch+1)
						at := s*c*h*w + (ch*h+y)*w + x
						if l == format.NHWC {
							at = s*c*h*w + (y*w+x)*c + ch
						}
						out[at] = v
					}
				}
			}
		}
		return out
	}
	for _, l := range []format.Layout{format.NCHW, format.NHWC} {
		t.Run(layoutName(l), func(t *testing.T) {
			path := writeModel(t, layoutModel(t, l), "layout.einf")
			dir := t.TempDir()
			inPath, outPath := filepath.Join(dir, "in.f32"), filepath.Join(dir, "out.f32")
			if err := os.WriteFile(inPath, float32Bytes(in), 0o644); err != nil {
				t.Fatal(err)
			}
			mustRun(t, "run", path, "--input-raw", inPath, "--output-raw", outPath)
			raw, err := os.ReadFile(outPath)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := bytesFloat32(t, raw), expect(l); !slices.Equal(got, want) {
				t.Errorf("output\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestRunRawErrors(t *testing.T) {
	path := suiteModel(t, "lenet5", "int8")
	tensorBytes := 28 * 28 * 4 // lenet5's 1x1x28x28 float32 input
	dir := t.TempDir()
	out := filepath.Join(dir, "out.f32")
	previous := []byte("previous contents")
	if err := os.WriteFile(out, previous, 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		in   string
		out  string
		want []string
	}{
		{write("short.f32", tensorBytes+4), out, []string{
			"short.f32: ", fmt.Sprintf("%d bytes is not a multiple of %d bytes", tensorBytes+4, tensorBytes),
			`input "image" (1x1x28x28 NCHW float32)`,
		}},
		{write("half.f32", 2*tensorBytes-2), out, []string{fmt.Sprintf("%d bytes is not a multiple of %d bytes", 2*tensorBytes-2, tensorBytes)}},
		{write("empty.f32", 0), out, []string{"empty.f32: empty; want N × 3136 bytes"}},
		{filepath.Join(dir, "absent.f32"), out, []string{"absent.f32", "no such file"}},
		{write("good.f32", tensorBytes), filepath.Join(dir, "no-such-dir", "out.f32"), []string{"no-such-dir"}},
	} {
		stdout, stderr, code := invoke("run", path, "--input-raw", tc.in, "--output-raw", tc.out)
		checkFailure(t, stdout, stderr, code, exitFailure, "edgeinfer: run: ", tc.want...)
	}
	// A failed run leaves the output file as it was and no temporary file.
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, previous) {
		t.Errorf("output file after failures: %q, %v; want %q", got, err, previous)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// writeImages writes a PNG and a JPEG of different sizes and aspect
// ratios, with colour gradients so that every pixel differs.
func writeImages(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range []struct {
		name string
		w, h int
		enc  func(*os.File, image.Image) error
	}{
		{"gradient.png", 40, 30, func(f *os.File, m image.Image) error { return png.Encode(f, m) }},
		{"gradient.jpg", 50, 64, func(f *os.File, m image.Image) error { return jpeg.Encode(f, m, &jpeg.Options{Quality: 90}) }},
	} {
		img := image.NewRGBA(image.Rect(0, 0, f.w, f.h))
		for y := range f.h {
			for x := range f.w {
				img.Set(x, y, color.RGBA{uint8(x * 255 / f.w), uint8(y * 255 / f.h), uint8((x*y + 31) % 256), 255})
			}
		}
		p := filepath.Join(dir, f.name)
		file, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.enc(file, img); err != nil {
			t.Fatal(err)
		}
		if err := file.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// expectedTop runs the runtime on the decoded image file.
func expectedTop(t *testing.T, rm *runtime.Model, path string, k int) []runtime.Class {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	it, err := rm.NewInterpreter(runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	if err := it.SetInputImage(0, img); err != nil {
		t.Fatal(err)
	}
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	return it.TopK(0, k, nil)
}

func TestRunImages(t *testing.T) {
	images := writeImages(t)
	for _, name := range []string{"lenet5", "alexnet_small"} { // gray and RGB inputs
		for _, kind := range []string{"int8", "float32"} {
			t.Run(name+"."+kind, func(t *testing.T) {
				path := suiteModel(t, name, kind)
				rm, err := runtime.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				defer rm.Close()
				if len(rm.Format().Metadata.Labels) == 0 {
					t.Fatalf("%s has no labels; the test needs them", path)
				}

				args := append([]string{"run", path, "--json", "--top", "3"}, images...)
				lines := strings.Split(strings.TrimSuffix(mustRun(t, args...), "\n"), "\n")
				if len(lines) != len(images) {
					t.Fatalf("%d JSON lines for %d images", len(lines), len(images))
				}
				for i, line := range lines {
					var r struct {
						File string `json:"file"`
						Top  []struct {
							Index int     `json:"index"`
							Label string  `json:"label"`
							Score float32 `json:"score"`
						} `json:"top"`
						LatencyMS float64 `json:"latency_ms"`
					}
					if err := json.Unmarshal([]byte(line), &r); err != nil {
						t.Fatalf("line %d: %v: %s", i, err, line)
					}
					want := expectedTop(t, rm, images[i], 3)
					if r.File != images[i] || len(r.Top) != 3 || r.LatencyMS <= 0 {
						t.Errorf("line %d: %s", i, line)
						continue
					}
					for k, c := range want {
						g := r.Top[k]
						if g.Index != c.Index || g.Label != c.Label || g.Score != c.Score || c.Label == "" {
							t.Errorf("%s top %d: %+v, want %+v", images[i], k, g, c)
						}
					}
				}

				// Text: a header line per image, then one line per entry:
				// rank, score, index, label.
				text := mustRun(t, append([]string{"run", path}, images...)...)
				rows := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
				if len(rows) != len(images)*6 {
					t.Fatalf("%d text lines, want %d:\n%s", len(rows), len(images)*6, text)
				}
				for i, img := range images {
					if f := strings.Fields(rows[i*6]); len(f) != 3 || f[0] != img || f[2] != "ms" {
						t.Errorf("header %q", rows[i*6])
					}
					for k, c := range expectedTop(t, rm, img, 5) {
						f := strings.Fields(rows[i*6+1+k])
						want := []string{fmt.Sprint(k + 1), fmt.Sprintf("%.4f", c.Score), fmt.Sprint(c.Index), c.Label}
						if !slices.Equal(f, want) {
							t.Errorf("row %q, want %q", rows[i*6+1+k], want)
						}
					}
				}
			})
		}
	}
}

func TestRunImageErrors(t *testing.T) {
	images := writeImages(t)
	dir := t.TempDir()
	notImage := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notImage, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	noPrep := writeModel(t, layoutModel(t, format.NCHW), "noprep.einf")
	model := suiteModel(t, "lenet5", "int8")
	for _, tc := range []struct {
		args          []string
		firstSucceeds bool // the first image's result is on stdout before the error
		want          []string
	}{
		{[]string{"run", model, notImage}, false, []string{notImage + ": not a JPEG or PNG image"}},
		{[]string{"run", model, images[0], filepath.Join(dir, "absent.png")}, true, []string{"absent.png", "no such file"}},
		{[]string{"run", noPrep, images[0]}, false, []string{noPrep + ": the model has no preprocessing metadata", "--input-raw"}},
	} {
		stdout, stderr, code := invoke(tc.args...)
		if tc.firstSucceeds {
			if !strings.HasPrefix(stdout, images[0]+"  ") {
				t.Errorf("stdout %q should start with the first image's result", stdout)
			}
			stdout = ""
		}
		checkFailure(t, stdout, stderr, code, exitFailure, "edgeinfer: run: ", tc.want...)
	}
}
