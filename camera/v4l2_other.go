//go:build !linux

package camera

import (
	"errors"
	"time"
)

var errNoV4L2 = errors.New("V4L2 cameras need Linux")

// OpenV4L2 is only available on Linux.
func OpenV4L2(path string, o SourceOptions) (Source, error) { return nil, errNoV4L2 }

// CameraInfo describes one V4L2 capture node (Linux only).
type CameraInfo struct {
	Path, Driver, Card, Bus string
	Links                   []string
	Formats                 []Format
	Readable                bool
}

// Format is one pixel format a camera offers.
type Format struct {
	FourCC, Name string
	Sizes        [][2]int
}

// ListCameras is only available on Linux.
func ListCameras() ([]CameraInfo, error) { return nil, errNoV4L2 }

func isNoDevice(error) bool { return false }

func monotonicNow() (time.Time, time.Duration) { return time.Now(), 0 }
