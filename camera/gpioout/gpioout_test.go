package gpioout

import (
	"context"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/runtime"
)

var labels = []string{"background", "cat", "dog", "bird"}

func TestParseLEDRule(t *testing.T) {
	for _, c := range []struct {
		in   string
		want LEDRule
		err  string
	}{
		{in: "GPIO17=cat>0.8", want: LEDRule{"GPIO17", "cat", 0.8}},
		{in: "P1_11=a>b label>0", want: LEDRule{"P1_11", "a>b label", 0}},
		{in: "GPIO5=#3>1", want: LEDRule{"GPIO5", "#3", 1}},
		{in: "GPIO17cat>0.8", err: "want PIN=LABEL>SCORE"},
		{in: "GPIO17=cat", err: "want PIN=LABEL>SCORE"},
		{in: "=cat>0.5", err: "want PIN=LABEL>SCORE"},
		{in: "GPIO17=>0.5", err: "want PIN=LABEL>SCORE"},
		{in: "GPIO17=cat>7.5", want: LEDRule{"GPIO17", "cat", 7.5}}, // a logit
		{in: "GPIO17=cat>-1", want: LEDRule{"GPIO17", "cat", -1}},
		{in: "GPIO17=cat>NaN", err: `score "NaN" is not a finite number`},
		{in: "GPIO17=cat>x", err: `score "x"`},
	} {
		got, err := ParseLEDRule(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func cls(idx int, score float32) []runtime.Class {
	return []runtime.Class{{Index: idx, Label: labels[idx], Score: score}}
}

// LED on GPIO17 for cat>0.8, two frames to switch, off below 0.7.
func TestLEDDebounceAndHysteresis(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO17", L: gpio.High}
	rule, _ := ParseLEDRule("GPIO17=cat>0.8")
	led, err := NewLED(pin, rule, labels, 2, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if pin.Read() != gpio.Low {
		t.Fatal("NewLED did not switch the LED off")
	}
	steps := []struct {
		top  []runtime.Class
		want gpio.Level
	}{
		{cls(1, 0.9), gpio.Low},  // 1 of 2
		{cls(2, 0.9), gpio.Low},  // run broken: dog
		{cls(1, 0.85), gpio.Low}, // 1 of 2
		{cls(1, 0.81), gpio.High},
		{cls(1, 0.75), gpio.High}, // below 0.8 but above 0.7
		{cls(1, 0.65), gpio.High}, // 1 of 2 below 0.7
		{cls(1, 0.72), gpio.High}, // back above 0.7: run reset
		{cls(2, 0.99), gpio.High}, // cat absent: 0, 1 of 2
		{cls(0, 0.5), gpio.Low},   // 2 of 2
		{cls(1, 0.8), gpio.Low},   // exactly 0.8 is not above 0.8
		{cls(1, 0.8), gpio.Low},
	}
	for i, s := range steps {
		if err := led.Observe(s.top); err != nil {
			t.Fatal(err)
		}
		if got := pin.Read(); got != s.want || led.On() != (s.want == gpio.High) {
			t.Fatalf("frame %d (%s %.2f): pin %v on %v, want %v", i+1, s.top[0].Label, s.top[0].Score, got, led.On(), s.want)
		}
	}
}

func TestLEDsSinkAndIndexRule(t *testing.T) {
	a, b := &gpiotest.Pin{N: "GPIO17"}, &gpiotest.Pin{N: "GPIO22"}
	r1, _ := ParseLEDRule("GPIO17=#3>0.5") // bird, by index
	r2, _ := ParseLEDRule("GPIO22=dog>0.5")
	l1, err1 := NewLED(a, r1, labels, 1, 0)
	l2, err2 := NewLED(b, r2, labels, 1, 0)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	leds := LEDs{l1, l2}
	top := []runtime.Class{{Index: 3, Label: "bird", Score: 0.6}, {Index: 2, Label: "dog", Score: 0.3}}
	if err := leds.Publish(&camera.Result{Top: top}); err != nil {
		t.Fatal(err)
	}
	if a.Read() != gpio.High || b.Read() != gpio.Low {
		t.Fatalf("pins %v %v, want High Low", a.Read(), b.Read())
	}
	if err := leds.Close(); err != nil {
		t.Fatal(err)
	}
	if a.Read() != gpio.Low {
		t.Error("Close left an LED on")
	}
}

func TestLEDRuleErrors(t *testing.T) {
	r, _ := ParseLEDRule("GPIO17=horse>0.5")
	if _, err := NewLED(&gpiotest.Pin{}, r, labels, 1, 0); err == nil || !strings.Contains(err.Error(), `no label "horse"`) {
		t.Errorf("unknown label: %v", err)
	}
	if _, err := NewLED(&gpiotest.Pin{}, r, nil, 1, 0); err == nil || !strings.Contains(err.Error(), "no labels; name the class by index") {
		t.Errorf("no labels: %v", err)
	}
	if _, err := NewLED(&gpiotest.Pin{}, LEDRule{Pin: "X", Label: "cat"}, labels, 0, 0); err == nil {
		t.Error("confirm 0 accepted")
	}
}

func TestParseTriggerSpec(t *testing.T) {
	for in, want := range map[string]TriggerSpec{"GPIO27": {"GPIO27", false}, "GPIO27:low": {"GPIO27", false}, "GPIO27:high": {"GPIO27", true}} {
		if got, err := ParseTriggerSpec(in); err != nil || got != want {
			t.Errorf("%q = %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", ":high", "GPIO27:up"} {
		if _, err := ParseTriggerSpec(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// presses counts the values on C within d.
func presses(tr *Trigger, d time.Duration) int {
	n := 0
	deadline := time.After(d)
	for {
		select {
		case <-tr.C():
			n++
		case <-deadline:
			return n
		}
	}
}

// A button to ground on a pulled-up pin: every press bounces, a held
// button fires once, and presses within the lockout are ignored.
func TestTriggerDebounce(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO27", EdgesChan: make(chan gpio.Level, 32)}
	tr, err := NewTrigger(pin, TriggerSpec{Pin: "GPIO27"}, 10*time.Millisecond, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if pin.P != gpio.PullUp || pin.Read() != gpio.High {
		t.Fatalf("pin set up with pull %v level %v, want a pull-up reading high", pin.P, pin.Read())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go tr.Run(ctx)

	press := func() { // contact bounce: low, high, low within a millisecond
		for _, l := range []gpio.Level{gpio.Low, gpio.High, gpio.Low} {
			pin.EdgesChan <- l
		}
	}
	release := func() {
		for _, l := range []gpio.Level{gpio.High, gpio.Low, gpio.High} {
			pin.EdgesChan <- l
		}
	}
	press()
	if n := presses(tr, 60*time.Millisecond); n != 1 {
		t.Fatalf("bouncing press fired %d times, want 1", n)
	}
	if n := presses(tr, 60*time.Millisecond); n != 0 { // still held
		t.Fatalf("held button fired %d more times", n)
	}
	release()
	press() // ~120 ms after the first: inside the 300 ms lockout
	if n := presses(tr, 60*time.Millisecond); n != 0 {
		t.Fatalf("press inside the lockout fired %d times", n)
	}
	release()
	time.Sleep(250 * time.Millisecond)
	press()
	if n := presses(tr, 60*time.Millisecond); n != 1 {
		t.Fatalf("press after the lockout fired %d times, want 1", n)
	}
}

func TestTriggerActiveHigh(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO27", EdgesChan: make(chan gpio.Level, 8)}
	tr, err := NewTrigger(pin, TriggerSpec{Pin: "GPIO27", ActiveHi: true}, 5*time.Millisecond, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pin.P != gpio.PullDown {
		t.Fatalf("pull %v, want down", pin.P)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go tr.Run(ctx)
	pin.EdgesChan <- gpio.High
	if n := presses(tr, 50*time.Millisecond); n != 1 {
		t.Fatalf("%d presses, want 1", n)
	}
	pin.EdgesChan <- gpio.Low // release is not a press
	if n := presses(tr, 50*time.Millisecond); n != 0 {
		t.Fatalf("release fired %d", n)
	}
}

func TestOpenPin(t *testing.T) {
	fake := &gpiotest.Pin{N: "EDGEINFER_TEST_PIN", Num: 99}
	if err := gpioreg.Register(fake); err != nil {
		t.Fatal(err)
	}
	defer gpioreg.Unregister(fake.N)
	p, err := OpenPin("EDGEINFER_TEST_PIN")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "EDGEINFER_TEST_PIN" {
		t.Errorf("got pin %s", p)
	}
	if _, err := OpenPin("GPIO_NOPE"); err == nil || !strings.Contains(err.Error(), `no pin named "GPIO_NOPE"`) {
		t.Errorf("unknown pin: %v", err)
	}
}
