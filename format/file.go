package format

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// File is a model opened from disk by Open.
//
// When Mapped, the file is memory-mapped read-only and the constant
// tensors' Data point into the mapping: they are valid only until Close,
// and the file must not be truncated or rewritten in place while it is
// open (WriteFile replaces files by rename, which is safe). Otherwise the
// file was read into memory and Close only drops the reference.
type File struct {
	Model  *Model
	Path   string
	Mapped bool

	data []byte
}

// Open reads the model file at path, memory-mapping it where the OS
// allows (and falling back to reading it for empty and special files, or
// when mapping fails), and decodes it with Decode. Errors are *Error
// values whose Path is path.
func Open(path string) (*File, error) {
	data, mapped, err := readFile(path)
	if err != nil {
		return nil, withPath(path, err)
	}
	m, err := Decode(data)
	if err != nil {
		if mapped {
			munmap(data)
		}
		return nil, withPath(path, err)
	}
	return &File{Model: m, Path: path, Mapped: mapped, data: data}, nil
}

// Close unmaps the file. The Model's constant tensors must not be used
// afterwards. Closing twice is harmless.
func (f *File) Close() error {
	data := f.data
	if data == nil {
		return nil
	}
	f.data, f.Model = nil, nil
	if f.Mapped {
		if err := munmap(data); err != nil {
			return withPath(f.Path, err)
		}
	}
	return nil
}

// mapFile is mmapFile; tests replace it to exercise the fallback.
var mapFile = mmapFile

// readFile maps or reads the file at path.
func readFile(path string) (data []byte, mapped bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, ioError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, ioError(err)
	}
	if st.IsDir() {
		return nil, false, fileError(ErrNotModel, "is a directory, not a model file")
	}
	if st.Mode().IsRegular() && st.Size() > 0 {
		if st.Size() > math.MaxInt {
			return nil, false, fileError(ErrNotModel, "the file is %d bytes, too large to address", st.Size())
		}
		if data, err := mapFile(f, int(st.Size())); err == nil {
			return data, true, nil
		}
	}
	data, err = io.ReadAll(f)
	if err != nil {
		return nil, false, ioError(err)
	}
	return data, false, nil
}

// ioError describes an I/O error without repeating the path, which the
// *Error carries; errors.Is still sees the cause (fs.ErrNotExist, ...).
func ioError(err error) *Error {
	msg := err.Error()
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		msg = pe.Op + ": " + pe.Err.Error()
	}
	return &Error{Op: -1, Tensor: -1, Msg: msg, Err: err}
}

// WriteFile encodes m and writes it to path atomically: into a temporary
// file in the same directory, synced, then renamed over path. On any
// error nothing is left behind: no temporary file, and path is untouched.
func WriteFile(path string, m *Model) error {
	data, err := Encode(m)
	if err != nil {
		return withPath(path, err)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		e := ioError(err)
		if errors.Is(err, fs.ErrNotExist) {
			e.Msg = fmt.Sprintf("directory %s does not exist", dir)
		}
		return withPath(path, e)
	} else if !st.IsDir() {
		return withPath(path, fileError(fs.ErrInvalid, "%s is not a directory", dir))
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return withPath(path, ioError(err))
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return withPath(path, ioError(err))
	}
	if err := tmp.Chmod(0o644); err != nil {
		return withPath(path, ioError(err))
	}
	if err := tmp.Sync(); err != nil {
		return withPath(path, ioError(err))
	}
	if err := tmp.Close(); err != nil {
		return withPath(path, ioError(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return withPath(path, ioError(err))
	}
	done = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the OS supports syncing a
// directory; it is best effort (the rename itself has happened).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
