package httpout

import (
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

func result(seq uint64, capture, pre, infer time.Duration, st camera.Stats) *camera.Result {
	return &camera.Result{Seq: seq, Top: testTop, Latency: camera.Latency{Capture: capture, Preprocess: pre, Infer: infer, EndToEnd: capture + pre + infer}, Stats: st}
}

// Hand-worked: captures of 1, 1 and 3 ms fall in the le=0.001 bucket
// twice (bounds are inclusive) and in le=0.005 once; infer 30, 150 and
// 7000 ms land in 0.05, 0.2 and +Inf.
func TestMetricsExposition(t *testing.T) {
	s, _ := New(Config{Addr: "127.0.0.1:0"})
	ms := time.Millisecond
	s.Publish(result(1, 1*ms, 2*ms, 30*ms, camera.Stats{Captured: 1, Inferred: 1}))
	s.Publish(result(2, 1*ms, 2*ms, 150*ms, camera.Stats{Captured: 3, Inferred: 2, Dropped: 1}))
	s.Publish(result(3, 3*ms, 2*ms, 7000*ms, camera.Stats{Captured: 9, Inferred: 3, Dropped: 5, Corrupt: 2, Stalls: 1, Reconnects: 1, SinkErrors: 4}))
	var mqttDropped uint64 = 17
	s.Metrics().AddCounter("edgeinfer_mqtt_dropped_total", "MQTT messages dropped.", func() uint64 { return mqttDropped })

	code, body := get(t, s.Handler(), "/metrics")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		"edgeinfer_frames_captured_total 9",
		"edgeinfer_inferences_total 3",
		"edgeinfer_frames_dropped_total 5",
		"edgeinfer_frames_corrupt_total 2",
		"edgeinfer_source_stalls_total 1",
		"edgeinfer_source_reconnects_total 1",
		"edgeinfer_sink_errors_total 4",
		"edgeinfer_mqtt_dropped_total 17",
		"# TYPE edgeinfer_stage_latency_seconds histogram",
		`edgeinfer_stage_latency_seconds_bucket{stage="capture",le="0.001"} 2`,
		`edgeinfer_stage_latency_seconds_bucket{stage="capture",le="0.002"} 2`,
		`edgeinfer_stage_latency_seconds_bucket{stage="capture",le="0.005"} 3`,
		`edgeinfer_stage_latency_seconds_bucket{stage="capture",le="+Inf"} 3`,
		`edgeinfer_stage_latency_seconds_sum{stage="capture"} 0.005`,
		`edgeinfer_stage_latency_seconds_count{stage="capture"} 3`,
		`edgeinfer_stage_latency_seconds_bucket{stage="preprocess",le="0.001"} 0`,
		`edgeinfer_stage_latency_seconds_bucket{stage="preprocess",le="0.002"} 3`,
		`edgeinfer_stage_latency_seconds_bucket{stage="infer",le="0.02"} 0`,
		`edgeinfer_stage_latency_seconds_bucket{stage="infer",le="0.05"} 1`,
		`edgeinfer_stage_latency_seconds_bucket{stage="infer",le="0.1"} 1`,
		`edgeinfer_stage_latency_seconds_bucket{stage="infer",le="0.2"} 2`,
		`edgeinfer_stage_latency_seconds_bucket{stage="infer",le="5"} 2`,
		`edgeinfer_stage_latency_seconds_bucket{stage="infer",le="+Inf"} 3`,
		`edgeinfer_stage_latency_seconds_sum{stage="infer"} 7.18`,
		`edgeinfer_stage_latency_seconds_count{stage="end_to_end"} 3`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("missing line %q", want)
		}
	}
	checkExposition(t, body)
}

// checkExposition checks every line against the text format's grammar:
// comments are HELP or TYPE, samples are name{labels} value, and every
// sample's family was TYPEd before it.
func checkExposition(t *testing.T, body string) {
	t.Helper()
	help := regexp.MustCompile(`^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$`)
	typ := regexp.MustCompile(`^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$`)
	sample := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$`)
	typed := map[string]string{}
	if !strings.HasSuffix(body, "\n") {
		t.Error("exposition does not end with a newline")
	}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if m := typ.FindStringSubmatch(line); m != nil {
			if _, dup := typed[m[1]]; dup {
				t.Errorf("family %s typed twice", m[1])
			}
			typed[m[1]] = m[2]
			continue
		}
		if help.MatchString(line) {
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("bad line %q", line)
			continue
		}
		name := m[1]
		if typed[name] == "" {
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
			if typed[base] != "histogram" {
				t.Errorf("sample %q before its TYPE", line)
			}
		}
	}
}

func TestRateWindow(t *testing.T) {
	var r rateWindow
	t0 := time.Unix(1000, 0)
	for i := 0; i <= 10; i++ { // 11 results 100 ms apart: 10 per second
		r.add(t0.Add(time.Duration(i) * 100 * time.Millisecond))
	}
	now := t0.Add(time.Second)
	if got := r.perSecond(now, 5*time.Second); got != 10 {
		t.Errorf("rate %v, want 10", got)
	}
	// Only the last 0.5 s: 6 results over 0.5 s.
	if got := r.perSecond(now, 500*time.Millisecond); got != 10 {
		t.Errorf("rate over 0.5 s %v, want 10", got)
	}
	if got := r.perSecond(now.Add(time.Minute), 5*time.Second); got != 0 {
		t.Errorf("rate after a minute of silence %v, want 0", got)
	}
	for i := 0; i < 200; i++ { // wraps the ring: 200 results 10 ms apart
		r.add(now.Add(time.Duration(i+1) * 10 * time.Millisecond))
	}
	if got := r.perSecond(now.Add(2*time.Second), 5*time.Second); got < 99.99 || got > 100.01 {
		t.Errorf("rate %v, want 100", got)
	}
}

func TestHealthz(t *testing.T) {
	s, _ := New(Config{Addr: "127.0.0.1:0", StallAfter: 50 * time.Millisecond})
	if code, body := get(t, s.Handler(), "/healthz"); code != 503 || body != "no frame classified yet\n" {
		t.Errorf("before frames: %d %q", code, body)
	}
	s.Publish(result(1, 0, 0, 0, camera.Stats{}))
	if code, body := get(t, s.Handler(), "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("after a frame: %d %q", code, body)
	}
	time.Sleep(80 * time.Millisecond)
	if code, body := get(t, s.Handler(), "/healthz"); code != 503 || !strings.HasPrefix(body, "no frame classified for ") {
		t.Errorf("stalled: %d %q", code, body)
	}
	never, _ := New(Config{Addr: "127.0.0.1:0", StallAfter: -1})
	if code, _ := get(t, never.Handler(), "/healthz"); code != 200 {
		t.Errorf("StallAfter < 0: %d", code)
	}
}

// The stream is real multipart: mime/multipart reads JPEG parts that
// decode to the frame's size. Nothing is encoded without a watcher.
func TestMJPEGStream(t *testing.T) {
	s, err := New(Config{Addr: "127.0.0.1:0", MaxFPS: 50})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	f := testFrame(1)
	for i := 0; i < 10; i++ {
		s.Publish(&camera.Result{Seq: uint64(i), Top: testTop, Frame: f})
	}
	time.Sleep(50 * time.Millisecond)
	s.mu.Lock()
	encoded := s.latest != nil
	s.mu.Unlock()
	if encoded {
		t.Fatal("a frame was encoded with nobody watching")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go feed(ctx, s)
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+s.Addr()+"/stream.mjpg", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/x-mixed-replace" {
		t.Fatalf("content type %q: %v", resp.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	for i := 0; i < 3; i++ {
		part, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if ct := part.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Errorf("part %d content type %q", i, ct)
		}
		img, err := jpeg.Decode(part)
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
			t.Errorf("part %d is %v", i, b)
		}
		io.Copy(io.Discard, part)
	}
	if s.watchers.Load() != 1 {
		t.Errorf("%d watchers, want 1", s.watchers.Load())
	}

	code, body := get(t, s.Handler(), "/")
	if code != 200 || !strings.Contains(body, `<img src="/stream.mjpg"`) {
		t.Errorf("page: %d %q", code, body)
	}
	s.cfg.Title = `<script>"x"&`
	if _, body := get(t, s.Handler(), "/"); !strings.Contains(body, "<title>&lt;script&gt;&#34;x&#34;&amp; · edgeinfer</title>") {
		t.Errorf("title not escaped: %s", body)
	}
}

func TestPublishWithoutWatchersAllocatesNothing(t *testing.T) {
	s, _ := New(Config{Addr: "127.0.0.1:0"})
	r := &camera.Result{Top: testTop, Frame: testFrame(1)}
	allocs := testing.AllocsPerRun(100, func() {
		r.Seq++
		s.Publish(r)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Publish, want 0", allocs)
	}
}

func TestEnlarge(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 2, 2))
	src.SetRGBA(0, 0, color.RGBA{1, 2, 3, 255})
	src.SetRGBA(1, 0, color.RGBA{4, 5, 6, 255})
	src.SetRGBA(0, 1, color.RGBA{7, 8, 9, 255})
	src.SetRGBA(1, 1, color.RGBA{10, 11, 12, 255})
	var buf *image.RGBA
	dst := enlarge(rgba0(&buf, 6, 6), src, 3)
	for y := 0; y < 6; y++ {
		for x := 0; x < 6; x++ {
			if got, want := dst.RGBAAt(x, y), src.RGBAAt(x/3, y/3); got != want {
				t.Fatalf("(%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

// A 28x28 frame is shown 336 pixels wide (12x).
func TestSmallFramesEnlarged(t *testing.T) {
	s, _ := New(Config{Addr: "127.0.0.1:0"})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := &camera.Frame{Format: camera.Gray, Width: 28, Height: 28, Planes: [3][]byte{make([]byte, 28*28)}, Strides: [3]int{28}}
	go func() {
		for i := 0; i < 50; i++ {
			s.Publish(&camera.Result{Seq: uint64(i), Top: testTop, Frame: f})
			time.Sleep(20 * time.Millisecond)
		}
	}()
	resp, err := http.Get("http://" + s.Addr() + "/latest.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	img, err := jpeg.Decode(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 336 || b.Dy() != 336 {
		t.Errorf("preview is %v, want 336x336", b)
	}
}
