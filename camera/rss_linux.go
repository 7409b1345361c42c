//go:build linux

package camera

import (
	"bytes"
	"os"
)

// rssReader reads the process's resident set size from
// /proc/self/smaps_rollup, opened once and re-read in place, so that a
// reading allocates nothing and can be taken inside the steady-state
// window. smaps_rollup walks the page tables, so it is exact where statm
// reads the kernel's batched per-CPU counters, which lag by up to a batch
// of pages per CPU.
type rssReader struct {
	f   *os.File
	buf [2048]byte
}

// openRSS returns a reader, or nil if smaps_rollup cannot be opened (its
// readings are then 0).
func openRSS() *rssReader {
	f, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		return nil
	}
	return &rssReader{f: f}
}

var rssField = []byte("\nRss:")

// bytes returns the resident set size, 0 if it cannot be read: the
// "Rss:  N kB" line.
func (r *rssReader) bytes() int64 {
	if r == nil {
		return 0
	}
	n, err := r.f.ReadAt(r.buf[:], 0)
	if n == 0 && err != nil {
		return 0
	}
	b := r.buf[:n]
	i := bytes.Index(b, rssField)
	if i < 0 {
		return 0
	}
	i += len(rssField)
	for i < len(b) && b[i] == ' ' {
		i++
	}
	var kb int64
	digits := 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		kb = kb*10 + int64(b[i]-'0')
		digits++
	}
	if digits == 0 {
		return 0
	}
	return kb << 10
}

func (r *rssReader) close() {
	if r != nil {
		r.f.Close()
	}
}
