package events

import (
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// none is the index of the state in which no class reaches the threshold.
const none = -1

// Debouncer holds the debounced state of one classifier stream. Observe is
// called once per classified frame from one goroutine; it allocates
// nothing.
type Debouncer struct {
	cfg Config

	state      runtime.Class // Index none: nothing recognised
	stateSince time.Time
	started    bool // an event has been reported

	candidate int // class index the last frames agree on
	run       int // how many frames in a row chose candidate
}

// NewDebouncer returns a Debouncer in the state "no class".
func NewDebouncer(cfg Config) (*Debouncer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Debouncer{cfg: cfg, state: runtime.Class{Index: none}, candidate: none}, nil
}

// State returns the current debounced class; its Index is -1 when no
// class reaches the threshold.
func (d *Debouncer) State() runtime.Class { return d.state }

// Observe takes one frame's top-k, best first, and reports an event when
// this frame confirms a change of state.
func (d *Debouncer) Observe(seq uint64, t time.Time, top []runtime.Class) (Event, bool) {
	cand := d.candidateOf(top)
	if cand.Index == d.state.Index {
		d.candidate, d.run = cand.Index, 0
		return Event{}, false
	}
	if cand.Index != d.candidate {
		d.candidate, d.run = cand.Index, 0
	}
	d.run++
	if d.run < d.cfg.Confirm {
		return Event{}, false
	}
	ev := Event{Seq: seq, Time: t, Label: cand.Label, Index: cand.Index, Score: cand.Score,
		Previous: d.state.Label, PreviousIndex: d.state.Index}
	if d.started {
		ev.PreviousFor = t.Sub(d.stateSince)
	}
	d.state, d.stateSince, d.started = cand, t, true
	d.run = 0
	return ev, true
}

// candidateOf applies the two thresholds to one frame. The "no class"
// candidate carries the frame's best score.
func (d *Debouncer) candidateOf(top []runtime.Class) runtime.Class {
	if len(top) == 0 {
		return runtime.Class{Index: none}
	}
	best := top[0]
	if best.Score >= d.cfg.MinScore {
		return best
	}
	if d.state.Index != none {
		low := d.cfg.MinScore - d.cfg.Hysteresis
		for _, c := range top {
			if c.Index == d.state.Index && c.Score >= low {
				return c
			}
		}
	}
	return runtime.Class{Index: none, Score: best.Score}
}
