package mqttout

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

// The tests talk to a real mosquitto broker and check what arrives with
// mosquitto_sub, an MQTT client that shares no code with paho. Both come
// from Debian's mosquitto and mosquitto-clients (scripts/install-deps.sh).

// tool finds a mosquitto binary; /usr/sbin is not on every user's PATH.
func tool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	t.Skipf("%s is not installed (apt-get install mosquitto mosquitto-clients; scripts/install-deps.sh installs them and CI runs this test)", name)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// broker is a mosquitto process on a loopback port.
type broker struct {
	t    *testing.T
	port int
	conf string
	cmd  *exec.Cmd
	log  *strings.Builder
}

// freePort asks the kernel for an unused loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startBroker starts mosquitto on a free loopback port with extra config
// lines for its listener (TLS, passwords); "" gives an anonymous one.
func startBroker(t *testing.T, listenerConf string) *broker {
	t.Helper()
	bin := tool(t, "mosquitto")
	tool(t, "mosquitto_sub")
	b := &broker{t: t, port: freePort(t)}
	if listenerConf == "" {
		listenerConf = "allow_anonymous true\n"
	}
	b.conf = filepath.Join(t.TempDir(), "mosquitto.conf")
	conf := fmt.Sprintf("per_listener_settings true\npersistence false\nlog_dest stdout\nlog_type error\nlog_type warning\nlog_type notice\nlistener %d 127.0.0.1\n%s", b.port, listenerConf)
	if err := os.WriteFile(b.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	b.start(bin)
	t.Cleanup(b.stop)
	return b
}

func (b *broker) start(bin string) {
	b.t.Helper()
	b.log = new(strings.Builder)
	b.cmd = exec.Command(bin, "-c", b.conf)
	b.cmd.Stdout, b.cmd.Stderr = b.log, b.log
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", b.addr())
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			b.stop()
			b.t.Fatalf("mosquitto did not listen on %s: %v\n%s", b.addr(), err, b.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (b *broker) stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
		b.cmd = nil
	}
}

func (b *broker) addr() string { return fmt.Sprintf("127.0.0.1:%d", b.port) }
func (b *broker) url() string  { return "tcp://" + b.addr() }

// message is one line of mosquitto_sub -F '%r|%q|%t|%p'.
type message struct {
	retained bool
	qos      string
	topic    string
	payload  string
}

func parseMessage(line string) (message, bool) {
	f := strings.SplitN(line, "|", 4)
	if len(f) != 4 {
		return message{}, false
	}
	return message{retained: f[0] == "1", qos: f[1], topic: f[2], payload: f[3]}, true
}

// subscriber is a running mosquitto_sub.
type subscriber struct {
	t       *testing.T
	cmd     *exec.Cmd
	lines   chan string
	pending []message // arrived on other topics while next waited
}

// subscribe starts mosquitto_sub with the connection args (-h, -p, TLS,
// credentials) and topic filters. Retained messages come first, with the
// retained flag set.
func subscribe(t *testing.T, args []string, topics ...string) *subscriber {
	t.Helper()
	bin := tool(t, "mosquitto_sub")
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
	s := &subscriber{t: t, cmd: cmd, lines: make(chan string, 256)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
		close(s.lines)
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

// next returns the next message on topic, or fails after timeout.
// Messages on other topics are kept for later calls, since messages on
// different topics (and QoS) may arrive in any order.
func (s *subscriber) next(topic string, timeout time.Duration) message {
	s.t.Helper()
	for i, m := range s.pending {
		if m.topic == topic {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			return m
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("mosquitto_sub ended while waiting for %s", topic)
			}
			m, ok := parseMessage(line)
			if !ok {
				s.t.Fatalf("mosquitto_sub printed %q", line)
			}
			if m.topic == topic {
				return m
			}
			s.pending = append(s.pending, m)
		case <-deadline:
			s.t.Fatalf("no message on %s within %v", topic, timeout)
		}
	}
}

// retainedOn starts a fresh subscriber and returns the retained message on
// topic: what a client connecting now would be told.
func retainedOn(t *testing.T, args []string, topic string) message {
	t.Helper()
	s := subscribe(t, append(append([]string{}, args...), "-C", "1", "-W", "5"), topic)
	m := s.next(topic, 6*time.Second)
	if !m.retained {
		t.Fatalf("%s: %q is not retained", topic, m.payload)
	}
	return m
}

// ready waits until a subscriber is subscribed, by publishing a probe
// with mosquitto_pub until it shows up.
func (s *subscriber) ready(args []string, probeTopic string) {
	s.t.Helper()
	pub := tool(s.t, "mosquitto_pub")
	for i := 0; i < 100; i++ {
		exec.Command(pub, append(append([]string{}, args...), "-t", probeTopic, "-m", "probe")...).Run()
		select {
		case line := <-s.lines:
			if m, _ := parseMessage(line); m.topic == probeTopic {
				return
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.t.Fatal("subscriber never saw the probe")
}
