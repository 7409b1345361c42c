package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	goruntime "runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// The camera verb's outputs beyond JSON lines (MQTT, HTTP preview and
// metrics, GPIO, snapshots, events, sd_notify) live in camera_outputs.go,
// which provides:
//
//	// addOutputFlags registers the output flags on fs (called before parsing).
//	func addOutputFlags(fs *verbFlags) *outputFlags
//	// buildSinks turns the parsed flags into running outputs (called after
//	// the model and source are open, before the first frame).
//	func buildSinks(of *outputFlags, env *outputEnv) (cameraOutputs, error)
//
// The pipeline publishes every result to the sinks after the JSON-lines
// sink, and closes them on shutdown (see camera.Sink for the contract).

// outputEnv is what buildSinks gets besides its flags.
type outputEnv struct {
	Log         *log.Logger // stderr, prefixed "edgeinfer camera: "
	Labels      []string    // the model's class labels (may be empty)
	ModelPath   string      // as given on the command line ("" for demo)
	ModelSHA256 string      // hex digest of the model file
	Source      string      // the --source value
}

// cameraOutputs is what buildSinks returns.
type cameraOutputs struct {
	Sinks []camera.Sink
	// Trigger, when non-nil, switches the pipeline to classify-on-demand:
	// each value received classifies the newest frame (a GPIO button).
	// Without it every frame the interpreter can take is classified.
	Trigger <-chan struct{}
}

const cameraSynopsis = `edgeinfer camera MODEL --source SRC [--format F --size WxH --align N --range R]
                 [--threads N] [--top K] [--roi x,y,w,h] [--resize FIT] [--frames N] [outputs]`

const cameraDetails = `Classifies a live stream of frames: a capture goroutine reads the source
while the model classifies the newest frame; frames that arrive while
inference is busy replace the waiting one and are counted as dropped (files
are classified frame by frame instead). Each result is a JSON line on
stdout: seq, time, top-k labels and scores, per-stage latency (ms) and the
dropped count. A latency summary goes to stderr at the end (end of a file,
--frames, SIGINT or SIGTERM, which stop cleanly).

--source (SRC):
` + camera.SourceSyntax

// pipelineFlags are the flags camera and demo share.
type pipelineFlags struct {
	threads, top *int
	roi          *string
	resize       *string
	color        *string
	stall        *time.Duration
	frames       *uint64
	quiet        *bool
}

func addPipelineFlags(fs *verbFlags, defaultThreads int) *pipelineFlags {
	return &pipelineFlags{
		threads: fs.Int("threads", defaultThreads, threadsUsage),
		top:     fs.Int("top", 3, "labels per result"),
		roi:     fs.String("roi", "", "classify only this region: x,y,w,h as fractions of the frame (rpicam --roi style)"),
		resize:  fs.String("resize", "", "fit frames to the input by squash, crop (center) or letterbox (default: the model's metadata)"),
		color:   fs.String("color", "", "channel order the model takes, rgb or bgr (default: the model's metadata)"),
		stall:   fs.Duration("stall", 2*time.Second, "log and count a stall after this long without a frame"),
		frames:  fs.Uint64("frames", 0, "stop after classifying N frames (0: no limit)"),
		quiet:   fs.Bool("quiet", false, "no JSON lines on stdout (summary and other outputs only)"),
	}
}

// check rejects bad pipeline flags before anything is opened.
func (pf *pipelineFlags) check() error {
	if *pf.top < 1 {
		return usagef("--top %d: want 1 or more", *pf.top)
	}
	_, err := pf.preprocessOptions()
	return err
}

// preprocessOptions turns --roi, --resize and --color into options.
func (pf *pipelineFlags) preprocessOptions() (camera.PreprocessOptions, error) {
	var o camera.PreprocessOptions
	if *pf.roi != "" {
		r, err := camera.ParseROI(*pf.roi)
		if err != nil {
			return o, usagef("--roi: %v", err)
		}
		o.ROI = r
	}
	switch *pf.resize {
	case "":
	case "squash":
		o.Fit = ptr(format.FitSquash)
	case "crop":
		o.Fit = ptr(format.FitCenterCrop)
	case "letterbox":
		o.Fit = ptr(format.FitLetterbox)
	default:
		return o, usagef("--resize %q: want squash, crop or letterbox", *pf.resize)
	}
	switch *pf.color {
	case "":
	case "rgb":
		o.ColorOrder = ptr(format.RGB)
	case "bgr":
		o.ColorOrder = ptr(format.BGR)
	default:
		return o, usagef("--color %q: want rgb or bgr", *pf.color)
	}
	return o, nil
}

func ptr[T any](v T) *T { return &v }

func cameraMain(cl *cli, args []string) error {
	fs := newVerbFlags("camera", cameraSynopsis, cameraDetails)
	pf := addPipelineFlags(fs, 0)
	source := fs.String("source", "", "where frames come from (see above)")
	formatName := fs.String("format", "", "pixel format of raw streams, or the one to ask a V4L2 camera for: yuv420, nv12, yuyv, rgb24, bgr24, gray, mjpeg")
	size := fs.String("size", "", "frame size WxH of raw streams, or to ask a V4L2 camera for")
	align := fs.Int("align", 0, "raw rows are padded to a multiple of N bytes (rpicam-vid yuv420: 64)")
	yuvRange := fs.String("range", "full", "sample range of raw YUV: full (rpicam-vid, yuvj420p) or limited (ffmpeg yuv420p)")
	fps := fs.Float64("fps", 0, "pace files and folders to N frames a second (0: as fast as classified)")
	loop := fs.Bool("loop", false, "restart files and folders at their end")
	restart := fs.Bool("restart", false, "restart a pipe: command when it exits or fails (V4L2 cameras are always reopened)")
	noDrop := fs.Bool("no-drop", false, "classify every frame of a live source, in order (capture waits for inference)")
	allocProfile := fs.String("alloc-profile", "", "record every heap allocation of the steady state (frame 100 to the end) in `FILE`, a pprof profile,\n"+
		"and what was sampled before in FILE.base: go tool pprof -sample_index=alloc_objects -traces -base FILE.base BINARY FILE")
	outs := addOutputFlags(fs)
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	if *allocProfile != "" {
		// Nothing is sampled until the window opens.
		goruntime.MemProfileRate = 0
	}
	if len(operands) != 1 {
		return usagef("want one MODEL operand, got %d (see 'edgeinfer camera -h')", len(operands))
	}
	if *source == "" {
		return usagef("--source is required (see 'edgeinfer camera -h')")
	}
	if err := pf.check(); err != nil {
		return err
	}
	kind, _, err := camera.ParseSource(*source)
	if err != nil {
		return usagef("--source: %v", err)
	}
	so := camera.SourceOptions{Align: *align, FPS: *fps, Loop: *loop, Stderr: cl.stderr}
	if *formatName != "" {
		if so.Format, err = camera.ParsePixelFormat(*formatName); err != nil {
			return usagef("--format: %v", err)
		}
	}
	if *size != "" {
		if so.Width, so.Height, err = parseSize(*size); err != nil {
			return usagef("--size: %v", err)
		}
	}
	switch *yuvRange {
	case "full":
		so.Range = camera.FullRange
	case "limited":
		so.Range = camera.LimitedRange
	default:
		return usagef("--range %q: want full or limited", *yuvRange)
	}
	threads, err := resolveThreads(*pf.threads)
	if err != nil {
		return err
	}
	modelPath := operands[0]
	m, it, err := newInterpreter(modelPath, threads)
	if err != nil {
		return err
	}
	defer m.Close()
	defer it.Close()
	sum, err := fileSHA256(modelPath)
	if err != nil {
		return err
	}
	logger := log.New(cl.stderr, "edgeinfer camera: ", log.LstdFlags)
	// Open once now so a bad device or command fails before any output
	// starts; the pipeline reuses this source for its first frames.
	first, err := camera.Open(*source, so)
	if err != nil {
		return err
	}
	open := func() (camera.Source, error) {
		if s := first; s != nil {
			first = nil
			return s, nil
		}
		return camera.Open(*source, so)
	}
	built, err := buildSinks(outs, &outputEnv{Log: logger, Labels: m.Format().Metadata.Labels,
		ModelPath: modelPath, ModelSHA256: sum, Source: *source})
	if err != nil {
		if first != nil {
			first.Close()
		}
		return err
	}
	run := pipelineRun{
		flags: pf, model: m, it: it, modelName: modelPath, open: open, logger: logger,
		latest: kind.Live() && !*noDrop, reconnect: kind.Reopenable() || (kind == camera.KindCommand && *restart),
		outputs: built,
	}
	if *allocProfile != "" {
		run.steadyWindow = allocProfiler(*allocProfile, logger)
	}
	return runPipeline(cl, run)
}

// allocProfiler returns a camera.Config.SteadyWindow that records every
// allocation of the window (MemProfileRate 1 while it is open) in path, a
// pprof allocs profile written when it closes. Sampling is off until then
// (cameraMain sets the rate to 0), but each P still samples its first
// allocation after that change, so the profile as the window opens is
// written to path.base for pprof's -base. A GC at the close publishes
// the window's samples (the heap profile is as of the last completed GC)
// before sampling stops; what is allocated after it is never published.
func allocProfiler(path string, logger *log.Logger) func(open bool) {
	write := func(path string) {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			logger.Printf("--alloc-profile: %v", err)
		}
	}
	return func(open bool) {
		if open {
			write(path + ".base")
			goruntime.MemProfileRate = 1
			return
		}
		goruntime.GC()
		goruntime.MemProfileRate = 0
		write(path)
	}
}

// pipelineRun is one run of the pipeline, from camera or demo.
type pipelineRun struct {
	flags             *pipelineFlags
	model             *runtime.Model
	it                *runtime.Interpreter
	modelName         string
	open              func() (camera.Source, error)
	logger            *log.Logger
	latest, reconnect bool
	outputs           cameraOutputs
	before            func() // prints before the summary (demo's accuracy)
	steadyWindow      func(open bool)
}

// runPipeline runs until the source ends, --frames, or SIGINT/SIGTERM,
// then prints the summary on stderr.
func runPipeline(cl *cli, r pipelineRun) error {
	if err := r.flags.check(); err != nil {
		return err
	}
	po, err := r.flags.preprocessOptions()
	if err != nil {
		return err
	}
	// With 2 or more inference threads, a second core is idle while a
	// frame is prepared: split its rows over two goroutines.
	po.Split = r.it.Threads() >= 2
	prep, err := camera.NewPreprocessor(r.model, r.it, 0, po)
	if err != nil {
		return err
	}
	defer prep.Close()
	var sinks []camera.Sink
	if !*r.flags.quiet {
		sinks = append(sinks, camera.NewJSONLines(cl.stdout))
	}
	sinks = append(sinks, r.outputs.Sinks...)
	p, err := camera.New(camera.Config{
		Open: r.open, Latest: r.latest, Reconnect: r.reconnect,
		Model: r.model, Interpreter: r.it, Preprocess: prep, TopK: *r.flags.top,
		Sinks: sinks, Trigger: r.outputs.Trigger, StallTimeout: *r.flags.stall,
		MaxFrames: *r.flags.frames, Log: r.logger, SteadyWindow: r.steadyWindow,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	summary, err := p.Run(ctx)
	summary.Model = r.modelName
	if r.before != nil {
		r.before()
	}
	summary.WriteText(cl.stderr)
	return err
}

// parseSize parses "WxH".
func parseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err = strconv.Atoi(ws)
		if err == nil {
			h, err = strconv.Atoi(hs)
		}
	}
	if !ok || err != nil || w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("%q is not WxH (e.g. 640x480)", s)
	}
	return w, h, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", inFile(path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
