package camera

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// readAll reads a source to its end, returning the frames (copied) and
// the corrupt-frame errors.
func readAll(t *testing.T, s Source) (frames []*Frame, corrupt []error) {
	t.Helper()
	f := new(Frame)
	for {
		err := s.ReadFrame(f)
		switch {
		case err == nil:
			c := new(Frame)
			f.CopyTo(c)
			frames = append(frames, c)
		case errors.Is(err, ErrCorruptFrame):
			corrupt = append(corrupt, err)
		case err == io.EOF:
			return frames, corrupt
		default:
			t.Fatalf("after %d frames: %v", len(frames), err)
		}
		if len(frames)+len(corrupt) > 1000 {
			t.Fatal("runaway source")
		}
	}
}

// A 100x50 yuv420 stream aligned to 64 bytes, as rpicam-vid writes it:
// Y rows of 128 bytes, U and V rows of 64, frame 128*50 + 2*64*25 bytes.
// The stream ends with a truncated frame, reported corrupt, then EOF.
func TestRawReaderRpicamStride(t *testing.T) {
	l, err := newRawLayout(SourceOptions{Format: I420, Width: 100, Height: 50, Align: 64})
	if err != nil {
		t.Fatal(err)
	}
	if l.strides != [3]int{128, 64, 64} || l.size != 128*50+2*64*25 {
		t.Fatalf("layout %+v", l)
	}
	var stream []byte
	for k := range 3 {
		frame := make([]byte, l.size)
		for i := range frame {
			frame[i] = byte(i*7 + k)
		}
		stream = append(stream, frame...)
	}
	stream = append(stream, make([]byte, 1000)...) // a fourth, truncated frame
	s, _ := streamSource(bytes.NewReader(stream), nil, SourceOptions{Format: I420, Width: 100, Height: 50, Align: 64})
	frames, corrupt := readAll(t, s)
	if len(frames) != 3 || len(corrupt) != 1 {
		t.Fatalf("%d frames, %d corrupt; want 3 and 1", len(frames), len(corrupt))
	}
	if want := "truncated yuv420 frame: the stream ended after 1000 of its 9600 bytes"; !bytes.Contains([]byte(corrupt[0].Error()), []byte(want)) {
		t.Errorf("error %q, want it to say %q", corrupt[0], want)
	}
	for k, f := range frames {
		// CopyTo packed the rows: pixel (x, y) of each plane is at
		// offset + y*stride + x of the stream's frame.
		for _, c := range []struct{ plane, x, y, off int }{{0, 99, 49, 0}, {1, 49, 24, 128 * 50}, {2, 0, 24, 128*50 + 64*25}} {
			stride := []int{128, 64, 64}[c.plane]
			want := byte((c.off+c.y*stride+c.x)*7 + k)
			if got := f.Planes[c.plane][c.y*f.Strides[c.plane]+c.x]; got != want {
				t.Errorf("frame %d plane %d (%d,%d) = %d, want %d", k, c.plane, c.x, c.y, got, want)
			}
		}
	}
}

func encodeJPEG(t *testing.T, w, h int, shade uint8) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An MJPEG stream with garbage between frames, a JPEG whose APP1 segment
// holds an end-of-image marker (as an EXIF thumbnail does), a JPEG with
// a corrupted scan, and a JPEG cut short at the end.
func TestMJPEGReaderSurvivesCorruptFrames(t *testing.T) {
	a, b := encodeJPEG(t, 32, 16, 40), encodeJPEG(t, 48, 24, 200)
	app1 := []byte{0xFF, 0xE1, 0x00, 0x08, 0xFF, 0xD8, 0xFF, 0xD9, 0, 0} // length 8: 6 payload bytes
	withApp := append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
	// A noisy 64x64 image has a scan of several kilobytes; zeroing a run
	// in its middle and cutting its end leaves the headers intact but the
	// entropy-coded data undecodable.
	noisy := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range noisy.Pix {
		noisy.Pix[i] = uint8(uint64(i) * 2654435761 >> 13)
	}
	var nb bytes.Buffer
	jpeg.Encode(&nb, noisy, &jpeg.Options{Quality: 95})
	broken := nb.Bytes()
	if len(broken) < 3000 {
		t.Fatalf("the noisy JPEG has %d bytes, too few to hold a long scan", len(broken))
	}
	for i := len(broken) / 2; i < len(broken)/2+200; i++ {
		broken[i] = 0x00
	}
	broken = append(broken[:len(broken)-500], 0xFF, 0xD9)
	var stream []byte
	stream = append(stream, a...)
	stream = append(stream, "garbage"...)
	stream = append(stream, withApp...)
	stream = append(stream, broken...)
	stream = append(stream, b...)
	stream = append(stream, a[:len(a)/2]...)
	frames, corrupt := readAll(t, newMJPEGReader(bytes.NewReader(stream), nil))
	if len(frames) != 3 || len(corrupt) != 3 {
		t.Fatalf("%d frames and %d corrupt (%v); want 3 and 3 (garbage, a broken scan, a truncated JPEG)", len(frames), len(corrupt), corrupt)
	}
	for i, want := range []struct {
		w, h  int
		shade uint8
		jpeg  []byte
	}{{32, 16, 40, a}, {48, 24, 200, withApp}, {48, 24, 200, b}} {
		f := frames[i]
		if f.Width != want.w || f.Height != want.h || f.Format != I420 || !bytes.Equal(f.JPEG, want.jpeg) {
			t.Errorf("frame %d: %v %dx%d, %d JPEG bytes; want yuv420 %dx%d, %d bytes", i, f.Format, f.Width, f.Height, len(f.JPEG), want.w, want.h, len(want.jpeg))
			continue
		}
		if r, _, _ := f.pixelRGB(want.w/2, want.h/2); int(r) < int(want.shade)-2 || int(r) > int(want.shade)+2 {
			t.Errorf("frame %d: centre red %d, want %d±2", i, r, want.shade)
		}
	}
}

// A JPEG without Huffman tables (as UVC webcams send MJPEG) decodes with
// the standard tables added, to the same pixels as the original.
func TestJPEGWithoutHuffmanTables(t *testing.T) {
	full := encodeJPEG(t, 16, 16, 90)
	var stripped []byte
	stripped = append(stripped, full[:2]...)
	end := 2
	forEachSegment(full, func(m byte, seg []byte) bool {
		end += len(seg)
		if m != 0xC4 {
			stripped = append(stripped, seg...)
		}
		return m != 0xDA
	})
	stripped = append(stripped, full[end:]...)
	if hasHuffmanTables(stripped) || !hasHuffmanTables(full) {
		t.Fatal("stripping the DHT segments failed")
	}
	var f1, f2 Frame
	if err := decodeJPEG(&f1, full); err != nil {
		t.Fatal(err)
	}
	if err := decodeJPEG(&f2, stripped); err != nil {
		t.Fatalf("without Huffman tables: %v", err)
	}
	if !bytes.Equal(f1.Planes[0][:16], f2.Planes[0][:16]) {
		t.Error("the frames decode differently")
	}
}

func TestImageFolder(t *testing.T) {
	dir := t.TempDir()
	g := image.NewGray(image.Rect(0, 0, 5, 4))
	g.SetGray(1, 2, color.Gray{Y: 77})
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, g)
	os.WriteFile(filepath.Join(dir, "b.png"), pngBytes.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "a.jpg"), encodeJPEG(t, 8, 8, 10), 0o644)
	os.WriteFile(filepath.Join(dir, "c.txt"), []byte("not an image"), 0o644)
	os.WriteFile(filepath.Join(dir, "d.png"), []byte("broken"), 0o644)
	s, err := Open(dir, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	frames, corrupt := readAll(t, s)
	if len(frames) != 2 || len(corrupt) != 1 {
		t.Fatalf("%d frames, %d corrupt; want 2 (a.jpg, b.png) and 1 (d.png)", len(frames), len(corrupt))
	}
	if frames[0].Name != "a.jpg" || frames[0].JPEG == nil || frames[1].Name != "b.png" || frames[1].Format != Gray {
		t.Errorf("frames %q (jpeg %v) and %q (%v)", frames[0].Name, frames[0].JPEG != nil, frames[1].Name, frames[1].Format)
	}
	if v := frames[1].Planes[0][2*frames[1].Strides[0]+1]; v != 77 {
		t.Errorf("b.png (1,2) = %d, want 77", v)
	}
}

func TestParseSource(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		spec string
		kind Kind
		arg  string
	}{
		{"/dev/video0", KindV4L2, "/dev/video0"},
		{"v4l2:/dev/v4l/by-id/usb-cam", KindV4L2, "/dev/v4l/by-id/usb-cam"},
		{"pipe:-", KindStdin, ""},
		{"pipe:rpicam-vid -t 0 -n --codec yuv420 -o -", KindCommand, "rpicam-vid -t 0 -n --codec yuv420 -o -"},
		{dir, KindFolder, dir},
		{"dir:" + dir, KindFolder, dir},
		{"clip.mjpeg", KindMJPEGFile, "clip.mjpeg"},
		{"mjpeg:clip.bin", KindMJPEGFile, "clip.bin"},
		{"video.yuv", KindRawFile, "video.yuv"},
	} {
		k, arg, err := ParseSource(c.spec)
		if err != nil || k != c.kind || arg != c.arg {
			t.Errorf("%q: %v %q %v, want %v %q", c.spec, k, arg, err, c.kind, c.arg)
		}
	}
	for _, bad := range []string{"", "pipe:", "nosuch.bin"} {
		if _, _, err := ParseSource(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
