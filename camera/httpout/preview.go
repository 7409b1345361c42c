package httpout

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/draw"
	"image/jpeg"
	"net/http"
	"strconv"
	"time"
)

// encoder turns offered frames into preview JPEGs until Close.
func (s *Server) encoder() {
	defer close(s.encDone)
	var rgba, scaled *image.RGBA
	lines := make([]string, 0, len(s.pendTop)+1)
	for {
		select {
		case <-s.stop:
			return
		case <-s.kick:
		}
		f := &s.pending
		img := f.Image()
		src, ok := img.(*image.RGBA)
		if !ok { // Gray frames
			src = image.NewRGBA(img.Bounds())
			draw.Draw(src, src.Rect, img, img.Bounds().Min, draw.Src)
		}
		// Small frames (a 28x28 sample, a 96x96 thumbnail) are enlarged
		// so that the labels fit and the picture can be seen.
		rgba = src
		if k := (minPreviewWidth + src.Rect.Dx() - 1) / src.Rect.Dx(); k > 1 {
			rgba = enlarge(rgba0(&scaled, src.Rect.Dx()*k, src.Rect.Dy()*k), src, k)
		}
		lines = lines[:0]
		lines = append(lines, fmt.Sprintf("#%d  %.1f fps", f.Seq, s.pendFPS))
		for _, c := range s.pendTop[:s.pendN] {
			name := c.Label
			if name == "" {
				name = "class " + strconv.Itoa(c.Index)
			}
			lines = append(lines, fmt.Sprintf("%-12s %.3f", name, c.Score))
		}
		s.encoding.Store(false) // pending is free again: everything is copied
		drawLabels(rgba, lines, max(1, rgba.Bounds().Dx()/320))
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: s.cfg.Quality}); err != nil {
			s.cfg.Logf("http: preview JPEG: %v", err)
			continue
		}
		s.mu.Lock()
		s.latest = buf.Bytes()
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}
}

// minPreviewWidth is the width below which preview frames are enlarged.
const minPreviewWidth = 320

// rgba0 returns *buf resized to w x h, reusing its memory when it can.
func rgba0(buf **image.RGBA, w, h int) *image.RGBA {
	if *buf == nil || (*buf).Rect.Dx() != w || (*buf).Rect.Dy() != h {
		*buf = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	return *buf
}

// enlarge scales src up by the integer factor k into dst, each pixel a
// k x k block (nearest neighbour: sharp, and exact about what the camera
// delivered).
func enlarge(dst, src *image.RGBA, k int) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := 0; y < h; y++ {
		srow := src.Pix[y*src.Stride : y*src.Stride+4*w]
		drow := dst.Pix[y*k*dst.Stride : y*k*dst.Stride+4*w*k]
		for x := 0; x < w; x++ {
			px := srow[4*x : 4*x+4]
			for i := 0; i < k; i++ {
				copy(drow[4*(x*k+i):], px)
			}
		}
		for i := 1; i < k; i++ {
			copy(dst.Pix[(y*k+i)*dst.Stride:], drow)
		}
	}
	return dst
}

// next returns the newest JPEG, after waiting for one newer than prev
// (nil: any), or nil when the server stops or the request ends.
func (s *Server) next(r *http.Request, prev []byte, timeout time.Duration) []byte {
	for {
		s.mu.Lock()
		latest, changed := s.latest, s.changed
		s.mu.Unlock()
		if latest != nil && (prev == nil || &latest[0] != &prev[0]) {
			return latest
		}
		t := time.NewTimer(timeout)
		select {
		case <-changed:
			t.Stop()
		case <-t.C:
			return nil
		case <-r.Context().Done():
			t.Stop()
			return nil
		case <-s.stop:
			t.Stop()
			return nil
		}
	}
}

// stream serves the MJPEG stream: one JPEG part per new preview frame.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	s.watchers.Add(1)
	defer s.watchers.Add(-1)
	const boundary = "edgeinferframe"
	h := w.Header()
	h.Set("Content-Type", "multipart/x-mixed-replace; boundary="+boundary)
	h.Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	var prev []byte
	for {
		jpg := s.next(r, prev, time.Minute)
		if jpg == nil {
			return
		}
		prev = jpg
		// A slow client makes this Write wait; it holds only its own
		// connection, since frames are shared read-only.
		if _, err := fmt.Fprintf(w, "--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", boundary, len(jpg)); err != nil {
			return
		}
		if _, err := w.Write(jpg); err != nil {
			return
		}
		if _, err := w.Write([]byte("\r\n")); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// latestJPEG serves one fresh preview frame (waiting up to 5 s for it).
func (s *Server) latestJPEG(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	prev := s.latest
	s.mu.Unlock()
	s.wantOnce.Store(true)
	jpg := s.next(r, prev, 5*time.Second)
	if jpg == nil {
		http.Error(w, "no frame within 5 s", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(jpg)
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.WriteText(w, time.Now())
}

// healthz answers 200 while frames are classified, 503 when none was for
// StallAfter (or none yet).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	last := s.metrics.lastResult()
	switch {
	case s.cfg.StallAfter < 0:
	case last.IsZero():
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "no frame classified yet")
		return
	case time.Since(last) > s.cfg.StallAfter:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "no frame classified for %.1f s\n", time.Since(last).Seconds())
		return
	}
	fmt.Fprintln(w, "ok")
}

// pageHTML is the preview page; %[1]s is the escaped title. (Plain
// formatting rather than html/template, which would add half a megabyte
// to the binary for one substitution.)
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%[1]s · edgeinfer</title>
<style>
body { margin: 0; background: #111; color: #ddd; font: 14px system-ui, sans-serif; }
header { padding: 8px 12px; }
header a { color: #8cf; margin-left: 1em; }
img { display: block; max-width: 100%%; margin: 0 12px; background: #000; }
</style>
</head>
<body>
<header><b>edgeinfer</b> · %[1]s <a href="/metrics">metrics</a><a href="/healthz">health</a><a href="/latest.jpg">snapshot</a></header>
<img src="/stream.mjpg" alt="live preview">
</body>
</html>
`

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, pageHTML, html.EscapeString(s.cfg.Title))
}
