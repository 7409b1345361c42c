package syncwriter

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// Concurrent writers each land whole, none lost (go test -race also checks
// that the underlying bytes.Buffer is never written by two at once).
func TestWriterSerializes(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			line := strings.Repeat(string(rune('a'+g)), 31) + "\n"
			for range 200 {
				if _, err := w.Write([]byte(line)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200)
	}
	for _, l := range lines {
		if len(l) != 31 || strings.Count(l, l[:1]) != 31 {
			t.Fatalf("torn line %q", l)
		}
	}
}
