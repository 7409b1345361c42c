package camera

import (
	"fmt"
	"time"
)

// PixelFormat is how a Frame's planes encode pixels.
type PixelFormat uint8

const (
	// I420 is planar YUV 4:2:0: a Y plane, then U and V planes at half the
	// width and height (ffmpeg's yuv420p, rpicam-vid's --codec yuv420,
	// V4L2's YU12).
	I420 PixelFormat = iota + 1
	// I422 is planar YUV 4:2:2: U and V at half the width (JPEGs decoded
	// from most USB webcams' MJPEG).
	I422
	// I444 is planar YUV 4:4:4: U and V at full size.
	I444
	// NV12 is a Y plane, then one plane of interleaved U,V pairs at half the
	// width and height.
	NV12
	// YUYV is packed YUV 4:2:2, four bytes Y0 U Y1 V per two pixels (the
	// format nearly every UVC webcam offers uncompressed).
	YUYV
	// RGB24 is packed 8-bit R, G, B.
	RGB24
	// BGR24 is packed 8-bit B, G, R.
	BGR24
	// Gray is one plane of 8-bit luma.
	Gray

	// MJPEG is a stream of JPEG images: a source encoding (SourceOptions,
	// V4L2 negotiation), never a Frame's format, since sources decode it.
	MJPEG PixelFormat = 64
)

var pixelFormatNames = [...]string{I420: "yuv420", I422: "yuv422", I444: "yuv444", NV12: "nv12",
	YUYV: "yuyv", RGB24: "rgb24", BGR24: "bgr24", Gray: "gray", MJPEG: "mjpeg"}

// ParsePixelFormat parses a format name as String prints it; "i420" and
// "yuv420p" are accepted for yuv420, "rgb" and "bgr" for rgb24 and bgr24.
func ParsePixelFormat(s string) (PixelFormat, error) {
	switch s {
	case "i420", "yuv420p":
		return I420, nil
	case "rgb":
		return RGB24, nil
	case "bgr":
		return BGR24, nil
	case "mjpg", "jpeg":
		return MJPEG, nil
	}
	for p, name := range pixelFormatNames {
		if name != "" && name == s {
			return PixelFormat(p), nil
		}
	}
	return 0, fmt.Errorf("unknown pixel format %q (want yuv420, nv12, yuyv, rgb24, bgr24, gray or mjpeg)", s)
}

func (p PixelFormat) String() string {
	if int(p) < len(pixelFormatNames) && pixelFormatNames[p] != "" {
		return pixelFormatNames[p]
	}
	return fmt.Sprintf("PixelFormat(%d)", uint8(p))
}

// planes is how many planes the format has.
func (p PixelFormat) planes() int {
	switch p {
	case I420, I422, I444:
		return 3
	case NV12:
		return 2
	}
	return 1
}

// chromaShift is log2 of the horizontal and vertical chroma subsampling of
// a YUV format.
func (p PixelFormat) chromaShift() (x, y uint) {
	switch p {
	case I420, NV12:
		return 1, 1
	case I422, YUYV:
		return 1, 0
	}
	return 0, 0
}

// YUVRange is the value range of a YUV frame's samples.
type YUVRange uint8

const (
	// FullRange samples use 0-255 for Y, U and V (JPEG/sYCC; what
	// rpicam-vid writes for --codec yuv420 and mjpeg).
	FullRange YUVRange = iota
	// LimitedRange samples use 16-235 for Y and 16-240 for U and V (the
	// video range most V4L2 drivers report for YUYV and NV12).
	LimitedRange
)

func (r YUVRange) String() string {
	if r == LimitedRange {
		return "limited"
	}
	return "full"
}

// Frame is one captured image. Its planes alias memory owned by whoever
// handed the frame out (a Source's reader, the Pipeline): a Sink that keeps
// a frame past Publish must CopyTo its own Frame.
type Frame struct {
	Format        PixelFormat
	Width, Height int // in pixels
	// Planes holds the pixel data: one plane for packed formats and Gray,
	// Y and interleaved UV for NV12, Y, U and V for I420/I422/I444.
	Planes [3][]byte
	// Strides is the bytes from one row of each plane to the next, which
	// may exceed the row's pixels (rpicam-vid pads Y rows to 64 bytes).
	Strides [3]int
	// Range is the YUV sample range; RGB and Gray frames ignore it. YUV is
	// converted with the BT.601 matrix.
	Range YUVRange
	// JPEG is the compressed frame this one was decoded from (MJPEG
	// sources), for saving or streaming without re-encoding; nil otherwise.
	JPEG []byte
	// Seq numbers the frames the source delivered, from 1; frames the
	// pipeline dropped keep their numbers, so gaps show drops.
	Seq uint64
	// Time is when the frame was captured: the driver's timestamp for V4L2,
	// the end of the read for pipes and files.
	Time time.Time
	// Name is the file the frame came from (image folders), "" otherwise.
	Name string

	// capture is how long reading and decoding took once the frame's
	// first bytes arrived (Latency.Capture).
	capture time.Duration

	store []byte // backing memory of Planes, reused frame to frame
	jpeg  []byte // backing memory of JPEG
	dht   []byte // a JPEG with Huffman tables added (dht.go)
}

// rowBytes is the bytes of pixel data in one row of plane i (without
// padding).
func (f *Frame) rowBytes(i int) int {
	switch f.Format {
	case YUYV:
		return (f.Width + 1) / 2 * 4
	case RGB24, BGR24:
		return f.Width * 3
	case NV12:
		return (f.Width + 1) / 2 * 2
	}
	if i == 0 {
		return f.Width
	}
	sx, _ := f.Format.chromaShift()
	return (f.Width + (1<<sx - 1)) >> sx
}

// planeRows is the number of rows of plane i.
func (f *Frame) planeRows(i int) int {
	if i == 0 {
		return f.Height
	}
	_, sy := f.Format.chromaShift()
	return (f.Height + (1<<sy - 1)) >> sy
}

// Validate checks that the planes hold Width x Height pixels of Format at
// their strides.
func (f *Frame) Validate() error {
	if f.Width <= 0 || f.Height <= 0 {
		return fmt.Errorf("camera: frame size %dx%d", f.Width, f.Height)
	}
	n := f.Format.planes()
	if f.Format < I420 || f.Format > Gray {
		return fmt.Errorf("camera: unknown pixel format %v", f.Format)
	}
	for i := range n {
		rows, row := f.planeRows(i), f.rowBytes(i)
		if f.Strides[i] < row {
			return fmt.Errorf("camera: %v frame %dx%d: plane %d stride %d is under its row of %d bytes", f.Format, f.Width, f.Height, i, f.Strides[i], row)
		}
		if need := (rows-1)*f.Strides[i] + row; len(f.Planes[i]) < need {
			return fmt.Errorf("camera: %v frame %dx%d: plane %d has %d bytes, want %d", f.Format, f.Width, f.Height, i, len(f.Planes[i]), need)
		}
	}
	return nil
}

// CopyTo copies f into dst, reusing dst's memory when it is large enough
// (so copying frames of one size allocates only the first time). The copy
// has tight strides.
func (f *Frame) CopyTo(dst *Frame) {
	n := f.Format.planes()
	total := 0
	for i := range n {
		total += f.rowBytes(i) * f.planeRows(i)
	}
	if cap(dst.store) < total {
		dst.store = make([]byte, total)
	}
	store := dst.store[:total]
	dst.Format, dst.Width, dst.Height, dst.Range, dst.Seq, dst.Time, dst.Name = f.Format, f.Width, f.Height, f.Range, f.Seq, f.Time, f.Name
	dst.capture = f.capture
	dst.Planes, dst.Strides = [3][]byte{}, [3]int{}
	for i := range n {
		rows, row := f.planeRows(i), f.rowBytes(i)
		p := store[:rows*row]
		store = store[rows*row:]
		for y := range rows {
			copy(p[y*row:(y+1)*row], f.Planes[i][y*f.Strides[i]:])
		}
		dst.Planes[i], dst.Strides[i] = p, row
	}
	dst.JPEG = nil
	if f.JPEG != nil {
		dst.jpeg = append(dst.jpeg[:0], f.JPEG...)
		dst.JPEG = dst.jpeg
	}
}
