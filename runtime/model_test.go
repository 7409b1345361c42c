package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/format"
)

// TestLoadFile writes a model, loads it three ways (Load, LoadBytes,
// LoadModel) and expects the same outputs; Load's weights must be read in
// place from the mapping, not copied.
func TestLoadFile(t *testing.T) {
	r := newRand(31)
	fm := mobileNetV2Like(r)
	x := randInt8(r, 32*32*8, -128, 127)
	want := runOutputs(t, mustLoad(t, fm), 1, x)

	path := filepath.Join(t.TempDir(), "m.einf")
	if err := format.WriteFile(path, fm); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := runOutputs(t, m, 2, x); !slices.Equal(got[0], want[0]) {
		t.Error("Load: output differs from LoadModel")
	}
	if !m.file.Mapped {
		t.Log("the file was read, not mapped; skipping the in-place check")
	} else {
		for i := range m.graph.Tensors {
			if d := m.graph.Tensors[i].Data; len(d) > 0 && unsafe.SliceData(m.consts[i]) != unsafe.SliceData(d) {
				t.Errorf("tensor %d %q: weights copied out of the mapping", i, m.graph.Tensors[i].Name)
			}
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := LoadBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := runOutputs(t, mb, 1, x); !slices.Equal(got[0], want[0]) {
		t.Error("LoadBytes: output differs from LoadModel")
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing.einf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := LoadBytes([]byte("not a model")); !errors.Is(err, format.ErrNotModel) {
		t.Errorf("garbage bytes: %v", err)
	}
	// A model the runtime cannot run, written to a file: the error names
	// the file and the operator.
	g := newGraph()
	x := g.tensor("x", format.Uint8, []int{1, 2, 2, 1}, perTensor(0.1, 0), nil)
	y := g.tensor("y", format.Uint8, []int{1, 4, 4, 1}, perTensor(0.1, 0), nil)
	g.op(format.OpResize, "up", &format.ResizeOptions{Mode: format.ResizeBilinear}, x, y)
	path := filepath.Join(t.TempDir(), "uint8.einf")
	if err := format.WriteFile(path, g.io([]int{x}, y)); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), path+`: runtime: operator 0 "up" (RESIZE)`) {
		t.Errorf("unsupported model file: %v", err)
	}
}

// TestReshapeOfConstant: a RESHAPE of a constant copies it (the mapping
// is read-only), and the copy feeds the next op.
func TestReshapeOfConstant(t *testing.T) {
	g := newGraph()
	x := g.f32("x", 2, 3)
	k := g.tensor("k", format.Float32, []int{6}, nil, float32Bytes([]float32{1, 2, 3, 4, 5, 6}))
	kr := g.f32("k2", 2, 3)
	g.op(format.OpReshape, "reshape_k", nil, k, kr)
	y := g.f32("y", 2, 3)
	g.op(format.OpAdd, "add", &format.ElementwiseOptions{}, x, kr, y)
	m := mustLoad(t, g.io([]int{x}, y))
	if op := m.Ops()[0]; op.Kernel != "Copy" {
		t.Errorf("reshape of a constant runs %q, want Copy", op.Kernel)
	}
	it := mustInterpreter(t, m, 1)
	if err := it.SetInputFloat32(0, []float32{10, 20, 30, 40, 50, 60}, format.NHWC); err != nil {
		t.Fatal(err)
	}
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := it.Output(0).Float32(), []float32{11, 22, 33, 44, 55, 66}; !slices.Equal(got, want) {
		t.Errorf("output %v, want %v", got, want)
	}
}
