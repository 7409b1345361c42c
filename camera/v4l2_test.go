package camera

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

// fakeDevice is a V4L2 device in memory: it offers formats, grants what is
// asked (at most maxW x maxH), and fills buffers from frames, with driver
// behaviour switches for the tests.
type fakeDevice struct {
	offered      []fourcc
	maxW, maxH   int
	bytesPerLine int // 0: tight
	full         bool
	frames       [][]byte // each dequeue returns the next; then ENODEV-like gone
	errorAt      int      // frame index flagged V4L2_BUF_FLAG_ERROR (-1: none)
	gone         error
	granted      v4l2Granted
	buffers      [][]byte
	queued       []int
	streaming    bool
	closed       bool
	next         int
}

func (d *fakeDevice) capabilities() (string, string, string, uint32, error) {
	return "fake", "Fake Cam", "usb-1", v4l2CapVideoCapture | v4l2CapStreaming, nil
}
func (d *fakeDevice) formats() ([]fourcc, error) { return d.offered, nil }
func (d *fakeDevice) setFormat(code fourcc, w, h int) (v4l2Granted, error) {
	if w == 0 {
		w, h = d.maxW, d.maxH
	}
	w, h = min(w, d.maxW), min(h, d.maxH)
	d.granted = v4l2Granted{code: code, width: w, height: h, bytesPerLine: d.bytesPerLine, fullRange: d.full}
	return d.granted, nil
}
func (d *fakeDevice) requestBuffers(n int) ([][]byte, error) {
	for range n {
		d.buffers = append(d.buffers, make([]byte, 1<<20))
	}
	return d.buffers, nil
}
func (d *fakeDevice) queue(i int) error {
	if d.closed {
		return errors.New("queue after close")
	}
	d.queued = append(d.queued, i)
	return nil
}
func (d *fakeDevice) dequeue() (v4l2Filled, bool, error) {
	if !d.streaming {
		return v4l2Filled{}, false, errors.New("dequeue before stream on")
	}
	if d.next >= len(d.frames) {
		return v4l2Filled{}, false, d.gone
	}
	if len(d.queued) == 0 {
		return v4l2Filled{}, false, errors.New("no buffer queued")
	}
	i := d.queued[0]
	d.queued = d.queued[1:]
	n := copy(d.buffers[i], d.frames[d.next])
	b := v4l2Filled{index: i, bytesUsed: n, errorFlag: d.next == d.errorAt, timestamp: time.Duration(d.next+1) * time.Second}
	d.next++
	return b, true, nil
}
func (d *fakeDevice) streamOn() error                  { d.streaming = true; return nil }
func (d *fakeDevice) streamOff() error                 { d.streaming = false; return nil }
func (d *fakeDevice) wait(timeout time.Duration) error { return nil }
func (d *fakeDevice) close() error                     { d.closed = true; return nil }

func fakeClock() (time.Time, time.Duration) {
	return time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC), 10 * time.Second
}

func TestNegotiateFormat(t *testing.T) {
	yuyv, mjpg, nv12, h264 := fourccOf("YUYV"), fourccOf("MJPG"), fourccOf("NV12"), fourccOf("H264")
	for _, c := range []struct {
		offered []fourcc
		want    PixelFormat
		got     fourcc
		err     bool
	}{
		{[]fourcc{mjpg, yuyv}, 0, yuyv, false}, // raw before MJPEG
		{[]fourcc{mjpg, yuyv, nv12}, 0, nv12, false},
		{[]fourcc{mjpg, yuyv}, MJPEG, mjpg, false},
		{[]fourcc{h264}, 0, 0, true},
		{[]fourcc{yuyv}, RGB24, 0, true},
	} {
		got, err := negotiateFormat(c.offered, c.want)
		if got != c.got || (err != nil) != c.err {
			t.Errorf("offered %v want %v: got %v, %v", c.offered, c.want, got, err)
		}
	}
}

// Capture over the fake device: YUYV frames with a padded stride come out
// as frames of the granted size and the driver's range, the driver's
// monotonic timestamps land on the wall clock, a buffer flagged as an
// error is a corrupt frame, every buffer goes back to the driver, and an
// unplug is ErrNoDevice.
func TestV4L2CaptureYUYV(t *testing.T) {
	const w, h, bpl = 6, 2, 16 // 12 bytes of pixels per row, padded to 16
	var frames [][]byte
	for k := range 4 {
		fr := make([]byte, bpl*h)
		for i := range fr {
			fr[i] = byte(10*k + i)
		}
		frames = append(frames, fr)
	}
	dev := &fakeDevice{offered: []fourcc{fourccOf("MJPG"), fourccOf("YUYV")}, maxW: w, maxH: h, bytesPerLine: bpl,
		frames: frames, errorAt: 2, gone: fmt.Errorf("dequeue: %w", ErrNoDevice)}
	s, err := startV4L2(dev, "/dev/fake0", SourceOptions{Width: 640, Height: 480}, fakeClock)
	if err != nil {
		t.Fatal(err)
	}
	if pf, gw, gh := s.Format(); pf != YUYV || gw != w || gh != h {
		t.Fatalf("negotiated %v %dx%d", pf, gw, gh)
	}
	var f Frame
	var got []byte
	corrupt := 0
	for {
		err := s.ReadFrame(&f)
		if errors.Is(err, ErrCorruptFrame) {
			corrupt++
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrNoDevice) || !bytes.Contains([]byte(err.Error()), []byte("/dev/fake0")) {
				t.Fatalf("error %v, want ErrNoDevice naming the device", err)
			}
			break
		}
		if f.Format != YUYV || f.Width != w || f.Height != h || f.Strides[0] != bpl || f.Range != LimitedRange {
			t.Fatalf("frame %v %dx%d stride %d range %v", f.Format, f.Width, f.Height, f.Strides[0], f.Range)
		}
		// Timestamp k+1 s on a clock now at 10 s: 9-k s before now.
		k := int(f.Planes[0][0]) / 10
		if want := time.Date(2026, 1, 1, 0, 0, 1+k, 0, time.UTC); !f.Time.Equal(want) {
			t.Errorf("frame %d time %v, want %v", k, f.Time, want)
		}
		got = append(got, f.Planes[0][bpl+11]) // last pixel byte of row 1
	}
	if corrupt != 1 || !bytes.Equal(got, []byte{27, 37, 57}) {
		t.Errorf("%d corrupt, last bytes %v; want 1 and [27 37 57]", corrupt, got)
	}
	if len(dev.queued) != v4l2BufferCount {
		t.Errorf("%d buffers queued after capture, want all %d back with the driver", len(dev.queued), v4l2BufferCount)
	}
	s.Close()
	if !dev.closed || dev.streaming {
		t.Error("Close did not stop streaming and close the device")
	}
}
