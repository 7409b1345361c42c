package camera

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"time"
)

// maxJPEGBytes bounds one JPEG of an MJPEG stream, so a stream that never
// ends a frame cannot grow memory without limit.
const maxJPEGBytes = 32 << 20

// mjpegReader splits a stream of concatenated JPEGs (ffmpeg -f mjpeg,
// rpicam-vid --codec mjpeg, an .mjpeg file) into frames and decodes them.
// It walks the marker segments by their lengths up to the scan, then the
// entropy-coded data to the end-of-image marker, so thumbnails inside
// APPn segments do not end a frame early.
type mjpegReader struct {
	r     *bufio.Reader
	close func() error
}

func newMJPEGReader(r io.Reader, close func() error) *mjpegReader {
	return &mjpegReader{r: bufio.NewReaderSize(r, 64<<10), close: close}
}

func (s *mjpegReader) Close() error {
	if s.close != nil {
		return s.close()
	}
	return nil
}

func (s *mjpegReader) ReadFrame(f *Frame) error {
	data, start, err := s.next(f.jpeg[:0])
	f.jpeg = data[:0]
	if err != nil {
		return err
	}
	if err := decodeJPEG(f, data); err != nil {
		return err
	}
	f.Time = time.Now()
	f.capture = f.Time.Sub(start)
	return nil
}

// next appends the next JPEG's bytes to buf. Bytes before a start-of-image
// marker are skipped; if there were any, the frame they belonged to is
// reported corrupt.
func (s *mjpegReader) next(buf []byte) ([]byte, time.Time, error) {
	skipped := 0
	var start time.Time
	for {
		p, err := s.r.Peek(2)
		if len(p) > 0 && start.IsZero() {
			start = time.Now()
		}
		if len(p) == 2 && p[0] == 0xFF && p[1] == 0xD8 {
			if skipped > 0 { // report the garbage; the JPEG is read next call
				return buf, start, corruptf("%d bytes before a JPEG start-of-image marker", skipped)
			}
			s.r.Discard(2)
			break
		}
		if len(p) == 0 {
			if skipped > 0 {
				return buf, start, corruptf("%d bytes at the end of the MJPEG stream hold no JPEG", skipped)
			}
			return buf, start, err
		}
		s.r.Discard(1)
		skipped++
	}
	buf = append(buf, 0xFF, 0xD8)
	// Marker segments up to the start of scan, and scans until EOI.
	inScan := false
	for {
		if len(buf) > maxJPEGBytes {
			return buf, start, corruptf("a JPEG of over %d bytes without an end-of-image marker", maxJPEGBytes)
		}
		b, err := s.r.ReadByte()
		if err != nil {
			return buf, start, s.truncated(err, len(buf))
		}
		buf = append(buf, b)
		if b != 0xFF {
			if !inScan {
				return buf, start, corruptf("JPEG byte %d is %#02x where a marker should start", len(buf)-1, b)
			}
			continue
		}
		m, err := s.r.ReadByte()
		if err != nil {
			return buf, start, s.truncated(err, len(buf))
		}
		buf = append(buf, m)
		switch {
		case m == 0x00: // a stuffed 0xFF data byte
			continue
		case m == 0xFF: // fill before a marker: read this 0xFF again as its start
			buf = buf[:len(buf)-1]
			s.r.UnreadByte()
			continue
		case m == 0xD9: // end of image
			return buf, start, nil
		case m >= 0xD0 && m <= 0xD7: // restart markers carry no length
			continue
		}
		// A segment with a length: copy it whole.
		var hdr [2]byte
		if _, err := io.ReadFull(s.r, hdr[:]); err != nil {
			return buf, start, s.truncated(err, len(buf))
		}
		n := int(hdr[0])<<8 | int(hdr[1])
		if n < 2 {
			return buf, start, corruptf("JPEG marker %#02x has length %d", m, n)
		}
		buf = append(buf, hdr[0], hdr[1])
		at := len(buf)
		buf = append(buf, make([]byte, n-2)...)
		if _, err := io.ReadFull(s.r, buf[at:]); err != nil {
			return buf, start, s.truncated(err, len(buf))
		}
		inScan = m == 0xDA
	}
}

func (s *mjpegReader) truncated(err error, n int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return corruptf("the MJPEG stream ended inside a JPEG, after %d bytes", n)
	}
	return err
}

// decodeJPEG decodes data into f (adding the standard Huffman tables
// when it has none; see dht.go). YCbCr 4:2:0, 4:2:2 and 4:4:4 and gray
// JPEGs keep their decoded planes (full range, as JFIF defines); other
// subsamplings and CMYK are converted to RGB24.
func decodeJPEG(f *Frame, data []byte) error {
	src := data
	if len(data) > 2 && !hasHuffmanTables(data) {
		f.dht = withStandardHuffman(f.dht, data)
		src = f.dht
	}
	img, err := jpeg.Decode(bytes.NewReader(src))
	if err != nil {
		return corruptf("JPEG of %d bytes: %v", len(data), err)
	}
	f.JPEG, f.Name = data, ""
	if err := setImage(f, img); err != nil {
		return err
	}
	return nil
}

// setImage points f at a decoded image's pixels (no copy for YCbCr and
// Gray), or converts other image types to RGB24 in f's memory.
func setImage(f *Frame, img image.Image) error {
	b := img.Bounds()
	if b.Empty() {
		return corruptf("an empty image")
	}
	f.Width, f.Height, f.Range = b.Dx(), b.Dy(), FullRange
	f.Planes, f.Strides = [3][]byte{}, [3]int{}
	switch m := img.(type) {
	case *image.YCbCr:
		pf := PixelFormat(0)
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio420:
			pf = I420
		case image.YCbCrSubsampleRatio422:
			pf = I422
		case image.YCbCrSubsampleRatio444:
			pf = I444
		}
		if pf != 0 {
			f.Format = pf
			f.Planes = [3][]byte{m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.Cb[m.COffset(b.Min.X, b.Min.Y):], m.Cr[m.COffset(b.Min.X, b.Min.Y):]}
			f.Strides = [3]int{m.YStride, m.CStride, m.CStride}
			return nil
		}
	case *image.Gray:
		f.Format = Gray
		f.Planes[0], f.Strides[0] = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
		return nil
	}
	// Anything else: 8-bit RGB through image/color.
	n := f.Width * f.Height * 3
	if cap(f.store) < n {
		f.store = make([]byte, n)
	}
	pix := f.store[:n]
	rgb := rgbReaderOf(img)
	for y := range f.Height {
		for x := range f.Width {
			o := (y*f.Width + x) * 3
			pix[o], pix[o+1], pix[o+2] = rgb(b.Min.X+x, b.Min.Y+y)
		}
	}
	f.Format, f.Planes[0], f.Strides[0] = RGB24, pix, f.Width*3
	return nil
}

// rgbReaderOf returns 8-bit non-premultiplied RGB at (x, y), reading
// NRGBA and RGBA directly (the PNG decoder's types) and others through
// image/color.
func rgbReaderOf(img image.Image) func(x, y int) (r, g, b uint8) {
	switch m := img.(type) {
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			c := m.NRGBAAt(x, y)
			return c.R, c.G, c.B
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		return c.R, c.G, c.B
	}
}
