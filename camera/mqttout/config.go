// Package mqttout publishes classification results and events to an MQTT
// broker (MQTT 3.1.1 through github.com/eclipse/paho.mqtt.golang), with the
// conventions Frigate users know:
//
//	<prefix>/<device>/availability  "online" / "offline", retained, QoS 1;
//	                                 "offline" is also the last will, so a
//	                                 killed process turns offline too
//	<prefix>/<device>/result        one JSON result per classified frame, QoS 0 by default
//	<prefix>/<device>/event         one JSON object per change of the debounced
//	                                 label, retained (the current state), QoS 1
//
// With Home Assistant discovery on, it also publishes retained sensor
// configurations under <discovery>/sensor/<prefix>_<device>/… and publishes
// them again whenever Home Assistant announces itself on
// <discovery>/status.
//
// Publishing never blocks the caller: payloads are copied into a bounded
// queue of reused buffers that one goroutine drains; when the queue is full
// the payload is dropped and counted.
package mqttout

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config describes the broker connection and the topics.
type Config struct {
	// Broker is the broker URL: tcp://host:1883, ssl://host:8883 (also
	// mqtt://, mqtts://, tls://, ws://, wss://). A bare host:port means tcp.
	Broker string
	// Device names this camera in topics and in Home Assistant; letters,
	// digits, '_' and '-' only.
	Device string
	// Prefix is the first topic level; "edgeinfer" when empty.
	Prefix string
	// ClientID must be unique on the broker (a duplicate makes the broker
	// drop the older session); "edgeinfer-<Device>" when empty.
	ClientID string

	Username, Password string

	// CAFile verifies the broker's certificate (system roots when empty);
	// CertFile and KeyFile are the client certificate, both or neither.
	CAFile, CertFile, KeyFile string
	// InsecureSkipVerify accepts any broker certificate.
	InsecureSkipVerify bool

	// ResultQoS is the QoS of result messages (0, 1 or 2). Events and
	// availability always use QoS 1.
	ResultQoS byte

	// Discovery turns on Home Assistant MQTT discovery under
	// DiscoveryPrefix ("homeassistant" when empty).
	Discovery       bool
	DiscoveryPrefix string
	// Model and Version describe the device to Home Assistant.
	Model, Version string

	// QueueLen is how many results may be queued or in flight (64 when zero);
	// events get a queue of their own, a quarter of that (at least 4), so a
	// flood of results cannot crowd them out.
	QueueLen int
	// MaxPayload is the capacity of each queued buffer (4 KiB when zero);
	// a longer payload grows its buffer once.
	MaxPayload int
	// KeepAlive is the MQTT keep-alive (30 s when zero); the broker sends
	// the last will after 1.5 times this without traffic.
	KeepAlive time.Duration
	// MaxReconnectInterval caps the back-off between reconnect attempts
	// (30 s when zero).
	MaxReconnectInterval time.Duration
	// WriteTimeout bounds how long one publish may take (10 s when zero).
	WriteTimeout time.Duration

	// Logf receives connection changes and publish failures; nil discards
	// them.
	Logf func(format string, args ...any)
}

func (c *Config) setDefaults() {
	if c.Prefix == "" {
		c.Prefix = "edgeinfer"
	}
	if c.ClientID == "" {
		c.ClientID = "edgeinfer-" + c.Device
	}
	if c.DiscoveryPrefix == "" {
		c.DiscoveryPrefix = "homeassistant"
	}
	if c.QueueLen == 0 {
		c.QueueLen = 64
	}
	if c.MaxPayload == 0 {
		c.MaxPayload = 4 << 10
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = 30 * time.Second
	}
	if c.MaxReconnectInterval == 0 {
		c.MaxReconnectInterval = 30 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	if !strings.Contains(c.Broker, "://") {
		c.Broker = "tcp://" + c.Broker
	}
}

func (c *Config) validate() error {
	if c.Broker == "" || c.Broker == "tcp://" {
		return errors.New("mqtt: no broker address")
	}
	scheme, _, _ := strings.Cut(c.Broker, "://")
	switch scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss":
	default:
		return fmt.Errorf("mqtt: broker %q: unknown scheme %q (tcp, mqtt, ssl, tls, mqtts, ws, wss)", c.Broker, scheme)
	}
	if err := checkTopicLevel("device", c.Device); err != nil {
		return err
	}
	if err := checkTopicLevel("topic prefix", c.Prefix); err != nil {
		return err
	}
	if c.Discovery {
		if err := checkTopicLevel("discovery prefix", c.DiscoveryPrefix); err != nil {
			return err
		}
	}
	if c.ResultQoS > 2 {
		return fmt.Errorf("mqtt: QoS %d is not 0, 1 or 2", c.ResultQoS)
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return errors.New("mqtt: a client certificate needs both a cert file and a key file")
	}
	if c.QueueLen < 1 {
		return fmt.Errorf("mqtt: queue length %d: need at least 1", c.QueueLen)
	}
	return nil
}

// checkTopicLevel accepts the characters Home Assistant allows in node and
// object ids, which are also safe as one MQTT topic level (no '/', '+',
// '#').
func checkTopicLevel(what, s string) error {
	if s == "" {
		return fmt.Errorf("mqtt: empty %s", what)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("mqtt: %s %q: only letters, digits, '_' and '-' are allowed", what, s)
		}
	}
	return nil
}

// tlsConfig returns the TLS settings, or nil when the broker URL and the
// flags ask for none.
func (c *Config) tlsConfig() (*tls.Config, error) {
	scheme, _, _ := strings.Cut(c.Broker, "://")
	secure := scheme == "ssl" || scheme == "tls" || scheme == "mqtts" || scheme == "wss"
	if !secure && c.CAFile == "" && c.CertFile == "" && !c.InsecureSkipVerify {
		return nil, nil
	}
	if !secure {
		return nil, fmt.Errorf("mqtt: TLS options given but broker %q is not ssl://, tls://, mqtts:// or wss://", c.Broker)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt: CA file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt: CA file %s holds no PEM certificate", c.CAFile)
		}
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func (c *Config) topic(leaf string) string {
	return c.Prefix + "/" + c.Device + "/" + leaf
}
