package mqttout

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/camera/mqttout/mqtttest"
)

func testLogf(t *testing.T) func(string, ...any) {
	var mu sync.Mutex
	done := false
	t.Cleanup(func() { mu.Lock(); done = true; mu.Unlock() })
	return func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			t.Logf(f, a...)
		}
	}
}

func TestTopicsPayloadsAndRetainedAvailability(t *testing.T) {
	b := mqtttest.StartBroker(t, "")
	args := b.Args()
	live := mqtttest.Subscribe(t, args, "edgeinfer/cam1/#")
	live.Ready(args, "edgeinfer/cam1/probe")

	p, err := New(Config{Broker: b.URL(), Device: "cam1", Logf: testLogf(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if m := live.Next("edgeinfer/cam1/availability", 5*time.Second); m.Payload != "online" || m.QoS != "1" {
		t.Errorf("availability = %+v, want online at QoS 1", m)
	}

	result := []byte(`{"seq":1,"top":[{"label":"cat","score":0.9}]}`)
	event := []byte(`{"seq":1,"label":"cat","score":0.9000}`)
	if !p.PublishResult(result) || !p.PublishEvent(event) {
		t.Fatal("queue refused the first payloads")
	}
	copy(result, "XXXXXXXX") // the publisher copied it: reuse must not show
	if m := live.Next("edgeinfer/cam1/result", 5*time.Second); m.Payload != `{"seq":1,"top":[{"label":"cat","score":0.9}]}` || m.QoS != "0" {
		t.Errorf("result = %+v", m)
	}
	if m := live.Next("edgeinfer/cam1/event", 5*time.Second); m.Payload != string(event) || m.QoS != "1" {
		t.Errorf("event = %+v", m)
	}

	// A client connecting now learns availability and the current state
	// from retained messages; results are not retained.
	if m := mqtttest.Retained(t, args, "edgeinfer/cam1/availability"); m.Payload != "online" {
		t.Errorf("retained availability %q, want online", m.Payload)
	}
	if m := mqtttest.Retained(t, args, "edgeinfer/cam1/event"); m.Payload != string(event) {
		t.Errorf("retained event %q", m.Payload)
	}

	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if m := live.Next("edgeinfer/cam1/availability", 5*time.Second); m.Payload != "offline" {
		t.Errorf("after Close: availability %q, want offline", m.Payload)
	}
	if m := mqtttest.Retained(t, args, "edgeinfer/cam1/availability"); m.Payload != "offline" {
		t.Errorf("after Close: retained availability %q, want offline", m.Payload)
	}
	if sent, dropped, failed := p.Stats(); sent != 4 || dropped != 0 || failed != 0 {
		t.Errorf("stats sent %d dropped %d failed %d, want 4 (online, result, event, offline), 0, 0", sent, dropped, failed)
	}
	if p.PublishResult(result) {
		t.Error("PublishResult after Close was accepted")
	}
}

// childEnv makes the test binary act as a publisher process (see
// TestMain) so that the parent can kill it with SIGKILL.
const childEnv = "EDGEINFER_MQTTOUT_CHILD_BROKER"

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		os.Exit(runChild(url))
	}
	os.Exit(m.Run())
}

func runChild(url string) int {
	p, err := New(Config{Broker: url, Device: "killed", KeepAlive: 60 * time.Second})
	if err == nil {
		err = p.Connect(5 * time.Second)
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	p.PublishResult([]byte(`{"seq":1}`))
	fmt.Println("ready")
	select {} // until SIGKILL
}

// A publisher killed with SIGKILL cannot say goodbye: the broker publishes
// its last will, so availability turns offline (and stays retained).
func TestLastWillAfterKill9(t *testing.T) {
	b := mqtttest.StartBroker(t, "")
	args := b.Args()
	const topic = "edgeinfer/killed/availability"
	live := mqtttest.Subscribe(t, args, "edgeinfer/killed/#")
	live.Ready(args, "edgeinfer/killed/probe")

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+b.URL())
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		t.Fatalf("child said %q", line)
	}
	if m := live.Next(topic, 5*time.Second); m.Payload != "online" {
		t.Fatalf("availability %q, want online", m.Payload)
	}
	if m := live.Next("edgeinfer/killed/result", 5*time.Second); m.Payload != `{"seq":1}` {
		t.Fatalf("result %q", m.Payload)
	}
	if m := mqtttest.Retained(t, args, topic); m.Payload != "online" {
		t.Fatalf("retained availability %q before the kill, want online", m.Payload)
	}

	killed := time.Now()
	if err := child.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	child.Wait()
	m := live.Next(topic, 10*time.Second)
	if m.Payload != "offline" || m.QoS != "1" {
		t.Fatalf("after kill -9: %+v, want offline at QoS 1", m)
	}
	t.Logf("offline arrived %v after kill -9", time.Since(killed).Round(time.Millisecond))
	if m := mqtttest.Retained(t, args, topic); m.Payload != "offline" {
		t.Fatalf("retained availability after kill -9 = %q, want offline", m.Payload)
	}
}

// After the broker restarts (losing its retained messages) the publisher
// reconnects by itself and announces itself again.
func TestReconnectAfterBrokerRestart(t *testing.T) {
	b := mqtttest.StartBroker(t, "")
	args := b.Args()
	p, err := New(Config{Broker: b.URL(), Device: "cam2", MaxReconnectInterval: 300 * time.Millisecond, Logf: testLogf(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	b.Stop()
	b.Start()
	live := mqtttest.Subscribe(t, args, "edgeinfer/cam2/#")
	if m := live.Next("edgeinfer/cam2/availability", 10*time.Second); m.Payload != "online" {
		t.Fatalf("availability after restart %q, want online", m.Payload)
	}
	// Publishing works again once connected.
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.PublishResult([]byte(`{"seq":2}`))
		select {
		case line := <-live.Lines:
			if m, _ := mqtttest.ParseMessage(line); m.Topic == "edgeinfer/cam2/result" && m.Payload == `{"seq":2}` {
				return
			}
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no result after reconnect")
		}
	}
}

func TestHomeAssistantDiscovery(t *testing.T) {
	b := mqtttest.StartBroker(t, "")
	args := b.Args()
	live := mqtttest.Subscribe(t, args, "homeassistant/#")
	live.Ready(args, "homeassistant/probe")
	p, err := New(Config{Broker: b.URL(), Device: "door", Discovery: true, Model: "mobilenet_v2", Version: "v0.1", Logf: testLogf(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	type config struct {
		Name, UniqueID, StateTopic, ValueTemplate, AvailabilityTopic string
		PayloadAvailable, PayloadNotAvailable                        string
		Device                                                       struct {
			Identifiers []string
			Model       string
			SWVersion   string `json:"sw_version"`
		}
	}
	decode := func(m mqtttest.Message) config {
		var c struct {
			config
			UniqueID            string `json:"unique_id"`
			StateTopic          string `json:"state_topic"`
			ValueTemplate       string `json:"value_template"`
			AvailabilityTopic   string `json:"availability_topic"`
			PayloadAvailable    string `json:"payload_available"`
			PayloadNotAvailable string `json:"payload_not_available"`
		}
		if err := json.Unmarshal([]byte(m.Payload), &c); err != nil {
			t.Fatalf("%s: %v: %s", m.Topic, err, m.Payload)
		}
		c.config.UniqueID, c.config.StateTopic, c.config.ValueTemplate = c.UniqueID, c.StateTopic, c.ValueTemplate
		c.config.AvailabilityTopic, c.config.PayloadAvailable, c.config.PayloadNotAvailable = c.AvailabilityTopic, c.PayloadAvailable, c.PayloadNotAvailable
		return c.config
	}
	check := func(m mqtttest.Message, unique, template string) {
		t.Helper()
		c := decode(m)
		if c.UniqueID != unique || c.StateTopic != "edgeinfer/door/event" || c.ValueTemplate != template ||
			c.AvailabilityTopic != "edgeinfer/door/availability" || c.PayloadAvailable != "online" || c.PayloadNotAvailable != "offline" {
			t.Errorf("%s: %+v", m.Topic, c)
		}
		if len(c.Device.Identifiers) != 1 || c.Device.Identifiers[0] != "edgeinfer_door" || c.Device.Model != "mobilenet_v2" || c.Device.SWVersion != "v0.1" {
			t.Errorf("%s: device %+v", m.Topic, c.Device)
		}
	}
	const labelTopic, scoreTopic = "homeassistant/sensor/edgeinfer_door/label/config", "homeassistant/sensor/edgeinfer_door/score/config"
	check(live.Next(labelTopic, 5*time.Second), "edgeinfer_door_label", "{{ value_json.label }}")
	check(live.Next(scoreTopic, 5*time.Second), "edgeinfer_door_score", "{{ value_json.score }}")
	if m := mqtttest.Retained(t, args, labelTopic); !strings.Contains(m.Payload, `"unique_id":"edgeinfer_door_label"`) {
		t.Errorf("retained label config %s", m.Payload)
	}

	// Home Assistant's birth message makes the publisher announce again.
	pub := mqtttest.Tool(t, "mosquitto_pub")
	if out, err := exec.Command(pub, append(args, "-t", "homeassistant/status", "-m", "online")...).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_pub: %v %s", err, out)
	}
	check(live.Next(labelTopic, 5*time.Second), "edgeinfer_door_label", "{{ value_json.label }}")
	check(live.Next(scoreTopic, 5*time.Second), "edgeinfer_door_score", "{{ value_json.score }}")
}
