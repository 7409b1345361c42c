package main

import (
	"log"

	"github.com/edgeinfer/edgeinfer/camera"
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
