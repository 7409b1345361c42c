// Package camera turns a stream of video frames into classifications:
// a Source delivers frames (V4L2 devices, pipes from rpicam-vid or ffmpeg,
// image folders, MJPEG and raw video files), preprocessing writes each one
// straight into the model's int8 input tensor, and a Pipeline runs the
// interpreter on the newest frame and hands every Result to its Sinks.
//
// Latest-frame semantics. Capture runs on its own goroutine and never
// waits for inference: it fills one of three frame buffers and swaps it
// into a single slot. When inference is slower than the camera, a frame
// still in the slot when the next one arrives is replaced and counted as
// dropped, so a result always describes the newest frame there was when
// inference started, not one queued seconds earlier.
//
// Steady state allocates nothing for raw sources (YUV, RGB), not even at
// the process level: frame buffers, the preprocessing tables and the
// result are made once, and 100 frames in the pipeline settles the Go
// runtime's own lazily grown bookkeeping (threads, sudogs, timer heaps;
// see settleRuntime), so the malloc count then stays still. JPEG decoding
// (MJPEG sources) allocates inside image/jpeg, which cannot decode into a
// reused image: 6 objects, 470 KiB per 640x480 4:2:0 frame
// (BenchmarkDecodeJPEG).
package camera
