package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// badModels writes damaged copies of a valid model file and returns them
// with a substring each error must contain.
func badModels(t *testing.T) []struct{ path, want string } {
	t.Helper()
	good, err := os.ReadFile(suiteModel(t, "lenet5", "int8"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	damaged := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }

	return []struct{ path, want string }{
		{filepath.Join(dir, "absent.einf"), "no such file"},
		{write("empty.einf", nil), "not an edgeinfer model"},
		{write("identifier.einf", damaged(func(b []byte) []byte { copy(b[4:8], "ONNX"); return b })), "not an edgeinfer model"},
		{write("truncated.einf", good[:len(good)/2]), "truncated"},
		{write("corrupt.einf", damaged(func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b })), "checksum"},
		// The trailer's last four bytes are the format version.
		{write("version.einf", damaged(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[len(b)-4:], 99)
			return b
		})), "version"},
	}
}

func TestModelFileErrors(t *testing.T) {
	bad := badModels(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.f32"), filepath.Join(dir, "out.f32")
	if err := os.WriteFile(in, make([]byte, 28*28*4), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		for _, args := range [][]string{
			{"inspect", b.path},
			{"inspect", b.path, "--json"},
			{"run", b.path, "--input-raw", in, "--output-raw", out},
			{"run", b.path, "photo.jpg"},
			{"bench", b.path, "--runs", "1"},
		} {
			stdout, stderr, code := invoke(args...)
			checkFailure(t, stdout, stderr, code, exitFailure, "edgeinfer: "+args[0]+": "+b.path+": ", b.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run created %s (%v)", out, err)
	}
}
