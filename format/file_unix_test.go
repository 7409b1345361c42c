//go:build unix

package format

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOpenFIFO opens a model through a named pipe, a file that cannot be
// mapped: Open must read it instead.
func TestOpenFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.fifo")
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	m := floatModel()
	data := mustEncode(t, m)
	done := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			_, err = w.Write(data)
			w.Close()
		}
		done <- err
	}()
	f, err := Open(path)
	if werr := <-done; werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Mapped {
		t.Error("a FIFO was mapped")
	}
	if diff := diffModels(m, f.Model); diff != "" {
		t.Fatalf("model read from a FIFO differs: %s", diff)
	}
}
