// Package gpioout drives GPIO from classification results through
// periph.io: LEDs (or relays) that light while a label holds, and a button
// that asks the pipeline to classify the newest frame.
//
// Both are debounced. An LED switches only after Confirm frames in a row
// agree, and once lit stays lit until the score drops below the threshold
// less Hysteresis. A button press counts once its level has settled for
// Settle and when Lockout has passed since the last press.
package gpioout

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"periph.io/x/conn/v3/gpio"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// LEDRule is one --gpio-led value: light Pin while Label scores above
// Threshold, as in "GPIO17=cat>0.8".
type LEDRule struct {
	Pin       string
	Label     string // a label, or "#N" for output index N
	Threshold float32
}

// ParseLEDRule parses PIN=LABEL>SCORE. The label may hold any character
// but a trailing ">SCORE"; "#281" names output index 281. SCORE is in the
// model's output units (a probability after softmax, else a logit).
func ParseLEDRule(s string) (LEDRule, error) {
	pin, rest, ok := strings.Cut(s, "=")
	i := strings.LastIndexByte(rest, '>')
	if !ok || pin == "" || i <= 0 {
		return LEDRule{}, fmt.Errorf("gpio LED %q: want PIN=LABEL>SCORE, such as GPIO17=cat>0.8", s)
	}
	score, err := strconv.ParseFloat(rest[i+1:], 32)
	if err != nil || math.IsNaN(score) || math.IsInf(score, 0) {
		return LEDRule{}, fmt.Errorf("gpio LED %q: score %q is not a finite number", s, rest[i+1:])
	}
	return LEDRule{Pin: pin, Label: rest[:i], Threshold: float32(score)}, nil
}

// classIndex resolves the rule's label against the model's labels.
func (r LEDRule) classIndex(labels []string) (int, error) {
	if n, ok := strings.CutPrefix(r.Label, "#"); ok {
		if i, err := strconv.Atoi(n); err == nil && i >= 0 {
			return i, nil
		}
	}
	for i, l := range labels {
		if l == r.Label {
			return i, nil
		}
	}
	if len(labels) == 0 {
		return 0, fmt.Errorf("gpio LED %s: the model has no labels; name the class by index, as #3", r.Pin)
	}
	return 0, fmt.Errorf("gpio LED %s: the model has no label %q", r.Pin, r.Label)
}

// LED lights a pin while one class holds.
type LED struct {
	pin        gpio.PinOut
	rule       LEDRule
	index      int // the rule's class
	confirm    int
	hysteresis float32
	on         bool
	run        int // frames in a row that disagree with on
}

// NewLED returns an LED for rule on pin, switched off. labels are the
// model's; confirm (≥ 1) and hysteresis work as in package events.
func NewLED(pin gpio.PinOut, rule LEDRule, labels []string, confirm int, hysteresis float32) (*LED, error) {
	if confirm < 1 {
		return nil, fmt.Errorf("gpio LED %s: confirm %d: need at least 1 frame", rule.Pin, confirm)
	}
	idx, err := rule.classIndex(labels)
	if err != nil {
		return nil, err
	}
	if err := pin.Out(gpio.Low); err != nil {
		return nil, fmt.Errorf("gpio LED %s: %w", rule.Pin, err)
	}
	return &LED{pin: pin, rule: rule, index: idx, confirm: confirm, hysteresis: hysteresis}, nil
}

// On reports whether the LED is lit.
func (l *LED) On() bool { return l.on }

// Observe takes one frame's top-k; a class outside it scores 0.
func (l *LED) Observe(top []runtime.Class) error {
	var score float32
	for _, c := range top {
		if c.Index == l.index {
			score = c.Score
			break
		}
	}
	threshold := l.rule.Threshold
	if l.on {
		threshold -= l.hysteresis
	}
	if (score > threshold) == l.on {
		l.run = 0
		return nil
	}
	l.run++
	if l.run < l.confirm {
		return nil
	}
	l.run = 0
	level := gpio.Low
	if !l.on {
		level = gpio.High
	}
	if err := l.pin.Out(level); err != nil {
		return fmt.Errorf("gpio LED %s: %w", l.rule.Pin, err)
	}
	l.on = !l.on
	return nil
}

// LEDs is a camera.Sink driving several LEDs.
type LEDs []*LED

// Publish updates every LED from r.
func (ls LEDs) Publish(r *camera.Result) error {
	var errs []error
	for _, l := range ls {
		if err := l.Observe(r.Top); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close switches every LED off.
func (ls LEDs) Close() error {
	var errs []error
	for _, l := range ls {
		if err := l.pin.Out(gpio.Low); err != nil {
			errs = append(errs, fmt.Errorf("gpio LED %s: %w", l.rule.Pin, err))
		}
		l.on = false
	}
	return errors.Join(errs...)
}
