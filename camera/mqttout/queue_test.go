package mqttout

import (
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// doneToken is a paho token that has completed.
type doneToken struct{ ch chan struct{} }

func newDoneToken() doneToken {
	ch := make(chan struct{})
	close(ch)
	return doneToken{ch}
}
func (d doneToken) Wait() bool                     { return true }
func (d doneToken) WaitTimeout(time.Duration) bool { return true }
func (d doneToken) Done() <-chan struct{}          { return d.ch }
func (d doneToken) Error() error                   { return nil }

var _ mqtt.Token = doneToken{}

// A stalled connection fills the queue; further payloads are dropped and
// counted, and the caller never blocks.
func TestFullQueueDropsWithoutBlocking(t *testing.T) {
	p, err := New(Config{Broker: "tcp://127.0.0.1:1", Device: "cam", QueueLen: 8})
	if err != nil {
		t.Fatal(err)
	}
	taken := make(chan string, 100)
	release := make(chan struct{})
	p.send = func(topic string, qos byte, retain bool, payload []byte) mqtt.Token {
		taken <- topic + " " + string(payload)
		<-release // the broker does not answer
		return newDoneToken()
	}
	go p.worker()

	if !p.PublishResult([]byte("r0")) {
		t.Fatal("first result refused")
	}
	if got := <-taken; got != "edgeinfer/cam/result r0" {
		t.Fatalf("worker took %q", got)
	}
	// The worker is stuck on r0, which holds one of the 8 buffers: seven
	// results fill the queue, the next six are dropped.
	start := time.Now()
	accepted := 0
	for i := 1; i <= 13; i++ {
		if p.PublishResult([]byte("r")) {
			accepted++
		}
	}
	if accepted != 7 {
		t.Errorf("accepted %d results, want 7 (the queue length less the one in flight)", accepted)
	}
	// Events have their own queue: max(4, 8/4) = 4 places.
	evAccepted := 0
	for range 6 {
		if p.PublishEvent([]byte("e")) {
			evAccepted++
		}
	}
	if evAccepted != 4 {
		t.Errorf("accepted %d events, want 4", evAccepted)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("publishing into a stalled queue took %v", d)
	}
	if _, dropped, _ := p.Stats(); dropped != 6+2 {
		t.Errorf("dropped %d, want 8", dropped)
	}

	// Once the broker answers, events go before the queued results.
	close(release)
	var order []string
	for range 11 {
		order = append(order, strings.Fields(<-taken)[1])
	}
	if got := strings.Join(order, ""); got != "eeeerrrrrrr" {
		t.Errorf("send order %s, want the 4 events first", got)
	}
}

func TestEnqueueAllocatesNothing(t *testing.T) {
	p, err := New(Config{Broker: "tcp://127.0.0.1:1", Device: "cam", QueueLen: 4})
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"seq":1,"top":[{"label":"cat","score":0.9}]}`)
	allocs := testing.AllocsPerRun(50, func() {
		p.PublishResult(payload) // fills the queue, then drops: no worker runs
	})
	if allocs != 0 {
		t.Errorf("%v allocations per PublishResult, want 0", allocs)
	}
}

// A broker that never acknowledges cannot hold Close up for longer than
// the drain time, however much is queued.
func TestCloseDrainIsBounded(t *testing.T) {
	p, err := New(Config{Broker: "tcp://127.0.0.1:1", Device: "cam", QueueLen: 64, WriteTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	never := make(chan struct{})
	p.send = func(string, byte, bool, []byte) mqtt.Token { return stuckToken{never} }
	for range 64 {
		p.PublishResult([]byte("r"))
	}
	go p.worker()
	time.Sleep(50 * time.Millisecond) // the worker is waiting on the first
	start := time.Now()
	close(p.stop)
	<-p.done
	if d := time.Since(start); d > drainTime+time.Second {
		t.Errorf("drain took %v, want about %v", d, drainTime)
	}
	if _, _, failed := p.Stats(); failed != 64 {
		t.Errorf("failed %d, want all 64", failed)
	}
}

// stuckToken never completes.
type stuckToken struct{ ch chan struct{} }

func (s stuckToken) Wait() bool { <-s.ch; return true }
func (s stuckToken) WaitTimeout(d time.Duration) bool {
	select {
	case <-s.ch:
		return true
	case <-time.After(d):
		return false
	}
}
func (s stuckToken) Done() <-chan struct{} { return s.ch }
func (s stuckToken) Error() error          { return nil }

// Close without Connect returns at once.
func TestCloseWithoutConnect(t *testing.T) {
	p, err := New(Config{Broker: "tcp://127.0.0.1:1", Device: "cam"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close blocked")
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Device: "cam"}, "no broker address"},
		{Config{Broker: "http://x:1", Device: "cam"}, `unknown scheme "http"`},
		{Config{Broker: "x:1", Device: "front/door"}, `device "front/door": only letters, digits`},
		{Config{Broker: "x:1", Device: "cam", Prefix: "a+b"}, `topic prefix "a+b"`},
		{Config{Broker: "x:1", Device: "cam", ResultQoS: 3}, "QoS 3"},
		{Config{Broker: "ssl://x:1", Device: "cam", CertFile: "c.pem"}, "both a cert file and a key file"},
		{Config{Broker: "tcp://x:1", Device: "cam", CAFile: "ca.pem"}, "TLS options given but broker"},
		{Config{Broker: "ssl://x:1", Device: "cam", CAFile: "/nonexistent/ca.pem"}, "CA file"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}
