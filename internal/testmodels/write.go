package testmodels

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/edgeinfer/edgeinfer/format"
)

// WriteAll writes every case into dir (which must exist) as
//
//	<name>.float32.einf   the float32 model
//	<name>.int8.einf      the calibrated int8 model
//	<name>.inputs.f32     the evaluation samples of input 0, consecutive
//	                      little-endian float32 tensors in the source layout
//	                      (NCHW for images), as `edgeinfer run --input-raw` reads
//
// and returns the paths written.
func WriteAll(dir string) ([]string, error) {
	var paths []string
	for _, c := range All() {
		fm, err := c.Float32()
		if err != nil {
			return paths, err
		}
		qm, err := c.Int8()
		if err != nil {
			return paths, err
		}
		for _, f := range []struct {
			suffix string
			m      *format.Model
		}{{".float32.einf", fm}, {".int8.einf", qm}} {
			p := filepath.Join(dir, c.Name+f.suffix)
			if err := format.WriteFile(p, f.m); err != nil {
				return paths, fmt.Errorf("testmodels: %s: %w", c.Name, err)
			}
			paths = append(paths, p)
		}
		p := filepath.Join(dir, c.Name+".inputs.f32")
		if err := os.WriteFile(p, c.rawInputs(fm), 0o644); err != nil {
			return paths, fmt.Errorf("testmodels: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// rawInputs encodes input 0 of every evaluation sample in the source
// layout m records for it.
func (c Case) rawInputs(m *format.Model) []byte {
	in := m.Inputs[0]
	shape := m.Tensors[in].Shape
	nchw := m.Metadata.IOLayouts[in] == format.NCHW && len(shape) == 4
	var b []byte
	for _, sample := range c.Inputs {
		x := sample[0]
		if nchw {
			x = toNCHW(x, shape)
		}
		for _, v := range x {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	return b
}

// toNCHW transposes NHWC data of the given NHWC shape.
func toNCHW(x []float32, shape []int) []float32 {
	n, h, w, c := shape[0], shape[1], shape[2], shape[3]
	out := make([]float32, len(x))
	for in := range n {
		for y := range h {
			for xx := range w {
				for ch := range c {
					out[((in*c+ch)*h+y)*w+xx] = x[((in*h+y)*w+xx)*c+ch]
				}
			}
		}
	}
	return out
}
