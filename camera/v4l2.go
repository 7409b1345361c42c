package camera

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// fourcc is a V4L2 pixel format code.
type fourcc uint32

func fourccOf(s string) fourcc {
	return fourcc(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

func (c fourcc) String() string {
	return string([]byte{byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)})
}

// v4l2Formats maps the V4L2 formats the camera package reads, in the
// order negotiation prefers them when the user names none: raw formats
// first (no decoding; preprocessing converts only the pixels it samples),
// then MJPEG (what USB 2 webcams need for large sizes at full rate).
var v4l2Formats = []struct {
	code fourcc
	pf   PixelFormat
}{
	{fourccOf("NV12"), NV12},
	{fourccOf("YU12"), I420},
	{fourccOf("YUYV"), YUYV},
	{fourccOf("RGB3"), RGB24},
	{fourccOf("BGR3"), BGR24},
	{fourccOf("GREY"), Gray},
	{fourccOf("MJPG"), MJPEG},
	{fourccOf("JPEG"), MJPEG},
}

func pixelFormatOfFourcc(c fourcc) (PixelFormat, bool) {
	for _, f := range v4l2Formats {
		if f.code == c {
			return f.pf, true
		}
	}
	return 0, false
}

// negotiateFormat picks the fourcc to request from what the device
// offers: want when given (any fourcc mapping to it), else the first of
// v4l2Formats the device has.
func negotiateFormat(offered []fourcc, want PixelFormat) (fourcc, error) {
	for _, f := range v4l2Formats {
		if want != 0 && f.pf != want {
			continue
		}
		for _, o := range offered {
			if o == f.code {
				return o, nil
			}
		}
	}
	if want != 0 {
		return 0, fmt.Errorf("the device does not offer %v (it offers %v)", want, offered)
	}
	return 0, fmt.Errorf("the device offers none of the formats edgeinfer reads (it offers %v)", offered)
}

// Capability bits (V4L2_CAP_*) capture needs.
const (
	v4l2CapVideoCapture = 0x00000001
	v4l2CapStreaming    = 0x04000000
)

// v4l2Device is the thin layer of V4L2 calls capture makes: the ioctls
// on a real device (v4l2_device_linux.go), a fake in tests.
type v4l2Device interface {
	// capabilities returns the driver, card and bus names and the device's
	// capability bits.
	capabilities() (driver, card, bus string, caps uint32, err error)
	formats() ([]fourcc, error)
	// setFormat requests a format and size (0: keep the current size) and
	// returns what the driver granted.
	setFormat(code fourcc, width, height int) (v4l2Granted, error)
	// requestBuffers asks for n mmap buffers and maps them.
	requestBuffers(n int) ([][]byte, error)
	queue(index int) error
	// dequeue takes a filled buffer; ok is false if none is ready.
	dequeue() (b v4l2Filled, ok bool, err error)
	streamOn() error
	streamOff() error
	// wait blocks until a buffer may be dequeued or timeout passes.
	wait(timeout time.Duration) error
	close() error
}

// v4l2Granted is the format a driver set.
type v4l2Granted struct {
	code          fourcc
	width, height int
	bytesPerLine  int
	sizeImage     int
	fullRange     bool // quantization (or the JPEG colorspace) says full range
}

// v4l2Filled is a dequeued buffer.
type v4l2Filled struct {
	index     int
	bytesUsed int
	errorFlag bool          // V4L2_BUF_FLAG_ERROR: the data is corrupt
	timestamp time.Duration // CLOCK_MONOTONIC
}

// ErrNoDevice is returned by ReadFrame when the camera went away; the
// pipeline reopens it.
var ErrNoDevice = errors.New("the camera is gone (unplugged?)")

// v4l2Source captures from a V4L2 device with mmap streaming. Each frame
// is copied out of the driver's buffer, which goes straight back to the
// driver, so the driver always has buffers to fill and the frame stays
// valid for as long as the pipeline needs it.
type v4l2Source struct {
	dev     v4l2Device
	path    string
	buffers [][]byte
	granted v4l2Granted
	pf      PixelFormat
	layout  rawLayout
	rng     YUVRange
	now     func() (wall time.Time, mono time.Duration)
	closed  chan struct{}
	// mu keeps Close from unmapping buffers while ReadFrame copies one.
	mu sync.Mutex
}

// v4l2BufferCount is how many buffers capture asks for: enough that the
// driver keeps filling while one is being copied.
const v4l2BufferCount = 4

// v4l2WaitSlice is how long one wait for a frame lasts before the source
// checks whether it was closed.
const v4l2WaitSlice = 200 * time.Millisecond

func startV4L2(dev v4l2Device, path string, o SourceOptions, now func() (time.Time, time.Duration)) (*v4l2Source, error) {
	s := &v4l2Source{dev: dev, path: path, now: now, closed: make(chan struct{})}
	if err := s.start(o); err != nil {
		dev.close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func (s *v4l2Source) start(o SourceOptions) error {
	_, card, _, caps, err := s.dev.capabilities()
	if err != nil {
		return fmt.Errorf("not a V4L2 device: %w", err)
	}
	if caps&v4l2CapVideoCapture == 0 || caps&v4l2CapStreaming == 0 {
		return fmt.Errorf("%s cannot stream video capture (capabilities %#x)", card, caps)
	}
	offered, err := s.dev.formats()
	if err != nil {
		return err
	}
	code, err := negotiateFormat(offered, o.Format)
	if err != nil {
		return err
	}
	g, err := s.dev.setFormat(code, o.Width, o.Height)
	if err != nil {
		return fmt.Errorf("set format %v %dx%d: %w", code, o.Width, o.Height, err)
	}
	pf, ok := pixelFormatOfFourcc(g.code)
	if !ok {
		return fmt.Errorf("the driver switched to format %v, which edgeinfer does not read", g.code)
	}
	s.granted, s.pf = g, pf
	if g.fullRange {
		s.rng = FullRange
	} else {
		s.rng = LimitedRange
	}
	if pf != MJPEG {
		l, err := newRawLayout(SourceOptions{Format: pf, Width: g.width, Height: g.height})
		if err != nil {
			return err
		}
		// The driver's bytesperline is the luma stride; chroma strides
		// follow it as in newRawLayout.
		if g.bytesPerLine > l.strides[0] {
			align := g.bytesPerLine
			l, _ = newRawLayout(SourceOptions{Format: pf, Width: g.width, Height: g.height, Align: align})
		}
		if g.sizeImage > 0 && g.sizeImage < l.size {
			return fmt.Errorf("the driver's %v %dx%d buffers hold %d bytes, under the %d a frame needs", g.code, g.width, g.height, g.sizeImage, l.size)
		}
		s.layout = l
	}
	if s.buffers, err = s.dev.requestBuffers(v4l2BufferCount); err != nil {
		return fmt.Errorf("request buffers: %w", err)
	}
	for i := range s.buffers {
		if err := s.dev.queue(i); err != nil {
			return fmt.Errorf("queue buffer %d: %w", i, err)
		}
	}
	if err := s.dev.streamOn(); err != nil {
		return fmt.Errorf("stream on: %w", err)
	}
	return nil
}

// Format is the negotiated format and size.
func (s *v4l2Source) Format() (PixelFormat, int, int) { return s.pf, s.granted.width, s.granted.height }

func (s *v4l2Source) ReadFrame(f *Frame) error {
	for {
		select {
		case <-s.closed:
			return errSourceClosed
		default:
		}
		if err := s.dev.wait(v4l2WaitSlice); err != nil {
			return s.failed(err)
		}
		s.mu.Lock()
		b, ok, err := s.read(f)
		s.mu.Unlock()
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		// The driver stamps frames on CLOCK_MONOTONIC; place that on the
		// wall clock by the current offset between the two.
		wall, mono := s.now()
		f.Time = wall.Add(b.timestamp - mono)
		if b.timestamp == 0 || b.timestamp > mono {
			f.Time = wall
		}
		return nil
	}
}

// read dequeues a buffer, copies it into f and queues it again.
func (s *v4l2Source) read(f *Frame) (b v4l2Filled, ok bool, err error) {
	select {
	case <-s.closed:
		return b, false, errSourceClosed
	default:
	}
	b, ok, err = s.dev.dequeue()
	if err != nil || !ok {
		return b, false, s.failedOrNil(err)
	}
	start := time.Now()
	err = s.copyFrame(f, b)
	f.capture = time.Since(start)
	if qerr := s.dev.queue(b.index); qerr != nil {
		return b, false, s.failed(qerr)
	}
	return b, err == nil, err
}

func (s *v4l2Source) failedOrNil(err error) error {
	if err == nil {
		return nil
	}
	return s.failed(err)
}

func (s *v4l2Source) copyFrame(f *Frame, b v4l2Filled) error {
	if b.index < 0 || b.index >= len(s.buffers) {
		return fmt.Errorf("the driver returned buffer %d of %d", b.index, len(s.buffers))
	}
	if b.errorFlag {
		return corruptf("the driver flagged buffer %d as corrupt", b.index)
	}
	data := s.buffers[b.index]
	if b.bytesUsed > 0 && b.bytesUsed <= len(data) {
		data = data[:b.bytesUsed]
	}
	if s.pf == MJPEG {
		f.jpeg = append(f.jpeg[:0], data...)
		return decodeJPEG(f, f.jpeg)
	}
	l := s.layout
	if len(data) < l.size {
		return corruptf("a %v frame of %d bytes, under the %d of %dx%d", s.pf, len(data), l.size, l.width, l.height)
	}
	if cap(f.store) < l.size {
		f.store = make([]byte, l.size)
	}
	buf := f.store[:l.size]
	copy(buf, data)
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
	return nil
}

// failed maps a device error to what ReadFrame reports: ErrNoDevice for
// an unplugged camera, so the pipeline reopens it.
func (s *v4l2Source) failed(err error) error {
	select {
	case <-s.closed:
		return errSourceClosed
	default:
	}
	if isNoDevice(err) || errors.Is(err, ErrNoDevice) {
		return fmt.Errorf("%s: %w", s.path, ErrNoDevice)
	}
	return fmt.Errorf("%s: %w", s.path, err)
}

func (s *v4l2Source) Close() error {
	select {
	case <-s.closed:
		return nil
	default:
	}
	close(s.closed)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dev.streamOff()
	return s.dev.close()
}

// errSourceClosed is what a source's ReadFrame returns after Close.
var errSourceClosed = errors.New("source closed")
