package snapshot

import (
	"bytes"
	"errors"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/camera"
)

var t0 = time.Date(2026, 11, 27, 0, 1, 2, 123_000_000, time.UTC)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range entries {
		ns = append(ns, e.Name())
	}
	sort.Strings(ns)
	return ns
}

func bytesOf(n int) func(io.Writer) error {
	return func(w io.Writer) error { _, err := w.Write(bytes.Repeat([]byte{'x'}, n)); return err }
}

func TestFileName(t *testing.T) {
	for _, c := range []struct {
		seq   uint64
		label string
		want  string
	}{
		{42, "tabby cat", "20261127T000102.123Z_000000042_tabby_cat.jpg"},
		{7, "", "20261127T000102.123Z_000000007.jpg"},
		{1234567890, "../etc/passwd", "20261127T000102.123Z_1234567890____etc_passwd.jpg"},
		{1, "café", "20261127T000102.123Z_000000001_caf_.jpg"},
	} {
		got := FileName(t0, c.seq, c.label)
		if got != c.want {
			t.Errorf("FileName(%d, %q) = %q, want %q", c.seq, c.label, got, c.want)
		}
		if !namePattern.MatchString(got) {
			t.Errorf("%q does not match the name pattern", got)
		}
	}
}

func TestRetentionByCount(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Config{Dir: dir, MaxFiles: 3})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 1; i <= 5; i++ {
		name := FileName(t0.Add(time.Duration(i)*time.Second), uint64(i), "cat")
		if _, err := s.Save(name, bytesOf(100)); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	if got := names(t, dir); strings.Join(got, " ") != strings.Join(want[2:], " ") {
		t.Errorf("kept %v, want the newest 3 %v", got, want[2:])
	}
	if n, b := s.Usage(); n != 3 || b != 300 {
		t.Errorf("usage %d files %d bytes, want 3 and 300", n, b)
	}
}

func TestRetentionByBytes(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(Config{Dir: dir, MaxBytes: 2500})
	for i := 1; i <= 4; i++ {
		s.Save(FileName(t0.Add(time.Duration(i)*time.Second), uint64(i), ""), bytesOf(1000))
	}
	if n, b := s.Usage(); n != 2 || b != 2000 {
		t.Errorf("usage %d files %d bytes, want 2 files of 1000 under a 2500-byte cap", n, b)
	}
	// A snapshot larger than the whole cap is kept alone.
	s.Save(FileName(t0.Add(time.Minute), 9, ""), bytesOf(4000))
	if got := names(t, dir); len(got) != 1 || !strings.Contains(got[0], "_000000009") {
		t.Errorf("kept %v, want only the 4000-byte newest", got)
	}
}

// Reopening takes stock of earlier snapshots, applies the cap to them,
// removes a crash's temporary file and leaves other files alone.
func TestOpenExistingDirectory(t *testing.T) {
	dir := t.TempDir()
	var old []string
	for i := 1; i <= 4; i++ {
		n := FileName(t0.Add(time.Duration(i)*time.Second), uint64(i), "dog")
		os.WriteFile(filepath.Join(dir, n), make([]byte, 10), 0o644)
		old = append(old, n)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(dir, "holiday.jpg"), []byte("mine too"), 0o644)
	os.WriteFile(filepath.Join(dir, tempPrefix+"123.tmp"), []byte("half"), 0o644)

	s, err := Open(Config{Dir: dir, MaxFiles: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{old[2], old[3], "holiday.jpg", "notes.txt"}
	sort.Strings(want)
	if got := names(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Open: %v, want %v", got, want)
	}
	if n, b := s.Usage(); n != 2 || b != 20 {
		t.Errorf("usage %d, %d", n, b)
	}
}

// A failed write leaves neither the snapshot nor a temporary file.
func TestFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(Config{Dir: dir})
	name := FileName(t0, 1, "cat")
	_, err := s.Save(name, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return errors.New("encoder failed")
	})
	if err == nil || !strings.Contains(err.Error(), "encoder failed") || !strings.Contains(err.Error(), name) {
		t.Fatalf("error %v", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("left %v", got)
	}
	if _, err := s.Save("../x.jpg", bytesOf(1)); err == nil {
		t.Error("a name outside the pattern was accepted")
	}
}

func TestSaverWritesJPEGs(t *testing.T) {
	dir := t.TempDir()
	st, _ := Open(Config{Dir: dir, MaxFiles: 10})
	sv := NewSaver(st, 90, t.Logf)
	const w, h = 64, 48
	pix := make([]byte, w*h*3)
	for i := 0; i < len(pix); i += 3 {
		pix[i], pix[i+1], pix[i+2] = 200, 30, 30 // red
	}
	f := &camera.Frame{Format: camera.RGB24, Width: w, Height: h, Planes: [3][]byte{pix}, Strides: [3]int{w * 3}, Seq: 5, Time: t0}
	if !sv.Offer(f, "cat") {
		t.Fatal("first offer dropped")
	}
	for i := range pix {
		pix[i] = 0 // the saver copied the frame
	}
	sv.Close()
	if saved, dropped, failed := sv.Stats(); saved != 1 || dropped != 0 || failed != 0 {
		t.Fatalf("stats %d %d %d", saved, dropped, failed)
	}
	data, err := os.ReadFile(filepath.Join(dir, FileName(t0, 5, "cat")))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("size %v", b)
	}
	r, g, b, _ := img.At(w/2, h/2).RGBA()
	if r>>8 < 180 || g>>8 > 60 || b>>8 > 60 {
		t.Errorf("centre pixel %d,%d,%d, want about 200,30,30", r>>8, g>>8, b>>8)
	}
}

func TestSaverDropsWhenBusy(t *testing.T) {
	st, _ := Open(Config{Dir: t.TempDir()})
	sv := &Saver{store: st, quality: 80, logf: t.Logf, jobs: make(chan job, 2), free: make(chan *camera.Frame, 2)}
	sv.free <- new(camera.Frame)
	sv.free <- new(camera.Frame)
	// No goroutine runs: two offers take both buffers, the third drops.
	f := &camera.Frame{Format: camera.Gray, Width: 2, Height: 2, Planes: [3][]byte{{1, 2, 3, 4}}, Strides: [3]int{2}}
	got := []bool{sv.Offer(f, "a"), sv.Offer(f, "b"), sv.Offer(f, "c")}
	if !got[0] || !got[1] || got[2] {
		t.Errorf("offers %v, want true true false", got)
	}
	if _, dropped, _ := sv.Stats(); dropped != 1 {
		t.Errorf("dropped %d", dropped)
	}
}
