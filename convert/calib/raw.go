package calib

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"github.com/edgeinfer/edgeinfer/format"
)

// rawSource reads samples of float32 little-endian tensors.
type rawSource struct {
	path   string
	f      *os.File
	inputs []Input
	n      int
	buf    []byte
}

func openRaw(path string, inputs []Input) (*rawSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("calib: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("calib: %w", err)
	}
	per := 0
	for _, in := range inputs {
		per += in.elements()
	}
	if per == 0 || st.Size()%int64(4*per) != 0 || st.Size() == 0 {
		f.Close()
		return nil, fmt.Errorf("calib: raw %s: %d bytes is not a positive multiple of one sample, %d float32 values (%s)", path, st.Size(), per, describeInputs(inputs))
	}
	return &rawSource{path: path, f: f, inputs: inputs, n: int(st.Size() / int64(4*per)), buf: make([]byte, 4*per)}, nil
}

func describeInputs(inputs []Input) string {
	s := ""
	for i, in := range inputs {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %v", in.Name, in.Shape)
	}
	return s
}

func (r *rawSource) Len() int { return r.n }

func (r *rawSource) Sample(i int) ([][]float32, error) {
	if i < 0 || i >= r.n {
		return nil, fmt.Errorf("calib: raw %s: sample %d of %d", r.path, i, r.n)
	}
	if _, err := r.f.ReadAt(r.buf, int64(i)*int64(len(r.buf))); err != nil {
		return nil, fmt.Errorf("calib: raw %s: sample %d: %w", r.path, i, err)
	}
	out := make([][]float32, len(r.inputs))
	off := 0
	for k, in := range r.inputs {
		v := make([]float32, in.elements())
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(r.buf[off:]))
			off += 4
		}
		out[k] = v
	}
	return out, nil
}

func (r *rawSource) Preprocessing() *format.Preprocessing { return nil }
func (r *rawSource) String() string                       { return "raw:" + r.path }
func (r *rawSource) Close() error                         { return r.f.Close() }
