//go:build !unix

package format

import (
	"errors"
	"os"
)

// mmapFile is not available here; Open reads the file instead.
func mmapFile(*os.File, int) ([]byte, error) { return nil, errors.ErrUnsupported }

func munmap([]byte) error { return nil }
