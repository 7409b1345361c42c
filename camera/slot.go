package camera

import "sync"

// frameSlot hands frames from the capture goroutine to the inference
// goroutine through three buffers: one being filled, one waiting in the
// slot (full) or free (spare), one being classified. In latest mode a new
// frame replaces a waiting one, which counts as dropped; in every-frame
// mode (files) the capture side waits for the slot to empty instead.
type frameSlot struct {
	mu       sync.Mutex
	full     *Frame        // the newest frame not yet taken, or nil
	spare    *Frame        // the free buffer while full is nil
	ended    bool          // the capture side has stopped
	endErr   error         // why, nil for the end of a finite source
	captured uint64        // frames published
	dropped  uint64        // frames replaced before being taken
	ready    chan struct{} // signalled when full is set or the capture side ends
	space    chan struct{} // signalled when full is taken (every-frame mode)
}

func newFrameSlot() (*frameSlot, *Frame, *Frame) {
	s := &frameSlot{spare: new(Frame), ready: make(chan struct{}, 1), space: make(chan struct{}, 1)}
	return s, new(Frame), new(Frame) // the capture side's and the consumer's buffers
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// publish puts f in the slot and returns the buffer to fill next. In
// every-frame mode it first waits for the slot to be empty, or for stop.
func (s *frameSlot) publish(f *Frame, latest bool, stop <-chan struct{}) (next *Frame, ok bool) {
	s.mu.Lock()
	for !latest && s.full != nil {
		s.mu.Unlock()
		select {
		case <-s.space:
		case <-stop:
			return f, false
		}
		s.mu.Lock()
	}
	s.captured++
	if s.full != nil {
		s.dropped++
		next, s.full = s.full, f
	} else {
		next, s.full, s.spare = s.spare, f, nil
	}
	s.mu.Unlock()
	signal(s.ready)
	return next, true
}

// end records that the capture side stopped, with err (nil: end of
// stream).
func (s *frameSlot) end(err error) {
	s.mu.Lock()
	s.ended, s.endErr = true, err
	s.mu.Unlock()
	signal(s.ready)
}

// take swaps the waiting frame for cur, the buffer the consumer is done
// with. It returns nil when no frame is waiting, with ended set once the
// capture side has stopped and nothing is left.
func (s *frameSlot) take(cur *Frame) (f *Frame, ended bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full == nil {
		return nil, s.ended, s.endErr
	}
	f, s.full, s.spare = s.full, nil, cur
	signal(s.space)
	return f, false, nil
}

// counts returns frames captured and dropped so far.
func (s *frameSlot) counts() (captured, dropped uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.captured, s.dropped
}

// abandon counts a frame left waiting at shutdown as dropped, so that
// captured == inferred + dropped holds exactly.
func (s *frameSlot) abandon() {
	s.mu.Lock()
	if s.full != nil {
		s.dropped++
		s.spare, s.full = s.full, nil
	}
	s.mu.Unlock()
}
