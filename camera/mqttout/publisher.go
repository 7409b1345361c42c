package mqttout

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// drainTime bounds how long Close sends what is still queued.
const drainTime = 3 * time.Second

// Availability payloads.
const (
	Online  = "online"
	Offline = "offline"
)

// Publisher sends results and events to one broker. PublishResult and
// PublishEvent may be called from any goroutine and never block; Close
// must be called once at the end.
type Publisher struct {
	cfg    Config
	client mqtt.Client
	send   func(topic string, qos byte, retain bool, payload []byte) mqtt.Token // client.Publish; tests replace it

	resultTopic, eventTopic, availTopic string
	discovery                           []retained // Home Assistant configs

	results, events queue
	stop            chan struct{} // closed by Close: the worker drains and exits
	done            chan struct{} // closed by the worker
	closeOnce       sync.Once
	started         atomic.Bool // Connect ran: the worker and paho are live

	sent, dropped, failed atomic.Uint64
	drainBy               time.Time // worker only: end of the shutdown drain

	mu      sync.Mutex
	lastErr error // why the last connection attempt failed
}

// retained is one retained message sent on every connect.
type retained struct {
	topic   string
	payload []byte
}

// queue is a bounded FIFO of payload buffers with its own pool of free
// buffers, so that enqueueing copies into memory made at start-up.
type queue struct {
	topic  string
	qos    byte
	retain bool
	full   chan []byte // payloads waiting to be sent
	free   chan []byte // empty buffers
	maxLen int         // buffer capacity, to replace a buffer paho kept
}

func newQueue(topic string, qos byte, retain bool, n, size int) queue {
	q := queue{topic: topic, qos: qos, retain: retain, full: make(chan []byte, n), free: make(chan []byte, n), maxLen: size}
	for range n {
		q.free <- make([]byte, 0, size)
	}
	return q
}

// New checks cfg and prepares a Publisher; Connect starts it.
func New(cfg Config) (*Publisher, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	p := &Publisher{
		cfg:         cfg,
		resultTopic: cfg.topic("result"),
		eventTopic:  cfg.topic("event"),
		availTopic:  cfg.topic("availability"),
		stop:        make(chan struct{}),
		done:        make(chan struct{}),
	}
	p.results = newQueue(p.resultTopic, cfg.ResultQoS, false, cfg.QueueLen, cfg.MaxPayload)
	p.events = newQueue(p.eventTopic, 1, true, max(4, cfg.QueueLen/4), cfg.MaxPayload)
	if cfg.Discovery {
		if p.discovery, err = discoveryConfigs(&cfg); err != nil {
			return nil, err
		}
	}

	opts := mqtt.NewClientOptions().
		AddBroker(cfg.Broker).
		SetClientID(cfg.ClientID).
		SetProtocolVersion(4). // 3.1.1; no silent retry as 3.1 after a refusal
		SetUsername(cfg.Username).
		SetPassword(cfg.Password).
		SetCleanSession(true).
		SetKeepAlive(cfg.KeepAlive).
		SetWriteTimeout(cfg.WriteTimeout).
		SetConnectTimeout(10*time.Second).
		SetWill(p.availTopic, Offline, 1, true).
		SetAutoReconnect(true).
		SetConnectRetry(true).
		SetConnectRetryInterval(time.Second).
		SetMaxReconnectInterval(cfg.MaxReconnectInterval).
		// Handlers run on their own goroutines: a slow one must not stall
		// the keep-alive (paho's README on OrderMatters).
		SetOrderMatters(false).
		SetOnConnectHandler(p.onConnect).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			p.cfg.Logf("mqtt: connection to %s lost: %v; reconnecting", cfg.Broker, err)
		}).
		SetConnectionNotificationHandler(p.onNotification)
	if tlsCfg != nil {
		opts.SetTLSConfig(tlsCfg)
	}
	p.client = mqtt.NewClient(opts)
	p.send = func(topic string, qos byte, retain bool, payload []byte) mqtt.Token {
		return p.client.Publish(topic, qos, retain, payload)
	}
	return p, nil
}

// Connect starts connecting and the send goroutine, and waits up to wait
// for the first connection. When the broker is not reachable by then it
// returns an error but keeps retrying in the background, so a camera
// started before its broker still comes up; the caller decides whether
// that error is fatal.
func (p *Publisher) Connect(wait time.Duration) error {
	p.started.Store(true)
	tok := p.client.Connect()
	go p.worker()
	if !tok.WaitTimeout(wait) {
		p.mu.Lock()
		last := p.lastErr
		p.mu.Unlock()
		if last != nil {
			return fmt.Errorf("mqtt: broker %s not reached within %v (%v); still trying", p.cfg.Broker, wait, last)
		}
		return fmt.Errorf("mqtt: broker %s not reached within %v; still trying", p.cfg.Broker, wait)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("mqtt: connect to %s: %w", p.cfg.Broker, err)
	}
	return nil
}

// onNotification keeps the reason of the last failed connection attempt
// and logs it when it changes (not on every retry).
func (p *Publisher) onNotification(_ mqtt.Client, n mqtt.ConnectionNotification) {
	f, ok := n.(mqtt.ConnectionNotificationFailed)
	if !ok {
		return
	}
	p.mu.Lock()
	changed := p.lastErr == nil || p.lastErr.Error() != f.Reason.Error()
	p.lastErr = f.Reason
	p.mu.Unlock()
	if changed {
		p.cfg.Logf("mqtt: cannot connect to %s: %v; retrying", p.cfg.Broker, f.Reason)
	}
}

// onConnect runs after every (re)connect: announce availability, then the
// discovery configs, and follow Home Assistant's own birth message.
func (p *Publisher) onConnect(c mqtt.Client) {
	p.cfg.Logf("mqtt: connected to %s as %s", p.cfg.Broker, p.cfg.ClientID)
	p.mu.Lock()
	p.lastErr = nil
	p.mu.Unlock()
	p.publishNow(p.availTopic, []byte(Online))
	if !p.cfg.Discovery {
		return
	}
	p.announce()
	c.Subscribe(p.cfg.DiscoveryPrefix+"/status", 1, func(_ mqtt.Client, m mqtt.Message) {
		if string(m.Payload()) == Online {
			p.announce() // Home Assistant restarted and forgot non-retained state
		}
	})
}

func (p *Publisher) announce() {
	for _, d := range p.discovery {
		p.publishNow(d.topic, d.payload)
	}
}

// publishNow sends a retained QoS 1 message outside the queues and waits
// for it (used from handlers and Close, never from the frame loop).
func (p *Publisher) publishNow(topic string, payload []byte) error {
	tok := p.client.Publish(topic, 1, true, payload)
	if !tok.WaitTimeout(p.cfg.WriteTimeout) {
		p.failed.Add(1)
		return fmt.Errorf("mqtt: publish %s: no acknowledgement within %v", topic, p.cfg.WriteTimeout)
	}
	if err := tok.Error(); err != nil {
		p.failed.Add(1)
		p.cfg.Logf("mqtt: publish %s: %v", topic, err)
		return err
	}
	p.sent.Add(1)
	return nil
}

// PublishResult queues payload (a JSON result) for the result topic. It
// copies payload, so the caller may reuse it at once. It returns false
// when the queue was full and the payload was dropped.
func (p *Publisher) PublishResult(payload []byte) bool { return p.enqueue(&p.results, payload) }

// PublishEvent queues payload (a JSON event) for the retained event topic.
func (p *Publisher) PublishEvent(payload []byte) bool { return p.enqueue(&p.events, payload) }

func (p *Publisher) enqueue(q *queue, payload []byte) bool {
	select {
	case <-p.stop:
		p.dropped.Add(1)
		return false
	default:
	}
	select {
	case buf := <-q.free:
		q.full <- append(buf, payload...) // cannot block: full has room for every buffer
		return true
	default:
		p.dropped.Add(1)
		return false
	}
}

// worker sends queued payloads, events first, until Close.
func (p *Publisher) worker() {
	defer close(p.done)
	for {
		select {
		case buf := <-p.events.full:
			p.sendQueued(&p.events, buf)
			continue
		default:
		}
		select {
		case buf := <-p.events.full:
			p.sendQueued(&p.events, buf)
		case buf := <-p.results.full:
			p.sendQueued(&p.results, buf)
		case <-p.stop:
			// Shutdown waits for the queues at most drainTime: a broker
			// that is gone must not hold the service up.
			if p.drainBy.IsZero() {
				p.drainBy = time.Now().Add(drainTime)
			}
			p.drain(&p.events)
			p.drain(&p.results)
			return
		}
	}
}

func (p *Publisher) drain(q *queue) {
	for {
		select {
		case buf := <-q.full:
			p.sendQueued(q, buf)
		default:
			return
		}
	}
}

func (p *Publisher) sendQueued(q *queue, buf []byte) {
	if !p.drainBy.IsZero() && !time.Now().Before(p.drainBy) {
		p.failed.Add(1) // shutting down and out of time
		q.free <- buf[:0]
		return
	}
	tok := p.send(q.topic, q.qos, q.retain, buf)
	if !p.wait(tok) {
		// paho may still hold buf (a QoS 1 message waiting for a
		// reconnect): leave it to paho and put a new buffer in the pool.
		p.failed.Add(1)
		q.free <- make([]byte, 0, q.maxLen)
		return
	}
	if err := tok.Error(); err != nil {
		p.failed.Add(1)
		if !errors.Is(err, mqtt.ErrNotConnected) {
			p.cfg.Logf("mqtt: publish %s: %v", q.topic, err)
		}
	} else {
		p.sent.Add(1)
	}
	q.free <- buf[:0]
}

// wait waits for tok for at most WriteTimeout, and once Close began, at
// most until the end of the drain time (worker goroutine only).
func (p *Publisher) wait(tok mqtt.Token) bool {
	timer := time.NewTimer(p.cfg.WriteTimeout)
	defer timer.Stop()
	stop := p.stop
	for {
		select {
		case <-tok.Done():
			return true
		case <-timer.C:
			return false
		case <-stop:
			stop = nil
			if p.drainBy.IsZero() {
				p.drainBy = time.Now().Add(drainTime)
			}
			if d := time.Until(p.drainBy); d < p.cfg.WriteTimeout {
				timer.Reset(max(d, 0))
			}
		}
	}
}

// Stats returns how many messages were sent, dropped because a queue was
// full, and failed (not connected, timed out or refused).
func (p *Publisher) Stats() (sent, dropped, failed uint64) {
	return p.sent.Load(), p.dropped.Load(), p.failed.Load()
}

// Close sends what is queued (for at most 3 s), publishes "offline" (retained, so it replaces "online" without waiting
// for the last will) and disconnects.
func (p *Publisher) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.stop)
		if !p.started.Load() {
			return
		}
		<-p.done
		if p.client.IsConnectionOpen() {
			err = p.publishNow(p.availTopic, []byte(Offline))
		}
		p.client.Disconnect(250)
	})
	return err
}
