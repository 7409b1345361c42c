package camera

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// rawLayout is the geometry of one raw frame in a stream.
type rawLayout struct {
	format        PixelFormat
	width, height int
	strides       [3]int
	offsets       [3]int
	size          int // bytes per frame
}

func newRawLayout(o SourceOptions) (rawLayout, error) {
	l := rawLayout{format: o.Format, width: o.Width, height: o.Height}
	if o.Width <= 0 || o.Height <= 0 {
		return l, fmt.Errorf("a raw %v stream needs its frame size (--size WxH)", o.Format)
	}
	if o.Format < I420 || o.Format > Gray {
		return l, fmt.Errorf("raw streams carry yuv420, yuv422, yuv444, nv12, yuyv, rgb24, bgr24 or gray, not %v", o.Format)
	}
	align := max(o.Align, 1)
	f := Frame{Format: o.Format, Width: o.Width, Height: o.Height}
	// The luma (or only) plane's stride is aligned; chroma planes of
	// planar formats take the stride scaled like their width, as libcamera
	// lays out YUV420 (rpicam-vid copies the buffer out unchanged).
	l.strides[0] = (f.rowBytes(0) + align - 1) / align * align
	for i := 1; i < o.Format.planes(); i++ {
		switch o.Format {
		case NV12:
			l.strides[i] = l.strides[0]
		default:
			sx, _ := o.Format.chromaShift()
			l.strides[i] = max(l.strides[0]>>sx, f.rowBytes(i))
		}
	}
	for i := range o.Format.planes() {
		l.offsets[i] = l.size
		l.size += l.strides[i] * f.planeRows(i)
	}
	return l, nil
}

// rawReader reads fixed-size raw frames from a byte stream.
type rawReader struct {
	r      io.Reader
	layout rawLayout
	rng    YUVRange
}

func (s *rawReader) ReadFrame(f *Frame) error {
	l := s.layout
	if cap(f.store) < l.size {
		f.store = make([]byte, l.size)
	}
	buf := f.store[:l.size]
	n, start, err := readFrameBytes(s.r, buf)
	if err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return io.EOF
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return corruptf("truncated %v frame: the stream ended after %d of its %d bytes", l.format, n, l.size)
		}
		return err
	}
	f.Format, f.Width, f.Height, f.Range = l.format, l.width, l.height, s.rng
	f.Planes, f.Strides = [3][]byte{}, l.strides
	for i := range l.format.planes() {
		end := l.size
		if i+1 < l.format.planes() {
			end = l.offsets[i+1]
		}
		f.Planes[i] = buf[l.offsets[i]:end]
	}
	f.JPEG, f.Name = nil, ""
	f.Time = time.Now()
	f.capture = f.Time.Sub(start)
	return nil
}

// readFrameBytes fills buf from r like io.ReadFull and also returns when
// the first bytes arrived, so capture latency leaves out the wait for the
// frame to start.
func readFrameBytes(r io.Reader, buf []byte) (n int, start time.Time, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		if n == 0 && m > 0 {
			start = time.Now()
		}
		n += m
		if err != nil {
			if n == len(buf) {
				return n, start, nil
			}
			if err == io.EOF && n > 0 {
				err = io.ErrUnexpectedEOF
			}
			return n, start, err
		}
	}
	return n, start, nil
}

func (s *rawReader) Close() error {
	if c, ok := s.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
