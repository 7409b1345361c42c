package calib

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/edgeinfer/edgeinfer/format"
)

// maxIDXBytes bounds a decompressed IDX file (Fashion-MNIST's training
// images are 47 MB).
const maxIDXBytes = 1 << 30

// IDX element types (the third magic byte).
const (
	idxUint8   = 0x08
	idxFloat32 = 0x0D
)

// idxSource serves the items of an IDX file as samples of one input.
type idxSource struct {
	path   string
	kind   byte
	items  int
	item   []int // dims of one item
	data   []byte
	input  Input
	prep   format.Preprocessing
	hwc    bool // items are [H, W, C] with C > 1: transpose to CHW
	isImgs bool // 8-bit items feeding an image input: record preprocessing
}

func openIDX(path string, inputs []Input, prep format.Preprocessing) (*idxSource, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("calib: idx sources feed models with one input; this one has %d", len(inputs))
	}
	raw, err := readMaybeGzip(path)
	if err != nil {
		return nil, fmt.Errorf("calib: idx %s: %w", path, err)
	}
	s, err := parseIDX(raw)
	if err != nil {
		return nil, fmt.Errorf("calib: idx %s: %w", path, err)
	}
	s.path, s.input = path, inputs[0]
	per := 1
	for _, d := range s.item {
		per *= d
	}
	if per != inputs[0].elements() {
		return nil, fmt.Errorf("calib: idx %s: items of shape %v (%d values) do not fit input %q of shape %v", path, s.item, per, inputs[0].Name, inputs[0].Shape)
	}
	in := inputs[0].Shape
	s.hwc = len(s.item) == 3 && s.item[2] > 1 && len(in) == 4 && in[1] == s.item[2]
	if s.kind == idxUint8 && len(in) == 4 && len(s.item) >= 2 {
		s.isImgs = true
		prep.Height, prep.Width, prep.Channels = in[2], in[3], in[1]
		if prep.Channels == 1 {
			prep.ColorOrder = format.Gray
		}
	}
	if prep.Scale == 0 {
		prep.Scale = 1
	}
	s.prep = prep
	return s, nil
}

func readMaybeGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var head [2]byte
	n, _ := io.ReadFull(f, head[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var r io.Reader = f
	if n == 2 && head == [2]byte{0x1f, 0x8b} {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = z
	}
	b, err := io.ReadAll(io.LimitReader(r, maxIDXBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxIDXBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxIDXBytes)
	}
	return b, nil
}

// parseIDX checks the header and the payload size.
func parseIDX(b []byte) (*idxSource, error) {
	if len(b) < 4 || b[0] != 0 || b[1] != 0 {
		return nil, errors.New("not an IDX file (the magic number starts with two zero bytes)")
	}
	kind, rank := b[2], int(b[3])
	size := map[byte]int{idxUint8: 1, idxFloat32: 4}[kind]
	if size == 0 {
		return nil, fmt.Errorf("element type 0x%02x; supported: 0x08 (unsigned byte), 0x0D (float)", kind)
	}
	if rank < 1 || len(b) < 4+4*rank {
		return nil, fmt.Errorf("header of %d dims is truncated", rank)
	}
	dims := make([]int, rank)
	total := size
	for i := range dims {
		d := binary.BigEndian.Uint32(b[4+4*i:])
		if d == 0 || d > math.MaxInt32 || total > math.MaxInt32/int(d) {
			return nil, fmt.Errorf("dims %v: size out of range", b[4:4+4*rank])
		}
		dims[i] = int(d)
		total *= int(d)
	}
	data := b[4+4*rank:]
	if len(data) != total {
		return nil, fmt.Errorf("dims %v need %d bytes of data, the file has %d", dims, total, len(data))
	}
	return &idxSource{kind: kind, items: dims[0], item: dims[1:], data: data}, nil
}

func (s *idxSource) Len() int { return s.items }

func (s *idxSource) Sample(i int) ([][]float32, error) {
	if i < 0 || i >= s.items {
		return nil, fmt.Errorf("calib: idx %s: sample %d of %d", s.path, i, s.items)
	}
	n := s.input.elements()
	v := make([]float32, n)
	c := 1
	if s.hwc {
		c = s.item[2]
	}
	pixels := n / c
	for k := range n {
		// Element k of the item, stored HWC when s.hwc, lands at CHW.
		dst, ch := k, 0
		if s.hwc {
			ch = k % c
			dst = ch*pixels + k/c
		} else if len(s.input.Shape) == 4 {
			ch = k / (n / s.input.Shape[1])
		}
		if s.kind == idxFloat32 {
			v[dst] = math.Float32frombits(binary.BigEndian.Uint32(s.data[4*(i*n+k):]))
			continue
		}
		v[dst] = normalize(s.data[i*n+k], ch, &s.prep)
	}
	return [][]float32{v}, nil
}

// normalize maps an 8-bit pixel of channel ch to the model's input value
// exactly as the runtime's image preprocessing does (float32, each product
// rounded before the next operation).
func normalize(pixel uint8, ch int, p *format.Preprocessing) float32 {
	v := float32(float32(pixel)*p.Scale) + p.Offset
	if len(p.Mean) > 0 {
		v -= p.Mean[min(ch, len(p.Mean)-1)]
	}
	if len(p.Std) > 0 {
		v /= p.Std[min(ch, len(p.Std)-1)]
	}
	return v
}

func (s *idxSource) Preprocessing() *format.Preprocessing {
	if !s.isImgs {
		return nil
	}
	p := s.prep
	return &p
}

func (s *idxSource) String() string { return "idx:" + s.path }
func (s *idxSource) Close() error   { return nil }

// WriteIDX encodes 8-bit items of the given item shape as an IDX file
// (for tests and tools that make calibration sets).
func WriteIDX(w io.Writer, items int, item []int, data []byte) error {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUint8, byte(1 + len(item))})
	for _, d := range append([]int{items}, item...) {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	_, err := w.Write(b.Bytes())
	return err
}
