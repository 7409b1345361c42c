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
		t.Skip("no /proc/self/smaps_rollup")
	}
	defer r.close()
	if allocs := testing.AllocsPerRun(20, func() { r.bytes() }); allocs != 0 {
		t.Errorf("%v allocations per reading", allocs)
	}
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(b), "\nRss:")
	kb, err := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	// The two readings are moments apart: allow 1 MiB of movement.
	if got, want := r.bytes(), kb<<10; got < want-1<<20 || got > want+1<<20 || got == 0 {
		t.Errorf("RSS %d bytes, smaps_rollup says %d", got, want)
	}
}
