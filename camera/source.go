package camera

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// A Source delivers frames. ReadFrame blocks until the next frame is
// there and fills f with it, reusing f's memory (f.store) so a steady
// stream of same-sized raw frames allocates nothing. It sets every field
// but Seq, which the pipeline numbers.
//
// Errors tell the pipeline what to do next:
//   - io.EOF: the source has ended (a file, a closed pipe); stop.
//   - an error wrapping ErrCorruptFrame: this frame was bad and skipped
//     (an undecodable JPEG, a truncated read); count it and read on.
//   - anything else: the source failed (an unplugged camera, a crashed
//     command); the pipeline closes it and, for sources that can be
//     reopened, opens it again with backoff.
//
// Close releases the source and makes a blocked ReadFrame return where the
// platform allows (pipes, devices); it may be called from another
// goroutine.
type Source interface {
	ReadFrame(f *Frame) error
	Close() error
}

// ErrCorruptFrame marks a frame a source could not read or decode.
var ErrCorruptFrame = errors.New("corrupt frame")

// corruptf returns an error wrapping ErrCorruptFrame.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorruptFrame, fmt.Sprintf(format, args...))
}

// SourceOptions describe raw streams (which carry no header) and pace
// files.
type SourceOptions struct {
	// Format is the stream's encoding for pipes and raw files: a raw
	// PixelFormat or MJPEG. V4L2 devices take it as the preferred format.
	Format PixelFormat
	// Width and Height are the frame size of raw streams; V4L2 devices take
	// them as the requested size (0: the driver's current one).
	Width, Height int
	// Align pads every row of a raw frame to a multiple of Align bytes:
	// rpicam-vid --codec yuv420 writes Y rows aligned to 64 and chroma rows
	// of half that stride. 0 or 1: no padding.
	Align int
	// Range is the sample range of raw YUV streams: full for rpicam-vid,
	// limited for ffmpeg's yuv420p (ffmpeg's yuvj420p is full).
	Range YUVRange
	// FPS paces files and image folders (0: as fast as they are taken).
	FPS float64
	// Loop restarts files and image folders at their end.
	Loop bool
	// Stderr receives a pipe command's stderr (nil: discarded). Unless it
	// is an *os.File, os/exec writes to it from a goroutine of its own, so
	// it must be safe for that if the caller writes to it too.
	Stderr io.Writer
}

// pacer sleeps so that frames come at most fps per second.
type pacer struct {
	interval time.Duration
	next     time.Time
}

func newPacer(fps float64) pacer {
	if fps <= 0 {
		return pacer{}
	}
	return pacer{interval: time.Duration(float64(time.Second) / fps)}
}

func (p *pacer) wait() {
	if p.interval == 0 {
		return
	}
	now := time.Now()
	if p.next.IsZero() || now.Sub(p.next) > p.interval {
		p.next = now // first frame, or fell behind: restart the schedule
	}
	if d := p.next.Sub(now); d > 0 {
		time.Sleep(d)
	}
	p.next = p.next.Add(p.interval)
}
