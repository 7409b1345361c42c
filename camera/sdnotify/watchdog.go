package sdnotify

import (
	"context"
	"sync/atomic"
	"time"
)

// Watchdog sends WATCHDOG=1 only while frames flow: every half interval it
// pings if at least one frame was reported since the last check. A camera
// that stalls longer than the interval therefore stops the pings and
// systemd restarts the service (Restart=on-failure), which is the point:
// a process that is alive but blind is not healthy.
type Watchdog struct {
	n      *Notifier
	period time.Duration // half the systemd interval
	frames atomic.Uint64 // frames reported so far
	pings  atomic.Uint64 // WATCHDOG=1 sent so far
	failed atomic.Uint64 // sends that failed
}

// NewWatchdog returns a Watchdog for systemd's interval (see
// WatchdogInterval).
func NewWatchdog(n *Notifier, interval time.Duration) *Watchdog {
	return &Watchdog{n: n, period: interval / 2}
}

// Frame reports that a frame went through the pipeline. It is safe to
// call from the frame loop: one atomic add, no allocation.
func (w *Watchdog) Frame() { w.frames.Add(1) }

// Pings returns how many WATCHDOG=1 notifications were sent.
func (w *Watchdog) Pings() uint64 { return w.pings.Load() }

// Failed returns how many pings could not be sent. A failed send is
// retried at the next tick rather than ending Run: one lost datagram
// should not cost a restart.
func (w *Watchdog) Failed() uint64 { return w.failed.Load() }

// Run pings until ctx ends.
func (w *Watchdog) Run(ctx context.Context) {
	t := time.NewTicker(w.period)
	defer t.Stop()
	w.run(ctx, t.C)
}

func (w *Watchdog) run(ctx context.Context, ticks <-chan time.Time) {
	seen := w.frames.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		now := w.frames.Load()
		if now == seen {
			continue // no frame since the last tick: let the watchdog bite
		}
		if err := w.n.Send("WATCHDOG=1"); err != nil {
			w.failed.Add(1)
			continue
		}
		seen = now
		w.pings.Add(1)
	}
}
