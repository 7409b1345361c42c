package camera

import (
	"time"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// Result is the classification of one frame, handed to every Sink.
type Result struct {
	Seq  uint64    // the frame's sequence number (Frame.Seq)
	Time time.Time // when the frame was captured (Frame.Time)
	// Top holds the best classes, best first (Pipeline's TopK of them).
	Top     []runtime.Class
	Latency Latency
	Stats   Stats // counters since the pipeline started, this frame included
	// Frame is the classified frame, for sinks that show or save it
	// (Frame.EncodeJPEG, Frame.Image). It is valid only during Publish.
	Frame *Frame
}

// Latency is the time one frame spent in each stage.
type Latency struct {
	Capture    time.Duration // reading (and decoding) the frame from the source
	Preprocess time.Duration // converting, resizing and quantizing into the input tensor
	Infer      time.Duration // Interpreter.Run and top-k
	// EndToEnd runs from the capture timestamp to the end of inference,
	// including the time the frame waited for the interpreter.
	EndToEnd time.Duration
}

// Stats counts what happened to frames since the pipeline started.
type Stats struct {
	Captured   uint64 // frames the source delivered
	Inferred   uint64 // frames classified
	Dropped    uint64 // frames replaced by a newer one before inference took them
	Corrupt    uint64 // frames the source could not decode (bad JPEG, short read), skipped
	Stalls     uint64 // times no frame arrived within the stall timeout
	Reconnects uint64 // times the source was reopened after failing
	SinkErrors uint64 // Publish calls that returned an error
}
