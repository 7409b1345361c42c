package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/camera/events"
	"github.com/edgeinfer/edgeinfer/camera/gpioout"
	"github.com/edgeinfer/edgeinfer/camera/httpout"
	"github.com/edgeinfer/edgeinfer/camera/mqttout"
	"github.com/edgeinfer/edgeinfer/camera/sdnotify"
	"github.com/edgeinfer/edgeinfer/camera/snapshot"
)

// The camera outputs beyond JSON lines: debounced events, MQTT, the HTTP
// preview and metrics, GPIO, snapshots and systemd notification. The
// contract with camera.go is at the top of that file.

// outputFlags holds the parsed output flags.
type outputFlags struct {
	minScore, hysteresis *float64
	confirm              *int

	mqttURL, mqttDevice, mqttPrefix, mqttClientID *string
	mqttUser, mqttPassword                        *string
	mqttCA, mqttCert, mqttKey                     *string
	mqttInsecure, mqttResults                     *bool
	mqttQoS                                       *int
	haDiscovery                                   *bool
	haPrefix                                      *string

	httpAddr    *string
	httpFPS     *float64
	httpQuality *int

	gpioLEDs                  listFlag
	gpioTrigger               *string
	gpioSettle, gpioLockout   *time.Duration
	snapDir, snapMaxBytes     *string
	snapKeep, snapshotQuality *int
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func addOutputFlags(fs *verbFlags) *outputFlags {
	of := &outputFlags{
		minScore:   fs.Float64("min-score", 0.5, "events: a label must score at least this to become the state (model output units: probability after softmax, else logit)"),
		hysteresis: fs.Float64("hysteresis", 0.1, "events: a held label stays until its score drops below min-score minus this"),
		confirm:    fs.Int("confirm", 3, "events and LEDs: frames in a row a change must be seen before it counts"),

		mqttURL:      fs.String("mqtt", "", "publish to this MQTT broker: tcp://host:1883, ssl://host:8883, host:port (off when empty)"),
		mqttDevice:   fs.String("mqtt-device", "", "device name in topics edgeinfer/<device>/result|event|availability (default: the host name)"),
		mqttPrefix:   fs.String("mqtt-prefix", "edgeinfer", "first topic level"),
		mqttClientID: fs.String("mqtt-client-id", "", "MQTT client id, unique per broker (default: edgeinfer-<device>)"),
		mqttUser:     fs.String("mqtt-user", "", "MQTT user name"),
		mqttPassword: fs.String("mqtt-password", "", "MQTT password (prefer $EDGEINFER_MQTT_PASSWORD: flags show in ps)"),
		mqttCA:       fs.String("mqtt-ca", "", "PEM CA file to verify an ssl:// broker (default: system roots)"),
		mqttCert:     fs.String("mqtt-cert", "", "PEM client certificate for an ssl:// broker"),
		mqttKey:      fs.String("mqtt-key", "", "PEM key of --mqtt-cert"),
		mqttInsecure: fs.Bool("mqtt-insecure", false, "accept any broker certificate"),
		mqttResults:  fs.Bool("mqtt-results", true, "publish every result, not only events"),
		mqttQoS:      fs.Int("mqtt-qos", 0, "QoS of result messages (events and availability use 1)"),
		haDiscovery:  fs.Bool("ha-discovery", false, "publish Home Assistant MQTT discovery for the label and score sensors"),
		haPrefix:     fs.String("ha-prefix", "homeassistant", "Home Assistant discovery prefix"),

		httpAddr:    fs.String("http", "", "serve the preview page, /metrics and /healthz on this address, e.g. 127.0.0.1:8080 (off when empty)"),
		httpFPS:     fs.Float64("http-fps", 10, "preview frame rate cap"),
		httpQuality: fs.Int("http-quality", 75, "preview JPEG quality (1-100)"),

		gpioTrigger: fs.String("gpio-trigger", "", "classify only when the button on this pin is pressed: GPIO27 (to ground, pull-up) or GPIO27:high"),
		gpioSettle:  fs.Duration("gpio-debounce", 20*time.Millisecond, "button: level must be steady this long after an edge"),
		gpioLockout: fs.Duration("gpio-lockout", 250*time.Millisecond, "button: ignore presses this soon after the last"),

		snapDir:         fs.String("snapshots", "", "save a JPEG of the frame in this directory on every event (off when empty)"),
		snapKeep:        fs.Int("snapshot-keep", 100, "keep at most this many snapshots (0: no limit)"),
		snapMaxBytes:    fs.String("snapshot-max-bytes", "", "keep snapshots under this total size, e.g. 200M (default: no limit)"),
		snapshotQuality: fs.Int("snapshot-quality", 90, "snapshot JPEG quality (1-100)"),
	}
	fs.Var(&of.gpioLEDs, "gpio-led", "light an LED while a label holds: PIN=LABEL>SCORE, e.g. GPIO17=person>0.8 (#N names class N; repeatable)")
	return of
}

// buildSinks turns the flags into running outputs. What it started is
// stopped again when it fails.
func buildSinks(of *outputFlags, env *outputEnv) (_ cameraOutputs, err error) {
	cfg := events.Config{MinScore: float32(*of.minScore), Hysteresis: float32(*of.hysteresis), Confirm: *of.confirm}
	if err := cfg.Validate(); err != nil {
		return cameraOutputs{}, usagef("--min-score/--hysteresis/--confirm: %v", err)
	}
	deb, err := events.NewDebouncer(cfg)
	if err != nil {
		return cameraOutputs{}, err
	}
	notifier, err := sdnotify.New()
	if err != nil {
		env.Log.Printf("systemd notification off: %v", err)
		notifier = &sdnotify.Notifier{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	o := &outputSink{log: env.Log, debouncer: deb, notifier: notifier, cancel: cancel, eventBuf: make([]byte, 0, 512)}
	var sinks []camera.Sink
	defer func() {
		if err != nil {
			o.Close()
			for _, s := range sinks[1:] {
				s.Close()
			}
		}
	}()
	sinks = append(sinks, o)

	if *of.mqttURL != "" {
		if o.mqtt, err = startMQTT(of, env); err != nil {
			return cameraOutputs{}, err
		}
		if *of.mqttResults {
			o.resultJSON = camera.NewJSONLines(mqttResultWriter{o.mqtt})
		}
	}
	if *of.snapDir != "" {
		if o.saver, err = startSnapshots(of, env); err != nil {
			return cameraOutputs{}, err
		}
	}
	if *of.httpAddr != "" {
		srv, err := startHTTP(of, env, o)
		if err != nil {
			return cameraOutputs{}, err
		}
		sinks = append(sinks, srv)
	}
	if len(of.gpioLEDs) > 0 {
		leds, err := openLEDs(of, env)
		if err != nil {
			return cameraOutputs{}, err
		}
		sinks = append(sinks, leds)
	}
	var trigger <-chan struct{}
	if *of.gpioTrigger != "" {
		spec, err := gpioout.ParseTriggerSpec(*of.gpioTrigger)
		if err != nil {
			return cameraOutputs{}, usagef("--gpio-trigger: %v", err)
		}
		pin, err := gpioout.OpenPin(spec.Pin)
		if err != nil {
			return cameraOutputs{}, fmt.Errorf("--gpio-trigger: %w", err)
		}
		t, err := gpioout.NewTrigger(pin, spec, *of.gpioSettle, *of.gpioLockout)
		if err != nil {
			return cameraOutputs{}, err
		}
		go t.Run(ctx)
		trigger = t.C()
	}

	if interval, ok := sdnotify.WatchdogInterval(); ok && notifier.Enabled() {
		o.watchdog = sdnotify.NewWatchdog(notifier, interval)
		go o.watchdog.Run(ctx)
		if trigger != nil {
			// Frames are classified only on presses, so results cannot
			// show that capture works: report liveness only.
			go func() {
				t := time.NewTicker(interval / 4)
				defer t.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-t.C:
						o.watchdog.Frame()
					}
				}
			}()
		}
	}
	if trigger != nil {
		// Ready as soon as outputs run: there may be no result for hours.
		notifier.Ready()
		o.ready = true
	}
	return cameraOutputs{Sinks: sinks, Trigger: trigger}, nil
}

func startMQTT(of *outputFlags, env *outputEnv) (*mqttout.Publisher, error) {
	device := *of.mqttDevice
	if device == "" {
		host, _ := os.Hostname()
		device = topicSafe(host)
	}
	password := *of.mqttPassword
	if password == "" {
		password = os.Getenv("EDGEINFER_MQTT_PASSWORD")
	}
	if *of.mqttQoS < 0 || *of.mqttQoS > 2 {
		return nil, usagef("--mqtt-qos %d: want 0, 1 or 2", *of.mqttQoS)
	}
	model := "edgeinfer"
	if env.ModelPath != "" {
		model = strings.TrimSuffix(filepath.Base(env.ModelPath), ".einf")
	}
	p, err := mqttout.New(mqttout.Config{
		Broker: *of.mqttURL, Device: device, Prefix: *of.mqttPrefix, ClientID: *of.mqttClientID,
		Username: *of.mqttUser, Password: password,
		CAFile: *of.mqttCA, CertFile: *of.mqttCert, KeyFile: *of.mqttKey, InsecureSkipVerify: *of.mqttInsecure,
		ResultQoS: byte(*of.mqttQoS), Discovery: *of.haDiscovery, DiscoveryPrefix: *of.haPrefix,
		Model: model, Logf: env.Log.Printf,
	})
	if err != nil {
		return nil, usagef("--mqtt: %v", err)
	}
	// A broker that is down at boot is not fatal: the publisher keeps
	// trying, and the camera works meanwhile.
	if err := p.Connect(5 * time.Second); err != nil {
		env.Log.Print(err)
	}
	return p, nil
}

func startSnapshots(of *outputFlags, env *outputEnv) (*snapshot.Saver, error) {
	maxBytes, err := parseByteSize(*of.snapMaxBytes)
	if err != nil {
		return nil, usagef("--snapshot-max-bytes: %v", err)
	}
	if q := *of.snapshotQuality; q < 1 || q > 100 {
		return nil, usagef("--snapshot-quality %d: want 1-100", q)
	}
	st, err := snapshot.Open(snapshot.Config{Dir: *of.snapDir, MaxFiles: *of.snapKeep, MaxBytes: maxBytes})
	if err != nil {
		return nil, err
	}
	return snapshot.NewSaver(st, *of.snapshotQuality, env.Log.Printf), nil
}

func startHTTP(of *outputFlags, env *outputEnv, o *outputSink) (*httpout.Server, error) {
	title := "demo"
	if env.ModelPath != "" {
		title = filepath.Base(env.ModelPath)
	}
	if q := *of.httpQuality; q < 1 || q > 100 {
		return nil, usagef("--http-quality %d: want 1-100", q)
	}
	if !(*of.httpFPS > 0) {
		return nil, usagef("--http-fps %v: want more than 0", *of.httpFPS)
	}
	cfg := httpout.Config{Addr: *of.httpAddr, Title: title, Quality: *of.httpQuality, MaxFPS: *of.httpFPS, Logf: env.Log.Printf}
	if *of.gpioTrigger != "" {
		cfg.StallAfter = -1 // results come only on presses
	}
	srv, err := httpout.New(cfg)
	if err != nil {
		return nil, usagef("--http: %v", err)
	}
	m := srv.Metrics()
	m.AddCounter("edgeinfer_events_total", "Changes of the debounced label.", o.events.Load)
	if o.mqtt != nil {
		m.AddCounter("edgeinfer_mqtt_sent_total", "MQTT messages sent.", func() uint64 { s, _, _ := o.mqtt.Stats(); return s })
		m.AddCounter("edgeinfer_mqtt_dropped_total", "MQTT messages dropped because the queue was full.", func() uint64 { _, d, _ := o.mqtt.Stats(); return d })
		m.AddCounter("edgeinfer_mqtt_failed_total", "MQTT messages that failed (not connected, timeout).", func() uint64 { _, _, f := o.mqtt.Stats(); return f })
	}
	if o.saver != nil {
		m.AddCounter("edgeinfer_snapshots_saved_total", "Snapshots written.", func() uint64 { s, _, _ := o.saver.Stats(); return s })
		m.AddCounter("edgeinfer_snapshots_dropped_total", "Snapshots skipped while the writer was busy.", func() uint64 { _, d, _ := o.saver.Stats(); return d })
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	env.Log.Printf("preview on http://%s/ (metrics /metrics, health /healthz)", srv.Addr())
	return srv, nil
}

func openLEDs(of *outputFlags, env *outputEnv) (gpioout.LEDs, error) {
	var leds gpioout.LEDs
	for _, v := range of.gpioLEDs {
		rule, err := gpioout.ParseLEDRule(v)
		if err != nil {
			return nil, usagef("--gpio-led: %v", err)
		}
		pin, err := gpioout.OpenPin(rule.Pin)
		if err != nil {
			return nil, fmt.Errorf("--gpio-led: %w", err)
		}
		led, err := gpioout.NewLED(pin, rule, env.Labels, *of.confirm, float32(*of.hysteresis))
		if err != nil {
			return nil, err
		}
		leds = append(leds, led)
	}
	return leds, nil
}

// outputSink runs the per-result work that is not a sink of its own:
// systemd readiness and watchdog, the debounced events, MQTT and
// snapshots. It allocates nothing per result except when an event fires.
type outputSink struct {
	log        interface{ Printf(string, ...any) }
	debouncer  *events.Debouncer
	notifier   *sdnotify.Notifier
	watchdog   *sdnotify.Watchdog
	mqtt       *mqttout.Publisher
	resultJSON *camera.JSONLines // writes into mqtt's result queue
	saver      *snapshot.Saver
	cancel     context.CancelFunc
	ready      bool
	events     atomic.Uint64
	eventBuf   []byte
	closed     bool
}

func (o *outputSink) Publish(r *camera.Result) error {
	if !o.ready {
		o.ready = true
		o.notifier.Ready()
	}
	if o.watchdog != nil {
		o.watchdog.Frame()
	}
	var err error
	if o.resultJSON != nil {
		err = o.resultJSON.Publish(r)
	}
	ev, changed := o.debouncer.Observe(r.Seq, r.Time, r.Top)
	if !changed {
		return err
	}
	o.events.Add(1)
	o.eventBuf = ev.AppendJSON(o.eventBuf[:0])
	o.log.Printf("event %s", o.eventBuf)
	if o.notifier.Enabled() { // `systemctl status` shows the current label
		label := ev.Label
		if ev.Index < 0 {
			label = "nothing above --min-score"
		}
		o.notifier.Status(fmt.Sprintf("%s (frame %d, %s)", label, ev.Seq, ev.Time.Format(time.TimeOnly)))
	}
	if o.mqtt != nil && !o.mqtt.PublishEvent(o.eventBuf) {
		err = errors.Join(err, errEventDropped)
	}
	if o.saver != nil && r.Frame != nil {
		label := ev.Label
		if label == "" && ev.Index >= 0 {
			label = "class" + strconv.Itoa(ev.Index)
		}
		if label == "" {
			label = "none"
		}
		o.saver.Offer(r.Frame, label)
	}
	return err
}

// Errors of full MQTT queues, made once: the frame loop must not allocate.
var (
	errEventDropped  = errors.New("mqtt: event queue full, event dropped")
	errResultDropped = errors.New("mqtt: result queue full, result dropped")
)

// Close tells systemd the service is stopping, then flushes MQTT (which
// publishes "offline") and the snapshot writer.
func (o *outputSink) Close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	o.notifier.Stopping()
	o.cancel()
	var errs []error
	if o.mqtt != nil {
		errs = append(errs, o.mqtt.Close())
	}
	if o.saver != nil {
		errs = append(errs, o.saver.Close())
	}
	errs = append(errs, o.notifier.Close())
	return errors.Join(errs...)
}

// mqttResultWriter feeds JSON lines into the MQTT result queue.
type mqttResultWriter struct{ p *mqttout.Publisher }

func (w mqttResultWriter) Write(b []byte) (int, error) {
	if !w.p.PublishResult(b[:len(b)-len("\n")]) {
		return 0, errResultDropped
	}
	return len(b), nil
}

// topicSafe maps a host name to the characters allowed in a topic level
// and a Home Assistant id.
func topicSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "camera"
	}
	return string(b)
}

// parseByteSize parses "", "123", "64K", "200M" or "2G" (powers of 1024).
func parseByteSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	mult, digits := int64(1), s
	switch s[len(s)-1] {
	case 'K', 'k':
		mult = 1 << 10
	case 'M', 'm':
		mult = 1 << 20
	case 'G', 'g':
		mult = 1 << 30
	}
	if mult > 1 {
		digits = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size such as 500K, 200M or 2G", s)
	}
	return n * mult, nil
}
