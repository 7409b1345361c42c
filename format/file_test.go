package format

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// writeModel writes m with WriteFile into a fresh directory.
func writeModel(t *testing.T, m *Model) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.einf")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

// inside reports whether b lies within region.
func inside(b, region []byte) bool {
	p, r := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(unsafe.SliceData(region)))
	return p >= r && p+uintptr(len(b)) <= r+uintptr(len(region))
}

func TestOpenMapped(t *testing.T) {
	m := int8Model()
	path := writeModel(t, m)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := runtime.GOOS == "linux" || runtime.GOOS == "darwin"; f.Mapped != want {
		t.Errorf("Mapped = %v on %s", f.Mapped, runtime.GOOS)
	}
	if f.Path != path {
		t.Errorf("Path %q, want %q", f.Path, path)
	}
	if diff := diffModels(m, f.Model); diff != "" {
		t.Fatalf("opened model differs: %s", diff)
	}
	for _, x := range f.Model.Tensors {
		if x.Data != nil && !inside(x.Data, f.data) {
			t.Errorf("tensor %q: payload is not in the file's bytes", x.Name)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if f.Model != nil {
		t.Error("Model still set after Close")
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestOpenFallback(t *testing.T) {
	m := floatModel()
	path := writeModel(t, m)
	mapFile = func(*os.File, int) ([]byte, error) { return nil, errors.ErrUnsupported }
	defer func() { mapFile = mmapFile }()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Mapped {
		t.Error("Mapped = true although mapping failed")
	}
	if diff := diffModels(m, f.Model); diff != "" {
		t.Fatalf("model read without mmap differs: %s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	valid := mustEncode(t, tinyModel())
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := bytes.Clone(valid)
	newer[len(newer)-4] = 2
	damaged := bytes.Clone(valid)
	damaged[100] ^= 0xff
	invalidModel := tinyModel()
	invalidModel.Operators[0].Options = &ClampOptions{Min: 2, Max: 1}
	invalidData, err := encode(invalidModel)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		path string
		is   error
		want string
	}{
		{"missing", filepath.Join(dir, "missing.einf"), fs.ErrNotExist, ": open: no such file or directory"},
		{"directory", dir, ErrNotModel, ": is a directory, not a model file"},
		{"empty", file("empty.einf", nil), ErrNotModel, ": not an edgeinfer model: the file is 0 bytes, too short for a model"},
		{"not a model", file("text.einf", []byte("hello, world\n")), ErrNotModel, `: not an edgeinfer model (wrong file identifier "o, w", want "EINF")`},
		{"truncated", file("cut.einf", valid[:len(valid)-3]), ErrTruncated, ": truncated model file: no EINFTAIL trailer"},
		{"checksum", file("damaged.einf", damaged), ErrChecksum, ": checksum mismatch: the trailer says"},
		{"newer version", file("v2.einf", newer), ErrVersion, ": format version 2 is newer than this runtime supports (1)"},
		{"invalid", file("invalid.einf", invalidData), ErrInvalid, `: operator 0 "clamp" (CLAMP): [2, 1] is not an interval`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Open(c.path)
			if err == nil {
				f.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %v does not wrap %v", err, c.is)
			}
			if e, ok := errors.AsType[*Error](err); !ok || e.Path != c.path {
				t.Errorf("error %#v does not carry the path %q", err, c.path)
			}
			if want := c.path + c.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error\n\t%v\ndoes not start with\n\t%s", err, want)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.einf")
	for _, m := range []*Model{tinyModel(), int8Model()} { // the second replaces the first
		if err := WriteFile(path, m); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, mustEncode(t, m)) {
			t.Error("the file does not hold Encode's bytes")
		}
		assertDir(t, dir, "model.einf")
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", st.Mode(), err)
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.einf")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	invalid := tinyModel()
	invalid.Outputs = nil
	for _, c := range []struct {
		name string
		path string
		m    *Model
		is   error
		want string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "model.einf"), tinyModel(), fs.ErrNotExist,
			"directory " + filepath.Join(dir, "no", "such") + " does not exist"},
		{"parent is a file", filepath.Join(existing, "model.einf"), tinyModel(), fs.ErrInvalid,
			existing + " is not a directory"},
		{"invalid model", existing, invalid, ErrInvalid, "the model has no outputs"},
		{"target is a directory", dir, tinyModel(), nil, "rename"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := WriteFile(c.path, c.m)
			if err == nil {
				t.Fatal("WriteFile succeeded")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v does not wrap %v", err, c.is)
			}
			if !strings.HasPrefix(err.Error(), c.path+": ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n\t%v\nwant the path and %q", err, c.want)
			}
			if got, _ := os.ReadFile(existing); string(got) != "old" {
				t.Errorf("existing file changed to %q", got)
			}
			assertDir(t, dir, "existing.einf")
		})
	}
}

func TestWriteFileUnwritableDirectory(t *testing.T) {
	dir := t.TempDir()
	switch {
	case runtime.GOOS == "windows":
		t.Skip("no directory write permission to take away")
	case os.Geteuid() == 0:
		// Permissions do not bind root; sysfs is read-only for everyone.
		dir = "/sys"
		if _, err := os.Stat(dir); err != nil {
			t.Skip("running as root without /sys")
		}
	default:
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
	}
	before := listDir(t, dir)
	path := filepath.Join(dir, "model.einf")
	err := WriteFile(path, tinyModel())
	if !errors.Is(err, fs.ErrPermission) || !strings.HasPrefix(err.Error(), path+": ") {
		t.Fatalf("WriteFile into a read-only directory: %v", err)
	}
	assertDir(t, dir, before...)
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// assertDir requires dir to hold exactly the named entries: no temporary
// files left behind.
func assertDir(t *testing.T, dir string, names ...string) {
	t.Helper()
	if got := listDir(t, dir); !slices.Equal(got, names) {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}
