// Package snapshot saves JPEG snapshots of frames into a directory with a
// retention cap on the number of files and on their total size, deleting
// the oldest first. Every file appears whole or not at all: it is written
// under a temporary name, synced and renamed.
package snapshot

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config sets where snapshots go and how many stay.
type Config struct {
	Dir string
	// MaxFiles caps the number of snapshots kept (0: no cap).
	MaxFiles int
	// MaxBytes caps their total size (0: no cap). The newest snapshot is
	// kept even when it alone exceeds the cap.
	MaxBytes int64
}

// Store is a directory of snapshots. Its methods are safe for concurrent
// use.
type Store struct {
	cfg   Config
	mu    sync.Mutex
	files []file // oldest first
	bytes int64
}

type file struct {
	name string
	size int64
}

// tempPrefix starts the names of files being written; Open removes
// leftovers of a crash.
const tempPrefix = ".snapshot-"

// namePattern matches the names FileName makes. Open and the retention cap
// count and delete only these, never other files in the directory.
var namePattern = regexp.MustCompile(`^\d{8}T\d{6}\.\d{3}Z_\d{9,}(_[A-Za-z0-9_-]*)?\.jpg$`)

// FileName names a snapshot of frame seq captured at t, showing label:
// "20261127T000102.123Z_000000042_tabby_cat.jpg". Names sort by time.
// Characters of label other than letters, digits, '_' and '-' become '_'.
func FileName(t time.Time, seq uint64, label string) string {
	var b strings.Builder
	b.WriteString(t.UTC().Format("20060102T150405.000Z"))
	fmt.Fprintf(&b, "_%09d", seq)
	if label != "" {
		b.WriteByte('_')
		for i, r := range label {
			if i >= 40 {
				break
			}
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
	}
	b.WriteString(".jpg")
	return b.String()
}

// Open creates cfg.Dir if needed, removes temporary files left by a crash,
// takes stock of the snapshots already there and applies the caps.
func Open(cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, errors.New("snapshot: no directory")
	}
	if cfg.MaxFiles < 0 || cfg.MaxBytes < 0 {
		return nil, fmt.Errorf("snapshot: negative cap (%d files, %d bytes)", cfg.MaxFiles, cfg.MaxBytes)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	entries, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	s := &Store{cfg: cfg}
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular():
		case strings.HasPrefix(name, tempPrefix):
			os.Remove(filepath.Join(cfg.Dir, name))
		case namePattern.MatchString(name):
			info, err := e.Info()
			if err != nil {
				continue // deleted meanwhile
			}
			s.files = append(s.files, file{name, info.Size()})
			s.bytes += info.Size()
		}
	}
	sort.Slice(s.files, func(i, j int) bool { return s.files[i].name < s.files[j].name })
	s.mu.Lock()
	err = s.prune()
	s.mu.Unlock()
	return s, err
}

// Save writes a snapshot called name (from FileName) with write, then
// deletes the oldest snapshots beyond the caps. It returns the file's path.
func (s *Store) Save(name string, write func(io.Writer) error) (string, error) {
	if !namePattern.MatchString(name) {
		return "", fmt.Errorf("snapshot: %q is not a snapshot name (see FileName)", name)
	}
	path := filepath.Join(s.cfg.Dir, name)
	size, err := writeAtomic(s.cfg.Dir, path, write)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files = append(s.files, file{name, size})
	s.bytes += size
	// Keep the order if a clock step made this name sort earlier.
	sort.SliceStable(s.files, func(i, j int) bool { return s.files[i].name < s.files[j].name })
	return path, s.prune()
}

// writeAtomic writes a temporary file in dir, syncs it, renames it to path
// and syncs dir, so that a crash leaves the old state or the whole file.
func writeAtomic(dir, path string, write func(io.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(dir, tempPrefix+"*.tmp")
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	fail := func(err error) (int64, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return 0, fmt.Errorf("snapshot: %s: %w", filepath.Base(path), err)
	}
	if err := write(tmp); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	info, err := tmp.Stat()
	if err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return info.Size(), nil
}

// prune deletes the oldest snapshots until the caps hold, keeping the
// newest. s.mu must be held.
func (s *Store) prune() error {
	var errs []error
	for len(s.files) > 1 && (s.cfg.MaxFiles > 0 && len(s.files) > s.cfg.MaxFiles || s.cfg.MaxBytes > 0 && s.bytes > s.cfg.MaxBytes) {
		old := s.files[0]
		if err := os.Remove(filepath.Join(s.cfg.Dir, old.name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("snapshot: %w", err))
		}
		s.files = s.files[1:]
		s.bytes -= old.size
	}
	return errors.Join(errs...)
}

// Usage returns the number of snapshots kept and their total size.
func (s *Store) Usage() (files int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files), s.bytes
}
