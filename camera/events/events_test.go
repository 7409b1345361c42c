package events

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// Class indices of the labels the tests use.
var index = map[string]int{"a": 0, "b": 1, "cat": 2, "dog": 3}

var t0 = time.Date(2026, 11, 27, 0, 1, 2, 500_000_000, time.UTC)

type frame struct {
	top  []runtime.Class
	want string // event label, or "-" for no event
}

func run(t *testing.T, cfg Config, frames []frame) []Event {
	t.Helper()
	d, err := NewDebouncer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []Event
	for i, f := range frames {
		ev, ok := d.Observe(uint64(i+1), t0.Add(time.Duration(i)*time.Second), f.top)
		switch {
		case f.want == "-" && ok:
			t.Errorf("frame %d: unexpected event %+v", i+1, ev)
		case f.want != "-" && !ok:
			t.Errorf("frame %d: no event, want one to %q", i+1, f.want)
		case ok && ev.Label != f.want:
			t.Errorf("frame %d: event to %q, want %q", i+1, ev.Label, f.want)
		}
		if ok {
			got = append(got, ev)
		}
	}
	return got
}

func top(pairs ...any) []runtime.Class {
	var cs []runtime.Class
	for i := 0; i < len(pairs); i += 2 {
		l := pairs[i].(string)
		cs = append(cs, runtime.Class{Index: index[l], Label: l, Score: float32(pairs[i+1].(float64))})
	}
	return cs
}

func TestConfirmAndHysteresis(t *testing.T) {
	// MinScore 0.8, hold down to 0.6, three frames to confirm.
	cfg := Config{MinScore: 0.8, Hysteresis: 0.2, Confirm: 3}
	evs := run(t, cfg, []frame{
		{top("cat", 0.9, "dog", 0.1), "-"},
		{top("cat", 0.9, "dog", 0.1), "-"},
		{top("cat", 0.85, "dog", 0.1), "cat"}, // third in a row
		{top("cat", 0.7, "dog", 0.2), "-"},    // below 0.8, above 0.6: held
		{top("dog", 0.65, "cat", 0.62), "-"},  // cat still ≥ 0.6 and dog < 0.8
		{top("dog", 0.75, "cat", 0.2), "-"},   // candidate "": 1
		{top("dog", 0.79, "cat", 0.2), "-"},   // 2
		{top("dog", 0.5, "cat", 0.45), ""},    // 3: cleared
		{top("dog", 0.7, "cat", 0.65), "-"},   // cat is not held any more: 0.65 < 0.8
		{top("dog", 0.81, "cat", 0.1), "-"},
		{top("dog", 0.99), "-"},
		{top("cat", 0.9), "-"}, // breaks dog's run
		{top("dog", 0.81), "-"},
		{top("dog", 0.82), "-"},
		{top("dog", 0.83), "dog"},
	})
	if len(evs) != 3 {
		t.Fatalf("%d events, want 3", len(evs))
	}
	want := []Event{
		{Seq: 3, Time: t0.Add(2 * time.Second), Label: "cat", Index: 2, Score: 0.85, Previous: "", PreviousIndex: -1},
		{Seq: 8, Time: t0.Add(7 * time.Second), Label: "", Index: -1, Score: 0.5, Previous: "cat", PreviousIndex: 2, PreviousFor: 5 * time.Second},
		{Seq: 15, Time: t0.Add(14 * time.Second), Label: "dog", Index: 3, Score: 0.83, Previous: "", PreviousIndex: -1, PreviousFor: 7 * time.Second},
	}
	for i := range want {
		if evs[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, evs[i], want[i])
		}
	}
}

func TestFlickerNeverConfirms(t *testing.T) {
	cfg := Config{MinScore: 0.5, Confirm: 2}
	var frames []frame
	for i := 0; i < 20; i++ {
		l := "cat"
		if i%2 == 1 {
			l = "dog"
		}
		frames = append(frames, frame{top(l, 0.9), "-"})
	}
	run(t, cfg, frames)
}

func TestConfirmOneIsImmediate(t *testing.T) {
	run(t, Config{MinScore: 0, Confirm: 1}, []frame{
		{top("a", 0.1), "a"},
		{top("a", 0.2), "-"},
		{top("b", 0.3), "b"},
		{nil, ""}, // no classes at all
	})
}

// Models without labels: classes are told apart by index.
func TestUnlabelledClasses(t *testing.T) {
	d, _ := NewDebouncer(Config{MinScore: 0.5, Confirm: 1})
	ev, ok := d.Observe(1, t0, []runtime.Class{{Index: 4, Score: 0.9}})
	if !ok || ev.Index != 4 || ev.Label != "" || ev.PreviousIndex != -1 {
		t.Fatalf("first event %+v, %v", ev, ok)
	}
	ev, ok = d.Observe(2, t0, []runtime.Class{{Index: 5, Score: 0.9}})
	if !ok || ev.Index != 5 || ev.PreviousIndex != 4 {
		t.Fatalf("second event %+v, %v", ev, ok)
	}
}

// Models without softmax give logits: thresholds work in those units.
func TestLogitThresholds(t *testing.T) {
	run(t, Config{MinScore: 5, Hysteresis: 2, Confirm: 1}, []frame{
		{top("cat", 4.9), "-"},
		{top("cat", 8.7), "cat"},
		{top("cat", 3.5), "-"}, // above 5-2
		{top("cat", 2.9), ""},
	})
}

func TestHeldLabelSwitchesToStrongerOne(t *testing.T) {
	// A held label above its low threshold gives way to another label that
	// reaches MinScore.
	run(t, Config{MinScore: 0.6, Hysteresis: 0.3, Confirm: 1}, []frame{
		{top("cat", 0.7), "cat"},
		{top("dog", 0.59, "cat", 0.31), "-"},
		{top("dog", 0.61, "cat", 0.35), "dog"},
	})
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{MinScore: float32(math.NaN()), Confirm: 1}, "min score NaN is not a finite number"},
		{Config{MinScore: float32(math.Inf(1)), Confirm: 1}, "min score +Inf is not a finite number"},
		{Config{MinScore: 0.5, Hysteresis: -0.1, Confirm: 1}, "hysteresis -0.1: want a finite number ≥ 0"},
		{Config{MinScore: 0.5}, "confirm 0: need at least 1 frame"},
	} {
		_, err := NewDebouncer(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err %v, want %q", c.cfg, err, c.want)
		}
	}
}

func TestEventJSON(t *testing.T) {
	ev := Event{Seq: 12, Time: t0, Label: "cat \"tabby\"\n\x01", Index: 7, Score: 0.91, Previous: `a\b`, PreviousIndex: -1, PreviousFor: 1500 * time.Millisecond}
	got := string(ev.AppendJSON(nil))
	want := `{"seq":12,"ts":"2026-11-27T00:01:02.5Z","label":"cat \"tabby\"\n\u0001","index":7,"score":0.9100,"previous":"a\\b","previous_index":-1,"previous_for_s":1.500}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// encoding/json, as a peer, must read back the same fields.
	var back struct {
		Seq      uint64  `json:"seq"`
		TS       string  `json:"ts"`
		Label    string  `json:"label"`
		Index    int     `json:"index"`
		Score    float32 `json:"score"`
		Previous string  `json:"previous"`
		PrevIdx  int     `json:"previous_index"`
		For      float64 `json:"previous_for_s"`
	}
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if back.Seq != 12 || back.Label != ev.Label || back.Previous != ev.Previous || back.Score != 0.91 || back.For != 1.5 ||
		back.Index != 7 || back.PrevIdx != -1 {
		t.Errorf("round trip = %+v", back)
	}
	if ts, err := time.Parse(time.RFC3339Nano, back.TS); err != nil || !ts.Equal(t0) {
		t.Errorf("ts %q: %v", back.TS, err)
	}
}

func TestObserveAllocatesNothing(t *testing.T) {
	d, _ := NewDebouncer(Config{MinScore: 0.5, Hysteresis: 0.1, Confirm: 2})
	a, b := top("cat", 0.9, "dog", 0.1), top("dog", 0.9, "cat", 0.1)
	buf := make([]byte, 0, 256)
	var seq uint64
	allocs := testing.AllocsPerRun(100, func() {
		for _, f := range [][]runtime.Class{a, a, b, b} {
			seq++
			if ev, ok := d.Observe(seq, t0, f); ok {
				buf = ev.AppendJSON(buf[:0])
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
}
