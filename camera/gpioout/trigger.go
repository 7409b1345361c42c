package gpioout

import (
	"context"
	"fmt"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// TriggerSpec is one --gpio-trigger value: "GPIO27" for a button to
// ground (internal pull-up, pressed = low), "GPIO27:high" for a button to
// 3.3 V (pull-down, pressed = high).
type TriggerSpec struct {
	Pin      string
	ActiveHi bool
}

// ParseTriggerSpec parses PIN or PIN:low or PIN:high.
func ParseTriggerSpec(s string) (TriggerSpec, error) {
	pin, active, _ := strings.Cut(s, ":")
	switch {
	case pin == "":
		return TriggerSpec{}, fmt.Errorf("gpio trigger %q: no pin name", s)
	case active == "" || active == "low":
		return TriggerSpec{Pin: pin}, nil
	case active == "high":
		return TriggerSpec{Pin: pin, ActiveHi: true}, nil
	}
	return TriggerSpec{}, fmt.Errorf("gpio trigger %q: want PIN, PIN:low or PIN:high", s)
}

// Trigger turns debounced presses of a button into values on C.
type Trigger struct {
	pin     gpio.PinIn
	pressed gpio.Level
	settle  time.Duration
	lockout time.Duration
	c       chan struct{}
}

// NewTrigger sets pin up as an input with edge detection on both edges.
// A press counts when the level read settle after an edge is the pressed
// level, was not before, and lockout passed since the last press.
func NewTrigger(pin gpio.PinIn, spec TriggerSpec, settle, lockout time.Duration) (*Trigger, error) {
	pull, pressed := gpio.PullUp, gpio.Low
	if spec.ActiveHi {
		pull, pressed = gpio.PullDown, gpio.High
	}
	if err := pin.In(pull, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("gpio trigger %s: %w", spec.Pin, err)
	}
	return &Trigger{pin: pin, pressed: pressed, settle: settle, lockout: lockout, c: make(chan struct{}, 1)}, nil
}

// C receives one value per press. A press while the previous one is still
// unread merges with it: the pipeline classifies the newest frame once.
func (t *Trigger) C() <-chan struct{} { return t.c }

// Run watches the pin until ctx ends.
func (t *Trigger) Run(ctx context.Context) {
	last := t.pin.Read() // the settled level
	var lastPress time.Time
	for ctx.Err() == nil {
		// A bounded wait, so that Run notices ctx ending.
		if !t.pin.WaitForEdge(100 * time.Millisecond) {
			continue
		}
		// Contacts bounce for a few milliseconds: wait, drop the edges
		// that came meanwhile, and trust the level read afterwards.
		time.Sleep(t.settle)
		for t.pin.WaitForEdge(0) {
		}
		level := t.pin.Read()
		if level == last {
			continue
		}
		last = level
		if level != t.pressed {
			continue
		}
		now := time.Now()
		if !lastPress.IsZero() && now.Sub(lastPress) < t.lockout {
			continue
		}
		lastPress = now
		select {
		case t.c <- struct{}{}:
		default:
		}
	}
}
