//go:build unix

package format

import (
	"os"

	"golang.org/x/sys/unix"
)

// mmapFile maps size bytes of f read-only. MAP_SHARED of a read-only
// mapping shares the page cache with every other process using the model.
func mmapFile(f *os.File, size int) ([]byte, error) {
	return unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
}

func munmap(b []byte) error { return unix.Munmap(b) }
