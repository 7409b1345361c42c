//go:build linux

package camera

import (
	"bytes"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fdDevice is a V4L2 device node opened by file descriptor.
type fdDevice struct {
	fd   int
	maps [][]byte
}

func openFDDevice(path string) (*fdDevice, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return &fdDevice{fd: fd}, nil
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func (d *fdDevice) capabilities() (driver, card, bus string, caps uint32, err error) {
	var c v4l2Capability
	if err = ioctl(d.fd, vidiocQueryCap, unsafe.Pointer(&c)); err != nil {
		return
	}
	caps = c.Capabilities
	if caps&v4l2CapDeviceCaps != 0 {
		caps = c.DeviceCaps // this node's capabilities, not the whole device's
	}
	return cString(c.Driver[:]), cString(c.Card[:]), cString(c.BusInfo[:]), caps, nil
}

func (d *fdDevice) formats() ([]fourcc, error) {
	var out []fourcc
	for i := uint32(0); ; i++ {
		desc := v4l2FmtDesc{Index: i, Type: v4l2BufTypeVideoCapture}
		if err := ioctl(d.fd, vidiocEnumFmt, unsafe.Pointer(&desc)); err != nil {
			if errors.Is(err, unix.EINVAL) {
				return out, nil // past the last format
			}
			return out, err
		}
		out = append(out, fourcc(desc.PixelFormat))
	}
}

// frameSizes lists the discrete sizes the device offers for code (none
// for stepwise ranges).
func (d *fdDevice) frameSizes(code fourcc) [][2]int {
	var out [][2]int
	for i := uint32(0); ; i++ {
		fs := v4l2FrmSizeEnum{Index: i, PixelFormat: uint32(code)}
		if ioctl(d.fd, vidiocEnumFrameSize, unsafe.Pointer(&fs)) != nil || fs.Type != v4l2FrmSizeDiscrete {
			return out
		}
		out = append(out, [2]int{int(fs.Size[0]), int(fs.Size[1])})
	}
}

func (d *fdDevice) setFormat(code fourcc, width, height int) (v4l2Granted, error) {
	f := v4l2Format{Type: v4l2BufTypeVideoCapture}
	if err := ioctl(d.fd, vidiocGFmt, unsafe.Pointer(&f)); err != nil {
		return v4l2Granted{}, err
	}
	p := f.pix()
	p.PixelFormat, p.Field = uint32(code), v4l2FieldNone
	if width > 0 && height > 0 {
		p.Width, p.Height = uint32(width), uint32(height)
	}
	p.BytesPerLine, p.SizeImage = 0, 0 // let the driver choose its strides
	if err := ioctl(d.fd, vidiocSFmt, unsafe.Pointer(&f)); err != nil {
		return v4l2Granted{}, err
	}
	full := p.Quantization == v4l2QuantizationFull ||
		p.Quantization != v4l2QuantizationLimit && p.Colorspace == v4l2ColorspaceJPEG
	return v4l2Granted{code: fourcc(p.PixelFormat), width: int(p.Width), height: int(p.Height),
		bytesPerLine: int(p.BytesPerLine), sizeImage: int(p.SizeImage), fullRange: full}, nil
}

func (d *fdDevice) requestBuffers(n int) ([][]byte, error) {
	rb := v4l2RequestBuffers{Count: uint32(n), Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMMAP}
	if err := ioctl(d.fd, vidiocReqBufs, unsafe.Pointer(&rb)); err != nil {
		return nil, err
	}
	if rb.Count < 2 {
		return nil, fmt.Errorf("the driver granted %d buffers", rb.Count)
	}
	for i := uint32(0); i < rb.Count; i++ {
		b := v4l2Buffer{Index: i, Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMMAP}
		if err := ioctl(d.fd, vidiocQueryBuf, unsafe.Pointer(&b)); err != nil {
			return nil, err
		}
		m, err := unix.Mmap(d.fd, int64(uint32(b.M)), int(b.Length), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return nil, fmt.Errorf("mmap buffer %d: %w", i, err)
		}
		d.maps = append(d.maps, m)
	}
	return d.maps, nil
}

func (d *fdDevice) queue(index int) error {
	b := v4l2Buffer{Index: uint32(index), Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMMAP}
	return ioctl(d.fd, vidiocQBuf, unsafe.Pointer(&b))
}

func (d *fdDevice) dequeue() (v4l2Filled, bool, error) {
	b := v4l2Buffer{Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMMAP}
	if err := ioctl(d.fd, vidiocDQBuf, unsafe.Pointer(&b)); err != nil {
		if errors.Is(err, unix.EAGAIN) {
			return v4l2Filled{}, false, nil
		}
		return v4l2Filled{}, false, err
	}
	ts := time.Duration(b.Timestamp.Sec)*time.Second + time.Duration(b.Timestamp.Usec)*time.Microsecond
	return v4l2Filled{index: int(b.Index), bytesUsed: int(b.BytesUsed), errorFlag: b.Flags&v4l2BufFlagError != 0, timestamp: ts}, true, nil
}

func (d *fdDevice) streamOn() error {
	t := int32(v4l2BufTypeVideoCapture)
	return ioctl(d.fd, vidiocStreamOn, unsafe.Pointer(&t))
}

func (d *fdDevice) streamOff() error {
	t := int32(v4l2BufTypeVideoCapture)
	return ioctl(d.fd, vidiocStreamOff, unsafe.Pointer(&t))
}

func (d *fdDevice) wait(timeout time.Duration) error {
	fds := []unix.PollFd{{Fd: int32(d.fd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, int(timeout/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 && fds[0].Revents&unix.POLLIN == 0 {
			return unix.ENODEV // what an unplugged UVC device reports
		}
		return nil
	}
}

func (d *fdDevice) close() error {
	for _, m := range d.maps {
		unix.Munmap(m)
	}
	d.maps = nil
	return unix.Close(d.fd)
}

func isNoDevice(err error) bool { return errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) }

func monotonicNow() (time.Time, time.Duration) {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return time.Now(), time.Duration(ts.Nano())
}

// OpenV4L2 opens a V4L2 capture device and starts streaming: the pixel
// format o.Format if the device offers it (else the first of NV12, YU12,
// YUYV, RGB3, BGR3, GREY, MJPG it has), at o.Width x o.Height when given.
func OpenV4L2(path string, o SourceOptions) (Source, error) {
	d, err := openFDDevice(path)
	if err != nil {
		return nil, err
	}
	return startV4L2(d, path, o, monotonicNow)
}
