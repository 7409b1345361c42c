// Package sdnotify speaks systemd's notification protocol (sd_notify(3)):
// newline-separated VAR=value datagrams sent to the unix datagram socket
// named by $NOTIFY_SOCKET. A service with Type=notify reports READY=1 once
// it works, STOPPING=1 when it shuts down, and, with WatchdogSec= set,
// WATCHDOG=1 at least every $WATCHDOG_USEC/2 or systemd restarts it.
//
// It is a few lines of net.UnixConn; github.com/coreos/go-systemd/daemon
// does the same with a dependency this binary does not need.
package sdnotify

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notifier sends notifications to one socket. The zero Notifier, and the
// one New returns outside systemd, sends nothing and reports no error, so
// callers need no "am I under systemd" branches.
type Notifier struct {
	conn *net.UnixConn
}

// New returns a Notifier for $NOTIFY_SOCKET and unsets the variable, so
// that child processes (a `pipe:` camera command) cannot speak for this
// service. Without the variable it returns a disabled Notifier.
func New() (*Notifier, error) {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return &Notifier{}, nil
	}
	os.Unsetenv("NOTIFY_SOCKET")
	return Dial(path)
}

// Dial returns a Notifier for the socket at path; a leading '@' names a
// socket in the abstract namespace, as systemd writes it.
func Dial(path string) (*Notifier, error) {
	name := path
	if name[0] == '@' {
		name = "\x00" + name[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return nil, fmt.Errorf("sdnotify: NOTIFY_SOCKET %s: %w", path, err)
	}
	return &Notifier{conn: conn}, nil
}

// Enabled reports whether notifications go anywhere.
func (n *Notifier) Enabled() bool { return n != nil && n.conn != nil }

// Send sends one notification, such as "READY=1" or
// "STATUS=waiting for camera".
func (n *Notifier) Send(state string) error {
	if !n.Enabled() {
		return nil
	}
	if _, err := n.conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("sdnotify: send %q: %w", state, err)
	}
	return nil
}

// Ready tells systemd that start-up finished.
func (n *Notifier) Ready() error { return n.Send("READY=1") }

// Stopping tells systemd that shutdown began.
func (n *Notifier) Stopping() error { return n.Send("STOPPING=1") }

// Status sets the one-line status that `systemctl status` shows.
func (n *Notifier) Status(s string) error { return n.Send("STATUS=" + s) }

// Close closes the socket.
func (n *Notifier) Close() error {
	if !n.Enabled() {
		return nil
	}
	return n.conn.Close()
}

// WatchdogInterval returns the watchdog timeout systemd set for this
// process ($WATCHDOG_USEC, when $WATCHDOG_PID is unset or names this
// process), or false when there is none.
func WatchdogInterval() (time.Duration, bool) {
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0, false
	}
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0, false
	}
	return time.Duration(usec) * time.Microsecond, true
}
