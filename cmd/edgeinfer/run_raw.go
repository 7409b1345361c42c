package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// runRaw runs the model once per float32 tensor of inPath and writes the
// first output of each run to outPath. Tensors stream through one buffer
// each way, so N is bounded by disk, not memory.
func runRaw(modelPath, inPath, outPath string, threads int) error {
	m, it, err := newInterpreter(modelPath, threads)
	if err != nil {
		return err
	}
	defer m.Close()
	defer it.Close()

	g := m.Format()
	if it.InputCount() != 1 {
		return fmt.Errorf("%s: --input-raw feeds one input; the model has %d", modelPath, it.InputCount())
	}
	if it.OutputCount() == 0 {
		return fmt.Errorf("%s: the model has no outputs", modelPath)
	}
	in := it.Input(0)
	if in.Elements() == 0 {
		return fmt.Errorf("%s: input %q has no elements (shape %v)", modelPath, in.Name, in.Shape)
	}
	inLayout, outLayout := sourceLayout(g, g.Inputs[0]), sourceLayout(g, g.Outputs[0])
	tensorBytes := int64(in.Elements()) * 4
	// what names the input tensor in errors, in the file's terms.
	what := fmt.Sprintf("input %q (%s float32)", in.Name, shapeString(in.Shape))
	if len(in.Shape) == 4 {
		what = fmt.Sprintf("input %q (%s %s float32)", in.Name, shapeString(sourceShape(in.Shape, inLayout)), layoutName(inLayout))
	}

	src, err := os.Open(inPath)
	if err != nil {
		return err
	}
	defer src.Close()
	if st, err := src.Stat(); err != nil {
		return err
	} else if st.Mode().IsRegular() {
		// Check the size before doing any work; a pipe is checked at its end.
		if err := checkRawSize(inPath, st.Size(), tensorBytes, what); err != nil {
			return err
		}
	}

	return writeAtomically(outPath, func(w io.Writer) error {
		r := bufio.NewReaderSize(src, 1<<16)
		inBytes := make([]byte, tensorBytes)
		x := make([]float32, in.Elements())
		var y []float32
		var outBytes []byte
		var total int64
		for n := 0; ; n++ {
			k, err := io.ReadFull(r, inBytes)
			total += int64(k)
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return checkRawSize(inPath, total, tensorBytes, what)
			}
			if err != nil {
				return err
			}
			for i := range x {
				x[i] = math.Float32frombits(binary.LittleEndian.Uint32(inBytes[4*i:]))
			}
			if err := it.SetInputFloat32(0, x, inLayout); err != nil {
				return fmt.Errorf("%s: tensor %d: %w", inPath, n, err)
			}
			if err := it.Run(); err != nil {
				return fmt.Errorf("%s: tensor %d: %w", inPath, n, err)
			}
			if y, err = it.OutputFloat32(0, y, outLayout); err != nil {
				return fmt.Errorf("%s: tensor %d: %w", modelPath, n, err)
			}
			outBytes = outBytes[:0]
			for _, v := range y {
				outBytes = binary.LittleEndian.AppendUint32(outBytes, math.Float32bits(v))
			}
			if _, err := w.Write(outBytes); err != nil {
				return fmt.Errorf("%s: %w", outPath, err)
			}
		}
	})
}

// checkRawSize checks that a raw file of size bytes holds a whole, non-zero
// number of tensors.
func checkRawSize(path string, size, tensorBytes int64, what string) error {
	switch {
	case size == 0:
		return fmt.Errorf("%s: empty; want N × %d bytes, N float32 tensors of %s", path, tensorBytes, what)
	case size%tensorBytes != 0:
		return fmt.Errorf("%s: %d bytes is not a multiple of %d bytes, the size of %s", path, size, tensorBytes, what)
	}
	return nil
}

// writeAtomically calls write with a buffered temporary file next to path
// and renames it to path when write succeeds, so that path ends up complete
// or unchanged (a reader never sees half a file). The temporary file is
// removed on failure.
func writeAtomically(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Sync before the rename: after a crash the name must not point at
	// data that never reached the disk.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
