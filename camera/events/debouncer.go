package events

import "time"

// Debouncer holds the debounced state of one classifier stream. Observe is
// called once per classified frame from one goroutine; it allocates
// nothing.
type Debouncer struct {
	cfg Config

	state      string
	stateSince time.Time
	started    bool // an event has been reported

	candidate string // what the last frames agree on
	run       int    // how many frames in a row chose candidate
}

// NewDebouncer returns a Debouncer in the state "" (nothing recognised).
func NewDebouncer(cfg Config) (*Debouncer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Debouncer{cfg: cfg}, nil
}

// State returns the current debounced label ("" for none).
func (d *Debouncer) State() string { return d.state }

// Observe takes one frame's top-k, best first, and reports an event when
// this frame confirms a change of state.
func (d *Debouncer) Observe(seq uint64, t time.Time, top []Class) (Event, bool) {
	cand, score := d.candidateOf(top)
	if cand == d.state {
		d.candidate, d.run = cand, 0
		return Event{}, false
	}
	if cand != d.candidate || d.run == 0 {
		d.candidate, d.run = cand, 0
	}
	d.run++
	if d.run < d.cfg.Confirm {
		return Event{}, false
	}
	ev := Event{Seq: seq, Time: t, Label: cand, Score: score, Previous: d.state}
	if d.started {
		ev.PreviousFor = t.Sub(d.stateSince)
	}
	d.state, d.stateSince, d.started = cand, t, true
	d.candidate, d.run = cand, 0
	return ev, true
}

// candidateOf applies the two thresholds to one frame.
func (d *Debouncer) candidateOf(top []Class) (string, float32) {
	if len(top) == 0 {
		return "", 0
	}
	best := top[0]
	if best.Score >= d.cfg.MinScore {
		return best.Label, best.Score
	}
	if d.state != "" {
		low := d.cfg.MinScore - d.cfg.Hysteresis
		for _, c := range top {
			if c.Label == d.state && c.Score >= low {
				return c.Label, c.Score
			}
		}
	}
	return "", best.Score
}
