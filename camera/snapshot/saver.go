package snapshot

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
)

// Saver encodes and saves frames on its own goroutine, so that the frame
// loop only copies the frame. It holds two frame buffers: one being
// saved, one waiting; an offer when both are taken is dropped and counted.
type Saver struct {
	store   *Store
	quality int
	logf    func(string, ...any)

	jobs chan job
	free chan *camera.Frame
	wg   sync.WaitGroup
	once sync.Once

	saved, dropped, failed atomic.Uint64
}

type job struct {
	frame *camera.Frame
	t     time.Time
	seq   uint64
	label string
}

// NewSaver starts a Saver writing to store at JPEG quality (1-100; used
// when the frame is not already a JPEG). logf receives write errors.
func NewSaver(store *Store, quality int, logf func(string, ...any)) *Saver {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	s := &Saver{store: store, quality: quality, logf: logf, jobs: make(chan job, 2), free: make(chan *camera.Frame, 2)}
	s.free <- new(camera.Frame)
	s.free <- new(camera.Frame)
	s.wg.Add(1)
	go s.run()
	return s
}

// Offer copies f for saving as a snapshot labelled label. It never blocks;
// it returns false when the Saver is busy and the frame was dropped.
func (s *Saver) Offer(f *camera.Frame, label string) bool {
	select {
	case buf := <-s.free:
		f.CopyTo(buf)
		s.jobs <- job{frame: buf, t: f.Time, seq: f.Seq, label: label} // room for every buffer
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

func (s *Saver) run() {
	defer s.wg.Done()
	for j := range s.jobs {
		name := FileName(j.t, j.seq, j.label)
		_, err := s.store.Save(name, func(w io.Writer) error { return j.frame.EncodeJPEG(w, s.quality) })
		if err != nil {
			s.failed.Add(1)
			s.logf("%v", err)
		} else {
			s.saved.Add(1)
		}
		s.free <- j.frame
	}
}

// Stats returns how many snapshots were saved, dropped while busy, and
// failed to write.
func (s *Saver) Stats() (saved, dropped, failed uint64) {
	return s.saved.Load(), s.dropped.Load(), s.failed.Load()
}

// Close saves what is waiting and stops. Offer must not be called after.
func (s *Saver) Close() error {
	s.once.Do(func() { close(s.jobs) })
	s.wg.Wait()
	return nil
}
