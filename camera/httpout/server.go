// Package httpout serves a camera pipeline over HTTP: a live preview page
// whose MJPEG stream (multipart/x-mixed-replace) shows the frames with the
// top-k drawn over them, /metrics in the Prometheus text format and
// /healthz. It is a camera.Sink.
//
// Frames are encoded to JPEG only while a client is watching (the stream or
// /latest.jpg), at most MaxFPS times a second, on the server's own
// goroutine: the pipeline's Publish copies the frame into a reused buffer
// when the encoder is idle and returns.
package httpout

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// Config configures a Server.
type Config struct {
	// Addr is the listen address, such as 127.0.0.1:8080.
	Addr string
	// Title heads the preview page (the model's name).
	Title string
	// Quality is the preview's JPEG quality, 1-100 (75 when zero).
	Quality int
	// MaxFPS caps the preview frame rate (10 when zero).
	MaxFPS float64
	// StallAfter makes /healthz fail when no frame was classified for this
	// long (10 s when zero; negative: never, for classify-on-trigger).
	StallAfter time.Duration
	// Logf receives server errors; nil discards them.
	Logf func(format string, args ...any)
}

// Server is the HTTP output. Create it with New, then Start it.
type Server struct {
	cfg     Config
	metrics *Metrics
	http    *http.Server
	ln      net.Listener
	served  chan struct{} // closed when Serve returns

	// Preview: the pipeline hands a frame to the encoder when watchers > 0,
	// the encoder is idle and the preview interval has passed.
	watchers  atomic.Int32
	wantOnce  atomic.Bool // a /latest.jpg request waits for a frame
	encoding  atomic.Bool // pending is the encoder's until it clears this
	lastOffer time.Time   // pipeline goroutine only
	interval  time.Duration
	pending   camera.Frame
	pendTop   [8]runtime.Class // copied top-k (strings are shared, not copied)
	pendN     int
	pendFPS   float64
	kick      chan struct{}
	stop      chan struct{}
	encDone   chan struct{}

	mu      sync.Mutex
	latest  []byte        // newest preview JPEG; never modified once published
	changed chan struct{} // closed and replaced when latest changes
}

// New checks cfg and returns a Server that is not yet listening.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		return nil, errors.New("http: no listen address")
	}
	if cfg.Quality == 0 {
		cfg.Quality = 75
	}
	if cfg.Quality < 1 || cfg.Quality > 100 {
		return nil, fmt.Errorf("http: JPEG quality %d is outside 1-100", cfg.Quality)
	}
	if cfg.MaxFPS == 0 {
		cfg.MaxFPS = 10
	}
	if !(cfg.MaxFPS > 0) {
		return nil, fmt.Errorf("http: preview rate %v fps: want more than 0", cfg.MaxFPS)
	}
	if cfg.StallAfter == 0 {
		cfg.StallAfter = 10 * time.Second
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{
		cfg:      cfg,
		metrics:  newMetrics(time.Now()),
		interval: time.Duration(float64(time.Second) / cfg.MaxFPS),
		kick:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		encDone:  make(chan struct{}),
		served:   make(chan struct{}),
		changed:  make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /stream.mjpg", s.stream)
	mux.HandleFunc("GET /latest.jpg", s.latestJPEG)
	mux.HandleFunc("GET /metrics", s.metricsPage)
	mux.HandleFunc("GET /healthz", s.healthz)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return s, nil
}

// Metrics returns the collector behind /metrics, for adding counters.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Handler returns the server's routes (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Start listens on Addr (failing at once on a bad or busy address) and
// serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	s.ln = ln
	go s.encoder()
	go func() {
		defer close(s.served)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logf("http: %v", err)
		}
	}()
	return nil
}

// Addr returns the address the server listens on (useful with port 0).
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.cfg.Addr
	}
	return s.ln.Addr().String()
}

// Publish records r for /metrics and /healthz and, when someone watches,
// hands the frame to the preview encoder. It allocates nothing unless a
// frame grows the preview buffer.
func (s *Server) Publish(r *camera.Result) error {
	now := time.Now()
	s.metrics.observe(r, now)
	if r.Frame == nil || (s.watchers.Load() == 0 && !s.wantOnce.Load()) {
		return nil
	}
	if now.Sub(s.lastOffer) < s.interval || !s.encoding.CompareAndSwap(false, true) {
		return nil
	}
	s.wantOnce.Store(false)
	s.lastOffer = now
	r.Frame.CopyTo(&s.pending)
	s.pendN = copy(s.pendTop[:], r.Top)
	s.pendFPS = s.metrics.results.perSecond(now, 5*time.Second)
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

// Close stops the encoder and the server; open streams are cut.
func (s *Server) Close() error {
	select {
	case <-s.stop:
		return nil
	default:
	}
	close(s.stop)
	if s.ln == nil {
		return nil
	}
	<-s.encDone
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.http.Close() // streams never finish by themselves
	}
	<-s.served
	return err
}
