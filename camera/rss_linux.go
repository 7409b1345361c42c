//go:build linux

package camera

import "os"

// rssReader reads the process's resident set size from /proc/self/statm,
// opened once and re-read in place, so that a reading allocates nothing
// and can be taken inside the steady-state window.
type rssReader struct {
	f   *os.File
	buf [128]byte
}

// openRSS returns a reader, or nil if /proc/self/statm cannot be opened
// (its readings are then 0).
func openRSS() *rssReader {
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		return nil
	}
	return &rssReader{f: f}
}

// bytes returns the resident set size, 0 if it cannot be read. statm's
// second field is the resident page count.
func (r *rssReader) bytes() int64 {
	if r == nil {
		return 0
	}
	n, err := r.f.ReadAt(r.buf[:], 0)
	if n == 0 && err != nil {
		return 0
	}
	b := r.buf[:n]
	i := 0
	for i < len(b) && b[i] != ' ' { // size
		i++
	}
	i++
	var pages int64
	digits := 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		pages = pages*10 + int64(b[i]-'0')
		digits++
	}
	if digits == 0 {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

func (r *rssReader) close() {
	if r != nil {
		r.f.Close()
	}
}
