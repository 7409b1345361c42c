package calib

import "fmt"

// IDX is an 8-bit IDX file (MNIST style): Dims[0] items of shape Dims[1:],
// row-major in Data.
type IDX struct {
	Dims []int
	Data []byte
}

// Item returns item i.
func (x *IDX) Item(i int) []byte {
	per := len(x.Data) / x.Dims[0]
	return x.Data[i*per : (i+1)*per]
}

// ReadIDX reads an IDX file of unsigned bytes (images or labels), gzipped
// or not.
func ReadIDX(path string) (*IDX, error) {
	raw, err := readMaybeGzip(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s, err := parseIDX(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.kind != idxUint8 {
		return nil, fmt.Errorf("%s: IDX of element type 0x%02x; want unsigned bytes (0x08)", path, s.kind)
	}
	return &IDX{Dims: append([]int{s.items}, s.item...), Data: s.data}, nil
}
