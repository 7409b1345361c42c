package httpout

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// testFrame is a 640x480 RGB24 frame of four flat quadrants (yellow, red,
// green, blue) with a dark grey bar across the middle, easy to find again
// in a JPEG or a screenshot.
func testFrame(seq uint64) *camera.Frame {
	const w, h = 640, 480
	pix := make([]byte, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := quadrantColor(x, y)
			copy(pix[(y*w+x)*3:], []byte{c.R, c.G, c.B})
		}
	}
	return &camera.Frame{Format: camera.RGB24, Width: w, Height: h, Planes: [3][]byte{pix}, Strides: [3]int{w * 3}, Seq: seq, Time: time.Now()}
}

func quadrantColor(x, y int) color.RGBA {
	switch {
	case y >= 232 && y < 248:
		return color.RGBA{40, 40, 40, 255}
	case x < 320 && y < 240:
		return color.RGBA{220, 220, 40, 255}
	case y < 240:
		return color.RGBA{220, 40, 40, 255}
	case x < 320:
		return color.RGBA{40, 200, 40, 255}
	}
	return color.RGBA{40, 40, 220, 255}
}

var testTop = []runtime.Class{{Index: 281, Label: "tabby cat", Score: 0.913}, {Index: 207, Label: "dog", Score: 0.052}}

// feed publishes results with testFrame until ctx ends.
func feed(ctx context.Context, s *Server) {
	f := testFrame(0)
	for seq := uint64(1); ctx.Err() == nil; seq++ {
		f.Seq, f.Time = seq, time.Now()
		s.Publish(&camera.Result{Seq: seq, Time: f.Time, Top: testTop, Frame: f,
			Latency: camera.Latency{Capture: time.Millisecond, Preprocess: 2 * time.Millisecond, Infer: 30 * time.Millisecond, EndToEnd: 34 * time.Millisecond},
			Stats:   camera.Stats{Captured: seq, Inferred: seq}})
		time.Sleep(20 * time.Millisecond)
	}
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "chromium is not installed (apt-get install chromium; scripts/install-deps.sh installs it)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + ": CI must run this test") // .ci/run installs it
	}
	t.Skip(msg)
	return ""
}

// Headless Chromium loads the preview page; its screenshot must show the
// streamed frame with the labels drawn over it.
func TestPreviewPageInChromium(t *testing.T) {
	bin := chromium(t)
	s, err := New(Config{Addr: "127.0.0.1:0", Title: "mobilenet_v2 test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go feed(ctx, s)

	shot := filepath.Join(t.TempDir(), "preview.png")
	cctx, ccancel := context.WithTimeout(ctx, 60*time.Second)
	defer ccancel()
	cmd := exec.CommandContext(cctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--disable-extensions", "--user-data-dir="+t.TempDir(),
		"--window-size=680,560", "--timeout=4000", "--screenshot="+shot, "http://"+s.Addr()+"/")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, out)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if dst := os.Getenv("EDGEINFER_WRITE_PREVIEW"); dst != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// What the frame should look like: the test frame with the overlay
	// drawn by the same code (the fps figure varies, so that line is
	// excluded from the comparison below).
	want := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			want.SetRGBA(x, y, quadrantColor(x, y))
		}
	}
	drawLabels(want, []string{"#0  0.0 fps", "tabby cat    0.913", "dog          0.052"}, 2)

	// Find the frame in the page: try the offsets the layout allows and
	// keep the best match over the quadrants' centres.
	ox, oy, best := findFrame(got, want)
	t.Logf("frame found at (%d,%d) in a %v screenshot, mean error %.1f", ox, oy, got.Bounds().Size(), best)
	if best > 12 {
		t.Fatalf("the screenshot does not show the frame (best mean error %.1f at %d,%d)", best, ox, oy)
	}
	// The label lines: dark box with white glyph pixels where the overlay
	// has them. Rows of line 2 and 3 (line 1 holds the changing fps).
	lineH := 13 * 2
	textRect := image.Rect(0, 8+lineH, 18*7*2+16, 8+3*lineH)
	diff, whites, darks := 0.0, 0, 0
	n := 0
	for y := textRect.Min.Y; y < textRect.Max.Y; y++ {
		for x := textRect.Min.X; x < textRect.Max.X; x++ {
			g := toRGBA(got.At(ox+x, oy+y))
			diff += colorDist(g, want.RGBAAt(x, y))
			n++
			if g.R > 180 && g.G > 180 && g.B > 180 {
				whites++
			}
			if g.R < 110 && g.G < 110 && g.B < 60 {
				darks++
			}
		}
	}
	diff /= float64(n)
	t.Logf("label region: mean error %.1f, %d white and %d dark pixels of %d", diff, whites, darks, n)
	if diff > 25 || whites < n/20 || darks < n/3 {
		t.Errorf("label text not found where the overlay draws it (mean error %.1f, %d white, %d dark of %d)", diff, whites, darks, n)
	}
}

// findFrame returns the offset of want in got with the lowest mean colour
// error over a grid of sample points outside the overlay.
func findFrame(got image.Image, want *image.RGBA) (int, int, float64) {
	bestX, bestY, best := 0, 0, math.Inf(1)
	b := got.Bounds()
	for oy := 0; oy+480 <= b.Dy() && oy < 120; oy++ {
		for ox := 0; ox+640 <= b.Dx() && ox < 40; ox++ {
			sum, n := 0.0, 0
			add := func(x, y int) {
				sum += colorDist(toRGBA(got.At(ox+x, oy+y)), want.RGBAAt(x, y))
				n++
			}
			// A coarse grid, plus every pixel across the quadrant edges
			// (x = 320, the bar at y = 232..248, the right and bottom
			// borders), which pin the offset to the pixel.
			for y := 130; y < 480; y += 17 {
				for x := 5; x < 640; x += 23 {
					add(x, y)
				}
				for x := 310; x < 330; x++ {
					add(x, y)
				}
				for x := 625; x < 640; x++ {
					add(x, y)
				}
			}
			for x := 5; x < 640; x += 23 {
				for y := 222; y < 258; y++ {
					add(x, y)
				}
				for y := 465; y < 480; y++ {
					add(x, y)
				}
			}
			if m := sum / float64(n); m < best {
				bestX, bestY, best = ox, oy, m
			}
		}
	}
	return bestX, bestY, best
}

func toRGBA(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

func colorDist(a, b color.RGBA) float64 {
	abs := func(x, y uint8) float64 { return math.Abs(float64(x) - float64(y)) }
	return (abs(a.R, b.R) + abs(a.G, b.G) + abs(a.B, b.B)) / 3
}
