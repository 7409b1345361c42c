package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/camera/events"
	"github.com/edgeinfer/edgeinfer/camera/mqttout"
	"github.com/edgeinfer/edgeinfer/camera/mqttout/mqtttest"
	"github.com/edgeinfer/edgeinfer/camera/sdnotify"
	"github.com/edgeinfer/edgeinfer/camera/snapshot"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// outputsChildEnv makes the test binary run one edgeinfer command line
// (arguments separated by \x1f) as a separate process, so that tests can
// kill it. init runs before TestMain.
const outputsChildEnv = "EDGEINFER_OUTPUTS_TEST_CHILD"

func init() {
	if args := os.Getenv(outputsChildEnv); args != "" {
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
}

// outputsLine is the part of a JSON result line the tests read.
type outputsLine struct {
	Seq uint64 `json:"seq"`
	Top []struct {
		Index int    `json:"index"`
		Label string `json:"label"`
	} `json:"top"`
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// The demo with every output on (MQTT, snapshots, HTTP, sd_notify with a
// watchdog) against a real broker and a real notify socket.
func TestCameraOutputsEndToEnd(t *testing.T) {
	b := mqtttest.StartBroker(t, "")
	live := mqtttest.Subscribe(t, b.Args(), "edgeinfer/e2e/#")
	live.Ready(b.Args(), "edgeinfer/e2e/probe")

	sockPath := filepath.Join(t.TempDir(), "notify.sock")
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	t.Setenv("NOTIFY_SOCKET", sockPath)
	t.Setenv("WATCHDOG_USEC", "100000") // pings every 50 ms while frames flow
	t.Setenv("WATCHDOG_PID", "")
	var notes []string
	notesDone := make(chan struct{})
	go func() {
		defer close(notesDone)
		buf := make([]byte, 256)
		for {
			sock.SetReadDeadline(time.Now().Add(20 * time.Second))
			n, err := sock.Read(buf)
			if err != nil {
				return
			}
			notes = append(notes, string(buf[:n]))
			if string(buf[:n]) == "STOPPING=1" {
				return
			}
		}
	}()

	snaps := t.TempDir()
	addr := freeAddr(t)
	scraped := make(chan string, 1)
	go func() { // scrape /metrics while the demo runs
		for i := 0; i < 200; i++ {
			resp, err := http.Get("http://" + addr + "/metrics")
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if strings.Contains(string(body), "edgeinfer_inferences_total 1") { // 1x: at least ten
					scraped <- string(body)
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		scraped <- ""
	}()

	stdout, stderr, code := invoke("demo", "--loop", "--fps", "40", "--frames", "30",
		"--min-score", "-1000", "--hysteresis", "0", "--confirm", "1",
		"--mqtt", b.URL(), "--mqtt-device", "e2e",
		"--snapshots", snaps, "--snapshot-keep", "4",
		"--http", addr)
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	<-notesDone

	// What the events must be, derived from the results on stdout: with
	// every score above --min-score and one frame to confirm, an event is
	// every change of the top-1 class.
	var lines []string
	var wantEvents []outputsLine
	prev := -2
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var d outputsLine
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("stdout line %q: %v", l, err)
		}
		lines = append(lines, l)
		if d.Top[0].Index != prev {
			wantEvents = append(wantEvents, d)
			prev = d.Top[0].Index
		}
	}
	if len(lines) != 30 {
		t.Fatalf("%d result lines, want 30", len(lines))
	}

	// MQTT: online, each result as printed, the events, then offline.
	if m := live.Next("edgeinfer/e2e/availability", 5*time.Second); m.Payload != "online" {
		t.Fatalf("availability %q", m.Payload)
	}
	for i, l := range lines {
		if m := live.Next("edgeinfer/e2e/result", 5*time.Second); m.Payload != l {
			t.Fatalf("result %d on MQTT:\n%s\nstdout:\n%s", i, m.Payload, l)
		}
	}
	var gotEvents []struct {
		Seq   uint64 `json:"seq"`
		Label string `json:"label"`
		Index int    `json:"index"`
	}
	for range wantEvents {
		m := live.Next("edgeinfer/e2e/event", 5*time.Second)
		var e struct {
			Seq   uint64 `json:"seq"`
			Label string `json:"label"`
			Index int    `json:"index"`
		}
		if err := json.Unmarshal([]byte(m.Payload), &e); err != nil {
			t.Fatalf("event %q: %v", m.Payload, err)
		}
		gotEvents = append(gotEvents, e)
	}
	for i, w := range wantEvents {
		if g := gotEvents[i]; g.Seq != w.Seq || g.Index != w.Top[0].Index || g.Label != w.Top[0].Label {
			t.Errorf("event %d = %+v, want seq %d class %d %q", i, g, w.Seq, w.Top[0].Index, w.Top[0].Label)
		}
	}
	if m := live.Next("edgeinfer/e2e/availability", 5*time.Second); m.Payload != "offline" {
		t.Errorf("availability at the end %q, want offline", m.Payload)
	}

	// Snapshots: four events (--snapshot-keep), in order, by sequence
	// number and label. Usually the last four; but the saver drops an
	// offer while both its buffers are busy (a loaded machine), so which
	// events were saved is not fixed: each file must name a later event
	// than the one before.
	entries, _ := os.ReadDir(snaps)
	if len(entries) != 4 {
		t.Fatalf("%d snapshots, want 4 (--snapshot-keep)", len(entries))
	}
	next := 0
	for _, e := range entries {
		got := strings.Join(strings.Split(e.Name(), "_")[1:], "_")
		for next < len(wantEvents) {
			w := wantEvents[next]
			next++
			if got == strings.Join(strings.Split(snapshot.FileName(time.Time{}, w.Seq, w.Top[0].Label), "_")[1:], "_") {
				got = ""
				break
			}
		}
		if got != "" {
			t.Errorf("snapshot %s names no event after the previous snapshot's (events: %+v)", e.Name(), wantEvents)
		}
	}

	// systemd: READY first, watchdog pings while frames flowed, STOPPING last.
	if len(notes) < 3 || notes[0] != "READY=1" || notes[len(notes)-1] != "STOPPING=1" {
		t.Fatalf("notifications %q", notes)
	}
	pings, statuses := 0, 0
	for _, n := range notes[1 : len(notes)-1] {
		switch {
		case n == "WATCHDOG=1":
			pings++
		case strings.HasPrefix(n, "STATUS="):
			statuses++
		default:
			t.Errorf("unexpected notification %q", n)
		}
	}
	if statuses != len(wantEvents) {
		t.Errorf("%d STATUS notifications, want one per event (%d)", statuses, len(wantEvents))
	}
	if pings < 3 {
		t.Errorf("%d watchdog pings in 0.75 s of frames at a 50 ms period", pings)
	}

	body := <-scraped
	if body == "" {
		t.Fatal("never scraped /metrics during the run")
	}
	for _, want := range []string{"edgeinfer_mqtt_sent_total ", "edgeinfer_events_total ", "edgeinfer_snapshots_saved_total ", `edgeinfer_stage_latency_seconds_count{stage="infer"} `} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(stderr, ` event {"seq":1,`) {
		t.Errorf("events not logged on stderr:\n%s", stderr)
	}
}

// startChild runs an edgeinfer command line in a child process and
// returns it with its stderr.
func startChild(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), outputsChildEnv+"="+strings.Join(args, "\x1f"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &stderr
}

// kill -9 of a running `edgeinfer demo --mqtt` turns its availability
// offline through the broker's last will; SIGTERM does it gracefully.
func TestCameraAvailabilityOnKillAndTerm(t *testing.T) {
	b := mqtttest.StartBroker(t, "")
	for _, c := range []struct {
		name   string
		signal syscall.Signal
	}{{"kill9", syscall.SIGKILL}, {"sigterm", syscall.SIGTERM}} {
		t.Run(c.name, func(t *testing.T) {
			topic := "edgeinfer/" + c.name + "/availability"
			live := mqtttest.Subscribe(t, b.Args(), "edgeinfer/"+c.name+"/#")
			live.Ready(b.Args(), "edgeinfer/"+c.name+"/probe")
			child, stderr := startChild(t, "demo", "--loop", "--fps", "20", "--quiet",
				"--mqtt", b.URL(), "--mqtt-device", c.name)
			if m := live.Next(topic, 10*time.Second); m.Payload != "online" {
				t.Fatalf("availability %q, want online", m.Payload)
			}
			live.Next("edgeinfer/"+c.name+"/result", 10*time.Second)
			if m := mqtttest.Retained(t, b.Args(), topic); m.Payload != "online" {
				t.Fatalf("retained availability %q before the signal", m.Payload)
			}
			sent := time.Now()
			child.Process.Signal(c.signal)
			for {
				m := live.Next(topic, 10*time.Second)
				if m.Payload == "offline" {
					break
				}
			}
			t.Logf("offline %v after %v", time.Since(sent).Round(time.Millisecond), c.signal)
			err := child.Wait()
			if c.signal == syscall.SIGTERM && err != nil {
				t.Errorf("after SIGTERM: %v\n%s", err, stderr)
			}
			if m := mqtttest.Retained(t, b.Args(), topic); m.Payload != "offline" {
				t.Errorf("retained availability %q after %v", m.Payload, c.signal)
			}
		})
	}
}

// execStartArgs reads ExecStart of a unit file: continuation lines joined,
// double-quoted words kept whole.
func execStartArgs(t *testing.T, unit string) []string {
	t.Helper()
	f, err := os.Open(unit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var line string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if line != "" || strings.HasPrefix(l, "ExecStart=") {
			cont := strings.HasSuffix(l, "\\")
			line += strings.TrimSuffix(strings.TrimPrefix(l, "ExecStart="), "\\") + " "
			if !cont {
				break
			}
		}
	}
	var args []string
	var word strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				args = append(args, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	return args
}

// The example unit's command line is one edgeinfer accepts: every flag
// exists and parses; the run fails only on the model file, which does not
// exist here. systemd-analyze, where installed, checks the unit itself.
func TestServiceUnit(t *testing.T) {
	unit := filepath.Join("..", "..", "boards", "systemd", "edgeinfer.service")
	args := execStartArgs(t, unit)
	if len(args) < 3 || args[0] != "/usr/local/bin/edgeinfer" || args[1] != "camera" {
		t.Fatalf("ExecStart = %q", args)
	}
	stdout, stderr, code := invoke(args[1:]...)
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "/var/lib/edgeinfer/model.einf") {
		t.Fatalf("edgeinfer %s: exit %d, stderr %q; want a failure on the missing model only", strings.Join(args[1:], " "), code, stderr)
	}
	data, _ := os.ReadFile(unit)
	for _, want := range []string{"Type=notify", "NotifyAccess=main", "WatchdogSec=", "Restart=on-failure", "SupplementaryGroups=video gpio"} {
		if !strings.Contains(string(data), "\n"+want) {
			t.Errorf("unit lacks %q", want)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: unit syntax not verified")
		return
	}
	// verify wants ExecStart's binary to exist: point it at this test binary.
	tmp := filepath.Join(t.TempDir(), "edgeinfer.service")
	os.WriteFile(tmp, []byte(strings.ReplaceAll(string(data), "/usr/local/bin/edgeinfer", os.Args[0])), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, analyze, "verify", tmp).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// Per frame, the outputs allocate nothing in steady state: results go to
// the (here full) MQTT queue, the debouncer sees no change.
func TestOutputSinkAllocatesNothing(t *testing.T) {
	p, err := mqttout.New(mqttout.Config{Broker: "tcp://127.0.0.1:1", Device: "alloc", QueueLen: 2})
	if err != nil {
		t.Fatal(err)
	}
	deb, _ := events.NewDebouncer(events.Config{MinScore: 0.5, Confirm: 2})
	o := &outputSink{log: log.New(io.Discard, "", 0), debouncer: deb, notifier: &sdnotify.Notifier{},
		mqtt: p, resultJSON: camera.NewJSONLines(mqttResultWriter{p}), cancel: func() {}, eventBuf: make([]byte, 0, 512)}
	r := &camera.Result{Time: time.Unix(1, 0), Top: []runtime.Class{{Index: 3, Label: "cat", Score: 0.9}}}
	for i := 0; i < 5; i++ { // the event, and the queue filled
		r.Seq++
		o.Publish(r)
	}
	allocs := testing.AllocsPerRun(100, func() {
		r.Seq++
		if err := o.Publish(r); err != errResultDropped {
			t.Fatalf("Publish: %v, want the queue-full error", err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per result, want 0", allocs)
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "123": 123, "64K": 64 << 10, "200M": 200 << 20, "2g": 2 << 30} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("%q = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"M", "-1", "1.5G", "12Q", "99999999999G"} {
		if _, err := parseByteSize(in); err == nil || !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("%q: error %v", in, err)
		}
	}
}

func TestTopicSafe(t *testing.T) {
	for in, want := range map[string]string{"pi-cam_1": "pi-cam_1", "pi.local": "pi_local", "": "camera", "a/b+#": "a_b__"} {
		if got := topicSafe(in); got != want {
			t.Errorf("topicSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// Bad output flags are usage errors (exit 2) naming the flag.
func TestOutputFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--confirm", "0"}, "--min-score/--hysteresis/--confirm: events: confirm 0"},
		{[]string{"--mqtt", "http://x", "--mqtt-device", "d"}, `--mqtt: mqtt: broker "http://x": unknown scheme "http"`},
		{[]string{"--mqtt", "x:1", "--mqtt-qos", "3"}, "--mqtt-qos 3: want 0, 1 or 2"},
		{[]string{"--gpio-led", "GPIO17"}, "--gpio-led: gpio LED \"GPIO17\": want PIN=LABEL>SCORE"},
		{[]string{"--gpio-trigger", "GPIO27:sideways"}, "--gpio-trigger: gpio trigger"},
		{[]string{"--snapshots", "/tmp/x", "--snapshot-max-bytes", "lots"}, `--snapshot-max-bytes: "lots" is not a size`},
		{[]string{"--http", "127.0.0.1:0", "--http-quality", "0"}, "--http-quality 0: want 1-100"},
		{[]string{"--http", "127.0.0.1:0", "--http-fps", "0"}, "--http-fps 0: want more than 0"},
	} {
		stdout, stderr, code := invoke(append([]string{"demo"}, c.args...)...)
		checkFailure(t, stdout, stderr, code, exitUsage, "edgeinfer: demo: ", c.want)
	}
}
