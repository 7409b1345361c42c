package camera

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// SourceSyntax documents the --source values Open accepts; the CLI prints
// it in --help.
const SourceSyntax = `  /dev/videoN, v4l2:PATH   a V4L2 camera (USB webcam); --format picks the
                           pixel format (default: the best the device offers),
                           --size the resolution. Reopened with backoff when
                           unplugged.
  pipe:-                   raw or MJPEG frames on stdin
  pipe:COMMAND ARGS...     frames from a command's stdout, run by /bin/sh and
                           restarted with backoff if it exits with --restart;
                           e.g. a Pi CSI camera:
                           pipe:rpicam-vid -t 0 -n --width 640 --height 480 --codec yuv420 -o -
                           (--format yuv420 --size 640x480 --align 64 --range full)
                           pipe:ffmpeg -loglevel error -i URL -f rawvideo -pix_fmt rgb24 -
                           (--format rgb24 --size WxH)
  DIR, dir:DIR             every .jpg/.jpeg/.png/.gif in DIR, in name order
  FILE.mjpeg, mjpeg:FILE   a file of concatenated JPEGs (ffmpeg -f mjpeg)
  FILE.yuv, raw:FILE       a raw video file (--format, --size, --align)
Raw streams carry no header: --format (yuv420, nv12, yuyv, rgb24, bgr24,
gray, mjpeg), --size WxH, --align N (rows padded to N bytes; rpicam-vid
yuv420 uses 64) and --range full|limited (rpicam-vid: full; ffmpeg
yuv420p: limited, yuvj420p: full) describe them.
Raw streams allocate nothing per frame once running. MJPEG frames (mjpeg
streams, .mjpeg files, V4L2 MJPEG) are decoded by Go's image/jpeg, which
cannot reuse an image: each 640x480 4:2:0 frame allocates 6 objects,
470 KiB, which the GC then collects; prefer a raw format where the
camera offers one.`

// Kind is what a --source value names.
type Kind uint8

const (
	KindV4L2 Kind = iota + 1
	KindStdin
	KindCommand
	KindFolder
	KindMJPEGFile
	KindRawFile
)

// Live reports whether frames arrive on their own clock (cameras, pipes),
// so a slow consumer must drop stale ones, rather than when asked (files).
func (k Kind) Live() bool { return k == KindV4L2 || k == KindStdin || k == KindCommand }

// Reopenable reports whether a failed source of this kind is reopened by
// default: a camera that was unplugged. A command that exits may have
// finished on purpose (ffmpeg -frames), so it is restarted only on request
// (the CLI's --restart).
func (k Kind) Reopenable() bool { return k == KindV4L2 }

// ParseSource splits a --source value into its kind and the path or
// command it names.
func ParseSource(spec string) (Kind, string, error) {
	prefix, rest, ok := strings.Cut(spec, ":")
	if ok {
		switch prefix {
		case "v4l2":
			return KindV4L2, rest, nil
		case "pipe":
			if rest == "-" {
				return KindStdin, "", nil
			}
			if strings.TrimSpace(rest) == "" {
				return 0, "", fmt.Errorf("source %q: pipe: needs - (stdin) or a command", spec)
			}
			return KindCommand, rest, nil
		case "dir":
			return KindFolder, rest, nil
		case "mjpeg":
			return KindMJPEGFile, rest, nil
		case "raw":
			return KindRawFile, rest, nil
		}
	}
	switch {
	case spec == "":
		return 0, "", errors.New("no source given (--source)")
	case strings.HasPrefix(spec, "/dev/"):
		return KindV4L2, spec, nil
	}
	switch strings.ToLower(filepath.Ext(spec)) {
	case ".mjpeg", ".mjpg":
		return KindMJPEGFile, spec, nil
	case ".yuv", ".rgb", ".raw", ".nv12", ".gray":
		return KindRawFile, spec, nil
	}
	if st, err := os.Stat(spec); err == nil && st.IsDir() {
		return KindFolder, spec, nil
	}
	return 0, "", fmt.Errorf("source %q: not a device, pipe:, directory, .mjpeg or raw file (see --help)", spec)
}

// Open opens a --source value.
func Open(spec string, o SourceOptions) (Source, error) {
	kind, arg, err := ParseSource(spec)
	if err != nil {
		return nil, err
	}
	var s Source
	switch kind {
	case KindV4L2:
		return OpenV4L2(arg, o)
	case KindStdin:
		s, err = streamSource(pollableStdin(), nil, o)
	case KindCommand:
		s, err = startCommand(arg, o)
	case KindFolder:
		s, err = openImageFolder(arg)
	case KindMJPEGFile, KindRawFile:
		if kind == KindMJPEGFile {
			o.Format = MJPEG
		}
		var f *os.File
		if f, err = os.Open(arg); err == nil {
			if s, err = streamSource(f, f.Close, o); err != nil {
				f.Close()
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("source %q: %w", spec, err)
	}
	if !kind.Live() && (o.Loop || o.FPS > 0) {
		plain := o
		plain.Loop, plain.FPS = false, 0
		s = Paced(s, o.FPS, o.Loop, func() (Source, error) { return Open(spec, plain) })
	}
	return s, nil
}

// Paced delivers a finite source's frames at most fps a second (0: no
// limit) and, with loop, starts it over through reopen at its end.
func Paced(s Source, fps float64, loop bool, reopen func() (Source, error)) Source {
	return &fileSource{Source: s, reopen: reopen, loop: loop, pace: newPacer(fps)}
}

// streamSource reads raw or MJPEG frames from r.
func streamSource(r io.Reader, close func() error, o SourceOptions) (Source, error) {
	if o.Format == MJPEG {
		return newMJPEGReader(r, close), nil
	}
	if o.Format == 0 {
		return nil, errors.New("a raw stream needs its pixel format (--format)")
	}
	l, err := newRawLayout(o)
	if err != nil {
		return nil, err
	}
	rr := &rawReader{r: r, layout: l, rng: o.Range}
	if close != nil {
		return &closingSource{Source: rr, close: close}, nil
	}
	return rr, nil
}

type closingSource struct {
	Source
	close func() error
}

func (s *closingSource) Close() error { return s.close() }

// fileSource paces a file source and restarts it at its end.
type fileSource struct {
	Source
	reopen func() (Source, error)
	loop   bool
	pace   pacer
}

func (s *fileSource) ReadFrame(f *Frame) error {
	s.pace.wait()
	err := s.Source.ReadFrame(f)
	if err == io.EOF && s.loop {
		s.Source.Close()
		if s.Source, err = s.reopen(); err != nil {
			return err
		}
		return s.Source.ReadFrame(f)
	}
	return err
}

// commandSource runs a shell command and reads frames from its stdout.
type commandSource struct {
	Source
	cmd  *exec.Cmd
	once sync.Once
}

func startCommand(command string, o SourceOptions) (Source, error) {
	cmd := shellCommand(command)
	cmd.Stderr = o.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s, err := streamSource(out, nil, o)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return &commandSource{Source: s, cmd: cmd}, nil
}

// Close stops the command (on Unix SIGTERM to its process group, SIGKILL
// after a second) and reaps it.
func (s *commandSource) Close() error {
	s.once.Do(func() { stopCommand(s.cmd) })
	return nil
}

// pollableStdin returns stdin switched to non-blocking mode, so reads
// wait in Go's network poller instead of blocking an OS thread (the
// runtime would start threads to replace blocked ones, which allocates),
// and Close can interrupt a read at shutdown. If the switch fails it is
// plain os.Stdin. Only a pipe is switched: the flag belongs to the open
// file, which for a terminal the shell shares.
func pollableStdin() *os.File {
	st, err := os.Stdin.Stat()
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 || syscall.SetNonblock(0, true) != nil {
		return os.Stdin
	}
	return os.NewFile(0, "stdin")
}
