// Package syncwriter makes an io.Writer safe to write from several
// goroutines at once.
package syncwriter

import (
	"io"
	"sync"
)

// Writer passes each Write to the underlying writer, one at a time.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// New returns a Writer that serializes the writes to w.
func New(w io.Writer) *Writer { return &Writer{w: w} }

func (s *Writer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
