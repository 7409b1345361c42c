package camera

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// Reading the resident set size allocates nothing (it is read inside the
// steady-state window) and agrees with the kernel's count.
func TestRSSReaderAllocatesNothing(t *testing.T) {
	r := openRSS()
	if r == nil {
		t.Skip("no /proc/self/statm")
	}
	defer r.close()
	if allocs := testing.AllocsPerRun(20, func() { r.bytes() }); allocs != 0 {
		t.Errorf("%v allocations per reading", allocs)
	}
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(b))[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	// The two readings are moments apart: allow 1 MiB of movement.
	if got, want := r.bytes(), pages*int64(os.Getpagesize()); got < want-1<<20 || got > want+1<<20 || got == 0 {
		t.Errorf("RSS %d bytes, /proc/self/statm says %d", got, want)
	}
}
