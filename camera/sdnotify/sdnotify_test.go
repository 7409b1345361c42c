package sdnotify

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// listen opens a real unixgram socket like the one systemd passes.
func listen(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func recv(t *testing.T, conn *net.UnixConn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 256)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("no datagram: %v", err)
	}
	return string(buf[:n])
}

func expectNothing(t *testing.T, conn *net.UnixConn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	buf := make([]byte, 256)
	if n, err := conn.Read(buf); err == nil {
		t.Fatalf("unexpected datagram %q", buf[:n])
	}
}

func TestNotifyOverEnvSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.sock")
	srv := listen(t, path)
	t.Setenv("NOTIFY_SOCKET", path)
	n, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !n.Enabled() {
		t.Fatal("not enabled with NOTIFY_SOCKET set")
	}
	if v, ok := os.LookupEnv("NOTIFY_SOCKET"); ok {
		t.Errorf("NOTIFY_SOCKET still set to %q; children would inherit it", v)
	}
	for _, c := range []struct {
		send func() error
		want string
	}{
		{n.Ready, "READY=1"},
		{func() error { return n.Status("10.0 fps") }, "STATUS=10.0 fps"},
		{n.Stopping, "STOPPING=1"},
	} {
		if err := c.send(); err != nil {
			t.Fatal(err)
		}
		if got := recv(t, srv); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestAbstractSocket(t *testing.T) {
	name := "edgeinfer-sdnotify-test-" + strconv.Itoa(os.Getpid())
	srv := listen(t, "\x00"+name)
	n, err := Dial("@" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	n.Ready()
	if got := recv(t, srv); got != "READY=1" {
		t.Errorf("got %q", got)
	}
}

func TestDisabledWithoutSocket(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	n, err := New()
	if err != nil || n.Enabled() {
		t.Fatalf("New() = %v, %v; want a disabled notifier", n.Enabled(), err)
	}
	if err := n.Ready(); err != nil {
		t.Fatal(err)
	}
}

func TestDialMissingSocket(t *testing.T) {
	_, err := Dial(filepath.Join(t.TempDir(), "absent.sock"))
	if err == nil {
		t.Fatal("no error for a missing socket")
	}
}

func TestWatchdogInterval(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "30000000")
	t.Setenv("WATCHDOG_PID", "")
	if d, ok := WatchdogInterval(); !ok || d != 30*time.Second {
		t.Errorf("got %v, %v; want 30s", d, ok)
	}
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()+1))
	if _, ok := WatchdogInterval(); ok {
		t.Error("interval meant for another pid was taken")
	}
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	t.Setenv("WATCHDOG_USEC", "junk")
	if _, ok := WatchdogInterval(); ok {
		t.Error("junk WATCHDOG_USEC was taken")
	}
}

// The watchdog pings on a tick only when frames arrived since the last one.
func TestWatchdogPingsOnlyWhileFramesFlow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.sock")
	srv := listen(t, path)
	n, err := Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	w := NewWatchdog(n, 10*time.Second)
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.run(ctx, ticks); close(done) }()

	ticks <- time.Time{} // no frame yet
	expectNothing(t, srv)
	w.Frame()
	w.Frame()
	ticks <- time.Time{}
	if got := recv(t, srv); got != "WATCHDOG=1" {
		t.Fatalf("got %q", got)
	}
	ticks <- time.Time{} // frames stalled
	ticks <- time.Time{}
	expectNothing(t, srv)
	w.Frame()
	ticks <- time.Time{}
	if got := recv(t, srv); got != "WATCHDOG=1" {
		t.Fatalf("got %q", got)
	}
	cancel()
	<-done
	if w.Pings() != 2 || w.Failed() != 0 {
		t.Errorf("pings %d failed %d, want 2 and 0", w.Pings(), w.Failed())
	}
}

// The same with real time: 40 ms interval, frames for 200 ms, then none.
func TestWatchdogRealTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.sock")
	srv := listen(t, path)
	n, _ := Dial(path)
	defer n.Close()
	w := NewWatchdog(n, 40*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	stop := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(stop) {
		w.Frame()
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(30 * time.Millisecond) // one tick may still see the last frames
	flowing := w.Pings()
	if flowing < 3 {
		t.Errorf("%d pings in 200 ms of frames at a 20 ms period, want several", flowing)
	}
	time.Sleep(150 * time.Millisecond)
	if after := w.Pings(); after != flowing {
		t.Errorf("%d pings after frames stopped", after-flowing)
	}
	for i := uint64(0); i < flowing; i++ {
		if got := recv(t, srv); got != "WATCHDOG=1" {
			t.Fatalf("datagram %d = %q", i, got)
		}
	}
}
