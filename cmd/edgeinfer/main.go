// Command edgeinfer inspects, runs and benchmarks edgeinfer int8 models.
//
//	edgeinfer convert MODEL.onnx -o OUT.einf --calib SRC [flags]
//	edgeinfer inspect MODEL [--json] [--tensors]
//	edgeinfer run MODEL --input-raw IN.f32 --output-raw OUT.f32
//	edgeinfer run MODEL IMAGE... [--top K] [--json]
//	edgeinfer bench MODEL [--threads N] [--runs N] [--warmup N] [--json]
//	edgeinfer camera MODEL --source SRC [--threads N] [--top K] [...]
//	edgeinfer cameras [--json]
//	edgeinfer demo [--threads N] [--top K] [--loop --fps N]
//	edgeinfer boards [ID] [--json]
//	edgeinfer help [VERB]
//
// Every verb prints its usage with -h. A failure prints one line,
// "edgeinfer: VERB: what went wrong", on stderr and exits 1; a bad command
// line exits 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the command was well formed but failed
	exitUsage   = 2 // bad verb, flag or operand
)

// command is one verb. Adding a verb is a file holding its main function
// and one entry in commands.
type command struct {
	name    string
	summary string // one line for `edgeinfer help`
	main    func(cl *cli, args []string) error
}

// commands lists the verbs in the order help shows them. It is a function,
// not a variable, because help refers back to it.
func commands() []command {
	return []command{
		{"convert", "convert an ONNX model to an int8 (or float32) model", convertMain},
		{"distill", "distil an ONNX teacher into a small int8 student (knowledge distillation + quantization-aware training)", distillMain},
		{"inspect", "describe a model: inputs, outputs, metadata, ops, tensors, MACs, arena", inspectMain},
		{"run", "run a model on raw float32 tensors or on images", runMain},
		{"eval", "measure a classifier's top-1/top-5 accuracy and confusion matrix on labelled data", evalMain},
		{"bench", "measure latency, allocations and throughput", benchMain},
		{"camera", "classify a live camera, pipe or video file, frame by frame", cameraMain},
		{"cameras", "list the V4L2 cameras and the formats they offer", camerasMain},
		{"demo", "run the camera pipeline over embedded sample images with the embedded model", demoMain},
		{"boards", "list board profiles and detect the board this runs on", boardsMain},
		{"help", "show usage for edgeinfer or one verb", helpMain},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func verbNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// cli is what a verb writes to.
type cli struct {
	stdout, stderr io.Writer
}

// run executes the command line args (without the program name) and
// returns the exit code. It is main without the process: tests call it.
func run(args []string, stdout, stderr io.Writer) int {
	stdout, stderr = serialized(stdout), serialized(stderr)
	cl := &cli{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprintf(stderr, "edgeinfer: missing verb (one of %s); see 'edgeinfer help'\n", verbNames())
		return exitUsage
	}
	verb := args[0]
	switch verb {
	case "-h", "-help", "--help":
		verb = "help"
	}
	c, ok := lookup(verb)
	if !ok {
		fmt.Fprintf(stderr, "edgeinfer: unknown verb %q (verbs: %s)\n", verb, verbNames())
		return exitUsage
	}
	err := c.main(cl, args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(*usageError)):
		fmt.Fprintf(stderr, "edgeinfer: %s: %s\n", c.name, oneLine(err.Error()))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "edgeinfer: %s: %s\n", c.name, oneLine(err.Error()))
		return exitFailure
	}
}

// usageError is a bad command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// oneLine folds a multi-line error message (a wrapped error from a library
// may carry one) into the single line the CLI promises.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
