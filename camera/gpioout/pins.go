package gpioout

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
)

var (
	hostOnce sync.Once
	hostErr  error
)

// OpenPin initializes periph's host drivers (once) and returns the pin
// named name: "GPIO17", a header position such as "P1_11", or any alias
// the drivers register. On a Pi 5 the pins come from the GPIO character
// device; the process needs access to /dev/gpiochip* (group gpio).
func OpenPin(name string) (gpio.PinIO, error) {
	hostOnce.Do(func() { _, hostErr = host.Init() })
	if hostErr != nil {
		return nil, fmt.Errorf("gpio: %w", hostErr)
	}
	p := gpioreg.ByName(name)
	if p == nil {
		return nil, fmt.Errorf("gpio: no pin named %q (%s)", name, knownPins())
	}
	return p, nil
}

// knownPins lists a few registered pin names for the error message.
func knownPins() string {
	all := gpioreg.All()
	if len(all) == 0 {
		return "this machine has no GPIO pins periph can drive"
	}
	var names []string
	for _, p := range all {
		names = append(names, p.Name())
	}
	sort.Strings(names)
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return "known: " + strings.Join(names, ", ")
}
