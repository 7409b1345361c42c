package main

// This file belongs to the camera outputs (issue 7 part 2): it replaces
// this initial version, which registers no flags and builds no sinks, with
// MQTT, HTTP, GPIO, snapshot, event and sd_notify outputs. The contract is
// at the top of camera.go.

// outputFlags holds the parsed output flags.
type outputFlags struct{}

func addOutputFlags(fs *verbFlags) *outputFlags { return &outputFlags{} }

func buildSinks(of *outputFlags, env *outputEnv) (cameraOutputs, error) {
	return cameraOutputs{}, nil
}
