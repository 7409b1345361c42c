// Package events turns the per-frame top-k of a classifier into a debounced
// label state and reports the moments that state changes.
//
// A frame's candidate is its top-1 label when that label's score reaches
// MinScore. Once a label is held it stays the candidate while its score
// (looked up in the frame's top-k) stays at or above MinScore-Hysteresis,
// unless another label reaches MinScore: the two thresholds of rpicam's
// object_classify_tf stage (threshold_high, threshold_low). A candidate
// becomes the state only after Confirm frames in a row agree on it, as
// Frigate's state classification does with three. A frame whose best score
// is below every threshold has the candidate "" (nothing recognised), which
// is a state like any other: leaving a label for "" is an event too.
//
// Classes are told apart by their output index, so models without labels
// work too; "no class" is the index -1.
package events

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Config sets the thresholds of a Debouncer.
type Config struct {
	// MinScore is the score a label needs to become the candidate, in the
	// units of the model's output: a probability for models ending in
	// softmax, a logit for those that do not.
	MinScore float32
	// Hysteresis lowers the score the held label needs to stay the
	// candidate to MinScore-Hysteresis, so a score wobbling around
	// MinScore does not flip the state.
	Hysteresis float32
	// Confirm is how many frames in a row must agree on a new candidate
	// before it becomes the state (1 = at once).
	Confirm int
}

// Validate reports a threshold that cannot work.
func (c Config) Validate() error {
	switch {
	case math.IsNaN(float64(c.MinScore)) || math.IsInf(float64(c.MinScore), 0):
		return fmt.Errorf("events: min score %v is not a finite number", c.MinScore)
	case !(c.Hysteresis >= 0) || math.IsInf(float64(c.Hysteresis), 0):
		return fmt.Errorf("events: hysteresis %v: want a finite number ≥ 0", c.Hysteresis)
	case c.Confirm < 1:
		return fmt.Errorf("events: confirm %d: need at least 1 frame", c.Confirm)
	}
	return nil
}

// Event is a change of the debounced state.
type Event struct {
	Seq      uint64    // frame that confirmed the change
	Time     time.Time // that frame's capture time
	Label    string    // new state; "" when no class reaches the threshold
	Index    int       // the new class's output index; -1 for none
	Score    float32   // the new class's score in that frame (the best score for none)
	Previous string    // state before the change
	// PreviousIndex is the previous class's output index; -1 for none.
	PreviousIndex int
	// PreviousFor is how long the previous state lasted, from the frame
	// that confirmed it to this one; zero for the first event.
	PreviousFor time.Duration
}

// AppendJSON appends the event as one JSON object (no newline) to dst:
//
//	{"seq":12,"ts":"2026-11-27T00:01:02.5Z","label":"cat","index":3,"score":0.9100,
//	 "previous":"","previous_index":-1,"previous_for_s":0.000}
//
// It allocates nothing when dst has room.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, e.Seq, 10)
	dst = append(dst, `,"ts":"`...)
	dst = e.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","label":`...)
	dst = AppendJSONString(dst, e.Label)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(e.Index), 10)
	dst = append(dst, `,"score":`...)
	dst = appendScore(dst, e.Score)
	dst = append(dst, `,"previous":`...)
	dst = AppendJSONString(dst, e.Previous)
	dst = append(dst, `,"previous_index":`...)
	dst = strconv.AppendInt(dst, int64(e.PreviousIndex), 10)
	dst = append(dst, `,"previous_for_s":`...)
	dst = strconv.AppendFloat(dst, e.PreviousFor.Seconds(), 'f', 3, 64)
	return append(dst, '}')
}

// appendScore writes a score with 4 decimals; NaN and infinities, which
// JSON cannot carry, become 0.
func appendScore(dst []byte, s float32) []byte {
	f := float64(s)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return strconv.AppendFloat(dst, f, 'f', 4, 32)
}

// AppendJSONString appends s as a JSON string literal, escaping quotes,
// backslashes and control characters. Labels come from model files, so
// they may hold anything.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
