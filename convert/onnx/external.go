package onnx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// externalData reads tensor payloads stored outside the model file
// (TensorProto.data_location = EXTERNAL). Every location is resolved inside
// the model's folder through an os.Root, which refuses paths that leave it,
// including through symlinks; absolute paths and ".." components are
// refused before that with a clearer message. This is the defence against
// the external-data traversal bugs ONNX itself had (CVE-2022-25882,
// CVE-2024-27318 and the symlink variant fixed in onnx 1.21).
type externalData struct {
	dir  string
	root *os.Root
}

func (x *externalData) close() {
	if x.root != nil {
		x.root.Close()
	}
}

// read returns the external payload of t, which must be exactly want bytes.
func (x *externalData) read(t *onnxpb.Tensor, want int) ([]byte, error) {
	var location string
	offset, length := int64(0), int64(-1)
	for _, e := range t.ExternalData {
		switch e.Key {
		case "location":
			location = e.Value
		case "offset", "length":
			v, err := strconv.ParseInt(e.Value, 10, 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("external data %s %q is not a non-negative integer", e.Key, e.Value)
			}
			if e.Key == "offset" {
				offset = v
			} else {
				length = v
			}
		case "checksum":
			// SHA-1 of the payload, optional; not verified.
		default:
			return nil, fmt.Errorf("unknown external data key %q", e.Key)
		}
	}
	if err := checkLocation(location); err != nil {
		return nil, err
	}
	if length >= 0 && length != int64(want) {
		return nil, fmt.Errorf("external data %q: length %d, the tensor needs %d bytes", location, length, want)
	}
	if x.dir == "" {
		return nil, fmt.Errorf("external data %q: the model was not loaded from a folder (use Load, or set Options.BaseDir)", location)
	}
	if x.root == nil {
		r, err := os.OpenRoot(x.dir)
		if err != nil {
			return nil, fmt.Errorf("external data: %w", err)
		}
		x.root = r
	}
	f, err := x.root.Open(filepath.FromSlash(location))
	if err != nil {
		return nil, fmt.Errorf("external data %q: %w", location, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("external data %q: %w", location, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("external data %q is not a regular file", location)
	}
	if offset > st.Size() || int64(want) > st.Size()-offset {
		return nil, fmt.Errorf("external data %q: %d bytes at offset %d exceed the file's %d bytes", location, want, offset, st.Size())
	}
	buf := make([]byte, want)
	if _, err := f.ReadAt(buf, offset); err != nil && !(errors.Is(err, io.EOF) && want == 0) {
		return nil, fmt.Errorf("external data %q: %w", location, err)
	}
	return buf, nil
}

// checkLocation refuses external-data paths that are empty, absolute, or
// contain "..": a model may only reference files in its own folder tree.
func checkLocation(loc string) error {
	switch {
	case loc == "":
		return errors.New("external data without a location")
	case strings.ContainsRune(loc, 0):
		return fmt.Errorf("external data location %q contains a NUL byte", loc)
	case filepath.IsAbs(loc) || strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, `\`) || filepath.VolumeName(loc) != "":
		return fmt.Errorf("external data location %q is absolute; it must be relative to the model's folder", loc)
	}
	for _, part := range strings.FieldsFunc(loc, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return fmt.Errorf("external data location %q leaves the model's folder", loc)
		}
	}
	return nil
}
