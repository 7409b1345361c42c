package camera

import (
	"fmt"
	"os/exec"
	"testing"
)

// These tests run ffmpeg's lavfi test sources through the pipe: source,
// as the Pi path (rpicam-vid | edgeinfer) and the README's ffmpeg lines
// do. They are skipped without ffmpeg (scripts/install-deps.sh installs it).

func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("no ffmpeg")
	}
}

func ffmpegFrames(t *testing.T, command string, o SourceOptions) []*Frame {
	t.Helper()
	s, err := Open("pipe:ffmpeg -nostdin -loglevel error "+command, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	frames, corrupt := readAll(t, s)
	if len(corrupt) != 0 {
		t.Fatalf("%d corrupt frames: %v", len(corrupt), corrupt[0])
	}
	return frames
}

// A 224x96 yuv420 stream padded to 256-byte luma rows, as rpicam-vid
// writes 224-wide frames, reads to the same pixels as the tight stream:
// ffmpeg's pad filter makes a 256-wide picture, whose raw layout is
// exactly a 224-wide one with a 256 (and 128) byte stride.
func TestFFmpegYUV420RpicamStride(t *testing.T) {
	needFFmpeg(t)
	src := "-f lavfi -i testsrc=size=224x96:rate=25 -frames:v 5 -pix_fmt yuv420p"
	o := SourceOptions{Format: I420, Width: 224, Height: 96, Range: LimitedRange}
	tight := ffmpegFrames(t, src+" -f rawvideo -", o)
	o.Align = 64
	padded := ffmpegFrames(t, src+" -vf pad=256:96 -f rawvideo -", o)
	if len(tight) != 5 || len(padded) != 5 {
		t.Fatalf("%d tight and %d padded frames, want 5 each", len(tight), len(padded))
	}
	for k := range tight {
		a, b := tight[k], padded[k]
		for i := range 3 {
			if !bytesEqual(a.Planes[i], b.Planes[i]) { // CopyTo packed both
				t.Fatalf("frame %d plane %d differs between the tight and the 64-aligned stream", k, i)
			}
		}
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// A flat colour through ffmpeg's RGB->YUV conversion, in limited (yuv420p)
// and full (yuvj420p) range, and through its JPEG encoder, comes back as
// the same colour within 3 steps per channel.
func TestFFmpegColourRanges(t *testing.T) {
	needFFmpeg(t)
	const r, g, b = 0x30, 0x90, 0xC0
	colour := fmt.Sprintf("-f lavfi -i color=c=0x%02X%02X%02X:size=64x48 -frames:v 2", r, g, b)
	for _, c := range []struct {
		name string
		args string
		o    SourceOptions
	}{
		{"yuv420p limited", colour + " -pix_fmt yuv420p -f rawvideo -", SourceOptions{Format: I420, Width: 64, Height: 48, Range: LimitedRange}},
		{"yuvj420p full", colour + " -pix_fmt yuvj420p -f rawvideo -", SourceOptions{Format: I420, Width: 64, Height: 48, Range: FullRange}},
		{"nv12 limited", colour + " -pix_fmt nv12 -f rawvideo -", SourceOptions{Format: NV12, Width: 64, Height: 48, Range: LimitedRange}},
		{"yuyv422 limited", colour + " -pix_fmt yuyv422 -f rawvideo -", SourceOptions{Format: YUYV, Width: 64, Height: 48, Range: LimitedRange}},
		{"rgb24", colour + " -pix_fmt rgb24 -f rawvideo -", SourceOptions{Format: RGB24, Width: 64, Height: 48}},
		{"mjpeg", colour + " -q:v 2 -f mjpeg -", SourceOptions{Format: MJPEG}},
	} {
		frames := ffmpegFrames(t, c.args, c.o)
		if len(frames) != 2 {
			t.Fatalf("%s: %d frames", c.name, len(frames))
		}
		gr, gg, gb := frames[1].pixelRGB(32, 24)
		if d := max(absDiff(gr, r), absDiff(gg, g), absDiff(gb, b)); d > 3 {
			t.Errorf("%s: got %d,%d,%d want %d,%d,%d", c.name, gr, gg, gb, r, g, b)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// MJPEG streams at several sizes (odd ones included) split into the right
// number of frames of the right size, each close to the raw frame it was
// encoded from.
func TestFFmpegMJPEGSizes(t *testing.T) {
	needFFmpeg(t)
	for _, size := range [][2]int{{64, 48}, {160, 120}, {321, 241}, {640, 480}} {
		src := fmt.Sprintf("-f lavfi -i testsrc=size=%dx%d:rate=25 -frames:v 4", size[0], size[1])
		jpegs := ffmpegFrames(t, src+" -q:v 2 -pix_fmt yuvj420p -f mjpeg -", SourceOptions{Format: MJPEG})
		raw := ffmpegFrames(t, src+" -pix_fmt yuvj420p -f rawvideo -", SourceOptions{Format: I420, Width: size[0], Height: size[1]})
		if len(jpegs) != 4 || len(raw) != 4 {
			t.Fatalf("%v: %d MJPEG and %d raw frames, want 4", size, len(jpegs), len(raw))
		}
		for k, f := range jpegs {
			if f.Width != size[0] || f.Height != size[1] || f.JPEG == nil {
				t.Fatalf("%v frame %d: %dx%d", size, k, f.Width, f.Height)
			}
			sum := 0
			for y := range f.Height {
				for x := range f.Width {
					sum += absDiff(f.Planes[0][y*f.Strides[0]+x], raw[k].Planes[0][y*raw[k].Strides[0]+x])
				}
			}
			if mean := float64(sum) / float64(f.Width*f.Height); mean > 3 {
				t.Errorf("%v frame %d: luma differs from the raw frame by %.2f on average", size, k, mean)
			}
		}
	}
}
