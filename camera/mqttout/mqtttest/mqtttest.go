// Package mqtttest runs a real mosquitto broker on a loopback port and
// watches it with mosquitto_sub, an MQTT client that shares no code with
// paho, for tests of MQTT publishers. Both binaries come from Debian's
// mosquitto and mosquitto-clients (scripts/install-deps.sh); without them
// the tests that need them are skipped with a message saying so, except
// under CI (CI set in the environment), where they fail.
package mqtttest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Tool finds a mosquitto binary; /usr/sbin is not on every user's PATH.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	const msg = "%s is not installed (apt-get install mosquitto mosquitto-clients; scripts/install-deps.sh installs them)"
	if os.Getenv("CI") != "" {
		t.Fatalf(msg+": CI must run this test", name) // .ci/run installs them
	}
	t.Skipf(msg, name)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Broker is a mosquitto process on a loopback port.
type Broker struct {
	t    testing.TB
	port int
	conf string
	cmd  *exec.Cmd
	log  *strings.Builder
}

// freePort asks the kernel for an unused loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartBroker starts mosquitto on a free loopback port with extra config
// lines for its listener (TLS, passwords); "" gives an anonymous one. The
// broker stops when the test ends.
func StartBroker(t testing.TB, listenerConf string) *Broker {
	t.Helper()
	Tool(t, "mosquitto")
	Tool(t, "mosquitto_sub")
	b := &Broker{t: t, port: freePort(t)}
	if listenerConf == "" {
		listenerConf = "allow_anonymous true\n"
	}
	b.conf = filepath.Join(t.TempDir(), "mosquitto.conf")
	global := "per_listener_settings true\npersistence false\nlog_dest stdout\nlog_type error\nlog_type warning\nlog_type notice\n"
	if os.Geteuid() == 0 {
		// Started as root, mosquitto switches to its own user, which
		// cannot read files in the test's private temporary directory.
		global += "user root\n"
	}
	conf := fmt.Sprintf("%slistener %d 127.0.0.1\n%s", global, b.port, listenerConf)
	if err := os.WriteFile(b.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Start()
	t.Cleanup(b.Stop)
	return b
}

// Start starts the broker again after Stop, on the same port.
func (b *Broker) Start() {
	b.t.Helper()
	bin := Tool(b.t, "mosquitto")
	b.log = new(strings.Builder)
	b.cmd = exec.Command(bin, "-c", b.conf)
	b.cmd.Stdout, b.cmd.Stderr = b.log, b.log
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", b.Addr())
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			b.Stop()
			b.t.Fatalf("mosquitto did not listen on %s: %v\n%s", b.Addr(), err, b.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the broker (SIGKILL: clients see the connection drop).
func (b *Broker) Stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
		b.cmd = nil
	}
}

// Addr is the broker's host:port.
func (b *Broker) Addr() string { return fmt.Sprintf("127.0.0.1:%d", b.port) }

// URL is the broker's tcp:// URL.
func (b *Broker) URL() string { return "tcp://" + b.Addr() }

// Port is the broker's port.
func (b *Broker) Port() int { return b.port }

// Args are mosquitto_sub/mosquitto_pub arguments reaching the broker.
func (b *Broker) Args() []string { return []string{"-h", "127.0.0.1", "-p", fmt.Sprint(b.port)} }

// Message is one line of mosquitto_sub -F '%r|%q|%t|%p'.
type Message struct {
	Retained bool
	QoS      string // "0", "1" or "2"
	Topic    string
	Payload  string
}

// ParseMessage reads one line of Lines.
func ParseMessage(line string) (Message, bool) {
	f := strings.SplitN(line, "|", 4)
	if len(f) != 4 {
		return Message{}, false
	}
	return Message{Retained: f[0] == "1", QoS: f[1], Topic: f[2], Payload: f[3]}, true
}

// Subscriber is a running mosquitto_sub.
type Subscriber struct {
	t       testing.TB
	cmd     *exec.Cmd
	Lines   chan string // raw lines, for tests that poll
	pending []Message   // arrived on other topics while next waited
}

// Subscribe starts mosquitto_sub with the connection args (-h, -p, TLS,
// credentials) and topic filters. Retained messages come first, with the
// retained flag set.
func Subscribe(t testing.TB, args []string, topics ...string) *Subscriber {
	t.Helper()
	bin := Tool(t, "mosquitto_sub")
	args = append(append([]string{}, args...), "-F", "%r|%q|%t|%p", "-q", "1")
	for _, tp := range topics {
		args = append(args, "-t", tp)
	}
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Subscriber{t: t, cmd: cmd, Lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.Lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
		close(s.Lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("mosquitto_sub stderr: %s", stderr.String())
		}
	})
	return s
}

// Next returns the next message on topic, or fails after timeout.
// Messages on other topics are kept for later calls, since messages on
// different topics (and QoS) may arrive in any order.
func (s *Subscriber) Next(topic string, timeout time.Duration) Message {
	s.t.Helper()
	for i, m := range s.pending {
		if m.Topic == topic {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			return m
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-s.Lines:
			if !ok {
				s.t.Fatalf("mosquitto_sub ended while waiting for %s", topic)
			}
			m, ok := ParseMessage(line)
			if !ok {
				s.t.Fatalf("mosquitto_sub printed %q", line)
			}
			if m.Topic == topic {
				return m
			}
			s.pending = append(s.pending, m)
		case <-deadline:
			s.t.Fatalf("no message on %s within %v", topic, timeout)
		}
	}
}

// Retained starts a fresh subscriber and returns the retained message on
// topic: what a client connecting now would be told.
func Retained(t testing.TB, args []string, topic string) Message {
	t.Helper()
	s := Subscribe(t, append(append([]string{}, args...), "-C", "1", "-W", "5"), topic)
	m := s.Next(topic, 6*time.Second)
	if !m.Retained {
		t.Fatalf("%s: %q is not retained", topic, m.Payload)
	}
	return m
}

// Ready waits until a subscriber is subscribed, by publishing a probe
// with mosquitto_pub until it shows up (at most 30 s: machines under load
// start processes slowly).
func (s *Subscriber) Ready(args []string, probeTopic string) {
	s.t.Helper()
	pub := Tool(s.t, "mosquitto_pub")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		exec.Command(pub, append(append([]string{}, args...), "-t", probeTopic, "-m", "probe")...).Run()
		wait := time.After(300 * time.Millisecond)
	read:
		for {
			select {
			case line := <-s.Lines:
				if m, _ := ParseMessage(line); m.Topic == probeTopic {
					return
				}
			case <-wait:
				break read
			}
		}
	}
	s.t.Fatal("subscriber never saw the probe")
}
